-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(c0), '') AS item_id,
    nullif(trim(c1), '') AS item_title,
    nullif(trim(c2), '') AS list_price,
    nullif(trim(c3), '') AS category,
    nullif(trim(c4), '') AS age_range,
    nullif(trim(c5), '') AS brand,
    CASE WHEN contains(c0, chr(0)) THEN '宝贝ID' WHEN contains(c1, chr(0)) THEN '标题' WHEN contains(c2, chr(0)) THEN '价格' WHEN contains(c3, chr(0)) THEN '玩具类型' WHEN contains(c4, chr(0)) THEN '适用年龄' WHEN contains(c5, chr(0)) THEN '品牌' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    coalesce(TRY_CAST(list_price AS DECIMAL(18,2)), TRY_CAST(CASE WHEN regexp_full_match(list_price, '([¥￥]\s*)?-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN regexp_replace(list_price, '^[¥￥]\s*|,', '', 'g') ELSE regexp_replace(list_price, '^[¥￥]\s*', '') END AS DECIMAL(18,2))) AS _t_list_price
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_list_price IS NULL THEN list_price END AS list_price)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(item_id = '宝贝ID', false) AS INTEGER) + CAST(coalesce(item_title = '标题', false) AS INTEGER) + CAST(coalesce(list_price = '价格', false) AS INTEGER) + CAST(coalesce(category = '玩具类型', false) AS INTEGER) + CAST(coalesce(age_range = '适用年龄', false) AS INTEGER) + CAST(coalesce(brand = '品牌', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((item_id IS NULL), false) OR coalesce((list_price IS NOT NULL AND _t_list_price IS NULL), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'items', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '宝贝ID' WHEN column_name = 'c1' THEN '标题' WHEN column_name = 'c2' THEN '价格' WHEN column_name = 'c3' THEN '玩具类型' WHEN column_name = 'c4' THEN '适用年龄' WHEN column_name = 'c5' THEN '品牌' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(item_id = '宝贝ID', false) AS INTEGER) + CAST(coalesce(item_title = '标题', false) AS INTEGER) + CAST(coalesce(list_price = '价格', false) AS INTEGER) + CAST(coalesce(category = '玩具类型', false) AS INTEGER) + CAST(coalesce(age_range = '适用年龄', false) AS INTEGER) + CAST(coalesce(brand = '品牌', false) AS INTEGER)) >= 2 THEN '宝贝ID' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN item_id IS NULL THEN '宝贝ID' WHEN list_price IS NOT NULL AND _t_list_price IS NULL THEN '价格' END END AS _bad_column, CASE WHEN (CAST(coalesce(item_id = '宝贝ID', false) AS INTEGER) + CAST(coalesce(item_title = '标题', false) AS INTEGER) + CAST(coalesce(list_price = '价格', false) AS INTEGER) + CAST(coalesce(category = '玩具类型', false) AS INTEGER) + CAST(coalesce(age_range = '适用年龄', false) AS INTEGER) + CAST(coalesce(brand = '品牌', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN item_id IS NULL THEN '宝贝ID: empty value' END, CASE WHEN list_price IS NOT NULL AND _t_list_price IS NULL THEN '价格: not an amount, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(list_price, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'items', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.items (month, source_file, source_row, platform, shop_id, item_id, item_title, list_price, category, age_range, brand)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'taobao', 'shop_a', item_id, item_title, _t_list_price, category, age_range, brand
FROM _checked WHERE NOT _bad AND NOT _summary;

