-- Every figure in the analysts' weekly reports, recomputed from the order facts over the scope the
-- report describes (stg_analyst_reports.scope: a shop, a platform across the shops, or the company)
-- and over its whole week, Monday to Sunday (the week holding 周开始日期), also when it runs into the
-- next month. A figure is checked in the month its week ends (`month`; docs/kpi-rules.md "Analyst figures"),
-- when every day of the week is known, so a published month never changes afterwards; the month of
-- the report's folder is report_month.
-- Recomputed: the store KPIs of catalog §1 that one week of orders and visitors gives (counts, money,
-- 付款率, 退款率, 流失订单占比, 客单价, 笔单价, 复购率, 转化率); rates are reported in percent. A figure naming
-- no such KPI (销售增长率 and 营销ROI need a previous period or a week of ad spend), a scope no shop
-- or platform has, or a KPI its scope has no data for, is not checkable: is_checkable false,
-- is_accurate NULL, listed in the audit and left out of report_error_rate.
-- relative_error = |reported − recomputed| / |recomputed| (NULL when undefined), shown to people;
-- is_accurate applies the 5% rule exactly (macros/accuracy.sql), and every consumer reads it.
{%- set checkable = ['orders_created', 'orders_paid', 'gmv', 'paid_gmv', 'refund_amount', 'net_sales', 'paid_buyers',
                     'payment_rate', 'refund_rate', 'lost_order_rate', 'aov', 'avg_order_value', 'repeat_rate',
                     'conversion_rate'] %}
with reports as (
    select * from {{ ref('stg_analyst_reports') }}
    {{ month_filter(include_previous=true) }}
),

shops as (
    select shop_id, platform from {{ ref('shops') }}
),

platforms as (
    select distinct platform from shops
),

figures as (
    select
        reports.*,
        reports.month as report_month,
        {{ week_of('reports.week_start') }} as week,
        case when reports.scope = 'all' then 'all' when shops.shop_id is not null then shops.shop_id
             when platforms.platform is not null then 'all' end as scope_shop,
        case when reports.scope = 'all' then 'all' when shops.shop_id is not null then shops.platform
             when platforms.platform is not null then platforms.platform end as scope_platform,
        -- the month of the week's Sunday
        substr(cast({{ dbt.dateadd('day', 6, week_of('reports.week_start')) }} as string), 1, 7) as check_month
    from reports
    left join shops on reports.scope = shops.shop_id
    left join platforms on reports.scope = platforms.platform
),

this_month_figures as (
    select * from figures
    {{ month_filter('check_month') }}
),

order_exports as (
    select * from {{ ref('stg_order_exports') }}
    {{ month_filter(include_previous=true) }}
),

orders as (
    select month_orders.*, {{ week_of('month_orders.created_at') }} as week,
           coalesce(order_exports.lists_unpaid_orders, true) as payment_known
    from {{ ref('int_orders') }} as month_orders
    left join order_exports
        on month_orders.month = order_exports.month and month_orders.shop_id = order_exports.shop_id
    {{ month_filter('month_orders.month', include_previous=true) }}
),

-- The weeks and scopes asked about, each once, with the orders they cover.
scopes as (
    select distinct week, scope_shop, scope_platform from this_month_figures where scope_shop is not null
),

{%- set in_scope = "(%s.shop_id = scopes.scope_shop or (scopes.scope_shop = 'all' and (scopes.scope_platform = 'all' or %s.platform = scopes.scope_platform)))" %}

scope_orders as (
    select scopes.scope_shop, scopes.scope_platform, orders.*
    from scopes
    inner join orders
        on orders.week = scopes.week and {{ in_scope % ('orders', 'orders') }}
),

-- 转化率 as the store's conversion_rate counts it, over the week: buyers who bought in a shop whose
-- visitors are counted, over the visitors of the shops whose orders carry buyers. Only the weeks and
-- shops asked about (scope_orders): a month without figures reads no order here.
traffic_shops as (
    select traffic.week, traffic.shop_id, shops.platform, traffic.uv
    from (
        select {{ week_of('cast(visit_date as timestamp)') }} as week, shop_id, count(distinct visitor_id) as uv
        from {{ ref('stg_traffic') }}
        {{ month_filter(include_previous=true) }}
        group by {{ week_of('cast(visit_date as timestamp)') }}, shop_id
    ) as traffic
    inner join shops on traffic.shop_id = shops.shop_id
    inner join (select distinct week, shop_id from scope_orders where buyer_key is not null) as shops_with_buyers
        on traffic.week = shops_with_buyers.week and traffic.shop_id = shops_with_buyers.shop_id
),

scope_traffic as (
    select scopes.week, scopes.scope_shop, scopes.scope_platform, sum(traffic_shops.uv) as uv
    from scopes
    inner join traffic_shops on traffic_shops.week = scopes.week and {{ in_scope % ('traffic_shops', 'traffic_shops') }}
    group by scopes.week, scopes.scope_shop, scopes.scope_platform
),

-- Buyers within one account system (Taobao and Tmall share one), as the store KPIs count them.
scope_buyers as (
    select scope_orders.week, scope_orders.scope_shop, scope_orders.scope_platform, scope_orders.buyer_identity,
           count(*) as paid_orders, bool_or(traffic_shops.shop_id is not null) as from_traffic_shop
    from scope_orders
    left join traffic_shops on scope_orders.week = traffic_shops.week and scope_orders.shop_id = traffic_shops.shop_id
    where scope_orders.is_paid and scope_orders.buyer_identity is not null
    group by scope_orders.week, scope_orders.scope_shop, scope_orders.scope_platform, scope_orders.buyer_identity
),

