-- Daily ad report per channel and plan, with the promotion specialist who owns it.
select
    month,
    shop_id,
    cast(report_date as date) as report_date,
    channel,
    plan_name,
    impressions,
    clicks,
    page_arrivals,
    spend,
    owner_id
from {{ raw_source('ad_spend') }}
