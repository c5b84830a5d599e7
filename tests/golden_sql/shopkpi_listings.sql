-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR', 'c6': 'VARCHAR', 'c7': 'VARCHAR', 'c8': 'VARCHAR', 'c9': 'VARCHAR', 'c10': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(c0), '') AS item_id,
    nullif(trim(c1), '') AS editor_id,
    nullif(trim(c2), '') AS copywriter_id,
    nullif(trim(c3), '') AS planned_at,
    nullif(trim(c4), '') AS live_at,
    nullif(trim(c5), '') AS checked,
    nullif(trim(c6), '') AS description_error,
    nullif(trim(c7), '') AS shown_stock,
    nullif(trim(c8), '') AS warehouse_stock,
    nullif(trim(c9), '') AS links_checked,
    nullif(trim(c10), '') AS broken_links,
    CASE WHEN contains(c0, chr(0)) THEN '宝贝ID' WHEN contains(c1, chr(0)) THEN '编辑' WHEN contains(c2, chr(0)) THEN '文案' WHEN contains(c3, chr(0)) THEN '计划上架时间' WHEN contains(c4, chr(0)) THEN '实际上架时间' WHEN contains(c5, chr(0)) THEN '是否抽检' WHEN contains(c6, chr(0)) THEN '描述错误' WHEN contains(c7, chr(0)) THEN '前台库存' WHEN contains(c8, chr(0)) THEN '仓库库存' WHEN contains(c9, chr(0)) THEN '检查链接数' WHEN contains(c10, chr(0)) THEN '失效链接数' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(planned_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_planned_at,
    try_strptime(live_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_live_at,
    TRY_CAST(shown_stock AS BIGINT) AS _t_shown_stock,
    TRY_CAST(warehouse_stock AS BIGINT) AS _t_warehouse_stock,
    TRY_CAST(links_checked AS BIGINT) AS _t_links_checked,
    TRY_CAST(broken_links AS BIGINT) AS _t_broken_links
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_planned_at IS NULL THEN planned_at END AS planned_at,
    CASE WHEN _t_live_at IS NULL THEN live_at END AS live_at,
    CASE WHEN _t_shown_stock IS NULL THEN shown_stock END AS shown_stock,
    CASE WHEN _t_warehouse_stock IS NULL THEN warehouse_stock END AS warehouse_stock,
    CASE WHEN _t_links_checked IS NULL THEN links_checked END AS links_checked,
    CASE WHEN _t_broken_links IS NULL THEN broken_links END AS broken_links)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(item_id = '宝贝ID', false) AS INTEGER) + CAST(coalesce(editor_id = '编辑', false) AS INTEGER) + CAST(coalesce(copywriter_id = '文案', false) AS INTEGER) + CAST(coalesce(planned_at = '计划上架时间', false) AS INTEGER) + CAST(coalesce(live_at = '实际上架时间', false) AS INTEGER) + CAST(coalesce(checked = '是否抽检', false) AS INTEGER) + CAST(coalesce(description_error = '描述错误', false) AS INTEGER) + CAST(coalesce(shown_stock = '前台库存', false) AS INTEGER) + CAST(coalesce(warehouse_stock = '仓库库存', false) AS INTEGER) + CAST(coalesce(links_checked = '检查链接数', false) AS INTEGER) + CAST(coalesce(broken_links = '失效链接数', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((item_id IS NULL), false) OR coalesce((editor_id IS NULL), false) OR coalesce((planned_at IS NULL AND _t_planned_at IS NULL), false) OR coalesce((planned_at IS NOT NULL AND _t_planned_at IS NULL), false) OR coalesce((live_at IS NOT NULL AND _t_live_at IS NULL), false) OR coalesce((shown_stock IS NOT NULL AND _t_shown_stock IS NULL), false) OR coalesce((warehouse_stock IS NOT NULL AND _t_warehouse_stock IS NULL), false) OR coalesce((links_checked IS NOT NULL AND _t_links_checked IS NULL), false) OR coalesce((broken_links IS NOT NULL AND _t_broken_links IS NULL), false) OR coalesce((_t_planned_at IS NOT NULL AND NOT (_t_planned_at >= TIMESTAMP '2024-03-01' AND _t_planned_at < TIMESTAMP '2024-04-01')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'listings', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '宝贝ID' WHEN column_name = 'c1' THEN '编辑' WHEN column_name = 'c2' THEN '文案' WHEN column_name = 'c3' THEN '计划上架时间' WHEN column_name = 'c4' THEN '实际上架时间' WHEN column_name = 'c5' THEN '是否抽检' WHEN column_name = 'c6' THEN '描述错误' WHEN column_name = 'c7' THEN '前台库存' WHEN column_name = 'c8' THEN '仓库库存' WHEN column_name = 'c9' THEN '检查链接数' WHEN column_name = 'c10' THEN '失效链接数' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(item_id = '宝贝ID', false) AS INTEGER) + CAST(coalesce(editor_id = '编辑', false) AS INTEGER) + CAST(coalesce(copywriter_id = '文案', false) AS INTEGER) + CAST(coalesce(planned_at = '计划上架时间', false) AS INTEGER) + CAST(coalesce(live_at = '实际上架时间', false) AS INTEGER) + CAST(coalesce(checked = '是否抽检', false) AS INTEGER) + CAST(coalesce(description_error = '描述错误', false) AS INTEGER) + CAST(coalesce(shown_stock = '前台库存', false) AS INTEGER) + CAST(coalesce(warehouse_stock = '仓库库存', false) AS INTEGER) + CAST(coalesce(links_checked = '检查链接数', false) AS INTEGER) + CAST(coalesce(broken_links = '失效链接数', false) AS INTEGER)) >= 2 THEN '宝贝ID' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN item_id IS NULL THEN '宝贝ID' WHEN editor_id IS NULL THEN '编辑' WHEN planned_at IS NULL AND _t_planned_at IS NULL THEN '计划上架时间' WHEN planned_at IS NOT NULL AND _t_planned_at IS NULL THEN '计划上架时间' WHEN live_at IS NOT NULL AND _t_live_at IS NULL THEN '实际上架时间' WHEN shown_stock IS NOT NULL AND _t_shown_stock IS NULL THEN '前台库存' WHEN warehouse_stock IS NOT NULL AND _t_warehouse_stock IS NULL THEN '仓库库存' WHEN links_checked IS NOT NULL AND _t_links_checked IS NULL THEN '检查链接数' WHEN broken_links IS NOT NULL AND _t_broken_links IS NULL THEN '失效链接数' WHEN _t_planned_at IS NOT NULL AND NOT (_t_planned_at >= TIMESTAMP '2024-03-01' AND _t_planned_at < TIMESTAMP '2024-04-01') THEN '计划上架时间' END END AS _bad_column, CASE WHEN (CAST(coalesce(item_id = '宝贝ID', false) AS INTEGER) + CAST(coalesce(editor_id = '编辑', false) AS INTEGER) + CAST(coalesce(copywriter_id = '文案', false) AS INTEGER) + CAST(coalesce(planned_at = '计划上架时间', false) AS INTEGER) + CAST(coalesce(live_at = '实际上架时间', false) AS INTEGER) + CAST(coalesce(checked = '是否抽检', false) AS INTEGER) + CAST(coalesce(description_error = '描述错误', false) AS INTEGER) + CAST(coalesce(shown_stock = '前台库存', false) AS INTEGER) + CAST(coalesce(warehouse_stock = '仓库库存', false) AS INTEGER) + CAST(coalesce(links_checked = '检查链接数', false) AS INTEGER) + CAST(coalesce(broken_links = '失效链接数', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN item_id IS NULL THEN '宝贝ID: empty value' END, CASE WHEN editor_id IS NULL THEN '编辑: empty value' END, CASE WHEN planned_at IS NULL AND _t_planned_at IS NULL THEN '计划上架时间: empty value' END, CASE WHEN planned_at IS NOT NULL AND _t_planned_at IS NULL THEN '计划上架时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(planned_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN live_at IS NOT NULL AND _t_live_at IS NULL THEN '实际上架时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(live_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN shown_stock IS NOT NULL AND _t_shown_stock IS NULL THEN '前台库存: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(shown_stock, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN warehouse_stock IS NOT NULL AND _t_warehouse_stock IS NULL THEN '仓库库存: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(warehouse_stock, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN links_checked IS NOT NULL AND _t_links_checked IS NULL THEN '检查链接数: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(links_checked, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN broken_links IS NOT NULL AND _t_broken_links IS NULL THEN '失效链接数: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(broken_links, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN _t_planned_at IS NOT NULL AND NOT (_t_planned_at >= TIMESTAMP '2024-03-01' AND _t_planned_at < TIMESTAMP '2024-04-01') THEN '计划上架时间 ' || strftime(_t_planned_at, '%Y-%m-%d %H:%M') || ' is outside partition month 2024-03' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'listings', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.listings (month, source_file, source_row, platform, shop_id, item_id, editor_id, copywriter_id, planned_at, live_at, checked, description_error, shown_stock, warehouse_stock, links_checked, broken_links)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'any', 'shop_a', item_id, editor_id, copywriter_id, _t_planned_at, _t_live_at, checked, description_error, _t_shown_stock, _t_warehouse_stock, _t_links_checked, _t_broken_links
FROM _checked WHERE NOT _bad AND NOT _summary;

