-- stage
CREATE TEMP TABLE _stage AS
WITH scanned AS (
  SELECT * FROM read_csv('/exports/shop_a/2024-03/export.csv', header=false, skip=1, columns={'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR', 'c3': 'VARCHAR', 'c4': 'VARCHAR', 'c5': 'VARCHAR', 'c6': 'VARCHAR', 'c7': 'VARCHAR', 'c8': 'VARCHAR', 'c9': 'VARCHAR', 'c10': 'VARCHAR', 'c11': 'VARCHAR', 'c12': 'VARCHAR'}, auto_detect=false, delim=',', quote='"', escape='"', ignore_errors=true)
),
addresses AS (
  SELECT *,
    nullif(trim(CASE WHEN contains(c8, '''') OR contains(c8, '=') THEN regexp_replace(CASE WHEN starts_with(ltrim(c8), '="') THEN regexp_extract(c8, '^\s*="(.*)"\s*$', 1) ELSE c8 END, '^\s*''', '') ELSE c8 END), '') AS _address_8
  FROM scanned
),
province_cuts AS (
  SELECT *,
    CASE WHEN strpos(_address_8, ' ') > 0 THEN nullif(regexp_extract(split_part(_address_8, ' ', 1), '^(黑龙江|内蒙古|北京|天津|上海|重庆|河北|山西|辽宁|吉林|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|广西|西藏|宁夏|新疆|香港|澳门)(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?$', 1), '') ELSE nullif(regexp_extract(_address_8, '^(黑龙江|内蒙古|北京|天津|上海|重庆|河北|山西|辽宁|吉林|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|广西|西藏|宁夏|新疆|香港|澳门)', 1), '') END AS _cut_8
  FROM addresses
),
provinces AS (
  SELECT *,
    CASE _cut_8 WHEN '北京' THEN '北京市' WHEN '天津' THEN '天津市' WHEN '上海' THEN '上海市' WHEN '重庆' THEN '重庆市' WHEN '河北' THEN '河北省' WHEN '山西' THEN '山西省' WHEN '辽宁' THEN '辽宁省' WHEN '吉林' THEN '吉林省' WHEN '黑龙江' THEN '黑龙江省' WHEN '江苏' THEN '江苏省' WHEN '浙江' THEN '浙江省' WHEN '安徽' THEN '安徽省' WHEN '福建' THEN '福建省' WHEN '江西' THEN '江西省' WHEN '山东' THEN '山东省' WHEN '河南' THEN '河南省' WHEN '湖北' THEN '湖北省' WHEN '湖南' THEN '湖南省' WHEN '广东' THEN '广东省' WHEN '海南' THEN '海南省' WHEN '四川' THEN '四川省' WHEN '贵州' THEN '贵州省' WHEN '云南' THEN '云南省' WHEN '陕西' THEN '陕西省' WHEN '甘肃' THEN '甘肃省' WHEN '青海' THEN '青海省' WHEN '台湾' THEN '台湾省' WHEN '内蒙古' THEN '内蒙古自治区' WHEN '广西' THEN '广西壮族自治区' WHEN '西藏' THEN '西藏自治区' WHEN '宁夏' THEN '宁夏回族自治区' WHEN '新疆' THEN '新疆维吾尔自治区' WHEN '香港' THEN '香港特别行政区' WHEN '澳门' THEN '澳门特别行政区' END AS _province_8
  FROM province_cuts
),
cleaned AS (
  SELECT
    nullif(trim(CASE WHEN contains(c0, '''') OR contains(c0, '=') THEN regexp_replace(CASE WHEN starts_with(ltrim(c0), '="') THEN regexp_extract(c0, '^\s*="(.*)"\s*$', 1) ELSE c0 END, '^\s*''', '') ELSE c0 END), '') AS order_id,
    nullif(trim(CASE WHEN contains(c1, '''') OR contains(c1, '=') THEN regexp_replace(CASE WHEN starts_with(ltrim(c1), '="') THEN regexp_extract(c1, '^\s*="(.*)"\s*$', 1) ELSE c1 END, '^\s*''', '') ELSE c1 END), '') AS created_at,
    nullif(trim(CASE WHEN contains(c2, '''') OR contains(c2, '=') THEN regexp_replace(CASE WHEN starts_with(ltrim(c2), '="') THEN regexp_extract(c2, '^\s*="(.*)"\s*$', 1) ELSE c2 END, '^\s*''', '') ELSE c2 END), '') AS paid_at,
    nullif(trim(CASE WHEN contains(c3, '''') OR contains(c3, '=') OR contains(c3, '¥') OR contains(c3, '元') OR contains(c3, '￥') THEN regexp_replace(regexp_replace(regexp_replace(CASE WHEN starts_with(ltrim(c3), '="') THEN regexp_extract(c3, '^\s*="(.*)"\s*$', 1) ELSE c3 END, '^\s*''', ''), '元\s*$', ''), '^\s*[¥￥]\s*', '') ELSE c3 END), '') AS total_amount,
    CASE WHEN nullif(trim(CASE WHEN contains(c2, '''') OR contains(c2, '=') THEN regexp_replace(CASE WHEN starts_with(ltrim(c2), '="') THEN regexp_extract(c2, '^\s*="(.*)"\s*$', 1) ELSE c2 END, '^\s*''', '') ELSE c2 END), '') IS NULL THEN '0' ELSE nullif(trim(CASE WHEN contains(c4, '''') OR contains(c4, '=') OR contains(c4, '¥') OR contains(c4, '元') OR contains(c4, '￥') THEN regexp_replace(regexp_replace(regexp_replace(CASE WHEN starts_with(ltrim(c4), '="') THEN regexp_extract(c4, '^\s*="(.*)"\s*$', 1) ELSE c4 END, '^\s*''', ''), '元\s*$', ''), '^\s*[¥￥]\s*', '') ELSE c4 END), '') END AS paid_amount,
    nullif(trim(CASE WHEN contains(c5, '''') OR contains(c5, '=') OR contains(c5, '¥') OR contains(c5, '元') OR contains(c5, '￥') THEN regexp_replace(regexp_replace(regexp_replace(CASE WHEN starts_with(ltrim(c5), '="') THEN regexp_extract(c5, '^\s*="(.*)"\s*$', 1) ELSE c5 END, '^\s*''', ''), '元\s*$', ''), '^\s*[¥￥]\s*', '') ELSE c5 END), '') AS goods_amount,
    left(sha256(getvariable('pii_opad') || unhex(sha256(getvariable('pii_ipad') || encode(nullif(trim(CASE WHEN contains(c6, '''') OR contains(c6, '=') THEN regexp_replace(CASE WHEN starts_with(ltrim(c6), '="') THEN regexp_extract(c6, '^\s*="(.*)"\s*$', 1) ELSE c6 END, '^\s*''', '') ELSE c6 END), ''))))), 32) AS buyer_hash,
    _province_8 AS ship_province,
    (_address_8 IS NOT NULL AND _province_8 IS NULL) AS _province_unrecognised,
    nullif(trim(CASE WHEN contains(c9, '''') OR contains(c9, '=') THEN regexp_replace(CASE WHEN starts_with(ltrim(c9), '="') THEN regexp_extract(c9, '^\s*="(.*)"\s*$', 1) ELSE c9 END, '^\s*''', '') ELSE c9 END), '') AS item_quantity,
    nullif(trim(CASE WHEN contains(c10, '''') OR contains(c10, '=') THEN regexp_replace(CASE WHEN starts_with(ltrim(c10), '="') THEN regexp_extract(c10, '^\s*="(.*)"\s*$', 1) ELSE c10 END, '^\s*''', '') ELSE c10 END), '') AS carrier,
    left(sha256(getvariable('pii_opad') || unhex(sha256(getvariable('pii_ipad') || encode(nullif(trim(CASE WHEN contains(c11, '''') OR contains(c11, '=') THEN regexp_replace(CASE WHEN starts_with(ltrim(c11), '="') THEN regexp_extract(c11, '^\s*="(.*)"\s*$', 1) ELSE c11 END, '^\s*''', '') ELSE c11 END), ''))))), 32) AS tracking_no_hash,
    nullif(trim(CASE WHEN contains(c12, '''') OR contains(c12, '=') THEN regexp_replace(CASE WHEN starts_with(ltrim(c12), '="') THEN regexp_extract(c12, '^\s*="(.*)"\s*$', 1) ELSE c12 END, '^\s*''', '') ELSE c12 END), '') AS order_status,
    CASE WHEN contains(c0, chr(0)) THEN '订单编号' WHEN contains(c1, chr(0)) THEN '买家下单时间' WHEN contains(c2, chr(0)) THEN '买家付款时间' WHEN contains(c3, chr(0)) THEN '买家实付金额' WHEN contains(c4, chr(0)) THEN '实际支付' WHEN contains(c5, chr(0)) THEN '买家应付货款' WHEN contains(c6, chr(0)) THEN '买家会员名' WHEN contains(c8, chr(0)) THEN '收货地址' WHEN contains(c9, chr(0)) THEN '宝贝总数量' WHEN contains(c10, chr(0)) THEN '物流公司' WHEN contains(c11, chr(0)) THEN '运单号' WHEN contains(c12, chr(0)) THEN '订单状态' END AS _nul_column
  FROM provinces
),
typed AS (
  SELECT *,
    try_strptime(created_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_created_at,
    try_strptime(paid_at, ['%Y/%m/%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d', '%Y-%m-%d', '%Y年%m月%d日 %H:%M:%S', '%Y年%m月%d日 %H:%M', '%Y年%m月%d日']) AS _t_paid_at,
    coalesce(TRY_CAST(total_amount AS DECIMAL(18,2)), TRY_CAST(CASE WHEN regexp_full_match(total_amount, '([¥￥]\s*)?-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN regexp_replace(total_amount, '^[¥￥]\s*|,', '', 'g') ELSE regexp_replace(total_amount, '^[¥￥]\s*', '') END AS DECIMAL(18,2))) AS _t_total_amount,
    coalesce(TRY_CAST(paid_amount AS DECIMAL(18,2)), TRY_CAST(CASE WHEN regexp_full_match(paid_amount, '([¥￥]\s*)?-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN regexp_replace(paid_amount, '^[¥￥]\s*|,', '', 'g') ELSE regexp_replace(paid_amount, '^[¥￥]\s*', '') END AS DECIMAL(18,2))) AS _t_paid_amount,
    coalesce(TRY_CAST(goods_amount AS DECIMAL(18,2)), TRY_CAST(CASE WHEN regexp_full_match(goods_amount, '([¥￥]\s*)?-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?') THEN regexp_replace(goods_amount, '^[¥￥]\s*|,', '', 'g') ELSE regexp_replace(goods_amount, '^[¥￥]\s*', '') END AS DECIMAL(18,2))) AS _t_goods_amount,
    TRY_CAST(item_quantity AS BIGINT) AS _t_item_quantity
  FROM cleaned
),
text_where_cast_failed AS (
  SELECT * REPLACE (
    CASE WHEN _t_created_at IS NULL THEN created_at END AS created_at,
    CASE WHEN _t_paid_at IS NULL THEN paid_at END AS paid_at,
    CASE WHEN _t_total_amount IS NULL THEN total_amount END AS total_amount,
    CASE WHEN _t_paid_amount IS NULL THEN paid_amount END AS paid_amount,
    CASE WHEN _t_goods_amount IS NULL THEN goods_amount END AS goods_amount,
    CASE WHEN _t_item_quantity IS NULL THEN item_quantity END AS item_quantity)
  FROM typed
)
SELECT *, (false) AS _summary, NOT (false) AND (((CAST(coalesce(order_id = '订单编号', false) AS INTEGER) + CAST(coalesce(created_at = '买家下单时间', false) AS INTEGER) + CAST(coalesce(paid_at = '买家付款时间', false) AS INTEGER) + CAST(coalesce(total_amount = '买家实付金额', false) AS INTEGER) + CAST(coalesce(paid_amount = '实际支付', false) AS INTEGER) + CAST(coalesce(goods_amount = '买家应付货款', false) AS INTEGER) + CAST(coalesce(item_quantity = '宝贝总数量', false) AS INTEGER) + CAST(coalesce(carrier = '物流公司', false) AS INTEGER) + CAST(coalesce(order_status = '订单状态', false) AS INTEGER)) >= 2) OR (coalesce((_nul_column IS NOT NULL), false) OR coalesce((order_id IS NULL), false) OR coalesce((created_at IS NULL AND _t_created_at IS NULL), false) OR coalesce((created_at IS NOT NULL AND _t_created_at IS NULL), false) OR coalesce((paid_at IS NOT NULL AND _t_paid_at IS NULL), false) OR coalesce((total_amount IS NULL AND _t_total_amount IS NULL), false) OR coalesce((total_amount IS NOT NULL AND _t_total_amount IS NULL), false) OR coalesce((paid_amount IS NULL AND _t_paid_amount IS NULL), false) OR coalesce((paid_amount IS NOT NULL AND _t_paid_amount IS NULL), false) OR coalesce((goods_amount IS NOT NULL AND _t_goods_amount IS NULL), false) OR coalesce((item_quantity IS NOT NULL AND _t_item_quantity IS NULL), false) OR coalesce((_t_created_at IS NOT NULL AND _t_created_at > getvariable('load_time')), false) OR coalesce((_t_paid_at IS NOT NULL AND _t_paid_at > getvariable('load_time')), false) OR coalesce((_t_created_at IS NOT NULL AND NOT (_t_created_at >= TIMESTAMP '2024-03-01' AND _t_created_at < TIMESTAMP '2024-04-01')), false))) AS _bad FROM text_where_cast_failed;

-- rejected
CREATE TEMP TABLE _rejected AS
SELECT line - 1 AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line;

-- quarantine of the rejected
INSERT INTO raw.quarantine
SELECT '2024-03', 'orders', 'shop_a/export.csv', data_row,
       coalesce(CASE WHEN column_name = 'c0' THEN '订单编号' WHEN column_name = 'c1' THEN '买家下单时间' WHEN column_name = 'c2' THEN '买家付款时间' WHEN column_name = 'c3' THEN '买家实付金额' WHEN column_name = 'c4' THEN '实际支付' WHEN column_name = 'c5' THEN '买家应付货款' WHEN column_name = 'c6' THEN '买家会员名' WHEN column_name = 'c7' THEN '联系手机' WHEN column_name = 'c8' THEN '收货地址' WHEN column_name = 'c9' THEN '宝贝总数量' WHEN column_name = 'c10' THEN '物流公司' WHEN column_name = 'c11' THEN '运单号' WHEN column_name = 'c12' THEN '订单状态' END, column_name),
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
CREATE TEMP VIEW _checked AS SELECT *, CASE WHEN (CAST(coalesce(order_id = '订单编号', false) AS INTEGER) + CAST(coalesce(created_at = '买家下单时间', false) AS INTEGER) + CAST(coalesce(paid_at = '买家付款时间', false) AS INTEGER) + CAST(coalesce(total_amount = '买家实付金额', false) AS INTEGER) + CAST(coalesce(paid_amount = '实际支付', false) AS INTEGER) + CAST(coalesce(goods_amount = '买家应付货款', false) AS INTEGER) + CAST(coalesce(item_quantity = '宝贝总数量', false) AS INTEGER) + CAST(coalesce(carrier = '物流公司', false) AS INTEGER) + CAST(coalesce(order_status = '订单状态', false) AS INTEGER)) >= 2 THEN '订单编号' ELSE CASE WHEN _nul_column IS NOT NULL THEN _nul_column WHEN order_id IS NULL THEN '订单编号' WHEN created_at IS NULL AND _t_created_at IS NULL THEN '买家下单时间' WHEN created_at IS NOT NULL AND _t_created_at IS NULL THEN '买家下单时间' WHEN paid_at IS NOT NULL AND _t_paid_at IS NULL THEN '买家付款时间' WHEN total_amount IS NULL AND _t_total_amount IS NULL THEN '买家实付金额' WHEN total_amount IS NOT NULL AND _t_total_amount IS NULL THEN '买家实付金额' WHEN paid_amount IS NULL AND _t_paid_amount IS NULL THEN '实际支付' WHEN paid_amount IS NOT NULL AND _t_paid_amount IS NULL THEN '实际支付' WHEN goods_amount IS NOT NULL AND _t_goods_amount IS NULL THEN '买家应付货款' WHEN item_quantity IS NOT NULL AND _t_item_quantity IS NULL THEN '宝贝总数量' WHEN _t_created_at IS NOT NULL AND _t_created_at > getvariable('load_time') THEN '买家下单时间' WHEN _t_paid_at IS NOT NULL AND _t_paid_at > getvariable('load_time') THEN '买家付款时间' WHEN _t_created_at IS NOT NULL AND NOT (_t_created_at >= TIMESTAMP '2024-03-01' AND _t_created_at < TIMESTAMP '2024-04-01') THEN '买家下单时间' END END AS _bad_column, CASE WHEN (CAST(coalesce(order_id = '订单编号', false) AS INTEGER) + CAST(coalesce(created_at = '买家下单时间', false) AS INTEGER) + CAST(coalesce(paid_at = '买家付款时间', false) AS INTEGER) + CAST(coalesce(total_amount = '买家实付金额', false) AS INTEGER) + CAST(coalesce(paid_amount = '实际支付', false) AS INTEGER) + CAST(coalesce(goods_amount = '买家应付货款', false) AS INTEGER) + CAST(coalesce(item_quantity = '宝贝总数量', false) AS INTEGER) + CAST(coalesce(carrier = '物流公司', false) AS INTEGER) + CAST(coalesce(order_status = '订单状态', false) AS INTEGER)) >= 2 THEN 'repeated header row (the header appears again inside the data)' ELSE concat_ws('; ', CASE WHEN _nul_column IS NOT NULL THEN _nul_column || ': NUL byte in the cell' END, CASE WHEN order_id IS NULL THEN '订单编号: empty value' END, CASE WHEN created_at IS NULL AND _t_created_at IS NULL THEN '买家下单时间: empty value' END, CASE WHEN created_at IS NOT NULL AND _t_created_at IS NULL THEN '买家下单时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(created_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN paid_at IS NOT NULL AND _t_paid_at IS NULL THEN '买家付款时间: not a date-time, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(paid_at, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN total_amount IS NULL AND _t_total_amount IS NULL THEN '买家实付金额: empty value' END, CASE WHEN total_amount IS NOT NULL AND _t_total_amount IS NULL THEN '买家实付金额: not an amount, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(total_amount, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN paid_amount IS NULL AND _t_paid_amount IS NULL THEN '实际支付: empty value' END, CASE WHEN paid_amount IS NOT NULL AND _t_paid_amount IS NULL THEN '实际支付: not an amount, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(paid_amount, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN goods_amount IS NOT NULL AND _t_goods_amount IS NULL THEN '买家应付货款: not an amount, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(goods_amount, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN item_quantity IS NOT NULL AND _t_item_quantity IS NULL THEN '宝贝总数量: not an integer, shape ' || '''' || regexp_replace(regexp_replace(regexp_replace(left(item_quantity, 40), '[0-9]', '9', 'g'), '[A-Za-z]', 'a', 'g'), '[^ -~¥￥]', '字', 'g') || '''' END, CASE WHEN _t_created_at IS NOT NULL AND _t_created_at > getvariable('load_time') THEN '买家下单时间 ' || strftime(_t_created_at, '%Y-%m-%d %H:%M') || ' is in the future' END, CASE WHEN _t_paid_at IS NOT NULL AND _t_paid_at > getvariable('load_time') THEN '买家付款时间 ' || strftime(_t_paid_at, '%Y-%m-%d %H:%M') || ' is in the future' END, CASE WHEN _t_created_at IS NOT NULL AND NOT (_t_created_at >= TIMESTAMP '2024-03-01' AND _t_created_at < TIMESTAMP '2024-04-01') THEN '买家下单时间 ' || strftime(_t_created_at, '%Y-%m-%d %H:%M') || ' is outside partition month 2024-03' END) END AS _reason FROM _numbered;

-- quarantine of the checked
INSERT INTO raw.quarantine SELECT '2024-03', 'orders', 'shop_a/export.csv', source_row, _bad_column, _reason FROM _checked WHERE _bad;

-- raw insert
INSERT INTO raw.orders (month, source_file, source_row, platform, shop_id, order_id, created_at, paid_at, total_amount, paid_amount, goods_amount, buyer_hash, ship_province, item_quantity, carrier, tracking_no_hash, order_status)
SELECT '2024-03', 'shop_a/export.csv', source_row, 'taobao', 'shop_a', order_id, _t_created_at, _t_paid_at, _t_total_amount, _t_paid_amount, _t_goods_amount, buyer_hash, ship_province, _t_item_quantity, carrier, tracking_no_hash, order_status
FROM _checked WHERE NOT _bad AND NOT _summary;

