{{ config(materialized='incremental') }}  -- per month: strategy and partitioning in dbt_project.yml
-- Numerators and denominators of the store KPIs, per month and scope: each shop (shop_id, its
-- platform), each platform across the company's shops (shop_id 'all', platform P) and the company
-- ('all', 'all'). Every scope is summed from the order facts, never from other scopes' ratios.
-- Distinct buyers count buyer_identity, so buyers of two platforms never merge and a buyer of two
-- Taobao shops counts once in the company's Taobao and company rows. A table built per month.
-- Buyer counts are NULL when the scope's orders carry no buyer (Tmall's short layout, Pinduoduo).
-- Traffic and ad spend belong to a shop (its folder); a platform's and the company's are their shops'.
-- The shops_* columns say how many of the scope's shops each figure covers (docs/kpi-rules.md "Coverage").
with month_orders as (
    select * from {{ ref('int_orders') }}
    {{ month_filter() }}
),

order_exports as (
    select * from {{ ref('stg_order_exports') }}
    {{ month_filter() }}
),

-- Whether the order's shop exports unpaid orders too (Pinduoduo's lists paid orders only): only
-- those orders count in the payment rate, at every scope.
orders as (
    select month_orders.*, coalesce(order_exports.lists_unpaid_orders, true) as payment_known
    from month_orders
    left join order_exports
        on month_orders.month = order_exports.month and month_orders.shop_id = order_exports.shop_id
),

scoped_orders as (
    {{ scoped_orders('orders') }}
),

traffic_shops as (
    select distinct month, shop_id from {{ ref('stg_traffic') }}
    {{ month_filter() }}
),

-- Each buyer's paid orders per shop, the finest scope; a platform's and the company's buyers merge
-- the shops' (a buyer of two Taobao shops is one buyer there). Merging 1 row per shop and buyer,
-- not grouping the three scopes' copies of every order (DECISIONLOG "A scope's distinct buyers merge the shops' buyers").
-- Within a platform buyer_key names a buyer as buyer_identity does (one account system), so shops
-- and platforms group by the key, and the company by the key and buyer_identity's account system
-- (Taobao and Tmall share one): not by the text buyer_identity builds for every order.
shop_buyers as (
    select orders.month, orders.shop_id, orders.platform, orders.buyer_key, count(*) as paid_orders,
           -- bought in a shop whose visitors are counted: the conversion rate's numerator
           bool_or(traffic_shops.shop_id is not null) as from_traffic_shop
    from orders
    left join traffic_shops
        on orders.month = traffic_shops.month and orders.shop_id = traffic_shops.shop_id
    where orders.is_paid and orders.buyer_key is not null
    group by orders.month, orders.shop_id, orders.platform, orders.buyer_key
),

platform_buyers as (
    select month, platform, buyer_key, sum(paid_orders) as paid_orders, bool_or(from_traffic_shop) as from_traffic_shop
    from shop_buyers
    group by month, platform, buyer_key
),

company_buyers as (
    select month, {{ buyer_domain('platform') }} as account_system, buyer_key, sum(paid_orders) as paid_orders,
           bool_or(from_traffic_shop) as from_traffic_shop
    from platform_buyers
    group by month, {{ buyer_domain('platform') }}, buyer_key
),

buyers as (
    select month, shop_id as scope_shop, platform as scope_platform, paid_orders, from_traffic_shop from shop_buyers
    union all
    select month, 'all', platform, paid_orders, from_traffic_shop from platform_buyers
    union all
    select month, 'all', 'all', paid_orders, from_traffic_shop from company_buyers
),

buyer_totals as (
    select
        month,
        scope_shop,
        scope_platform,
        count(*) as paid_buyers,
        sum(case when paid_orders >= 2 then 1 else 0 end) as repeat_buyers,
        sum(case when from_traffic_shop then 1 else 0 end) as traffic_paid_buyers
    from buyers
    group by month, scope_shop, scope_platform
),

