-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR', 'c6': 'VARCHAR', 'c7': 'VARCHAR', 'c8': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(CASE trim(CASE WHEN contains(c0, '=') OR contains(c0, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c0), '="') THEN regexp_extract(c0, '^\s*="(.*)"\s*$', 1) ELSE c0 END, chr(9) || ' ') ELSE c0 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c0, '=') OR contains(c0, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c0), '="') THEN regexp_extract(c0, '^\s*="(.*)"\s*$', 1) ELSE c0 END, chr(9) || ' ') ELSE c0 END END), '') AS campaign_id,
    nullif(trim(CASE trim(CASE WHEN contains(c1, '=') OR contains(c1, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c1), '="') THEN regexp_extract(c1, '^\s*="(.*)"\s*$', 1) ELSE c1 END, chr(9) || ' ') ELSE c1 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c1, '=') OR contains(c1, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c1), '="') THEN regexp_extract(c1, '^\s*="(.*)"\s*$', 1) ELSE c1 END, chr(9) || ' ') ELSE c1 END END), '') AS campaign_name,
    nullif(trim(CASE trim(CASE WHEN contains(c2, '=') OR contains(c2, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c2), '="') THEN regexp_extract(c2, '^\s*="(.*)"\s*$', 1) ELSE c2 END, chr(9) || ' ') ELSE c2 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c2, '=') OR contains(c2, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c2), '="') THEN regexp_extract(c2, '^\s*="(.*)"\s*$', 1) ELSE c2 END, chr(9) || ' ') ELSE c2 END END), '') AS campaign_type,
    nullif(trim(CASE trim(CASE WHEN contains(c3, '=') OR contains(c3, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c3), '="') THEN regexp_extract(c3, '^\s*="(.*)"\s*$', 1) ELSE c3 END, chr(9) || ' ') ELSE c3 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c3, '=') OR contains(c3, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c3), '="') THEN regexp_extract(c3, '^\s*="(.*)"\s*$', 1) ELSE c3 END, chr(9) || ' ') ELSE c3 END END), '') AS item_id,
    nullif(trim(CASE trim(CASE WHEN contains(c4, '=') OR contains(c4, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c4), '="') THEN regexp_extract(c4, '^\s*="(.*)"\s*$', 1) ELSE c4 END, chr(9) || ' ') ELSE c4 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c4, '=') OR contains(c4, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c4), '="') THEN regexp_extract(c4, '^\s*="(.*)"\s*$', 1) ELSE c4 END, chr(9) || ' ') ELSE c4 END END), '') AS item_name,
    nullif(trim(CASE trim(CASE WHEN contains(c5, '=') OR contains(c5, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c5), '="') THEN regexp_extract(c5, '^\s*="(.*)"\s*$', 1) ELSE c5 END, chr(9) || ' ') ELSE c5 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c5, '=') OR contains(c5, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c5), '="') THEN regexp_extract(c5, '^\s*="(.*)"\s*$', 1) ELSE c5 END, chr(9) || ' ') ELSE c5 END END), '') AS registered_at,
    nullif(trim(CASE trim(CASE WHEN contains(c6, '=') OR contains(c6, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c6), '="') THEN regexp_extract(c6, '^\s*="(.*)"\s*$', 1) ELSE c6 END, chr(9) || ' ') ELSE c6 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c6, '=') OR contains(c6, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c6), '="') THEN regexp_extract(c6, '^\s*="(.*)"\s*$', 1) ELSE c6 END, chr(9) || ' ') ELSE c6 END END), '') AS starts_at,
    nullif(trim(CASE trim(CASE WHEN contains(c7, '=') OR contains(c7, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c7), '="') THEN regexp_extract(c7, '^\s*="(.*)"\s*$', 1) ELSE c7 END, chr(9) || ' ') ELSE c7 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c7, '=') OR contains(c7, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c7), '="') THEN regexp_extract(c7, '^\s*="(.*)"\s*$', 1) ELSE c7 END, chr(9) || ' ') ELSE c7 END END), '') AS ends_at,
    nullif(trim(CASE trim(CASE WHEN contains(c8, '=') OR contains(c8, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c8), '="') THEN regexp_extract(c8, '^\s*="(.*)"\s*$', 1) ELSE c8 END, chr(9) || ' ') ELSE c8 END) WHEN '-' THEN NULL WHEN '--' THEN NULL ELSE CASE WHEN contains(c8, '=') OR contains(c8, chr(9)) THEN trim(CASE WHEN starts_with(ltrim(c8), '="') THEN regexp_extract(c8, '^\s*="(.*)"\s*$', 1) ELSE c8 END, chr(9) || ' ') ELSE c8 END END), '') AS status,
    CASE WHEN contains(c0, chr(0)) THEN '活动ID' WHEN contains(c1, chr(0)) THEN '活动名称' WHEN contains(c2, chr(0)) THEN '活动类型' WHEN contains(c3, chr(0)) THEN '商品ID' WHEN contains(c4, chr(0)) THEN '商品名称' WHEN contains(c5, chr(0)) THEN '报名时间' WHEN contains(c6, chr(0)) THEN '活动商品开始时间' WHEN contains(c7, chr(0)) THEN '活动商品结束时间' WHEN contains(c8, chr(0)) THEN '状态' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(registered_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_registered_at,
    try_strptime(starts_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_starts_at,
    try_strptime(ends_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_ends_at
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_registered_at IS NULL THEN registered_at END AS registered_at,
    CASE WHEN _t_starts_at IS NULL THEN starts_at END AS starts_at,
    CASE WHEN _t_ends_at IS NULL THEN ends_at END AS ends_at)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(campaign_id = '活动ID', false) AS INTEGER) + CAST(coalesce(campaign_name = '活动名称', false) AS INTEGER) + CAST(coalesce(campaign_type = '活动类型', false) AS INTEGER) + CAST(coalesce(item_id = '商品ID', false) AS INTEGER) + CAST(coalesce(item_name = '商品名称', false) AS INTEGER) + CAST(coalesce(registered_at = '报名时间', false) AS INTEGER) + CAST(coalesce(starts_at = '活动商品开始时间', false) AS INTEGER) + CAST(coalesce(ends_at = '活动商品结束时间', false) AS INTEGER) + CAST(coalesce(status = '状态', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((campaign_id IS NULL), false) OR coalesce((item_id IS NULL), false) OR coalesce((registered_at IS NOT NULL AND _t_registered_at IS NULL), false) OR coalesce((starts_at IS NOT NULL AND _t_starts_at IS NULL), false) OR coalesce((ends_at IS NOT NULL AND _t_ends_at IS NULL), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'campaign_items', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '活动ID' WHEN column_name = 'c1' THEN '活动名称' WHEN column_name = 'c2' THEN '活动类型' WHEN column_name = 'c3' THEN '商品ID' WHEN column_name = 'c4' THEN '商品名称' WHEN column_name = 'c5' THEN '报名时间' WHEN column_name = 'c6' THEN '活动商品开始时间' WHEN column_name = 'c7' THEN '活动商品结束时间' WHEN column_name = 'c8' THEN '状态' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(campaign_id = '活动ID', false) AS INTEGER) + CAST(coalesce(campaign_name = '活动名称', false) AS INTEGER) + CAST(coalesce(campaign_type = '活动类型', false) AS INTEGER) + CAST(coalesce(item_id = '商品ID', false) AS INTEGER) + CAST(coalesce(item_name = '商品名称', false) AS INTEGER) + CAST(coalesce(registered_at = '报名时间', false) AS INTEGER) + CAST(coalesce(starts_at = '活动商品开始时间', false) AS INTEGER) + CAST(coalesce(ends_at = '活动商品结束时间', false) AS INTEGER) + CAST(coalesce(status = '状态', false) AS INTEGER)) >= 2 THEN '活动ID' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN campaign_id IS NULL THEN '活动ID' WHEN item_id IS NULL THEN '商品ID' WHEN registered_at IS NOT NULL AND _t_registered_at IS NULL THEN '报名时间' WHEN starts_at IS NOT NULL AND _t_starts_at IS NULL THEN '活动商品开始时间' WHEN ends_at IS NOT NULL AND _t_ends_at IS NULL THEN '活动商品结束时间' END END AS _bad_column, CASE WHEN (CAST(coalesce(campaign_id = '活动ID', false) AS INTEGER) + CAST(coalesce(campaign_name = '活动名称', false) AS INTEGER) + CAST(coalesce(campaign_type = '活动类型', false) AS INTEGER) + CAST(coalesce(item_id = '商品ID', false) AS INTEGER) + CAST(coalesce(item_name = '商品名称', false) AS INTEGER) + CAST(coalesce(registered_at = '报名时间', false) AS INTEGER) + CAST(coalesce(starts_at = '活动商品开始时间', false) AS INTEGER) + CAST(coalesce(ends_at = '活动商品结束时间', false) AS INTEGER) + CAST(coalesce(status = '状态', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN campaign_id IS NULL THEN '活动ID: empty value' END, CASE WHEN item_id IS NULL THEN '商品ID: empty value' END, CASE WHEN registered_at IS NOT NULL AND _t_registered_at IS NULL THEN '报名时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(registered_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN starts_at IS NOT NULL AND _t_starts_at IS NULL THEN '活动商品开始时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(starts_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN ends_at IS NOT NULL AND _t_ends_at IS NULL THEN '活动商品结束时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(ends_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'campaign_items', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.campaign_items (month, source_file, source_row, platform, shop_id, campaign_id, campaign_name, campaign_type, item_id, item_name, registered_at, starts_at, ends_at, status)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'pinduoduo', 'shop_a', campaign_id, campaign_name, campaign_type, item_id, item_name, _t_registered_at, _t_starts_at, _t_ends_at, status
FROM _checked WHERE NOT _bad AND NOT _summary;

