-- Paid-channel attribution, in one place: a paid order is attributed to a paid channel when the
-- visit it was bought in came through a channel that appears in the month's ad report
-- (直通车钻展报表); the channel's owner is the specialist named as its 负责人 that month. One row
-- per order, channel and owner (a channel two specialists share credits both). Used by the
-- store's marketing_roi and the promotion specialists' KPIs.
with channel_owners as (
    select distinct month, channel, owner_id
    from {{ ref('stg_ad_spend') }}
),

bought_through as (
    select distinct month, order_id, source_channel as channel
    from {{ ref('stg_traffic') }}
    where order_id is not null
)

select
    orders.month,
    orders.order_id,
    bought_through.channel,
    channel_owners.owner_id,
    orders.paid_amount
from bought_through
inner join channel_owners
    on bought_through.month = channel_owners.month and bought_through.channel = channel_owners.channel
inner join {{ ref('int_orders') }} as orders
    on bought_through.month = orders.month and bought_through.order_id = orders.order_id
where orders.is_paid