order_totals as (
    select
        month,
        scope_shop as shop_id,
        scope_platform as platform,
        {{ month_index('month') }} as month_index,
        count(*) as orders_created,
        sum(case when is_paid then 1 else 0 end) as orders_paid,
        sum(total_amount) as gmv,
        sum(case when is_paid then total_amount else 0 end) as paid_gmv,
        -- 客单价 divides by known buyers, so it takes the orders whose buyer is known (Pinduoduo's
        -- and Douyin's exports carry none): a company with such shops keeps a true per-buyer value.
        sum(case when is_paid and buyer_key is not null then total_amount else 0 end) as paid_gmv_known_buyers,
        -- Refund figures are NULL, not 0, when the scope's exports carry no refund amount / no refund data.
        case when count(refund_amount) = 0 then null
             else sum(case when is_paid then refund_amount else 0 end) end as refund_amount,
        sum(paid_amount) as net_sales,
        case when count(has_refund) = 0 then null
             else sum(case when has_refund then 1 else 0 end) end as refunded_orders,
        -- the refund rate's denominator: paid orders whose export says whether they were refunded
        -- (JD's does not), so a shop without refund data does not dilute the company's rate
        case when count(has_refund) = 0 then null
             else sum(case when is_paid and has_refund is not null then 1 else 0 end) end as orders_paid_refund_known,
        sum(case when is_lost then 1 else 0 end) as lost_orders,
        count(buyer_key) as orders_with_buyer,
        -- 付款率 over the shops whose export lists unpaid orders (a paid-only export says nothing of them)
        sum(case when payment_known then 1 else 0 end) as orders_created_payment_known,
        sum(case when payment_known and is_paid then 1 else 0 end) as orders_paid_payment_known,
        -- coverage: of the scope's shops, how many each figure counts (the rest have no such data)
        count(distinct shop_id) as shops_in_scope,
        count(distinct case when refund_amount is not null then shop_id end) as shops_with_refund_amount,
        count(distinct case when has_refund is not null then shop_id end) as shops_with_refund_state,
        count(distinct case when buyer_key is not null then shop_id end) as shops_with_buyers,
        count(distinct case when payment_known then shop_id end) as shops_listing_unpaid_orders
    from scoped_orders
    group by month, scope_shop, scope_platform
),

shop_platforms as (
    select distinct month, shop_id, platform from orders
),

traffic as (
    select month, shop_id, count(distinct visitor_id) as store_uv
    from {{ ref('stg_traffic') }}
    {{ month_filter() }}
    group by month, shop_id
),

ad_spend as (
    select month, shop_id, sum(spend) as marketing_spend
    from {{ ref('stg_ad_spend') }}
    {{ month_filter() }}
    group by month, shop_id
),

paid_channel_orders as (
    select distinct month, shop_id, order_id, paid_amount
    from {{ ref('int_paid_channel_orders') }}
    {{ month_filter() }}
),

paid_channel_sales as (
    select month, shop_id, sum(paid_amount) as paid_channel_net_sales
    from paid_channel_orders
    group by month, shop_id
),

-- from the shops' own totals, not another pass over the month's orders
shops_with_buyers as (
    select month, shop_id from order_totals where shop_id <> 'all' and orders_with_buyer > 0
),

-- A shop's traffic and spend go to its own rows, its platform's and the company's; visitors of
-- different shops are different visitors. The conversion rate's visitors are those of shops whose
-- buyers are known too (conversion_uv): visitors of a shop without buyer ids would dilute it.
shop_inputs as (
    select
        coalesce(traffic.month, ad_spend.month, paid_channel_sales.month) as month,
        coalesce(traffic.shop_id, ad_spend.shop_id, paid_channel_sales.shop_id) as shop_id,
        traffic.store_uv,
        ad_spend.marketing_spend,
        paid_channel_sales.paid_channel_net_sales
    from traffic
    full outer join ad_spend
        on traffic.month = ad_spend.month and traffic.shop_id = ad_spend.shop_id
    full outer join paid_channel_sales
        on coalesce(traffic.month, ad_spend.month) = paid_channel_sales.month
        and coalesce(traffic.shop_id, ad_spend.shop_id) = paid_channel_sales.shop_id
),

shop_inputs_with_platform as (
    select shop_inputs.*, shop_platforms.platform,
           case when shops_with_buyers.shop_id is not null then shop_inputs.store_uv end as conversion_uv
    from shop_inputs
    inner join shop_platforms
        on shop_inputs.month = shop_platforms.month and shop_inputs.shop_id = shop_platforms.shop_id
    left join shops_with_buyers
        on shop_inputs.month = shops_with_buyers.month and shop_inputs.shop_id = shops_with_buyers.shop_id
),

scoped_inputs as (
    {% for scope_shop, scope_platform in [('shop_id', 'platform'), ("'all'", 'platform'), ("'all'", "'all'")] %}
    select month, {{ scope_shop }} as shop_id, {{ scope_platform }} as platform, sum(store_uv) as store_uv,
           sum(conversion_uv) as conversion_uv, sum(marketing_spend) as marketing_spend,
           sum(paid_channel_net_sales) as paid_channel_net_sales,
           count(distinct case when conversion_uv is not null then shop_id end) as shops_with_traffic_and_buyers,
           count(distinct case when marketing_spend is not null then shop_id end) as shops_with_spend
    from shop_inputs_with_platform
    group by month, {{ scope_shop }}, {{ scope_platform }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    order_totals.*,
    scoped_inputs.store_uv,
    scoped_inputs.conversion_uv,
    coalesce(scoped_inputs.shops_with_traffic_and_buyers, 0) as shops_with_traffic_and_buyers,
    coalesce(scoped_inputs.shops_with_spend, 0) as shops_with_spend,
    scoped_inputs.marketing_spend,
    case when scoped_inputs.marketing_spend is null then null
         else coalesce(scoped_inputs.paid_channel_net_sales, 0) end as paid_channel_net_sales,
    {{ unless_month_has_no_buyers('coalesce(buyer_totals.paid_buyers, 0)', 'order_totals.orders_with_buyer') }} as paid_buyers,
    {{ unless_month_has_no_buyers('coalesce(buyer_totals.repeat_buyers, 0)', 'order_totals.orders_with_buyer') }} as repeat_buyers,
    {{ unless_month_has_no_buyers('coalesce(buyer_totals.traffic_paid_buyers, 0)', 'order_totals.orders_with_buyer') }}
        as traffic_paid_buyers
from order_totals
left join buyer_totals
    on order_totals.month = buyer_totals.month
    and order_totals.shop_id = buyer_totals.scope_shop
    and order_totals.platform = buyer_totals.scope_platform
left join scoped_inputs
    on order_totals.month = scoped_inputs.month
    and order_totals.shop_id = scoped_inputs.shop_id
    and order_totals.platform = scoped_inputs.platform
