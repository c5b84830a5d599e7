-- Paid-channel attribution, in one place: a paid order is attributed to a paid channel when the
-- visit it was bought in (成交订单编号 in the visitor log) came through a channel listed in the
-- ad report of the visit's month; the owner is that channel's 负责人 that month. The order counts
-- in its own month, also when the visit was the evening before, in the previous month (a visit at
-- 23:50 on the last day, paid after midnight): once, and a built month never changes when the next
-- month's files arrive. One row per order, channel and owner (a channel two specialists share
-- credits both). Used by the store's marketing_roi and the promotion specialists' KPIs.
with channel_owners as (
    select distinct month, shop_id, channel, owner_id
    from {{ ref('stg_ad_spend') }}
),

bought_through as (
    select distinct traffic.month as visit_month, traffic.shop_id, traffic.order_id, traffic.source_channel as channel,
           channel_owners.owner_id
    from {{ ref('stg_traffic') }} as traffic
    inner join channel_owners
        on traffic.month = channel_owners.month and traffic.shop_id = channel_owners.shop_id
        and traffic.source_channel = channel_owners.channel
    where traffic.order_id is not null
)

select distinct
    orders.month,
    orders.shop_id,
    orders.order_id,
    bought_through.channel,
    bought_through.owner_id,
    orders.paid_amount
from bought_through
inner join {{ ref('int_orders') }} as orders
    on bought_through.order_id = orders.order_id
    and bought_through.shop_id = orders.shop_id
    and {{ month_index('orders.month') }} - {{ month_index('bought_through.visit_month') }} in (0, 1)
where orders.is_paid
