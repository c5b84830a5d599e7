-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR', 'c6': 'VARCHAR', 'c7': 'VARCHAR', 'c8': 'VARCHAR', 'c9': 'VARCHAR', 'c10': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(CASE trim(CASE WHEN contains(c0, '=') OR contains(c0, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c0), '="') THEN regexp_extract(c0, '^\s*="(.*)"\s*$', 1) ELSE c0 END, chr(9) || ' ') ELSE c0 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c0, '=') OR contains(c0, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c0), '="') THEN regexp_extract(c0, '^\s*="(.*)"\s*$', 1) ELSE c0 END, chr(9) || ' ') ELSE c0 END END), '') AS erp_order_id,
    nullif(trim(CASE trim(CASE WHEN contains(c1, '=') OR contains(c1, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c1), '="') THEN regexp_extract(c1, '^\s*="(.*)"\s*$', 1) ELSE c1 END, chr(9) || ' ') ELSE c1 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c1, '=') OR contains(c1, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c1), '="') THEN regexp_extract(c1, '^\s*="(.*)"\s*$', 1) ELSE c1 END, chr(9) || ' ') ELSE c1 END END), '') AS order_id,
    nullif(trim(CASE trim(CASE WHEN contains(c2, '=') OR contains(c2, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c2), '="') THEN regexp_extract(c2, '^\s*="(.*)"\s*$', 1) ELSE c2 END, chr(9) || ' ') ELSE c2 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c2, '=') OR contains(c2, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c2), '="') THEN regexp_extract(c2, '^\s*="(.*)"\s*$', 1) ELSE c2 END, chr(9) || ' ') ELSE c2 END END), '') AS shop_name,
    nullif(trim(CASE trim(CASE WHEN contains(c3, '=') OR contains(c3, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c3), '="') THEN regexp_extract(c3, '^\s*="(.*)"\s*$', 1) ELSE c3 END, chr(9) || ' ') ELSE c3 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c3, '=') OR contains(c3, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c3), '="') THEN regexp_extract(c3, '^\s*="(.*)"\s*$', 1) ELSE c3 END, chr(9) || ' ') ELSE c3 END END), '') AS paid_at,
    nullif(trim(CASE trim(CASE WHEN contains(c4, '=') OR contains(c4, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c4), '="') THEN regexp_extract(c4, '^\s*="(.*)"\s*$', 1) ELSE c4 END, chr(9) || ' ') ELSE c4 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c4, '=') OR contains(c4, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c4), '="') THEN regexp_extract(c4, '^\s*="(.*)"\s*$', 1) ELSE c4 END, chr(9) || ' ') ELSE c4 END END), '') AS promised_ship_at,
    nullif(trim(CASE trim(CASE WHEN contains(c5, '=') OR contains(c5, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c5), '="') THEN regexp_extract(c5, '^\s*="(.*)"\s*$', 1) ELSE c5 END, chr(9) || ' ') ELSE c5 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c5, '=') OR contains(c5, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c5), '="') THEN regexp_extract(c5, '^\s*="(.*)"\s*$', 1) ELSE c5 END, chr(9) || ' ') ELSE c5 END END), '') AS shipped_at,
    nullif(trim(CASE trim(CASE WHEN contains(c6, '=') OR contains(c6, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c6), '="') THEN regexp_extract(c6, '^\s*="(.*)"\s*$', 1) ELSE c6 END, chr(9) || ' ') ELSE c6 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c6, '=') OR contains(c6, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c6), '="') THEN regexp_extract(c6, '^\s*="(.*)"\s*$', 1) ELSE c6 END, chr(9) || ' ') ELSE c6 END END), '') AS promised_delivery_at,
    nullif(trim(CASE trim(CASE WHEN contains(c7, '=') OR contains(c7, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c7), '="') THEN regexp_extract(c7, '^\s*="(.*)"\s*$', 1) ELSE c7 END, chr(9) || ' ') ELSE c7 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c7, '=') OR contains(c7, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c7), '="') THEN regexp_extract(c7, '^\s*="(.*)"\s*$', 1) ELSE c7 END, chr(9) || ' ') ELSE c7 END END), '') AS received_at,
    nullif(trim(CASE trim(CASE WHEN contains(c8, '=') OR contains(c8, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c8), '="') THEN regexp_extract(c8, '^\s*="(.*)"\s*$', 1) ELSE c8 END, chr(9) || ' ') ELSE c8 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c8, '=') OR contains(c8, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c8), '="') THEN regexp_extract(c8, '^\s*="(.*)"\s*$', 1) ELSE c8 END, chr(9) || ' ') ELSE c8 END END), '') AS carrier,
    nullif(trim(CASE trim(CASE WHEN contains(c9, '=') OR contains(c9, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c9), '="') THEN regexp_extract(c9, '^\s*="(.*)"\s*$', 1) ELSE c9 END, chr(9) || ' ') ELSE c9 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c9, '=') OR contains(c9, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c9), '="') THEN regexp_extract(c9, '^\s*="(.*)"\s*$', 1) ELSE c9 END, chr(9) || ' ') ELSE c9 END END), '') AS status,
    nullif(trim(CASE trim(CASE WHEN contains(c10, '=') OR contains(c10, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c10), '="') THEN regexp_extract(c10, '^\s*="(.*)"\s*$', 1) ELSE c10 END, chr(9) || ' ') ELSE c10 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c10, '=') OR contains(c10, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c10), '="') THEN regexp_extract(c10, '^\s*="(.*)"\s*$', 1) ELSE c10 END, chr(9) || ' ') ELSE c10 END END), '') AS order_type,
    CASE WHEN contains(c0, chr(0)) THEN '内部订单号' WHEN contains(c1, chr(0)) THEN '线上订单号' WHEN contains(c2, chr(0)) THEN '店铺名称' WHEN contains(c3, chr(0)) THEN '付款日期' WHEN contains(c4, chr(0)) THEN '计划发货时间' WHEN contains(c5, chr(0)) THEN '发货日期' WHEN contains(c6, chr(0)) THEN '承诺送达时间' WHEN contains(c7, chr(0)) THEN '确认收货时间' WHEN contains(c8, chr(0)) THEN '快递公司' WHEN contains(c9, chr(0)) THEN '状态' WHEN contains(c10, chr(0)) THEN '订单类型' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(paid_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_paid_at,
    try_strptime(promised_ship_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_promised_ship_at,
    try_strptime(shipped_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_shipped_at,
    try_strptime(promised_delivery_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_promised_delivery_at,
    try_strptime(received_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_received_at
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_paid_at IS NULL THEN paid_at END AS paid_at,
    CASE WHEN _t_promised_ship_at IS NULL THEN promised_ship_at END AS promised_ship_at,
    CASE WHEN _t_shipped_at IS NULL THEN shipped_at END AS shipped_at,
    CASE WHEN _t_promised_delivery_at IS NULL THEN promised_delivery_at END AS promised_delivery_at,
    CASE WHEN _t_received_at IS NULL THEN received_at END AS received_at)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(erp_order_id = '内部订单号', false) AS INTEGER) + CAST(coalesce(order_id = '线上订单号', false) AS INTEGER) + CAST(coalesce(shop_name = '店铺名称', false) AS INTEGER) + CAST(coalesce(paid_at = '付款日期', false) AS INTEGER) + CAST(coalesce(promised_ship_at = '计划发货时间', false) AS INTEGER) + CAST(coalesce(shipped_at = '发货日期', false) AS INTEGER) + CAST(coalesce(promised_delivery_at = '承诺送达时间', false) AS INTEGER) + CAST(coalesce(received_at = '确认收货时间', false) AS INTEGER) + CAST(coalesce(carrier = '快递公司', false) AS INTEGER) + CAST(coalesce(status = '状态', false) AS INTEGER) + CAST(coalesce(order_type = '订单类型', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((erp_order_id IS NULL), false) OR coalesce((shop_name IS NULL), false) OR coalesce((paid_at IS NULL AND _t_paid_at IS NULL), false) OR coalesce((paid_at IS NOT NULL AND _t_paid_at IS NULL), false) OR coalesce((promised_ship_at IS NOT NULL AND _t_promised_ship_at IS NULL), false) OR coalesce((shipped_at IS NOT NULL AND _t_shipped_at IS NULL), false) OR coalesce((promised_delivery_at IS NOT NULL AND _t_promised_delivery_at IS NULL), false) OR coalesce((received_at IS NOT NULL AND _t_received_at IS NULL), false) OR coalesce((_t_paid_at IS NOT NULL AND NOT (_t_paid_at >= TIMESTAMP '2024-03-01' AND _t_paid_at < TIMESTAMP '2024-04-01')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'shipments', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '内部订单号' WHEN column_name = 'c1' THEN '线上订单号' WHEN column_name = 'c2' THEN '店铺名称' WHEN column_name = 'c3' THEN '付款日期' WHEN column_name = 'c4' THEN '计划发货时间' WHEN column_name = 'c5' THEN '发货日期' WHEN column_name = 'c6' THEN '承诺送达时间' WHEN column_name = 'c7' THEN '确认收货时间' WHEN column_name = 'c8' THEN '快递公司' WHEN column_name = 'c9' THEN '状态' WHEN column_name = 'c10' THEN '订单类型' END, column_name),
       CASE WHEN contains(error_type, 'INVALID ENCODING') THEN 'undecodable bytes: not valid UTF-8'
            ELSE 'unreadable row (' || error_type || '): ' || message END
FROM _rejected;

-- numbered, without rejects
CREATE TEMP VIEW _numbered AS SELECT s.*, s.rowid - (SELECT min(rowid) FROM _stage) + 1 AS source_row FROM _stage s;

-- numbered, with rejects
CREATE TEMP TABLE _numbered AS
WITH rejected_gaps AS (
  SELECT data_row - row_number() OVER (ORDER BY data_row) AS parsed_before,
         row_number() OVER (ORDER BY data_row) AS rejected_so_far FROM _rejected
), parsed AS (
  SELECT s.*, s.rowid - (SELECT min(rowid) FROM _stage) + 1 AS parsed_row FROM _stage s
)
SELECT p.* EXCLUDE (parsed_row), p.parsed_row + coalesce((SELECT max(g.rejected_so_far)
       FROM rejected_gaps g WHERE g.parsed_before < p.parsed_row), 0) AS source_row
FROM parsed p;

-- disagreeing lines
CREATE OR REPLACE TEMP TABLE _disagreeing AS
SELECT erp_order_id AS _order_key,
       concat_ws(', ', CASE WHEN count(DISTINCT coalesce(CAST(shop_name AS VARCHAR), chr(1))) > 1 THEN '店铺名称' END, CASE WHEN count(DISTINCT coalesce(CAST(_t_paid_at AS VARCHAR), chr(1))) > 1 THEN '付款日期' END, CASE WHEN count(DISTINCT coalesce(CAST(_t_shipped_at AS VARCHAR), chr(1))) > 1 THEN '发货日期' END) AS _columns
FROM _numbered WHERE NOT _bad AND NOT _summary GROUP BY erp_order_id
HAVING count(DISTINCT coalesce(CAST(shop_name AS VARCHAR), chr(1))) > 1 OR count(DISTINCT coalesce(CAST(_t_paid_at AS VARCHAR), chr(1))) > 1 OR count(DISTINCT coalesce(CAST(_t_shipped_at AS VARCHAR), chr(1))) > 1;

-- checked
CREATE TEMP VIEW _checked AS SELECT n.* REPLACE (n._bad OR d._order_key IS NOT NULL AS _bad), CASE WHEN n._bad THEN CASE WHEN (CAST(coalesce(erp_order_id = '内部订单号', false) AS INTEGER) + CAST(coalesce(order_id = '线上订单号', false) AS INTEGER) + CAST(coalesce(shop_name = '店铺名称', false) AS INTEGER) + CAST(coalesce(paid_at = '付款日期', false) AS INTEGER) + CAST(coalesce(promised_ship_at = '计划发货时间', false) AS INTEGER) + CAST(coalesce(shipped_at = '发货日期', false) AS INTEGER) + CAST(coalesce(promised_delivery_at = '承诺送达时间', false) AS INTEGER) + CAST(coalesce(received_at = '确认收货时间', false) AS INTEGER) + CAST(coalesce(carrier = '快递公司', false) AS INTEGER) + CAST(coalesce(status = '状态', false) AS INTEGER) + CAST(coalesce(order_type = '订单类型', false) AS INTEGER)) >= 2 THEN '内部订单号' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN erp_order_id IS NULL THEN '内部订单号' WHEN shop_name IS NULL THEN '店铺名称' WHEN paid_at IS NULL AND _t_paid_at IS NULL THEN '付款日期' WHEN paid_at IS NOT NULL AND _t_paid_at IS NULL THEN '付款日期' WHEN promised_ship_at IS NOT NULL AND _t_promised_ship_at IS NULL THEN '计划发货时间' WHEN shipped_at IS NOT NULL AND _t_shipped_at IS NULL THEN '发货日期' WHEN promised_delivery_at IS NOT NULL AND _t_promised_delivery_at IS NULL THEN '承诺送达时间' WHEN received_at IS NOT NULL AND _t_received_at IS NULL THEN '确认收货时间' WHEN _t_paid_at IS NOT NULL AND NOT (_t_paid_at >= TIMESTAMP '2024-03-01' AND _t_paid_at < TIMESTAMP '2024-04-01') THEN '付款日期' END END ELSE split_part(d._columns, ', ', 1) END AS _bad_column, CASE WHEN n._bad THEN CASE WHEN (CAST(coalesce(erp_order_id = '内部订单号', false) AS INTEGER) + CAST(coalesce(order_id = '线上订单号', false) AS INTEGER) + CAST(coalesce(shop_name = '店铺名称', false) AS INTEGER) + CAST(coalesce(paid_at = '付款日期', false) AS INTEGER) + CAST(coalesce(promised_ship_at = '计划发货时间', false) AS INTEGER) + CAST(coalesce(shipped_at = '发货日期', false) AS INTEGER) + CAST(coalesce(promised_delivery_at = '承诺送达时间', false) AS INTEGER) + CAST(coalesce(received_at = '确认收货时间', false) AS INTEGER) + CAST(coalesce(carrier = '快递公司', false) AS INTEGER) + CAST(coalesce(status = '状态', false) AS INTEGER) + CAST(coalesce(order_type = '订单类型', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN erp_order_id IS NULL THEN '内部订单号: empty value' END, CASE WHEN shop_name IS NULL THEN '店铺名称: empty value' END, CASE WHEN paid_at IS NULL AND _t_paid_at IS NULL THEN '付款日期: empty value' END, CASE WHEN paid_at IS NOT NULL AND _t_paid_at IS NULL THEN '付款日期: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(paid_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN promised_ship_at IS NOT NULL AND _t_promised_ship_at IS NULL THEN '计划发货时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(promised_ship_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN shipped_at IS NOT NULL AND _t_shipped_at IS NULL THEN '发货日期: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(shipped_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN promised_delivery_at IS NOT NULL AND _t_promised_delivery_at IS NULL THEN '承诺送达时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(promised_delivery_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN received_at IS NOT NULL AND _t_received_at IS NULL THEN '确认收货时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(received_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN _t_paid_at IS NOT NULL AND NOT (_t_paid_at >= TIMESTAMP '2024-03-01' AND _t_paid_at < TIMESTAMP '2024-04-01') THEN '付款日期 ' || strftime(_t_paid_at, '%Y-%m-%d %H:%M') || ' is outside partition month 2024-03' END) END ELSE '内部订单号' || ' ' || d._order_key || ': its lines disagree on ' || d._columns || ' (one value per order expected)' END AS _reason FROM _numbered AS n LEFT JOIN _disagreeing AS d ON n.erp_order_id = d._order_key;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'shipments', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.shipments (month, source_file, source_row, platform, shop_id, erp_order_id, order_id, shop_name, paid_at, promised_ship_at, shipped_at, promised_delivery_at, received_at, carrier, status, order_type)
SELECT '2024-03', 'shop_a/export.csv', min(source_row), 'any', 'shop_a', arg_min(erp_order_id, source_row), arg_min(order_id, source_row), arg_min(shop_name, source_row), arg_min(_t_paid_at, source_row), arg_min(_t_promised_ship_at, source_row), arg_min(_t_shipped_at, source_row), arg_min(_t_promised_delivery_at, source_row), arg_min(_t_received_at, source_row), arg_min(carrier, source_row), arg_min(status, source_row), arg_min(order_type, source_row)
FROM _checked WHERE NOT _bad AND NOT _summary GROUP BY erp_order_id;

