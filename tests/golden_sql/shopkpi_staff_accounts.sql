-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(c0), '') AS employee_id,
    nullif(trim(c1), '') AS account,
    nullif(trim(c2), '') AS account_shop_id,
    nullif(trim(c3), '') AS valid_from,
    nullif(trim(c4), '') AS valid_to,
    CASE WHEN contains(c0, chr(0)) THEN '工号' WHEN contains(c1, chr(0)) THEN '账号' WHEN contains(c2, chr(0)) THEN '店铺' WHEN contains(c3, chr(0)) THEN '开始日期' WHEN contains(c4, chr(0)) THEN '结束日期' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(valid_from, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_valid_from,
    try_strptime(valid_to, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_valid_to
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_valid_from IS NULL THEN valid_from END AS valid_from,
    CASE WHEN _t_valid_to IS NULL THEN valid_to END AS valid_to)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(employee_id = '工号', false) AS INTEGER) + CAST(coalesce(account = '账号', false) AS INTEGER) + CAST(coalesce(account_shop_id = '店铺', false) AS INTEGER) + CAST(coalesce(valid_from = '开始日期', false) AS INTEGER) + CAST(coalesce(valid_to = '结束日期', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((employee_id IS NULL), false) OR coalesce((account IS NULL), false) OR coalesce((valid_from IS NOT NULL AND _t_valid_from IS NULL), false) OR coalesce((valid_to IS NOT NULL AND _t_valid_to IS NULL), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'staff_accounts', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '工号' WHEN column_name = 'c1' THEN '账号' WHEN column_name = 'c2' THEN '店铺' WHEN column_name = 'c3' THEN '开始日期' WHEN column_name = 'c4' THEN '结束日期' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(employee_id = '工号', false) AS INTEGER) + CAST(coalesce(account = '账号', false) AS INTEGER) + CAST(coalesce(account_shop_id = '店铺', false) AS INTEGER) + CAST(coalesce(valid_from = '开始日期', false) AS INTEGER) + CAST(coalesce(valid_to = '结束日期', false) AS INTEGER)) >= 2 THEN '工号' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN employee_id IS NULL THEN '工号' WHEN account IS NULL THEN '账号' WHEN valid_from IS NOT NULL AND _t_valid_from IS NULL THEN '开始日期' WHEN valid_to IS NOT NULL AND _t_valid_to IS NULL THEN '结束日期' END END AS _bad_column, CASE WHEN (CAST(coalesce(employee_id = '工号', false) AS INTEGER) + CAST(coalesce(account = '账号', false) AS INTEGER) + CAST(coalesce(account_shop_id = '店铺', false) AS INTEGER) + CAST(coalesce(valid_from = '开始日期', false) AS INTEGER) + CAST(coalesce(valid_to = '结束日期', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN employee_id IS NULL THEN '工号: empty value' END, CASE WHEN account IS NULL THEN '账号: empty value' END, CASE WHEN valid_from IS NOT NULL AND _t_valid_from IS NULL THEN '开始日期: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(valid_from, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN valid_to IS NOT NULL AND _t_valid_to IS NULL THEN '结束日期: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(valid_to, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'staff_accounts', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.staff_accounts (month, source_file, source_row, platform, shop_id, employee_id, account, account_shop_id, valid_from, valid_to)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'any', 'shop_a', employee_id, account, account_shop_id, _t_valid_from, _t_valid_to
FROM _checked WHERE NOT _bad AND NOT _summary;

