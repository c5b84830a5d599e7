-- Per campaign (策划专员 §3), in the month it ends: the planner KPIs for each campaign, its shop's
-- conversion on the campaign's days, beats_store (campaign_conversion > store conversion, same days) and
-- campaign_aov_flag (campaign_gmv_share < campaign_order_share: low-AOV campaign orders).
with performance as (
    select * from {{ ref('int_campaign_performance') }}
    {{ month_filter() }}
),

kpis as (
    select
        *,
        {{ safe_ratio('page_clicks', 'page_uv') }} as campaign_ctr,
        {{ safe_ratio('campaign_orders', 'window_orders') }} as campaign_order_share,
        {{ safe_ratio('campaign_paid_amount', 'window_paid_amount') }} as campaign_gmv_share,
        {{ safe_ratio('campaign_buyers', 'page_uv') }} as campaign_conversion,
        {{ safe_ratio('window_buyers', 'window_uv') }} as store_conversion_same_days,
        {{ safe_ratio('campaign_paid_amount', 'cost') }} as campaign_roi
    from performance
)

select
    month,
    shop_id,
    platform,
    sheet_shop_id,
    campaign_id,
    campaign_name,
    planner_id,
    starts_at,
    ends_at,
    cost,
    page_uv,
    page_clicks,
    campaign_orders,
    cast(campaign_paid_amount as decimal(38, 2)) as campaign_paid_amount,
    campaign_buyers,
    window_orders,
    cast(window_paid_amount as decimal(38, 2)) as window_paid_amount,
    cast(campaign_ctr as decimal(38, 6)) as campaign_ctr,
    cast(campaign_order_share as decimal(38, 6)) as campaign_order_share,
    cast(campaign_gmv_share as decimal(38, 6)) as campaign_gmv_share,
    cast(campaign_conversion as decimal(38, 6)) as campaign_conversion,
    cast(store_conversion_same_days as decimal(38, 6)) as store_conversion_same_days,
    cast(campaign_roi as decimal(38, 6)) as campaign_roi,
    campaign_conversion > store_conversion_same_days as beats_store,
    campaign_gmv_share < campaign_order_share as campaign_aov_flag
from kpis
