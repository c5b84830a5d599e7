-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(c0), '') AS order_id,
    nullif(trim(c1), '') AS rating,
    nullif(trim(c2), '') AS tag,
    nullif(trim(c3), '') AS reviewed_at,
    CASE WHEN contains(c0, chr(0)) THEN '订单编号' WHEN contains(c1, chr(0)) THEN '评价' WHEN contains(c2, chr(0)) THEN '评价标签' WHEN contains(c3, chr(0)) THEN '评价时间' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(reviewed_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_reviewed_at
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_reviewed_at IS NULL THEN reviewed_at END AS reviewed_at)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(order_id = '订单编号', false) AS INTEGER) + CAST(coalesce(rating = '评价', false) AS INTEGER) + CAST(coalesce(tag = '评价标签', false) AS INTEGER) + CAST(coalesce(reviewed_at = '评价时间', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((order_id IS NULL), false) OR coalesce((rating IS NULL), false) OR coalesce((reviewed_at IS NULL AND _t_reviewed_at IS NULL), false) OR coalesce((reviewed_at IS NOT NULL AND _t_reviewed_at IS NULL), false) OR coalesce((_t_reviewed_at IS NOT NULL AND NOT (_t_reviewed_at >= TIMESTAMP '2024-03-01' AND _t_reviewed_at < TIMESTAMP '2024-04-01')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'reviews', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '订单编号' WHEN column_name = 'c1' THEN '评价' WHEN column_name = 'c2' THEN '评价标签' WHEN column_name = 'c3' THEN '评价时间' WHEN column_name = 'c4' THEN '评价内容' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(order_id = '订单编号', false) AS INTEGER) + CAST(coalesce(rating = '评价', false) AS INTEGER) + CAST(coalesce(tag = '评价标签', false) AS INTEGER) + CAST(coalesce(reviewed_at = '评价时间', false) AS INTEGER)) >= 2 THEN '订单编号' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN order_id IS NULL THEN '订单编号' WHEN rating IS NULL THEN '评价' WHEN reviewed_at IS NULL AND _t_reviewed_at IS NULL THEN '评价时间' WHEN reviewed_at IS NOT NULL AND _t_reviewed_at IS NULL THEN '评价时间' WHEN _t_reviewed_at IS NOT NULL AND NOT (_t_reviewed_at >= TIMESTAMP '2024-03-01' AND _t_reviewed_at < TIMESTAMP '2024-04-01') THEN '评价时间' END END AS _bad_column, CASE WHEN (CAST(coalesce(order_id = '订单编号', false) AS INTEGER) + CAST(coalesce(rating = '评价', false) AS INTEGER) + CAST(coalesce(tag = '评价标签', false) AS INTEGER) + CAST(coalesce(reviewed_at = '评价时间', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN order_id IS NULL THEN '订单编号: empty value' END, CASE WHEN rating IS NULL THEN '评价: empty value' END, CASE WHEN reviewed_at IS NULL AND _t_reviewed_at IS NULL THEN '评价时间: empty value' END, CASE WHEN reviewed_at IS NOT NULL AND _t_reviewed_at IS NULL THEN '评价时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(reviewed_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN _t_reviewed_at IS NOT NULL AND NOT (_t_reviewed_at >= TIMESTAMP '2024-03-01' AND _t_reviewed_at < TIMESTAMP '2024-04-01') THEN '评价时间 ' || strftime(_t_reviewed_at, '%Y-%m-%d %H:%M') || ' is outside partition month 2024-03' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'reviews', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.reviews (month, source_file, source_row, platform, shop_id, order_id, rating, tag, reviewed_at)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'any', 'shop_a', order_id, rating, tag, _t_reviewed_at
FROM _checked WHERE NOT _bad AND NOT _summary;

