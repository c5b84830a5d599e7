{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='month', on_schema_change='fail') }}
-- Numerators and denominators of the store KPIs, one row per month. A table built per month
-- (incremental, like the marts): its tests and the KPI marts then read one row, instead of
-- re-aggregating the month's orders each time.
-- Buyer counts are NULL when the month's export has no buyer column (Tmall layout).
with orders as (
    select * from {{ ref('int_orders') }}
    {{ month_filter() }}
),

buyers as (
    select month, buyer_key, count(*) as paid_orders
    from orders
    where is_paid and buyer_key is not null
    group by month, buyer_key
),

buyer_totals as (
    select
        month,
        count(*) as paid_buyers,
        sum(case when paid_orders >= 2 then 1 else 0 end) as repeat_buyers
    from buyers
    group by month
),

order_totals as (
    select
        month,
        {{ month_index('month') }} as month_index,
        count(*) as orders_created,
        sum(case when is_paid then 1 else 0 end) as orders_paid,
        sum(total_amount) as gmv,
        sum(case when is_paid then total_amount else 0 end) as paid_gmv,
        -- Refund figures are NULL, not 0, when the month's exports carry no refund amount / no refund data.
        case when count(refund_amount) = 0 then null
             else sum(case when is_paid then refund_amount else 0 end) end as refund_amount,
        sum(paid_amount) as net_sales,
        case when count(has_refund) = 0 then null
             else sum(case when has_refund then 1 else 0 end) end as refunded_orders,
        sum(case when is_lost then 1 else 0 end) as lost_orders,
        count(buyer_key) as orders_with_buyer
    from orders
    group by month
),

traffic as (
    select month, count(distinct visitor_id) as store_uv
    from {{ ref('stg_traffic') }}
    {{ month_filter() }}
    group by month
),

ad_spend as (
    select month, sum(spend) as marketing_spend
    from {{ ref('stg_ad_spend') }}
    {{ month_filter() }}
    group by month
),

paid_channel_orders as (
    select distinct month, order_id, paid_amount
    from {{ ref('int_paid_channel_orders') }}
    {{ month_filter() }}
),

paid_channel_sales as (
    select month, sum(paid_amount) as paid_channel_net_sales
    from paid_channel_orders
    group by month
)

select
    order_totals.*,
    traffic.store_uv,
    ad_spend.marketing_spend,
    case when ad_spend.marketing_spend is null then null
         else coalesce(paid_channel_sales.paid_channel_net_sales, 0) end as paid_channel_net_sales,
    {{ unless_month_has_no_buyers('coalesce(buyer_totals.paid_buyers, 0)', 'order_totals.orders_with_buyer') }} as paid_buyers,
    {{ unless_month_has_no_buyers('coalesce(buyer_totals.repeat_buyers, 0)', 'order_totals.orders_with_buyer') }} as repeat_buyers
from order_totals
left join buyer_totals
    on order_totals.month = buyer_totals.month
left join traffic
    on order_totals.month = traffic.month
left join ad_spend
    on order_totals.month = ad_spend.month
left join paid_channel_sales
    on order_totals.month = paid_channel_sales.month
