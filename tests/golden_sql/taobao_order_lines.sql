-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR', 'c6': 'VARCHAR', 'c7': 'VARCHAR', 'c8': 'VARCHAR', 'c9': 'VARCHAR', 'c10': 'VARCHAR', 'c11': 'VARCHAR', 'c12': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(CASE WHEN contains(c0, '=') THEN CASE WHEN starts_with(ltrim(c0), '="') THEN regexp_extract(c0, '^\s*="(.*)"\s*$', 1) ELSE c0 END ELSE c0 END), '') AS order_id,
    nullif(trim(CASE WHEN contains(c1, '=') THEN CASE WHEN starts_with(ltrim(c1), '="') THEN regexp_extract(c1, '^\s*="(.*)"\s*$', 1) ELSE c1 END ELSE c1 END), '') AS item_title,
    nullif(trim(CASE WHEN contains(c2, '=') OR contains(c2, '¥') OR contains(c2, '元') OR contains(c2, '￥') THEN regexp_replace(regexp_replace(CASE WHEN starts_with(ltrim(c2), '="') THEN regexp_extract(c2, '^\s*="(.*)"\s*$', 1) ELSE c2 END, '元\s*$', ''), '^\s*[¥￥]\s*', '') ELSE c2 END), '') AS unit_price,
    nullif(trim(CASE WHEN contains(c3, '=') THEN CASE WHEN starts_with(ltrim(c3), '="') THEN regexp_extract(c3, '^\s*="(.*)"\s*$', 1) ELSE c3 END ELSE c3 END), '') AS quantity,
    nullif(trim(CASE WHEN contains(c4, '=') THEN CASE WHEN starts_with(ltrim(c4), '="') THEN regexp_extract(c4, '^\s*="(.*)"\s*$', 1) ELSE c4 END ELSE c4 END), '') AS external_code,
    nullif(trim(CASE WHEN contains(c5, '=') THEN CASE WHEN starts_with(ltrim(c5), '="') THEN regexp_extract(c5, '^\s*="(.*)"\s*$', 1) ELSE c5 END ELSE c5 END), '') AS sku_properties,
    nullif(trim(CASE WHEN contains(c6, '=') THEN CASE WHEN starts_with(ltrim(c6), '="') THEN regexp_extract(c6, '^\s*="(.*)"\s*$', 1) ELSE c6 END ELSE c6 END), '') AS bundle_info,
    nullif(trim(CASE WHEN contains(c8, '=') THEN CASE WHEN starts_with(ltrim(c8), '="') THEN regexp_extract(c8, '^\s*="(.*)"\s*$', 1) ELSE c8 END ELSE c8 END), '') AS line_status,
    nullif(trim(CASE WHEN contains(c9, '=') THEN CASE WHEN starts_with(ltrim(c9), '="') THEN regexp_extract(c9, '^\s*="(.*)"\s*$', 1) ELSE c9 END ELSE c9 END), '') AS merchant_code,
    nullif(trim(CASE WHEN contains(c10, '=') THEN CASE WHEN starts_with(ltrim(c10), '="') THEN regexp_extract(c10, '^\s*="(.*)"\s*$', 1) ELSE c10 END ELSE c10 END), '') AS sub_order_id,
    nullif(trim(CASE WHEN contains(c11, '=') THEN CASE WHEN starts_with(ltrim(c11), '="') THEN regexp_extract(c11, '^\s*="(.*)"\s*$', 1) ELSE c11 END ELSE c11 END), '') AS item_id,
    nullif(trim(CASE trim(CASE WHEN contains(c12, '=') OR contains(c12, '¥') OR contains(c12, '元') OR contains(c12, '￥') THEN regexp_replace(regexp_replace(CASE WHEN starts_with(ltrim(c12), '="') THEN regexp_extract(c12, '^\s*="(.*)"\s*$', 1) ELSE c12 END, '元\s*$', ''), '^\s*[¥￥]\s*', '') ELSE c12 END) WHEN '无退款申请' THEN '0' ELSE CASE WHEN contains(c12, '=') OR contains(c12, '¥') OR contains(c12, '元') OR contains(c12, '￥') THEN regexp_replace(regexp_replace(CASE WHEN starts_with(ltrim(c12), '="') THEN regexp_extract(c12, '^\s*="(.*)"\s*$', 1) ELSE c12 END, '元\s*$', ''), '^\s*[¥￥]\s*', '') ELSE c12 END END), '') AS refund_amount,
    CASE WHEN contains(c0, chr(0)) THEN '订单编号' WHEN contains(c1, chr(0)) THEN '标题' WHEN contains(c2, chr(0)) THEN '价格' WHEN contains(c3, chr(0)) THEN '购买数量' WHEN contains(c4, chr(0)) THEN '外部系统编号' WHEN contains(c5, chr(0)) THEN '商品属性' WHEN contains(c6, chr(0)) THEN '套餐信息' WHEN contains(c8, chr(0)) THEN '订单状态' WHEN contains(c9, chr(0)) THEN '商家编码' WHEN contains(c10, chr(0)) THEN '子订单编号' WHEN contains(c11, chr(0)) THEN '商品ID' WHEN contains(c12, chr(0)) THEN '退款金额' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    coalesce(TRY_CAST(unit_price AS DECIMAL(18,2)), TRY_CAST(CASE WHEN regexp_full_match(unit_price, '([¥￥]\s*)?-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN regexp_replace(unit_price, '^[¥￥]\s*|,', '', 'g') ELSE regexp_replace(unit_price, '^[¥￥]\s*', '') END AS DECIMAL(18,2))) AS _t_unit_price,
    TRY_CAST(quantity AS BIGINT) AS _t_quantity,
    coalesce(TRY_CAST(refund_amount AS DECIMAL(18,2)), TRY_CAST(CASE WHEN regexp_full_match(refund_amount, '([¥￥]\s*)?-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN regexp_replace(refund_amount, '^[¥￥]\s*|,', '', 'g') ELSE regexp_replace(refund_amount, '^[¥￥]\s*', '') END AS DECIMAL(18,2))) AS _t_refund_amount
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_unit_price IS NULL THEN unit_price END AS unit_price,
    CASE WHEN _t_quantity IS NULL THEN quantity END AS quantity,
    CASE WHEN _t_refund_amount IS NULL THEN refund_amount END AS refund_amount)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(order_id = '订单编号', false) AS INTEGER) + CAST(coalesce(item_title = '标题', false) AS INTEGER) + CAST(coalesce(unit_price = '价格', false) AS INTEGER) + CAST(coalesce(quantity = '购买数量', false) AS INTEGER) + CAST(coalesce(external_code = '外部系统编号', false) AS INTEGER) + CAST(coalesce(sku_properties = '商品属性', false) AS INTEGER) + CAST(coalesce(bundle_info = '套餐信息', false) AS INTEGER) + CAST(coalesce(line_status = '订单状态', false) AS INTEGER) + CAST(coalesce(merchant_code = '商家编码', false) AS INTEGER) + CAST(coalesce(sub_order_id = '子订单编号', false) AS INTEGER) + CAST(coalesce(item_id = '商品ID', false) AS INTEGER) + CAST(coalesce(refund_amount = '退款金额', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((order_id IS NULL), false) OR coalesce((unit_price IS NULL AND _t_unit_price IS NULL), false) OR coalesce((unit_price IS NOT NULL AND _t_unit_price IS NULL), false) OR coalesce((quantity IS NULL AND _t_quantity IS NULL), false) OR coalesce((quantity IS NOT NULL AND _t_quantity IS NULL), false) OR coalesce((refund_amount IS NOT NULL AND _t_refund_amount IS NULL), false) OR coalesce((order_id IS NOT NULL AND order_id NOT IN (SELECT order_id FROM raw.orders WHERE month = '2024-03' AND shop_id = 'shop_a')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'order_lines', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '订单编号' WHEN column_name = 'c1' THEN '标题' WHEN column_name = 'c2' THEN '价格' WHEN column_name = 'c3' THEN '购买数量' WHEN column_name = 'c4' THEN '外部系统编号' WHEN column_name = 'c5' THEN '商品属性' WHEN column_name = 'c6' THEN '套餐信息' WHEN column_name = 'c7' THEN '备注' WHEN column_name = 'c8' THEN '订单状态' WHEN column_name = 'c9' THEN '商家编码' WHEN column_name = 'c10' THEN '子订单编号' WHEN column_name = 'c11' THEN '商品ID' WHEN column_name = 'c12' THEN '退款金额' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(order_id = '订单编号', false) AS INTEGER) + CAST(coalesce(item_title = '标题', false) AS INTEGER) + CAST(coalesce(unit_price = '价格', false) AS INTEGER) + CAST(coalesce(quantity = '购买数量', false) AS INTEGER) + CAST(coalesce(external_code = '外部系统编号', false) AS INTEGER) + CAST(coalesce(sku_properties = '商品属性', false) AS INTEGER) + CAST(coalesce(bundle_info = '套餐信息', false) AS INTEGER) + CAST(coalesce(line_status = '订单状态', false) AS INTEGER) + CAST(coalesce(merchant_code = '商家编码', false) AS INTEGER) + CAST(coalesce(sub_order_id = '子订单编号', false) AS INTEGER) + CAST(coalesce(item_id = '商品ID', false) AS INTEGER) + CAST(coalesce(refund_amount = '退款金额', false) AS INTEGER)) >= 2 THEN '订单编号' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN order_id IS NULL THEN '订单编号' WHEN unit_price IS NULL AND _t_unit_price IS NULL THEN '价格' WHEN unit_price IS NOT NULL AND _t_unit_price IS NULL THEN '价格' WHEN quantity IS NULL AND _t_quantity IS NULL THEN '购买数量' WHEN quantity IS NOT NULL AND _t_quantity IS NULL THEN '购买数量' WHEN refund_amount IS NOT NULL AND _t_refund_amount IS NULL THEN '退款金额' WHEN order_id IS NOT NULL AND order_id NOT IN (SELECT order_id FROM raw.orders WHERE month = '2024-03' AND shop_id = 'shop_a') THEN '订单编号' END END AS _bad_column, CASE WHEN (CAST(coalesce(order_id = '订单编号', false) AS INTEGER) + CAST(coalesce(item_title = '标题', false) AS INTEGER) + CAST(coalesce(unit_price = '价格', false) AS INTEGER) + CAST(coalesce(quantity = '购买数量', false) AS INTEGER) + CAST(coalesce(external_code = '外部系统编号', false) AS INTEGER) + CAST(coalesce(sku_properties = '商品属性', false) AS INTEGER) + CAST(coalesce(bundle_info = '套餐信息', false) AS INTEGER) + CAST(coalesce(line_status = '订单状态', false) AS INTEGER) + CAST(coalesce(merchant_code = '商家编码', false) AS INTEGER) + CAST(coalesce(sub_order_id = '子订单编号', false) AS INTEGER) + CAST(coalesce(item_id = '商品ID', false) AS INTEGER) + CAST(coalesce(refund_amount = '退款金额', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN order_id IS NULL THEN '订单编号: empty value' END, CASE WHEN unit_price IS NULL AND _t_unit_price IS NULL THEN '价格: empty value' END, CASE WHEN unit_price IS NOT NULL AND _t_unit_price IS NULL THEN '价格: not an amount, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(unit_price, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN quantity IS NULL AND _t_quantity IS NULL THEN '购买数量: empty value' END, CASE WHEN quantity IS NOT NULL AND _t_quantity IS NULL THEN '购买数量: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(quantity, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN refund_amount IS NOT NULL AND _t_refund_amount IS NULL THEN '退款金额: not an amount, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(refund_amount, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN order_id IS NOT NULL AND order_id NOT IN (SELECT order_id FROM raw.orders WHERE month = '2024-03' AND shop_id = 'shop_a') THEN '订单编号: no loaded order with this id in the 2024-03 order report' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'order_lines', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.order_lines (month, source_file, source_row, platform, shop_id, order_id, item_title, unit_price, quantity, external_code, sku_properties, bundle_info, line_status, merchant_code, sub_order_id, item_id, refund_amount)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'taobao', 'shop_a', order_id, item_title, _t_unit_price, _t_quantity, external_code, sku_properties, bundle_info, line_status, merchant_code, sub_order_id, item_id, _t_refund_amount
FROM _checked WHERE NOT _bad AND NOT _summary;

