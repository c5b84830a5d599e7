-- 营销推广专员: KPIs per promotion specialist and month, over the channels they own
-- (a channel belongs to the specialist named as 负责人 in that month's ad report of that shop:
-- visitors come through the shop whose ad report names the channel, never through another shop's
-- channel of the same name). A visitor is counted once per shop (visitor ids are per shop). Orders and
-- paid amount are the paid-channel attribution of int_paid_channel_orders.
-- A view of the month being built (month_filter in each input, as in int_channel_manager_kpis): the
-- orders are the right side of a left join, where a reader's month filter never reaches them, so
-- without it every build scanned every month's int_orders, a cost that grew with history.
with ads as (
    select month, shop_id, owner_id as employee_id, channel, sum(impressions) as impressions,
           sum(page_arrivals) as page_arrivals, sum(spend) as spend
    from {{ ref('stg_ad_spend') }}
    {{ month_filter() }}
    group by month, shop_id, owner_id, channel
),

owned_visits as (
    select ads.month, ads.employee_id, traffic.shop_id, traffic.visitor_id, traffic.is_new_visitor, traffic.is_bounce
    from (select * from {{ ref('stg_traffic') }} {{ month_filter() }}) as traffic
    inner join ads
        on traffic.month = ads.month and traffic.shop_id = ads.shop_id and traffic.source_channel = ads.channel
),

visitors as (  -- per shop first: a visitor id names a visitor of one shop
    select month, employee_id, sum(uv) as uv, sum(new_uv) as new_uv, sum(bounced_uv) as bounced_uv
    from (
        select month, employee_id, shop_id,
               count(distinct visitor_id) as uv,
               count(distinct case when is_new_visitor then visitor_id end) as new_uv,
               count(distinct case when is_bounce then visitor_id end) as bounced_uv
        from owned_visits
        group by month, employee_id, shop_id
    ) as shop_visitors
    group by month, employee_id
),

attributed_orders as (
    select distinct month, owner_id as employee_id, shop_id, order_id, paid_amount
    from {{ ref('int_paid_channel_orders') }}
    {{ month_filter() }}
),

orders as (
    select month, employee_id, count(*) as orders, sum(paid_amount) as paid_amount
    from attributed_orders
    group by month, employee_id
),

specialist as (
    select ads.month, ads.employee_id,
           sum(ads.impressions) as impressions, sum(ads.page_arrivals) as page_arrivals, sum(ads.spend) as spend
    from ads
    group by ads.month, ads.employee_id
),

facts as (
    select specialist.*, coalesce(visitors.uv, 0) as uv, visitors.new_uv, visitors.bounced_uv,
           coalesce(orders.orders, 0) as orders, coalesce(orders.paid_amount, 0) as paid_amount
    from specialist
    left join visitors on specialist.month = visitors.month and specialist.employee_id = visitors.employee_id
    left join orders on specialist.month = orders.month and specialist.employee_id = orders.employee_id
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'promo_uv', 'num': 'uv'},
    {'id': 'arrival_rate', 'num': 'page_arrivals', 'den': 'impressions'},
    {'id': 'bounce_rate', 'num': 'bounced_uv', 'den': 'uv'},
    {'id': 'cost_per_uv', 'num': 'spend', 'den': 'uv'},
    {'id': 'cost_per_order', 'num': 'spend', 'den': 'orders'},
    {'id': 'new_uv_share', 'num': 'new_uv', 'den': 'uv'},
    {'id': 'spend_roi', 'num': 'paid_amount', 'den': 'spend'},
], source="'ad_spend'") }}
