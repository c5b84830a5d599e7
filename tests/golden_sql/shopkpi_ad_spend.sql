-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR', 'c6': 'VARCHAR', 'c7': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(c0), '') AS report_date,
    nullif(trim(c1), '') AS channel,
    nullif(trim(c2), '') AS plan_name,
    nullif(trim(c3), '') AS impressions,
    nullif(trim(c4), '') AS clicks,
    nullif(trim(c5), '') AS page_arrivals,
    nullif(trim(c6), '') AS spend,
    nullif(trim(c7), '') AS owner_id,
    CASE WHEN contains(c0, chr(0)) THEN '日期' WHEN contains(c1, chr(0)) THEN '推广渠道' WHEN contains(c2, chr(0)) THEN '推广计划' WHEN contains(c3, chr(0)) THEN '展现量' WHEN contains(c4, chr(0)) THEN '点击量' WHEN contains(c5, chr(0)) THEN '到达页面次数' WHEN contains(c6, chr(0)) THEN '花费' WHEN contains(c7, chr(0)) THEN '负责人' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(report_date, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_report_date,
    TRY_CAST(impressions AS BIGINT) AS _t_impressions,
    TRY_CAST(clicks AS BIGINT) AS _t_clicks,
    TRY_CAST(page_arrivals AS BIGINT) AS _t_page_arrivals,
    coalesce(TRY_CAST(spend AS DECIMAL(18,2)), TRY_CAST(CASE WHEN regexp_full_match(spend, '([¥￥]\s*)?-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN regexp_replace(spend, '^[¥￥]\s*|,', '', 'g') ELSE regexp_replace(spend, '^[¥￥]\s*', '') END AS DECIMAL(18,2))) AS _t_spend
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_report_date IS NULL THEN report_date END AS report_date,
    CASE WHEN _t_impressions IS NULL THEN impressions END AS impressions,
    CASE WHEN _t_clicks IS NULL THEN clicks END AS clicks,
    CASE WHEN _t_page_arrivals IS NULL THEN page_arrivals END AS page_arrivals,
    CASE WHEN _t_spend IS NULL THEN spend END AS spend)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(report_date = '日期', false) AS INTEGER) + CAST(coalesce(channel = '推广渠道', false) AS INTEGER) + CAST(coalesce(plan_name = '推广计划', false) AS INTEGER) + CAST(coalesce(impressions = '展现量', false) AS INTEGER) + CAST(coalesce(clicks = '点击量', false) AS INTEGER) + CAST(coalesce(page_arrivals = '到达页面次数', false) AS INTEGER) + CAST(coalesce(spend = '花费', false) AS INTEGER) + CAST(coalesce(owner_id = '负责人', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((report_date IS NULL AND _t_report_date IS NULL), false) OR coalesce((report_date IS NOT NULL AND _t_report_date IS NULL), false) OR coalesce((channel IS NULL), false) OR coalesce((impressions IS NULL AND _t_impressions IS NULL), false) OR coalesce((impressions IS NOT NULL AND _t_impressions IS NULL), false) OR coalesce((clicks IS NULL AND _t_clicks IS NULL), false) OR coalesce((clicks IS NOT NULL AND _t_clicks IS NULL), false) OR coalesce((page_arrivals IS NULL AND _t_page_arrivals IS NULL), false) OR coalesce((page_arrivals IS NOT NULL AND _t_page_arrivals IS NULL), false) OR coalesce((spend IS NULL AND _t_spend IS NULL), false) OR coalesce((spend IS NOT NULL AND _t_spend IS NULL), false) OR coalesce((owner_id IS NULL), false) OR coalesce((_t_report_date IS NOT NULL AND NOT (_t_report_date >= TIMESTAMP '2024-03-01' AND _t_report_date < TIMESTAMP '2024-04-01')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'ad_spend', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '日期' WHEN column_name = 'c1' THEN '推广渠道' WHEN column_name = 'c2' THEN '推广计划' WHEN column_name = 'c3' THEN '展现量' WHEN column_name = 'c4' THEN '点击量' WHEN column_name = 'c5' THEN '到达页面次数' WHEN column_name = 'c6' THEN '花费' WHEN column_name = 'c7' THEN '负责人' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(report_date = '日期', false) AS INTEGER) + CAST(coalesce(channel = '推广渠道', false) AS INTEGER) + CAST(coalesce(plan_name = '推广计划', false) AS INTEGER) + CAST(coalesce(impressions = '展现量', false) AS INTEGER) + CAST(coalesce(clicks = '点击量', false) AS INTEGER) + CAST(coalesce(page_arrivals = '到达页面次数', false) AS INTEGER) + CAST(coalesce(spend = '花费', false) AS INTEGER) + CAST(coalesce(owner_id = '负责人', false) AS INTEGER)) >= 2 THEN '日期' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN report_date IS NULL AND _t_report_date IS NULL THEN '日期' WHEN report_date IS NOT NULL AND _t_report_date IS NULL THEN '日期' WHEN channel IS NULL THEN '推广渠道' WHEN impressions IS NULL AND _t_impressions IS NULL THEN '展现量' WHEN impressions IS NOT NULL AND _t_impressions IS NULL THEN '展现量' WHEN clicks IS NULL AND _t_clicks IS NULL THEN '点击量' WHEN clicks IS NOT NULL AND _t_clicks IS NULL THEN '点击量' WHEN page_arrivals IS NULL AND _t_page_arrivals IS NULL THEN '到达页面次数' WHEN page_arrivals IS NOT NULL AND _t_page_arrivals IS NULL THEN '到达页面次数' WHEN spend IS NULL AND _t_spend IS NULL THEN '花费' WHEN spend IS NOT NULL AND _t_spend IS NULL THEN '花费' WHEN owner_id IS NULL THEN '负责人' WHEN _t_report_date IS NOT NULL AND NOT (_t_report_date >= TIMESTAMP '2024-03-01' AND _t_report_date < TIMESTAMP '2024-04-01') THEN '日期' END END AS _bad_column, CASE WHEN (CAST(coalesce(report_date = '日期', false) AS INTEGER) + CAST(coalesce(channel = '推广渠道', false) AS INTEGER) + CAST(coalesce(plan_name = '推广计划', false) AS INTEGER) + CAST(coalesce(impressions = '展现量', false) AS INTEGER) + CAST(coalesce(clicks = '点击量', false) AS INTEGER) + CAST(coalesce(page_arrivals = '到达页面次数', false) AS INTEGER) + CAST(coalesce(spend = '花费', false) AS INTEGER) + CAST(coalesce(owner_id = '负责人', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN report_date IS NULL AND _t_report_date IS NULL THEN '日期: empty value' END, CASE WHEN report_date IS NOT NULL AND _t_report_date IS NULL THEN '日期: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(report_date, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN channel IS NULL THEN '推广渠道: empty value' END, CASE WHEN impressions IS NULL AND _t_impressions IS NULL THEN '展现量: empty value' END, CASE WHEN impressions IS NOT NULL AND _t_impressions IS NULL THEN '展现量: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(impressions, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN clicks IS NULL AND _t_clicks IS NULL THEN '点击量: empty value' END, CASE WHEN clicks IS NOT NULL AND _t_clicks IS NULL THEN '点击量: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(clicks, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN page_arrivals IS NULL AND _t_page_arrivals IS NULL THEN '到达页面次数: empty value' END, CASE WHEN page_arrivals IS NOT NULL AND _t_page_arrivals IS NULL THEN '到达页面次数: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(page_arrivals, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN spend IS NULL AND _t_spend IS NULL THEN '花费: empty value' END, CASE WHEN spend IS NOT NULL AND _t_spend IS NULL THEN '花费: not an amount, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(spend, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN owner_id IS NULL THEN '负责人: empty value' END, CASE WHEN _t_report_date IS NOT NULL AND NOT (_t_report_date >= TIMESTAMP '2024-03-01' AND _t_report_date < TIMESTAMP '2024-04-01') THEN '日期 ' || strftime(_t_report_date, '%Y-%m-%d %H:%M') || ' is outside partition month 2024-03' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'ad_spend', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.ad_spend (month, source_file, source_row, platform, shop_id, report_date, channel, plan_name, impressions, clicks, page_arrivals, spend, owner_id)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'any', 'shop_a', _t_report_date, channel, plan_name, _t_impressions, _t_clicks, _t_page_arrivals, _t_spend, owner_id
FROM _checked WHERE NOT _bad AND NOT _summary;