buyer_totals as (
    select week, scope_shop, scope_platform, count(*) as paid_buyers,
           sum(case when paid_orders >= 2 then 1 else 0 end) as repeat_buyers,
           sum(case when from_traffic_shop then 1 else 0 end) as converted_buyers
    from scope_buyers
    group by week, scope_shop, scope_platform
),

order_totals as (
    select
        week, scope_shop, scope_platform,
        count(*) as orders_created,
        sum(case when is_paid then 1 else 0 end) as orders_paid,
        sum(total_amount) as gmv,
        sum(case when is_paid then total_amount else 0 end) as paid_gmv,
        case when count(refund_amount) > 0 then sum(case when is_paid then refund_amount else 0 end) end as refund_amount,
        sum(paid_amount) as net_sales,
        sum(case when payment_known then 1 else 0 end) as orders_created_payment_known,
        sum(case when payment_known and is_paid then 1 else 0 end) as orders_paid_payment_known,
        sum(case when has_refund then 1 else 0 end) as refunded_orders,
        sum(case when is_paid and has_refund is not null then 1 else 0 end) as orders_paid_refund_known,
        sum(case when is_lost then 1 else 0 end) as lost_orders,
        sum(case when is_paid and buyer_key is not null then total_amount else 0 end) as paid_gmv_known_buyers,
        count(buyer_key) as orders_with_buyer
    from scope_orders
    group by week, scope_shop, scope_platform
),

week_totals as (
    select order_totals.*,
           case when order_totals.orders_with_buyer > 0 then coalesce(buyer_totals.paid_buyers, 0) end as paid_buyers,
           case when order_totals.orders_with_buyer > 0 then coalesce(buyer_totals.repeat_buyers, 0) end as repeat_buyers,
           case when scope_traffic.uv > 0 then coalesce(buyer_totals.converted_buyers, 0) end as converted_buyers,
           scope_traffic.uv
    from order_totals
    left join buyer_totals
        on order_totals.week = buyer_totals.week
        and order_totals.scope_shop = buyer_totals.scope_shop
        and order_totals.scope_platform = buyer_totals.scope_platform
    left join scope_traffic
        on order_totals.week = scope_traffic.week
        and order_totals.scope_shop = scope_traffic.scope_shop
        and order_totals.scope_platform = scope_traffic.scope_platform
),

recomputed as (
    select
        figures.*,
        case figures.metric_id
            when 'orders_created' then coalesce(totals.orders_created, 0)
            when 'orders_paid' then coalesce(totals.orders_paid, 0)
            when 'gmv' then coalesce(totals.gmv, 0)
            when 'paid_gmv' then coalesce(totals.paid_gmv, 0)
            when 'net_sales' then coalesce(totals.net_sales, 0)
            when 'refund_amount' then totals.refund_amount
            when 'paid_buyers' then totals.paid_buyers
            when 'payment_rate' then {{ safe_ratio('totals.orders_paid_payment_known', 'totals.orders_created_payment_known') }}
            when 'refund_rate' then {{ safe_ratio('totals.refunded_orders', 'totals.orders_paid_refund_known') }}
            when 'lost_order_rate' then {{ safe_ratio('totals.lost_orders', 'totals.orders_created') }}
            when 'aov' then {{ safe_ratio('totals.paid_gmv_known_buyers', 'totals.paid_buyers') }}
            when 'avg_order_value' then {{ safe_ratio('totals.paid_gmv', 'totals.orders_paid') }}
            when 'repeat_rate' then {{ safe_ratio('totals.repeat_buyers', 'totals.paid_buyers') }}
            when 'conversion_rate' then {{ safe_ratio('totals.converted_buyers', 'totals.uv') }}
        end as recomputed_exact
    from this_month_figures as figures
    left join week_totals as totals
        on figures.week = totals.week
        and figures.scope_shop = totals.scope_shop
        and figures.scope_platform = totals.scope_platform
),

compared as (
    select
        check_month as month,
        report_month,
        shop_id,
        report_id,
        analyst_id,
        week_start,
        submitted_at,
        deadline_at,
        metric_zh,
        metric_id,
        scope,
        reported_value,
        -- rates are reported in percent: compared as percent, to 4 decimals
        cast(case when metric_unit = 'ratio' then recomputed_exact * 100 else recomputed_exact end as decimal(18, 4))
            as recomputed_value,
        scope_shop is not null and metric_id in ('{{ checkable | join("', '") }}') and recomputed_exact is not null
            as is_checkable
    from recomputed
)

select
    month, report_month, shop_id, report_id, analyst_id, week_start, submitted_at, deadline_at, metric_zh, metric_id,
    scope, reported_value,
    case when is_checkable then recomputed_value end as recomputed_value,
    is_checkable,
    -- recomputed 0: exact when the report says 0 too, otherwise undefined (NULL, counted as inaccurate)
    case when not is_checkable then null
         when recomputed_value = 0 and reported_value = 0 then 0
         when recomputed_value = 0 then null
         else abs(reported_value - recomputed_value) / abs(recomputed_value) end as relative_error,
    case when is_checkable then {{ analyst_figure_is_accurate('reported_value', 'recomputed_value') }} end as is_accurate
from compared
