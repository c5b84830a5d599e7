-- 生意参谋 商品效果: per item per day (or over the month), its visitors, page views and sales.
select
    month,
    shop_id,
    platform,
    source_file,
    source_row,
    day,
    item_id,
    item_name,
    item_uv,
    item_pv,
    avg_stay_s,
    bounce_rate,
    paid_buyers,
    paid_amount
from {{ raw_source('item_daily') }}
