-- One row per campaign: its orders, paid amount and buyers against the whole store on the
-- campaign's days. "Daily average over the campaign's days" cancels out (same days in
-- numerator and denominator), so shares are ratios of totals. Orders are paid orders.
-- The campaign's days are whole calendar days, from its start day to its end day, limited
-- to the month it starts in (the month it is credited to): a campaign starting at 10:00
-- counts that morning's orders and visitors on both sides of every ratio, and one running
-- past the month end never changes its month when the next month's files arrive.
with campaigns as (
    select *,
           cast(starts_at as date) as first_day,
           least(cast(ends_at as date), cast({{ dbt.dateadd('day', -1, month_end('month')) }} as date)) as last_day
    from {{ ref('stg_campaigns') }}
),

campaign_orders as (
    select campaign_orders.campaign_id, orders.order_id, orders.paid_amount, orders.buyer_key
    from {{ ref('stg_campaign_orders') }} as campaign_orders
    inner join campaigns on campaign_orders.campaign_id = campaigns.campaign_id
    inner join {{ ref('int_orders') }} as orders
        on campaign_orders.order_id = orders.order_id and campaign_orders.month = orders.month
        and orders.month = campaigns.month
        and cast(orders.created_at as date) between campaigns.first_day and campaigns.last_day
    where orders.is_paid
),

campaign_totals as (
    select campaign_id, count(distinct order_id) as campaign_orders, sum(paid_amount) as campaign_paid_amount,
           count(distinct buyer_key) as campaign_buyers
    from campaign_orders
    group by campaign_id
),

window_totals as (
    select campaigns.campaign_id, count(*) as window_orders, sum(orders.paid_amount) as window_paid_amount,
           count(distinct orders.buyer_key) as window_buyers
    from campaigns
    inner join {{ ref('int_orders') }} as orders
        on orders.month = campaigns.month and orders.is_paid
        and cast(orders.created_at as date) between campaigns.first_day and campaigns.last_day
    group by campaigns.campaign_id
),

buyer_months as (  -- counted once per month, in the store totals
    select month, orders_with_buyer from {{ ref('int_store_monthly_totals') }} where shop_id = 'all' and platform = 'all'
),

window_traffic as (
    select campaigns.campaign_id, count(distinct traffic.visitor_id) as window_uv
    from campaigns
    inner join {{ ref('stg_traffic') }} as traffic
        on traffic.month = campaigns.month and traffic.visit_date between campaigns.first_day and campaigns.last_day
    group by campaigns.campaign_id
)

select
    campaigns.month,
    campaigns.campaign_id,
    campaigns.campaign_name,
    campaigns.planner_id,
    campaigns.starts_at,
    campaigns.ends_at,
    campaigns.cost,
    campaigns.page_uv,
    campaigns.page_clicks,
    coalesce(campaign_totals.campaign_orders, 0) as campaign_orders,
    coalesce(campaign_totals.campaign_paid_amount, 0) as campaign_paid_amount,
    {{ unless_month_has_no_buyers('coalesce(campaign_totals.campaign_buyers, 0)', 'buyer_months.orders_with_buyer') }}
        as campaign_buyers,
    coalesce(window_totals.window_orders, 0) as window_orders,
    coalesce(window_totals.window_paid_amount, 0) as window_paid_amount,
    {{ unless_month_has_no_buyers('coalesce(window_totals.window_buyers, 0)', 'buyer_months.orders_with_buyer') }}
        as window_buyers,
    window_traffic.window_uv
from campaigns
left join campaign_totals on campaigns.campaign_id = campaign_totals.campaign_id
left join window_totals on campaigns.campaign_id = window_totals.campaign_id
left join window_traffic on campaigns.campaign_id = window_traffic.campaign_id
left join buyer_months on campaigns.month = buyer_months.month
