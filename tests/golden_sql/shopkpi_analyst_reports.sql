-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR', 'c6': 'VARCHAR', 'c7': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(c0), '') AS report_id,
    nullif(trim(c1), '') AS analyst_id,
    nullif(trim(c2), '') AS week_start,
    nullif(trim(c3), '') AS submitted_at,
    nullif(trim(c4), '') AS deadline_at,
    nullif(trim(c5), '') AS metric,
    nullif(trim(c6), '') AS reported_value,
    nullif(trim(c7), '') AS scope,
    CASE WHEN contains(c0, chr(0)) THEN '报告ID' WHEN contains(c1, chr(0)) THEN '分析师' WHEN contains(c2, chr(0)) THEN '周开始日期' WHEN contains(c3, chr(0)) THEN '提交时间' WHEN contains(c4, chr(0)) THEN '截止时间' WHEN contains(c5, chr(0)) THEN '指标' WHEN contains(c6, chr(0)) THEN '报告值' WHEN contains(c7, chr(0)) THEN '范围' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(week_start, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_week_start,
    try_strptime(submitted_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_submitted_at,
    try_strptime(deadline_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_deadline_at,
    coalesce(TRY_CAST(reported_value AS DECIMAL(18,2)), TRY_CAST(CASE WHEN regexp_full_match(reported_value, '([¥￥]\s*)?-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN regexp_replace(reported_value, '^[¥￥]\s*|,', '', 'g') ELSE regexp_replace(reported_value, '^[¥￥]\s*', '') END AS DECIMAL(18,2))) AS _t_reported_value
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_week_start IS NULL THEN week_start END AS week_start,
    CASE WHEN _t_submitted_at IS NULL THEN submitted_at END AS submitted_at,
    CASE WHEN _t_deadline_at IS NULL THEN deadline_at END AS deadline_at,
    CASE WHEN _t_reported_value IS NULL THEN reported_value END AS reported_value)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(report_id = '报告ID', false) AS INTEGER) + CAST(coalesce(analyst_id = '分析师', false) AS INTEGER) + CAST(coalesce(week_start = '周开始日期', false) AS INTEGER) + CAST(coalesce(submitted_at = '提交时间', false) AS INTEGER) + CAST(coalesce(deadline_at = '截止时间', false) AS INTEGER) + CAST(coalesce(metric = '指标', false) AS INTEGER) + CAST(coalesce(reported_value = '报告值', false) AS INTEGER) + CAST(coalesce(scope = '范围', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((report_id IS NULL), false) OR coalesce((analyst_id IS NULL), false) OR coalesce((week_start IS NULL AND _t_week_start IS NULL), false) OR coalesce((week_start IS NOT NULL AND _t_week_start IS NULL), false) OR coalesce((submitted_at IS NOT NULL AND _t_submitted_at IS NULL), false) OR coalesce((deadline_at IS NULL AND _t_deadline_at IS NULL), false) OR coalesce((deadline_at IS NOT NULL AND _t_deadline_at IS NULL), false) OR coalesce((metric IS NULL), false) OR coalesce((reported_value IS NULL AND _t_reported_value IS NULL), false) OR coalesce((reported_value IS NOT NULL AND _t_reported_value IS NULL), false) OR coalesce((_t_week_start IS NOT NULL AND NOT (_t_week_start >= TIMESTAMP '2024-03-01' AND _t_week_start < TIMESTAMP '2024-04-01')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'analyst_reports', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '报告ID' WHEN column_name = 'c1' THEN '分析师' WHEN column_name = 'c2' THEN '周开始日期' WHEN column_name = 'c3' THEN '提交时间' WHEN column_name = 'c4' THEN '截止时间' WHEN column_name = 'c5' THEN '指标' WHEN column_name = 'c6' THEN '报告值' WHEN column_name = 'c7' THEN '范围' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(report_id = '报告ID', false) AS INTEGER) + CAST(coalesce(analyst_id = '分析师', false) AS INTEGER) + CAST(coalesce(week_start = '周开始日期', false) AS INTEGER) + CAST(coalesce(submitted_at = '提交时间', false) AS INTEGER) + CAST(coalesce(deadline_at = '截止时间', false) AS INTEGER) + CAST(coalesce(metric = '指标', false) AS INTEGER) + CAST(coalesce(reported_value = '报告值', false) AS INTEGER) + CAST(coalesce(scope = '范围', false) AS INTEGER)) >= 2 THEN '报告ID' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN report_id IS NULL THEN '报告ID' WHEN analyst_id IS NULL THEN '分析师' WHEN week_start IS NULL AND _t_week_start IS NULL THEN '周开始日期' WHEN week_start IS NOT NULL AND _t_week_start IS NULL THEN '周开始日期' WHEN submitted_at IS NOT NULL AND _t_submitted_at IS NULL THEN '提交时间' WHEN deadline_at IS NULL AND _t_deadline_at IS NULL THEN '截止时间' WHEN deadline_at IS NOT NULL AND _t_deadline_at IS NULL THEN '截止时间' WHEN metric IS NULL THEN '指标' WHEN reported_value IS NULL AND _t_reported_value IS NULL THEN '报告值' WHEN reported_value IS NOT NULL AND _t_reported_value IS NULL THEN '报告值' WHEN _t_week_start IS NOT NULL AND NOT (_t_week_start >= TIMESTAMP '2024-03-01' AND _t_week_start < TIMESTAMP '2024-04-01') THEN '周开始日期' END END AS _bad_column, CASE WHEN (CAST(coalesce(report_id = '报告ID', false) AS INTEGER) + CAST(coalesce(analyst_id = '分析师', false) AS INTEGER) + CAST(coalesce(week_start = '周开始日期', false) AS INTEGER) + CAST(coalesce(submitted_at = '提交时间', false) AS INTEGER) + CAST(coalesce(deadline_at = '截止时间', false) AS INTEGER) + CAST(coalesce(metric = '指标', false) AS INTEGER) + CAST(coalesce(reported_value = '报告值', false) AS INTEGER) + CAST(coalesce(scope = '范围', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN report_id IS NULL THEN '报告ID: empty value' END, CASE WHEN analyst_id IS NULL THEN '分析师: empty value' END, CASE WHEN week_start IS NULL AND _t_week_start IS NULL THEN '周开始日期: empty value' END, CASE WHEN week_start IS NOT NULL AND _t_week_start IS NULL THEN '周开始日期: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(week_start, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN submitted_at IS NOT NULL AND _t_submitted_at IS NULL THEN '提交时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(submitted_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN deadline_at IS NULL AND _t_deadline_at IS NULL THEN '截止时间: empty value' END, CASE WHEN deadline_at IS NOT NULL AND _t_deadline_at IS NULL THEN '截止时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(deadline_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN metric IS NULL THEN '指标: empty value' END, CASE WHEN reported_value IS NULL AND _t_reported_value IS NULL THEN '报告值: empty value' END, CASE WHEN reported_value IS NOT NULL AND _t_reported_value IS NULL THEN '报告值: not an amount, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(reported_value, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN _t_week_start IS NOT NULL AND NOT (_t_week_start >= TIMESTAMP '2024-03-01' AND _t_week_start < TIMESTAMP '2024-04-01') THEN '周开始日期 ' || strftime(_t_week_start, '%Y-%m-%d %H:%M') || ' is outside partition month 2024-03' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'analyst_reports', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.analyst_reports (month, source_file, source_row, platform, shop_id, report_id, analyst_id, week_start, submitted_at, deadline_at, metric, reported_value, scope)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'any', 'shop_a', report_id, analyst_id, _t_week_start, _t_submitted_at, _t_deadline_at, metric, _t_reported_value, scope
FROM _checked WHERE NOT _bad AND NOT _summary;

