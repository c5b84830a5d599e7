-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR', 'c6': 'VARCHAR', 'c7': 'VARCHAR', 'c8': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(c0), '') AS campaign_id,
    nullif(trim(c1), '') AS campaign_name,
    nullif(trim(c2), '') AS planner_id,
    nullif(trim(c3), '') AS starts_at,
    nullif(trim(c4), '') AS ends_at,
    nullif(trim(c5), '') AS cost,
    nullif(trim(c6), '') AS page_uv,
    nullif(trim(c7), '') AS page_clicks,
    nullif(trim(c8), '') AS campaign_shop,
    CASE WHEN contains(c0, chr(0)) THEN '活动ID' WHEN contains(c1, chr(0)) THEN '活动名称' WHEN contains(c2, chr(0)) THEN '策划人' WHEN contains(c3, chr(0)) THEN '开始时间' WHEN contains(c4, chr(0)) THEN '结束时间' WHEN contains(c5, chr(0)) THEN '活动成本' WHEN contains(c6, chr(0)) THEN '活动页UV' WHEN contains(c7, chr(0)) THEN '活动页点击量' WHEN contains(c8, chr(0)) THEN '店铺' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(starts_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_starts_at,
    try_strptime(ends_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_ends_at,
    coalesce(TRY_CAST(cost AS DECIMAL(18,2)), TRY_CAST(CASE WHEN regexp_full_match(cost, '([¥￥]\s*)?-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN regexp_replace(cost, '^[¥￥]\s*|,', '', 'g') ELSE regexp_replace(cost, '^[¥￥]\s*', '') END AS DECIMAL(18,2))) AS _t_cost,
    TRY_CAST(page_uv AS BIGINT) AS _t_page_uv,
    TRY_CAST(page_clicks AS BIGINT) AS _t_page_clicks
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_starts_at IS NULL THEN starts_at END AS starts_at,
    CASE WHEN _t_ends_at IS NULL THEN ends_at END AS ends_at,
    CASE WHEN _t_cost IS NULL THEN cost END AS cost,
    CASE WHEN _t_page_uv IS NULL THEN page_uv END AS page_uv,
    CASE WHEN _t_page_clicks IS NULL THEN page_clicks END AS page_clicks)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(campaign_id = '活动ID', false) AS INTEGER) + CAST(coalesce(campaign_name = '活动名称', false) AS INTEGER) + CAST(coalesce(planner_id = '策划人', false) AS INTEGER) + CAST(coalesce(starts_at = '开始时间', false) AS INTEGER) + CAST(coalesce(ends_at = '结束时间', false) AS INTEGER) + CAST(coalesce(cost = '活动成本', false) AS INTEGER) + CAST(coalesce(page_uv = '活动页UV', false) AS INTEGER) + CAST(coalesce(page_clicks = '活动页点击量', false) AS INTEGER) + CAST(coalesce(campaign_shop = '店铺', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((campaign_id IS NULL), false) OR coalesce((planner_id IS NULL), false) OR coalesce((starts_at IS NULL AND _t_starts_at IS NULL), false) OR coalesce((starts_at IS NOT NULL AND _t_starts_at IS NULL), false) OR coalesce((ends_at IS NULL AND _t_ends_at IS NULL), false) OR coalesce((ends_at IS NOT NULL AND _t_ends_at IS NULL), false) OR coalesce((cost IS NULL AND _t_cost IS NULL), false) OR coalesce((cost IS NOT NULL AND _t_cost IS NULL), false) OR coalesce((page_uv IS NULL AND _t_page_uv IS NULL), false) OR coalesce((page_uv IS NOT NULL AND _t_page_uv IS NULL), false) OR coalesce((page_clicks IS NULL AND _t_page_clicks IS NULL), false) OR coalesce((page_clicks IS NOT NULL AND _t_page_clicks IS NULL), false) OR coalesce((_t_starts_at IS NOT NULL AND NOT (_t_starts_at >= TIMESTAMP '2024-03-01' AND _t_starts_at < TIMESTAMP '2024-04-01')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'campaigns', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '活动ID' WHEN column_name = 'c1' THEN '活动名称' WHEN column_name = 'c2' THEN '策划人' WHEN column_name = 'c3' THEN '开始时间' WHEN column_name = 'c4' THEN '结束时间' WHEN column_name = 'c5' THEN '活动成本' WHEN column_name = 'c6' THEN '活动页UV' WHEN column_name = 'c7' THEN '活动页点击量' WHEN column_name = 'c8' THEN '店铺' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(campaign_id = '活动ID', false) AS INTEGER) + CAST(coalesce(campaign_name = '活动名称', false) AS INTEGER) + CAST(coalesce(planner_id = '策划人', false) AS INTEGER) + CAST(coalesce(starts_at = '开始时间', false) AS INTEGER) + CAST(coalesce(ends_at = '结束时间', false) AS INTEGER) + CAST(coalesce(cost = '活动成本', false) AS INTEGER) + CAST(coalesce(page_uv = '活动页UV', false) AS INTEGER) + CAST(coalesce(page_clicks = '活动页点击量', false) AS INTEGER) + CAST(coalesce(campaign_shop = '店铺', false) AS INTEGER)) >= 2 THEN '活动ID' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN campaign_id IS NULL THEN '活动ID' WHEN planner_id IS NULL THEN '策划人' WHEN starts_at IS NULL AND _t_starts_at IS NULL THEN '开始时间' WHEN starts_at IS NOT NULL AND _t_starts_at IS NULL THEN '开始时间' WHEN ends_at IS NULL AND _t_ends_at IS NULL THEN '结束时间' WHEN ends_at IS NOT NULL AND _t_ends_at IS NULL THEN '结束时间' WHEN cost IS NULL AND _t_cost IS NULL THEN '活动成本' WHEN cost IS NOT NULL AND _t_cost IS NULL THEN '活动成本' WHEN page_uv IS NULL AND _t_page_uv IS NULL THEN '活动页UV' WHEN page_uv IS NOT NULL AND _t_page_uv IS NULL THEN '活动页UV' WHEN page_clicks IS NULL AND _t_page_clicks IS NULL THEN '活动页点击量' WHEN page_clicks IS NOT NULL AND _t_page_clicks IS NULL THEN '活动页点击量' WHEN _t_starts_at IS NOT NULL AND NOT (_t_starts_at >= TIMESTAMP '2024-03-01' AND _t_starts_at < TIMESTAMP '2024-04-01') THEN '开始时间' END END AS _bad_column, CASE WHEN (CAST(coalesce(campaign_id = '活动ID', false) AS INTEGER) + CAST(coalesce(campaign_name = '活动名称', false) AS INTEGER) + CAST(coalesce(planner_id = '策划人', false) AS INTEGER) + CAST(coalesce(starts_at = '开始时间', false) AS INTEGER) + CAST(coalesce(ends_at = '结束时间', false) AS INTEGER) + CAST(coalesce(cost = '活动成本', false) AS INTEGER) + CAST(coalesce(page_uv = '活动页UV', false) AS INTEGER) + CAST(coalesce(page_clicks = '活动页点击量', false) AS INTEGER) + CAST(coalesce(campaign_shop = '店铺', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN campaign_id IS NULL THEN '活动ID: empty value' END, CASE WHEN planner_id IS NULL THEN '策划人: empty value' END, CASE WHEN starts_at IS NULL AND _t_starts_at IS NULL THEN '开始时间: empty value' END, CASE WHEN starts_at IS NOT NULL AND _t_starts_at IS NULL THEN '开始时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(starts_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN ends_at IS NULL AND _t_ends_at IS NULL THEN '结束时间: empty value' END, CASE WHEN ends_at IS NOT NULL AND _t_ends_at IS NULL THEN '结束时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(ends_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN cost IS NULL AND _t_cost IS NULL THEN '活动成本: empty value' END, CASE WHEN cost IS NOT NULL AND _t_cost IS NULL THEN '活动成本: not an amount, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(cost, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN page_uv IS NULL AND _t_page_uv IS NULL THEN '活动页UV: empty value' END, CASE WHEN page_uv IS NOT NULL AND _t_page_uv IS NULL THEN '活动页UV: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(page_uv, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN page_clicks IS NULL AND _t_page_clicks IS NULL THEN '活动页点击量: empty value' END, CASE WHEN page_clicks IS NOT NULL AND _t_page_clicks IS NULL THEN '活动页点击量: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(page_clicks, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN _t_starts_at IS NOT NULL AND NOT (_t_starts_at >= TIMESTAMP '2024-03-01' AND _t_starts_at < TIMESTAMP '2024-04-01') THEN '开始时间 ' || strftime(_t_starts_at, '%Y-%m-%d %H:%M') || ' is outside partition month 2024-03' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'campaigns', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.campaigns (month, source_file, source_row, platform, shop_id, campaign_id, campaign_name, planner_id, starts_at, ends_at, cost, page_uv, page_clicks, campaign_shop)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'any', 'shop_a', campaign_id, campaign_name, planner_id, _t_starts_at, _t_ends_at, _t_cost, _t_page_uv, _t_page_clicks, campaign_shop
FROM _checked WHERE NOT _bad AND NOT _summary;

