-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR', 'c6': 'VARCHAR', 'c7': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(c0), '') AS visitor_id,
    nullif(trim(c1), '') AS visit_date,
    nullif(trim(c2), '') AS source_channel,
    nullif(trim(c3), '') AS landing_page,
    nullif(trim(c4), '') AS page_views,
    nullif(trim(c5), '') AS visitor_type,
    nullif(trim(c6), '') AS bounced,
    nullif(trim(c7), '') AS order_id,
    CASE WHEN contains(c0, chr(0)) THEN '访客ID' WHEN contains(c1, chr(0)) THEN '访问日期' WHEN contains(c2, chr(0)) THEN '来源渠道' WHEN contains(c3, chr(0)) THEN '着陆页' WHEN contains(c4, chr(0)) THEN '浏览量' WHEN contains(c5, chr(0)) THEN '新老访客' WHEN contains(c6, chr(0)) THEN '是否跳失' WHEN contains(c7, chr(0)) THEN '成交订单编号' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(visit_date, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_visit_date,
    TRY_CAST(page_views AS BIGINT) AS _t_page_views
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_visit_date IS NULL THEN visit_date END AS visit_date,
    CASE WHEN _t_page_views IS NULL THEN page_views END AS page_views)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(visitor_id = '访客ID', false) AS INTEGER) + CAST(coalesce(visit_date = '访问日期', false) AS INTEGER) + CAST(coalesce(source_channel = '来源渠道', false) AS INTEGER) + CAST(coalesce(landing_page = '着陆页', false) AS INTEGER) + CAST(coalesce(page_views = '浏览量', false) AS INTEGER) + CAST(coalesce(visitor_type = '新老访客', false) AS INTEGER) + CAST(coalesce(bounced = '是否跳失', false) AS INTEGER) + CAST(coalesce(order_id = '成交订单编号', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((visitor_id IS NULL), false) OR coalesce((visit_date IS NULL AND _t_visit_date IS NULL), false) OR coalesce((visit_date IS NOT NULL AND _t_visit_date IS NULL), false) OR coalesce((source_channel IS NULL), false) OR coalesce((landing_page IS NULL), false) OR coalesce((page_views IS NULL AND _t_page_views IS NULL), false) OR coalesce((page_views IS NOT NULL AND _t_page_views IS NULL), false) OR coalesce((_t_visit_date IS NOT NULL AND NOT (_t_visit_date >= TIMESTAMP '2024-03-01' AND _t_visit_date < TIMESTAMP '2024-04-01')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'traffic', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '访客ID' WHEN column_name = 'c1' THEN '访问日期' WHEN column_name = 'c2' THEN '来源渠道' WHEN column_name = 'c3' THEN '着陆页' WHEN column_name = 'c4' THEN '浏览量' WHEN column_name = 'c5' THEN '新老访客' WHEN column_name = 'c6' THEN '是否跳失' WHEN column_name = 'c7' THEN '成交订单编号' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(visitor_id = '访客ID', false) AS INTEGER) + CAST(coalesce(visit_date = '访问日期', false) AS INTEGER) + CAST(coalesce(source_channel = '来源渠道', false) AS INTEGER) + CAST(coalesce(landing_page = '着陆页', false) AS INTEGER) + CAST(coalesce(page_views = '浏览量', false) AS INTEGER) + CAST(coalesce(visitor_type = '新老访客', false) AS INTEGER) + CAST(coalesce(bounced = '是否跳失', false) AS INTEGER) + CAST(coalesce(order_id = '成交订单编号', false) AS INTEGER)) >= 2 THEN '访客ID' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN visitor_id IS NULL THEN '访客ID' WHEN visit_date IS NULL AND _t_visit_date IS NULL THEN '访问日期' WHEN visit_date IS NOT NULL AND _t_visit_date IS NULL THEN '访问日期' WHEN source_channel IS NULL THEN '来源渠道' WHEN landing_page IS NULL THEN '着陆页' WHEN page_views IS NULL AND _t_page_views IS NULL THEN '浏览量' WHEN page_views IS NOT NULL AND _t_page_views IS NULL THEN '浏览量' WHEN _t_visit_date IS NOT NULL AND NOT (_t_visit_date >= TIMESTAMP '2024-03-01' AND _t_visit_date < TIMESTAMP '2024-04-01') THEN '访问日期' END END AS _bad_column, CASE WHEN (CAST(coalesce(visitor_id = '访客ID', false) AS INTEGER) + CAST(coalesce(visit_date = '访问日期', false) AS INTEGER) + CAST(coalesce(source_channel = '来源渠道', false) AS INTEGER) + CAST(coalesce(landing_page = '着陆页', false) AS INTEGER) + CAST(coalesce(page_views = '浏览量', false) AS INTEGER) + CAST(coalesce(visitor_type = '新老访客', false) AS INTEGER) + CAST(coalesce(bounced = '是否跳失', false) AS INTEGER) + CAST(coalesce(order_id = '成交订单编号', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN visitor_id IS NULL THEN '访客ID: empty value' END, CASE WHEN visit_date IS NULL AND _t_visit_date IS NULL THEN '访问日期: empty value' END, CASE WHEN visit_date IS NOT NULL AND _t_visit_date IS NULL THEN '访问日期: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(visit_date, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN source_channel IS NULL THEN '来源渠道: empty value' END, CASE WHEN landing_page IS NULL THEN '着陆页: empty value' END, CASE WHEN page_views IS NULL AND _t_page_views IS NULL THEN '浏览量: empty value' END, CASE WHEN page_views IS NOT NULL AND _t_page_views IS NULL THEN '浏览量: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(page_views, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN _t_visit_date IS NOT NULL AND NOT (_t_visit_date >= TIMESTAMP '2024-03-01' AND _t_visit_date < TIMESTAMP '2024-04-01') THEN '访问日期 ' || strftime(_t_visit_date, '%Y-%m-%d %H:%M') || ' is outside partition month 2024-03' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'traffic', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.traffic (month, source_file, source_row, platform, shop_id, visitor_id, visit_date, source_channel, landing_page, page_views, visitor_type, bounced, order_id)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'any', 'shop_a', visitor_id, _t_visit_date, source_channel, landing_page, _t_page_views, visitor_type, bounced, order_id
FROM _checked WHERE NOT _bad AND NOT _summary;

