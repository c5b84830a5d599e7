-- Section 1 store KPIs in long form: one row per month, scope and kpi_id. The scopes are each
-- shop (shop_id, platform), each platform across the company (shop_id 'all') and the company
-- ('all', 'all'), all summed from the order facts (int_store_monthly_totals).
-- value/numerator/denominator are DECIMAL(38,6): money sums stay exact, ratios are
-- rounded to 6 decimals. Counts and sums carry value = numerator. conversion_rate and
-- marketing_roi are NULL while the month has no traffic export / no ad report.
with totals as (
    select * from {{ ref('int_store_monthly_totals') }}
    {{ month_filter(include_previous=true) }}
),

this_month as (
    select * from totals
    {{ month_filter() }}
),

with_previous as (
    select
        this_month.*,
        previous.net_sales as previous_net_sales
    from this_month
    left join totals as previous
        on previous.month_index = this_month.month_index - 1
        and previous.shop_id = this_month.shop_id
        and previous.platform = this_month.platform
),

kpis as (
    {{ kpi_unpivot('with_previous', ['month', 'shop_id', 'platform'], [
        {'id': 'orders_created', 'num': 'orders_created'},
        {'id': 'orders_paid', 'num': 'orders_paid'},
        {'id': 'gmv', 'num': 'gmv'},
        {'id': 'paid_gmv', 'num': 'paid_gmv'},
        {'id': 'refund_amount', 'num': 'refund_amount'},
        {'id': 'net_sales', 'num': 'net_sales'},
        {'id': 'paid_buyers', 'num': 'paid_buyers'},
        {'id': 'payment_rate', 'num': 'orders_paid', 'den': 'orders_created'},
        {'id': 'refund_rate', 'num': 'refunded_orders', 'den': 'orders_paid_refund_known'},
        {'id': 'lost_order_rate', 'num': 'lost_orders', 'den': 'orders_created'},
        {'id': 'aov', 'num': 'paid_gmv_known_buyers', 'den': 'paid_buyers'},
        {'id': 'avg_order_value', 'num': 'paid_gmv', 'den': 'orders_paid'},
        {'id': 'repeat_rate', 'num': 'repeat_buyers', 'den': 'paid_buyers'},
        {'id': 'sales_growth', 'num': 'net_sales', 'den': 'previous_net_sales',
         'value': safe_ratio('net_sales', 'previous_net_sales') ~ ' - 1'},
        {'id': 'conversion_rate', 'num': 'traffic_paid_buyers', 'den': 'store_uv'},
        {'id': 'marketing_roi', 'num': 'paid_channel_net_sales', 'den': 'marketing_spend'},
    ]) }}
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
    kpis.denominator
from kpis
inner join {{ ref('kpi_registry') }} as registry
    on kpis.kpi_id = registry.kpi_id
