-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR', 'c6': 'VARCHAR', 'c7': 'VARCHAR', 'c8': 'VARCHAR', 'c9': 'VARCHAR', 'c10': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(c0), '') AS session_id,
    nullif(trim(c1), '') AS agent_id,
    left(sha256(getvariable('pii_opad') || unhex(sha256(getvariable('pii_ipad') || encode(nullif(trim(c2), ''))))), 32) AS buyer_hash,
    nullif(trim(c3), '') AS first_message_at,
    nullif(trim(c4), '') AS first_reply_at,
    nullif(trim(c5), '') AS messages,
    nullif(trim(c6), '') AS forbidden_phrases,
    nullif(trim(c7), '') AS converted_order_id,
    nullif(trim(c8), '') AS rating,
    nullif(trim(c9), '') AS is_complaint,
    nullif(trim(c10), '') AS complaint_resolved,
    CASE WHEN contains(c0, chr(0)) THEN '会话ID' WHEN contains(c1, chr(0)) THEN '客服工号' WHEN contains(c2, chr(0)) THEN '买家' WHEN contains(c3, chr(0)) THEN '首条消息时间' WHEN contains(c4, chr(0)) THEN '首次回复时间' WHEN contains(c5, chr(0)) THEN '消息数' WHEN contains(c6, chr(0)) THEN '违规用语数' WHEN contains(c7, chr(0)) THEN '转化订单编号' WHEN contains(c8, chr(0)) THEN '满意度评价' WHEN contains(c9, chr(0)) THEN '是否投诉' WHEN contains(c10, chr(0)) THEN '投诉是否解决' END AS _nul_column
  FROM scanned
),
typed AS (
  SELECT *,
    try_strptime(first_message_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_first_message_at,
    try_strptime(first_reply_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_first_reply_at,
    TRY_CAST(messages AS BIGINT) AS _t_messages,
    TRY_CAST(forbidden_phrases AS BIGINT) AS _t_forbidden_phrases
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_first_message_at IS NULL THEN first_message_at END AS first_message_at,
    CASE WHEN _t_first_reply_at IS NULL THEN first_reply_at END AS first_reply_at,
    CASE WHEN _t_messages IS NULL THEN messages END AS messages,
    CASE WHEN _t_forbidden_phrases IS NULL THEN forbidden_phrases END AS forbidden_phrases)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(session_id = '会话ID', false) AS INTEGER) + CAST(coalesce(agent_id = '客服工号', false) AS INTEGER) + CAST(coalesce(first_message_at = '首条消息时间', false) AS INTEGER) + CAST(coalesce(first_reply_at = '首次回复时间', false) AS INTEGER) + CAST(coalesce(messages = '消息数', false) AS INTEGER) + CAST(coalesce(forbidden_phrases = '违规用语数', false) AS INTEGER) + CAST(coalesce(converted_order_id = '转化订单编号', false) AS INTEGER) + CAST(coalesce(rating = '满意度评价', false) AS INTEGER) + CAST(coalesce(is_complaint = '是否投诉', false) AS INTEGER) + CAST(coalesce(complaint_resolved = '投诉是否解决', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((session_id IS NULL), false) OR coalesce((agent_id IS NULL), false) OR coalesce((first_message_at IS NULL AND _t_first_message_at IS NULL), false) OR coalesce((first_message_at IS NOT NULL AND _t_first_message_at IS NULL), false) OR coalesce((first_reply_at IS NOT NULL AND _t_first_reply_at IS NULL), false) OR coalesce((messages IS NOT NULL AND _t_messages IS NULL), false) OR coalesce((forbidden_phrases IS NOT NULL AND _t_forbidden_phrases IS NULL), false) OR coalesce((_t_first_message_at IS NOT NULL AND NOT (_t_first_message_at >= TIMESTAMP '2024-03-01' AND _t_first_message_at < TIMESTAMP '2024-04-01')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'cs_sessions', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '会话ID' WHEN column_name = 'c1' THEN '客服工号' WHEN column_name = 'c2' THEN '买家' WHEN column_name = 'c3' THEN '首条消息时间' WHEN column_name = 'c4' THEN '首次回复时间' WHEN column_name = 'c5' THEN '消息数' WHEN column_name = 'c6' THEN '违规用语数' WHEN column_name = 'c7' THEN '转化订单编号' WHEN column_name = 'c8' THEN '满意度评价' WHEN column_name = 'c9' THEN '是否投诉' WHEN column_name = 'c10' THEN '投诉是否解决' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(session_id = '会话ID', false) AS INTEGER) + CAST(coalesce(agent_id = '客服工号', false) AS INTEGER) + CAST(coalesce(first_message_at = '首条消息时间', false) AS INTEGER) + CAST(coalesce(first_reply_at = '首次回复时间', false) AS INTEGER) + CAST(coalesce(messages = '消息数', false) AS INTEGER) + CAST(coalesce(forbidden_phrases = '违规用语数', false) AS INTEGER) + CAST(coalesce(converted_order_id = '转化订单编号', false) AS INTEGER) + CAST(coalesce(rating = '满意度评价', false) AS INTEGER) + CAST(coalesce(is_complaint = '是否投诉', false) AS INTEGER) + CAST(coalesce(complaint_resolved = '投诉是否解决', false) AS INTEGER)) >= 2 THEN '会话ID' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN session_id IS NULL THEN '会话ID' WHEN agent_id IS NULL THEN '客服工号' WHEN first_message_at IS NULL AND _t_first_message_at IS NULL THEN '首条消息时间' WHEN first_message_at IS NOT NULL AND _t_first_message_at IS NULL THEN '首条消息时间' WHEN first_reply_at IS NOT NULL AND _t_first_reply_at IS NULL THEN '首次回复时间' WHEN messages IS NOT NULL AND _t_messages IS NULL THEN '消息数' WHEN forbidden_phrases IS NOT NULL AND _t_forbidden_phrases IS NULL THEN '违规用语数' WHEN _t_first_message_at IS NOT NULL AND NOT (_t_first_message_at >= TIMESTAMP '2024-03-01' AND _t_first_message_at < TIMESTAMP '2024-04-01') THEN '首条消息时间' END END AS _bad_column, CASE WHEN (CAST(coalesce(session_id = '会话ID', false) AS INTEGER) + CAST(coalesce(agent_id = '客服工号', false) AS INTEGER) + CAST(coalesce(first_message_at = '首条消息时间', false) AS INTEGER) + CAST(coalesce(first_reply_at = '首次回复时间', false) AS INTEGER) + CAST(coalesce(messages = '消息数', false) AS INTEGER) + CAST(coalesce(forbidden_phrases = '违规用语数', false) AS INTEGER) + CAST(coalesce(converted_order_id = '转化订单编号', false) AS INTEGER) + CAST(coalesce(rating = '满意度评价', false) AS INTEGER) + CAST(coalesce(is_complaint = '是否投诉', false) AS INTEGER) + CAST(coalesce(complaint_resolved = '投诉是否解决', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN session_id IS NULL THEN '会话ID: empty value' END, CASE WHEN agent_id IS NULL THEN '客服工号: empty value' END, CASE WHEN first_message_at IS NULL AND _t_first_message_at IS NULL THEN '首条消息时间: empty value' END, CASE WHEN first_message_at IS NOT NULL AND _t_first_message_at IS NULL THEN '首条消息时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(first_message_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN first_reply_at IS NOT NULL AND _t_first_reply_at IS NULL THEN '首次回复时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(first_reply_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN messages IS NOT NULL AND _t_messages IS NULL THEN '消息数: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(messages, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN forbidden_phrases IS NOT NULL AND _t_forbidden_phrases IS NULL THEN '违规用语数: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(forbidden_phrases, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN _t_first_message_at IS NOT NULL AND NOT (_t_first_message_at >= TIMESTAMP '2024-03-01' AND _t_first_message_at < TIMESTAMP '2024-04-01') THEN '首条消息时间 ' || strftime(_t_first_message_at, '%Y-%m-%d %H:%M') || ' is outside partition month 2024-03' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'cs_sessions', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.cs_sessions (month, source_file, source_row, platform, shop_id, session_id, agent_id, buyer_hash, first_message_at, first_reply_at, messages, forbidden_phrases, converted_order_id, rating, is_complaint, complaint_resolved)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'any', 'shop_a', session_id, agent_id, buyer_hash, _t_first_message_at, _t_first_reply_at, _t_messages, _t_forbidden_phrases, converted_order_id, rating, is_complaint, complaint_resolved
FROM _checked WHERE NOT _bad AND NOT _summary;

