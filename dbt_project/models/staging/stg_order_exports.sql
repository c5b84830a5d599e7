-- The order exports loaded for each month and shop (raw.load_audit): whether they list unpaid
-- orders at all. Pinduoduo's lists paid orders only (its layout says paid_orders_only), so its
-- shop's payment rate is unknown, not 100%. account_system: the buyers' account system of the
-- shop's orders (a team sheet in the single-folder layout, platform 'any', takes its orders').
select
    month,
    shop_id,
    not bool_or(paid_orders_only) as lists_unpaid_orders,
    min({{ buyer_domain('platform') }}) as account_system
from {{ raw_source('load_audit') }}
where report_type = 'orders'
group by month, shop_id
