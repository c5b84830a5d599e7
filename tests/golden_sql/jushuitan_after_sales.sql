-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(CASE trim(CASE WHEN contains(c0, '=') OR contains(c0, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c0), '="') THEN regexp_extract(c0, '^\s*="(.*)"\s*$', 1) ELSE c0 END, chr(9) || ' ') ELSE c0 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c0, '=') OR contains(c0, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c0), '="') THEN regexp_extract(c0, '^\s*="(.*)"\s*$', 1) ELSE c0 END, chr(9) || ' ') ELSE c0 END END), '') AS case_id,
    nullif(trim(CASE trim(CASE WHEN contains(c1, '=') OR contains(c1, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c1), '="') THEN regexp_extract(c1, '^\s*="(.*)"\s*$', 1) ELSE c1 END, chr(9) || ' ') ELSE c1 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c1, '=') OR contains(c1, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c1), '="') THEN regexp_extract(c1, '^\s*="(.*)"\s*$', 1) ELSE c1 END, chr(9) || ' ') ELSE c1 END END), '') AS order_id,
    nullif(trim(CASE trim(CASE WHEN contains(c2, '=') OR contains(c2, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c2), '="') THEN regexp_extract(c2, '^\s*="(.*)"\s*$', 1) ELSE c2 END, chr(9) || ' ') ELSE c2 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c2, '=') OR contains(c2, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c2), '="') THEN regexp_extract(c2, '^\s*="(.*)"\s*$', 1) ELSE c2 END, chr(9) || ' ') ELSE c2 END END), '') AS shop_name,
    nullif(trim(CASE trim(CASE WHEN contains(c3, '=') OR contains(c3, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c3), '="') THEN regexp_extract(c3, '^\s*="(.*)"\s*$', 1) ELSE c3 END, chr(9) || ' ') ELSE c3 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c3, '=') OR contains(c3, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c3), '="') THEN regexp_extract(c3, '^\s*="(.*)"\s*$', 1) ELSE c3 END, chr(9) || ' ') ELSE c3 END END), '') AS case_type,
    nullif(trim(CASE trim(CASE WHEN contains(c4, '=') OR contains(c4, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c4), '="') THEN regexp_extract(c4, '^\s*="(.*)"\s*$', 1) ELSE c4 END, chr(9) || ' ') ELSE c4 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c4, '=') OR contains(c4, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c4), '="') THEN regexp_extract(c4, '^\s*="(.*)"\s*$', 1) ELSE c4 END, chr(9) || ' ') ELSE c4 END END), '') AS requested_at,
    nullif(trim(CASE trim(CASE WHEN contains(c5, '=') OR contains(c5, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c5), '="') THEN regexp_extract(c5, '^\s*="(.*)"\s*$', 1) ELSE c5 END, chr(9) || ' ') ELSE c5 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c5, '=') OR contains(c5, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c5), '="') THEN regexp_extract(c5, '^\s*="(.*)"\s*$', 1) ELSE c5 END, chr(9) || ' ') ELSE c5 END END), '') AS case_status,
    CASE WHEN contains(c0, chr(0)) THEN '售后单号' WHEN contains(c1, chr(0)) THEN '线上订单号' WHEN contains(c2, chr(0)) THEN '店铺名称' WHEN contains(c3, chr(0)) THEN '售后类型' WHEN contains(c4, chr(0)) THEN '申请时间' WHEN contains(c5, chr(0)) THEN '状态' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(requested_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_requested_at
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_requested_at IS NULL THEN requested_at END AS requested_at)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(case_id = '售后单号', false) AS INTEGER) + CAST(coalesce(order_id = '线上订单号', false) AS INTEGER) + CAST(coalesce(shop_name = '店铺名称', false) AS INTEGER) + CAST(coalesce(case_type = '售后类型', false) AS INTEGER) + CAST(coalesce(requested_at = '申请时间', false) AS INTEGER) + CAST(coalesce(case_status = '状态', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((case_id IS NULL), false) OR coalesce((order_id IS NULL), false) OR coalesce((shop_name IS NULL), false) OR coalesce((case_type IS NULL), false) OR coalesce((requested_at IS NULL AND _t_requested_at IS NULL), false) OR coalesce((requested_at IS NOT NULL AND _t_requested_at IS NULL), false) OR coalesce((_t_requested_at IS NOT NULL AND NOT (_t_requested_at >= TIMESTAMP '2024-03-01' AND _t_requested_at < TIMESTAMP '2024-04-01')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'after_sales', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '售后单号' WHEN column_name = 'c1' THEN '线上订单号' WHEN column_name = 'c2' THEN '店铺名称' WHEN column_name = 'c3' THEN '售后类型' WHEN column_name = 'c4' THEN '申请时间' WHEN column_name = 'c5' THEN '状态' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(case_id = '售后单号', false) AS INTEGER) + CAST(coalesce(order_id = '线上订单号', false) AS INTEGER) + CAST(coalesce(shop_name = '店铺名称', false) AS INTEGER) + CAST(coalesce(case_type = '售后类型', false) AS INTEGER) + CAST(coalesce(requested_at = '申请时间', false) AS INTEGER) + CAST(coalesce(case_status = '状态', false) AS INTEGER)) >= 2 THEN '售后单号' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN case_id IS NULL THEN '售后单号' WHEN order_id IS NULL THEN '线上订单号' WHEN shop_name IS NULL THEN '店铺名称' WHEN case_type IS NULL THEN '售后类型' WHEN requested_at IS NULL AND _t_requested_at IS NULL THEN '申请时间' WHEN requested_at IS NOT NULL AND _t_requested_at IS NULL THEN '申请时间' WHEN _t_requested_at IS NOT NULL AND NOT (_t_requested_at >= TIMESTAMP '2024-03-01' AND _t_requested_at < TIMESTAMP '2024-04-01') THEN '申请时间' END END AS _bad_column, CASE WHEN (CAST(coalesce(case_id = '售后单号', false) AS INTEGER) + CAST(coalesce(order_id = '线上订单号', false) AS INTEGER) + CAST(coalesce(shop_name = '店铺名称', false) AS INTEGER) + CAST(coalesce(case_type = '售后类型', false) AS INTEGER) + CAST(coalesce(requested_at = '申请时间', false) AS INTEGER) + CAST(coalesce(case_status = '状态', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN case_id IS NULL THEN '售后单号: empty value' END, CASE WHEN order_id IS NULL THEN '线上订单号: empty value' END, CASE WHEN shop_name IS NULL THEN '店铺名称: empty value' END, CASE WHEN case_type IS NULL THEN '售后类型: empty value' END, CASE WHEN requested_at IS NULL AND _t_requested_at IS NULL THEN '申请时间: empty value' END, CASE WHEN requested_at IS NOT NULL AND _t_requested_at IS NULL THEN '申请时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(requested_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN _t_requested_at IS NOT NULL AND NOT (_t_requested_at >= TIMESTAMP '2024-03-01' AND _t_requested_at < TIMESTAMP '2024-04-01') THEN '申请时间 ' || strftime(_t_requested_at, '%Y-%m-%d %H:%M') || ' is outside partition month 2024-03' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'after_sales', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.after_sales (month, source_file, source_row, platform, shop_id, case_id, order_id, shop_name, case_type, requested_at, case_status)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'any', 'shop_a', case_id, order_id, shop_name, case_type, _t_requested_at, case_status
FROM _checked WHERE NOT _bad AND NOT _summary;

