-- The ad platforms' reports per day and plan, or per account over the month (万相台, 多多推广, 京准通,
-- 千川): spend and the platform's own attribution of orders and sales.
select
    month,
    shop_id,
    platform,
    source_file,
    source_row,
    day,
    ad_account,
    scene,
    plan_id,
    plan_name,
    impressions,
    clicks,
    spend,
    orders,
    gmv,
    visits,
    visitors,
    buyers,
    new_buyers,
    attribution
from {{ raw_source('ad_daily') }}
