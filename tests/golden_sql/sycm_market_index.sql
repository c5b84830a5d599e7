-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(CASE trim(CASE WHEN contains(c0, ',') THEN CASE WHEN regexp_full_match(trim(c0), '-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN replace(trim(c0), ',', '') ELSE c0 END ELSE c0 END) WHEN '-' THEN NULL ELSE CASE WHEN contains(c0, ',') THEN CASE WHEN regexp_full_match(trim(c0), '-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN replace(trim(c0), ',', '') ELSE c0 END ELSE c0 END END), '') AS day,
    nullif(trim(CASE trim(CASE WHEN contains(c1, ',') THEN CASE WHEN regexp_full_match(trim(c1), '-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN replace(trim(c1), ',', '') ELSE c1 END ELSE c1 END) WHEN '-' THEN NULL ELSE CASE WHEN contains(c1, ',') THEN CASE WHEN regexp_full_match(trim(c1), '-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN replace(trim(c1), ',', '') ELSE c1 END ELSE c1 END END), '') AS category,
    nullif(trim(CASE trim(CASE WHEN contains(c2, ',') THEN CASE WHEN regexp_full_match(trim(c2), '-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN replace(trim(c2), ',', '') ELSE c2 END ELSE c2 END) WHEN '-' THEN NULL ELSE CASE WHEN contains(c2, ',') THEN CASE WHEN regexp_full_match(trim(c2), '-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN replace(trim(c2), ',', '') ELSE c2 END ELSE c2 END END), '') AS shop_index,
    nullif(trim(CASE trim(CASE WHEN contains(c3, ',') THEN CASE WHEN regexp_full_match(trim(c3), '-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN replace(trim(c3), ',', '') ELSE c3 END ELSE c3 END) WHEN '-' THEN NULL ELSE CASE WHEN contains(c3, ',') THEN CASE WHEN regexp_full_match(trim(c3), '-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN replace(trim(c3), ',', '') ELSE c3 END ELSE c3 END END), '') AS market_index,
    CASE WHEN contains(c0, chr(0)) THEN '统计日期' WHEN contains(c1, chr(0)) THEN '类目' WHEN contains(c2, chr(0)) THEN '本店交易指数' WHEN contains(c3, chr(0)) THEN '行业交易指数' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(day, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_day,
    TRY_CAST(shop_index AS BIGINT) AS _t_shop_index,
    TRY_CAST(market_index AS BIGINT) AS _t_market_index
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_day IS NULL THEN day END AS day,
    CASE WHEN _t_shop_index IS NULL THEN shop_index END AS shop_index,
    CASE WHEN _t_market_index IS NULL THEN market_index END AS market_index)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(day = '统计日期', false) AS INTEGER) + CAST(coalesce(category = '类目', false) AS INTEGER) + CAST(coalesce(shop_index = '本店交易指数', false) AS INTEGER) + CAST(coalesce(market_index = '行业交易指数', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((day IS NULL AND _t_day IS NULL), false) OR coalesce((day IS NOT NULL AND _t_day IS NULL), false) OR coalesce((shop_index IS NULL AND _t_shop_index IS NULL), false) OR coalesce((shop_index IS NOT NULL AND _t_shop_index IS NULL), false) OR coalesce((market_index IS NULL AND _t_market_index IS NULL), false) OR coalesce((market_index IS NOT NULL AND _t_market_index IS NULL), false) OR coalesce((_t_day IS NOT NULL AND NOT (_t_day >= TIMESTAMP '2024-03-01' AND _t_day < TIMESTAMP '2024-04-01')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'market_index', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '统计日期' WHEN column_name = 'c1' THEN '类目' WHEN column_name = 'c2' THEN '本店交易指数' WHEN column_name = 'c3' THEN '行业交易指数' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(day = '统计日期', false) AS INTEGER) + CAST(coalesce(category = '类目', false) AS INTEGER) + CAST(coalesce(shop_index = '本店交易指数', false) AS INTEGER) + CAST(coalesce(market_index = '行业交易指数', false) AS INTEGER)) >= 2 THEN '统计日期' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN day IS NULL AND _t_day IS NULL THEN '统计日期' WHEN day IS NOT NULL AND _t_day IS NULL THEN '统计日期' WHEN shop_index IS NULL AND _t_shop_index IS NULL THEN '本店交易指数' WHEN shop_index IS NOT NULL AND _t_shop_index IS NULL THEN '本店交易指数' WHEN market_index IS NULL AND _t_market_index IS NULL THEN '行业交易指数' WHEN market_index IS NOT NULL AND _t_market_index IS NULL THEN '行业交易指数' WHEN _t_day IS NOT NULL AND NOT (_t_day >= TIMESTAMP '2024-03-01' AND _t_day < TIMESTAMP '2024-04-01') THEN '统计日期' END END AS _bad_column, CASE WHEN (CAST(coalesce(day = '统计日期', false) AS INTEGER) + CAST(coalesce(category = '类目', false) AS INTEGER) + CAST(coalesce(shop_index = '本店交易指数', false) AS INTEGER) + CAST(coalesce(market_index = '行业交易指数', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN day IS NULL AND _t_day IS NULL THEN '统计日期: empty value' END, CASE WHEN day IS NOT NULL AND _t_day IS NULL THEN '统计日期: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(day, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN shop_index IS NULL AND _t_shop_index IS NULL THEN '本店交易指数: empty value' END, CASE WHEN shop_index IS NOT NULL AND _t_shop_index IS NULL THEN '本店交易指数: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(shop_index, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN market_index IS NULL AND _t_market_index IS NULL THEN '行业交易指数: empty value' END, CASE WHEN market_index IS NOT NULL AND _t_market_index IS NULL THEN '行业交易指数: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(market_index, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN _t_day IS NOT NULL AND NOT (_t_day >= TIMESTAMP '2024-03-01' AND _t_day < TIMESTAMP '2024-04-01') THEN '统计日期 ' || strftime(_t_day, '%Y-%m-%d %H:%M') || ' is outside partition month 2024-03' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'market_index', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.market_index (month, source_file, source_row, platform, shop_id, day, category, shop_index, market_index)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'sycm', 'shop_a', _t_day, category, _t_shop_index, _t_market_index
FROM _checked WHERE NOT _bad AND NOT _summary;

