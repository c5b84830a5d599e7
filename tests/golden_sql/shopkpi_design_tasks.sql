-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR', 'c6': 'VARCHAR', 'c7': 'VARCHAR', 'c8': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(c0), '') AS task_id,
    nullif(trim(c1), '') AS designer_id,
    nullif(trim(c2), '') AS assigned_at,
    nullif(trim(c3), '') AS due_at,
    nullif(trim(c4), '') AS delivered_at,
    nullif(trim(c5), '') AS reviewed_at,
    nullif(trim(c6), '') AS review_result,
    nullif(trim(c7), '') AS pages,
    nullif(trim(c8), '') AS images,
    CASE WHEN contains(c0, chr(0)) THEN '任务ID' WHEN contains(c1, chr(0)) THEN '设计师' WHEN contains(c2, chr(0)) THEN '分配时间' WHEN contains(c3, chr(0)) THEN '截止时间' WHEN contains(c4, chr(0)) THEN '交付时间' WHEN contains(c5, chr(0)) THEN '审核时间' WHEN contains(c6, chr(0)) THEN '审核结果' WHEN contains(c7, chr(0)) THEN '页面数' WHEN contains(c8, chr(0)) THEN '图片数' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(assigned_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_assigned_at,
    try_strptime(due_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_due_at,
    try_strptime(delivered_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_delivered_at,
    try_strptime(reviewed_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_reviewed_at,
    TRY_CAST(pages AS BIGINT) AS _t_pages,
    TRY_CAST(images AS BIGINT) AS _t_images
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_assigned_at IS NULL THEN assigned_at END AS assigned_at,
    CASE WHEN _t_due_at IS NULL THEN due_at END AS due_at,
    CASE WHEN _t_delivered_at IS NULL THEN delivered_at END AS delivered_at,
    CASE WHEN _t_reviewed_at IS NULL THEN reviewed_at END AS reviewed_at,
    CASE WHEN _t_pages IS NULL THEN pages END AS pages,
    CASE WHEN _t_images IS NULL THEN images END AS images)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(task_id = '任务ID', false) AS INTEGER) + CAST(coalesce(designer_id = '设计师', false) AS INTEGER) + CAST(coalesce(assigned_at = '分配时间', false) AS INTEGER) + CAST(coalesce(due_at = '截止时间', false) AS INTEGER) + CAST(coalesce(delivered_at = '交付时间', false) AS INTEGER) + CAST(coalesce(reviewed_at = '审核时间', false) AS INTEGER) + CAST(coalesce(review_result = '审核结果', false) AS INTEGER) + CAST(coalesce(pages = '页面数', false) AS INTEGER) + CAST(coalesce(images = '图片数', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((task_id IS NULL), false) OR coalesce((designer_id IS NULL), false) OR coalesce((assigned_at IS NOT NULL AND _t_assigned_at IS NULL), false) OR coalesce((due_at IS NULL AND _t_due_at IS NULL), false) OR coalesce((due_at IS NOT NULL AND _t_due_at IS NULL), false) OR coalesce((delivered_at IS NOT NULL AND _t_delivered_at IS NULL), false) OR coalesce((reviewed_at IS NOT NULL AND _t_reviewed_at IS NULL), false) OR coalesce((pages IS NOT NULL AND _t_pages IS NULL), false) OR coalesce((images IS NOT NULL AND _t_images IS NULL), false) OR coalesce((_t_due_at IS NOT NULL AND NOT (_t_due_at >= TIMESTAMP '2024-03-01' AND _t_due_at < TIMESTAMP '2024-04-01')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'design_tasks', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '任务ID' WHEN column_name = 'c1' THEN '设计师' WHEN column_name = 'c2' THEN '分配时间' WHEN column_name = 'c3' THEN '截止时间' WHEN column_name = 'c4' THEN '交付时间' WHEN column_name = 'c5' THEN '审核时间' WHEN column_name = 'c6' THEN '审核结果' WHEN column_name = 'c7' THEN '页面数' WHEN column_name = 'c8' THEN '图片数' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(task_id = '任务ID', false) AS INTEGER) + CAST(coalesce(designer_id = '设计师', false) AS INTEGER) + CAST(coalesce(assigned_at = '分配时间', false) AS INTEGER) + CAST(coalesce(due_at = '截止时间', false) AS INTEGER) + CAST(coalesce(delivered_at = '交付时间', false) AS INTEGER) + CAST(coalesce(reviewed_at = '审核时间', false) AS INTEGER) + CAST(coalesce(review_result = '审核结果', false) AS INTEGER) + CAST(coalesce(pages = '页面数', false) AS INTEGER) + CAST(coalesce(images = '图片数', false) AS INTEGER)) >= 2 THEN '任务ID' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN task_id IS NULL THEN '任务ID' WHEN designer_id IS NULL THEN '设计师' WHEN assigned_at IS NOT NULL AND _t_assigned_at IS NULL THEN '分配时间' WHEN due_at IS NULL AND _t_due_at IS NULL THEN '截止时间' WHEN due_at IS NOT NULL AND _t_due_at IS NULL THEN '截止时间' WHEN delivered_at IS NOT NULL AND _t_delivered_at IS NULL THEN '交付时间' WHEN reviewed_at IS NOT NULL AND _t_reviewed_at IS NULL THEN '审核时间' WHEN pages IS NOT NULL AND _t_pages IS NULL THEN '页面数' WHEN images IS NOT NULL AND _t_images IS NULL THEN '图片数' WHEN _t_due_at IS NOT NULL AND NOT (_t_due_at >= TIMESTAMP '2024-03-01' AND _t_due_at < TIMESTAMP '2024-04-01') THEN '截止时间' END END AS _bad_column, CASE WHEN (CAST(coalesce(task_id = '任务ID', false) AS INTEGER) + CAST(coalesce(designer_id = '设计师', false) AS INTEGER) + CAST(coalesce(assigned_at = '分配时间', false) AS INTEGER) + CAST(coalesce(due_at = '截止时间', false) AS INTEGER) + CAST(coalesce(delivered_at = '交付时间', false) AS INTEGER) + CAST(coalesce(reviewed_at = '审核时间', false) AS INTEGER) + CAST(coalesce(review_result = '审核结果', false) AS INTEGER) + CAST(coalesce(pages = '页面数', false) AS INTEGER) + CAST(coalesce(images = '图片数', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN task_id IS NULL THEN '任务ID: empty value' END, CASE WHEN designer_id IS NULL THEN '设计师: empty value' END, CASE WHEN assigned_at IS NOT NULL AND _t_assigned_at IS NULL THEN '分配时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(assigned_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN due_at IS NULL AND _t_due_at IS NULL THEN '截止时间: empty value' END, CASE WHEN due_at IS NOT NULL AND _t_due_at IS NULL THEN '截止时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(due_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN delivered_at IS NOT NULL AND _t_delivered_at IS NULL THEN '交付时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(delivered_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN reviewed_at IS NOT NULL AND _t_reviewed_at IS NULL THEN '审核时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(reviewed_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN pages IS NOT NULL AND _t_pages IS NULL THEN '页面数: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(pages, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN images IS NOT NULL AND _t_images IS NULL THEN '图片数: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(images, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN _t_due_at IS NOT NULL AND NOT (_t_due_at >= TIMESTAMP '2024-03-01' AND _t_due_at < TIMESTAMP '2024-04-01') THEN '截止时间 ' || strftime(_t_due_at, '%Y-%m-%d %H:%M') || ' is outside partition month 2024-03' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'design_tasks', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.design_tasks (month, source_file, source_row, platform, shop_id, task_id, designer_id, assigned_at, due_at, delivered_at, reviewed_at, review_result, pages, images)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'any', 'shop_a', task_id, designer_id, _t_assigned_at, _t_due_at, _t_delivered_at, _t_reviewed_at, review_result, _t_pages, _t_images
FROM _checked WHERE NOT _bad AND NOT _summary;

