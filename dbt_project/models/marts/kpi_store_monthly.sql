-- Section 1 store KPIs in long form: one row per month, scope and kpi_id. The scopes are each
-- shop (shop_id, platform), each platform across the company (shop_id 'all') and the company
-- ('all', 'all'), all summed from the order facts (int_store_monthly_totals).
-- value/numerator/denominator are DECIMAL(38,6): money sums stay exact, ratios are
-- rounded to 6 decimals. Counts and sums carry value = numerator. conversion_rate and
-- marketing_roi are NULL while the scope has no traffic export / no ad report. shops_counted of
-- shops_in_scope says how many shops a figure covers (docs/kpi-rules.md "Coverage").
with totals as (
    select * from {{ ref('int_store_monthly_totals') }}
    {{ month_filter(include_previous=true) }}
),

this_month as (
    select * from totals
    {{ month_filter() }}
),

-- 销售增长率 compares like with like: each shop with orders in both months, and a platform's or the
-- company's growth over those shops only, so a shop that opens or closes is not growth.
comparable_shops as (
    select this_month.month, this_month.shop_id, this_month.platform,
           this_month.net_sales, previous.net_sales as previous_net_sales
    from this_month
    inner join totals as previous
        on previous.month_index = this_month.month_index - 1
        and previous.shop_id = this_month.shop_id
        and previous.platform = this_month.platform
    where this_month.shop_id <> 'all'
),

comparable as (
    {% for scope_shop, scope_platform in [('shop_id', 'platform'), ("'all'", 'platform'), ("'all'", "'all'")] %}
    select month, {{ scope_shop }} as shop_id, {{ scope_platform }} as platform,
           sum(net_sales) as comparable_net_sales, sum(previous_net_sales) as previous_net_sales,
           count(*) as shops_in_both_months
    from comparable_shops
    group by month, {{ scope_shop }}, {{ scope_platform }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

with_previous as (
    select
        this_month.*,
        comparable.comparable_net_sales,
        comparable.previous_net_sales,
        coalesce(comparable.shops_in_both_months, 0) as shops_in_both_months
    from this_month
    left join comparable
        on comparable.month = this_month.month
        and comparable.shop_id = this_month.shop_id
        and comparable.platform = this_month.platform
),

{%- set store_kpis = [
    {'id': 'orders_created', 'num': 'orders_created', 'shops': 'shops_in_scope'},
    {'id': 'orders_paid', 'num': 'orders_paid', 'shops': 'shops_in_scope'},
    {'id': 'gmv', 'num': 'gmv', 'shops': 'shops_in_scope'},
    {'id': 'paid_gmv', 'num': 'paid_gmv', 'shops': 'shops_in_scope'},
    {'id': 'refund_amount', 'num': 'refund_amount', 'shops': 'shops_with_refund_amount'},
    {'id': 'net_sales', 'num': 'net_sales', 'shops': 'shops_in_scope'},
    {'id': 'paid_buyers', 'num': 'paid_buyers', 'shops': 'shops_with_buyers'},
    {'id': 'payment_rate', 'num': 'orders_paid_payment_known', 'den': 'orders_created_payment_known',
     'shops': 'shops_listing_unpaid_orders'},
    {'id': 'refund_rate', 'num': 'refunded_orders', 'den': 'orders_paid_refund_known', 'shops': 'shops_with_refund_state'},
    {'id': 'lost_order_rate', 'num': 'lost_orders', 'den': 'orders_created', 'shops': 'shops_in_scope'},
    {'id': 'aov', 'num': 'paid_gmv_known_buyers', 'den': 'paid_buyers', 'shops': 'shops_with_buyers'},
    {'id': 'avg_order_value', 'num': 'paid_gmv', 'den': 'orders_paid', 'shops': 'shops_in_scope'},
    {'id': 'repeat_rate', 'num': 'repeat_buyers', 'den': 'paid_buyers', 'shops': 'shops_with_buyers'},
    {'id': 'sales_growth', 'num': 'comparable_net_sales', 'den': 'previous_net_sales',
     'value': safe_ratio('comparable_net_sales', 'previous_net_sales') ~ ' - 1', 'shops': 'shops_in_both_months'},
    {'id': 'conversion_rate', 'num': 'traffic_paid_buyers', 'den': 'conversion_uv', 'shops': 'shops_with_traffic_and_buyers'},
    {'id': 'marketing_roi', 'num': 'paid_channel_net_sales', 'den': 'marketing_spend', 'shops': 'shops_with_spend'},
] -%}

kpis as (
    {{ kpi_unpivot('with_previous', ['month', 'shop_id', 'platform'], store_kpis) }}
),

-- How many of the scope's shops each KPI counts: a company figure summed over part of the shops
-- (refunds where some exports have none, buyers, visitors) says so.
coverage as (
    {% for k in store_kpis %}
    select month, shop_id, platform, '{{ k.id }}' as kpi_id,
           cast({{ k.shops }} as integer) as shops_counted, cast(shops_in_scope as integer) as shops_in_scope
    from with_previous
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select
    kpis.month,
    kpis.shop_id,
    kpis.platform,
    kpis.kpi_id,
    registry.name_zh,
    registry.name_en,
    registry.direction,
    kpis.value,
    kpis.numerator,
    kpis.denominator,
    coverage.shops_counted,
    coverage.shops_in_scope
from kpis
inner join {{ ref('kpi_registry') }} as registry
    on kpis.kpi_id = registry.kpi_id
inner join coverage
    on kpis.month = coverage.month
    and kpis.shop_id = coverage.shop_id
    and kpis.platform = coverage.platform
    and kpis.kpi_id = coverage.kpi_id
