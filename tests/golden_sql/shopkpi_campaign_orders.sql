-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
cleaned AS (
  SELECT
    nullif(trim(c0), '') AS campaign_id,
    nullif(trim(c1), '') AS order_id,
    CASE WHEN contains(c0, chr(0)) THEN '活动ID' WHEN contains(c1, chr(0)) THEN '订单编号' END AS _nul_column
  FROM scanned
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(campaign_id = '活动ID', false) AS INTEGER) + CAST(coalesce(order_id = '订单编号', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((campaign_id IS NULL), false) OR coalesce((order_id IS NULL), false) OR coalesce((order_id IS NOT NULL AND order_id NOT IN (SELECT order_id FROM raw.orders WHERE month = '2024-03')), false))) AS _bad FROM cleaned;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'campaign_orders', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '活动ID' WHEN column_name = 'c1' THEN '订单编号' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(campaign_id = '活动ID', false) AS INTEGER) + CAST(coalesce(order_id = '订单编号', false) AS INTEGER)) >= 2 THEN '活动ID' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN campaign_id IS NULL THEN '活动ID' WHEN order_id IS NULL THEN '订单编号' WHEN order_id IS NOT NULL AND order_id NOT IN (SELECT order_id FROM raw.orders WHERE month = '2024-03') THEN '订单编号' END END AS _bad_column, CASE WHEN (CAST(coalesce(campaign_id = '活动ID', false) AS INTEGER) + CAST(coalesce(order_id = '订单编号', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN campaign_id IS NULL THEN '活动ID: empty value' END, CASE WHEN order_id IS NULL THEN '订单编号: empty value' END, CASE WHEN order_id IS NOT NULL AND order_id NOT IN (SELECT order_id FROM raw.orders WHERE month = '2024-03') THEN '订单编号: no loaded order with this id in the 2024-03 order reports of the shops' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'campaign_orders', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.campaign_orders (month, source_file, source_row, platform, shop_id, campaign_id, order_id)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'any', 'shop_a', campaign_id, order_id
FROM _checked WHERE NOT _bad AND NOT _summary;

