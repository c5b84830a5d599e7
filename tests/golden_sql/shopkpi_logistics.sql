-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(c0), '') AS order_id,
    nullif(trim(c1), '') AS coordinator_id,
    nullif(trim(c2), '') AS shipped_at,
    nullif(trim(c3), '') AS promised_at,
    nullif(trim(c4), '') AS delivered_at,
    nullif(trim(c5), '') AS order_shop,
    CASE WHEN contains(c0, chr(0)) THEN '订单编号' WHEN contains(c1, chr(0)) THEN '物流协调员' WHEN contains(c2, chr(0)) THEN '发货时间' WHEN contains(c3, chr(0)) THEN '承诺送达日期' WHEN contains(c4, chr(0)) THEN '签收时间' WHEN contains(c5, chr(0)) THEN '店铺' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(shipped_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_shipped_at,
    try_strptime(promised_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_promised_at,
    try_strptime(delivered_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_delivered_at
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_shipped_at IS NULL THEN shipped_at END AS shipped_at,
    CASE WHEN _t_promised_at IS NULL THEN promised_at END AS promised_at,
    CASE WHEN _t_delivered_at IS NULL THEN delivered_at END AS delivered_at)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(order_id = '订单编号', false) AS INTEGER) + CAST(coalesce(coordinator_id = '物流协调员', false) AS INTEGER) + CAST(coalesce(shipped_at = '发货时间', false) AS INTEGER) + CAST(coalesce(promised_at = '承诺送达日期', false) AS INTEGER) + CAST(coalesce(delivered_at = '签收时间', false) AS INTEGER) + CAST(coalesce(order_shop = '店铺', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((order_id IS NULL), false) OR coalesce((coordinator_id IS NULL), false) OR coalesce((shipped_at IS NOT NULL AND _t_shipped_at IS NULL), false) OR coalesce((promised_at IS NOT NULL AND _t_promised_at IS NULL), false) OR coalesce((delivered_at IS NOT NULL AND _t_delivered_at IS NULL), false) OR coalesce((order_id IS NOT NULL AND CASE WHEN nullif(trim(order_shop), '') IS NULL THEN order_id NOT IN (SELECT order_id FROM raw.orders WHERE month = '2024-03') ELSE (nullif(trim(order_shop), '') || chr(31) || order_id) NOT IN (SELECT shop_id || chr(31) || order_id FROM raw.orders WHERE month = '2024-03') END), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'logistics', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '订单编号' WHEN column_name = 'c1' THEN '物流协调员' WHEN column_name = 'c2' THEN '发货时间' WHEN column_name = 'c3' THEN '承诺送达日期' WHEN column_name = 'c4' THEN '签收时间' WHEN column_name = 'c5' THEN '店铺' END, column_name),
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

-- checked
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(order_id = '订单编号', false) AS INTEGER) + CAST(coalesce(coordinator_id = '物流协调员', false) AS INTEGER) + CAST(coalesce(shipped_at = '发货时间', false) AS INTEGER) + CAST(coalesce(promised_at = '承诺送达日期', false) AS INTEGER) + CAST(coalesce(delivered_at = '签收时间', false) AS INTEGER) + CAST(coalesce(order_shop = '店铺', false) AS INTEGER)) >= 2 THEN '订单编号' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN order_id IS NULL THEN '订单编号' WHEN coordinator_id IS NULL THEN '物流协调员' WHEN shipped_at IS NOT NULL AND _t_shipped_at IS NULL THEN '发货时间' WHEN promised_at IS NOT NULL AND _t_promised_at IS NULL THEN '承诺送达日期' WHEN delivered_at IS NOT NULL AND _t_delivered_at IS NULL THEN '签收时间' WHEN order_id IS NOT NULL AND CASE WHEN nullif(trim(order_shop), '') IS NULL THEN order_id NOT IN (SELECT order_id FROM raw.orders WHERE month = '2024-03') ELSE (nullif(trim(order_shop), '') || chr(31) || order_id) NOT IN (SELECT shop_id || chr(31) || order_id FROM raw.orders WHERE month = '2024-03') END THEN '订单编号' END END AS _bad_column, CASE WHEN (CAST(coalesce(order_id = '订单编号', false) AS INTEGER) + CAST(coalesce(coordinator_id = '物流协调员', false) AS INTEGER) + CAST(coalesce(shipped_at = '发货时间', false) AS INTEGER) + CAST(coalesce(promised_at = '承诺送达日期', false) AS INTEGER) + CAST(coalesce(delivered_at = '签收时间', false) AS INTEGER) + CAST(coalesce(order_shop = '店铺', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN order_id IS NULL THEN '订单编号: empty value' END, CASE WHEN coordinator_id IS NULL THEN '物流协调员: empty value' END, CASE WHEN shipped_at IS NOT NULL AND _t_shipped_at IS NULL THEN '发货时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(shipped_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN promised_at IS NOT NULL AND _t_promised_at IS NULL THEN '承诺送达日期: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(promised_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN delivered_at IS NOT NULL AND _t_delivered_at IS NULL THEN '签收时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(delivered_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN order_id IS NOT NULL AND CASE WHEN nullif(trim(order_shop), '') IS NULL THEN order_id NOT IN (SELECT order_id FROM raw.orders WHERE month = '2024-03') ELSE (nullif(trim(order_shop), '') || chr(31) || order_id) NOT IN (SELECT shop_id || chr(31) || order_id FROM raw.orders WHERE month = '2024-03') END THEN '订单编号: no loaded order with this id in the 2024-03 order reports of the shops' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'logistics', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.logistics (month, source_file, source_row, platform, shop_id, order_id, coordinator_id, shipped_at, promised_at, delivered_at, order_shop)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'any', 'shop_a', order_id, coordinator_id, _t_shipped_at, _t_promised_at, _t_delivered_at, order_shop
FROM _checked WHERE NOT _bad AND NOT _summary;

