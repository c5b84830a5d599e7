-- Section 1 store KPIs in long form: one row per month and kpi_id.
-- value/numerator/denominator are DECIMAL(38,6): money sums stay exact,
-- ratios are rounded to 6 decimals. Counts and sums carry value = numerator.
{%- set count_or_sum = ['orders_created', 'orders_paid', 'gmv', 'paid_gmv', 'refund_amount', 'net_sales', 'paid_buyers'] %}
{%- set ratios = {
    'payment_rate': ('orders_paid', 'orders_created'),
    'refund_rate': ('refunded_orders', 'orders_paid'),
    'lost_order_rate': ('lost_orders', 'orders_created'),
    'aov': ('paid_gmv', 'paid_buyers'),
    'avg_order_value': ('paid_gmv', 'orders_paid'),
    'repeat_rate': ('repeat_buyers', 'paid_buyers'),
} %}
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
),

kpis as (
    {%- for kpi_id in count_or_sum %}
    select month, '{{ kpi_id }}' as kpi_id, {{ kpi_id }} as value, {{ kpi_id }} as numerator, null as denominator
    from with_previous
    union all
    {%- endfor %}
    {%- for kpi_id, parts in ratios.items() %}
    select month, '{{ kpi_id }}', {{ safe_ratio(parts[0], parts[1]) }}, {{ parts[0] }}, {{ parts[1] }}
    from with_previous
    union all
    {%- endfor %}
    select month, 'sales_growth', {{ safe_ratio('net_sales', 'previous_net_sales') }} - 1, net_sales, previous_net_sales
    from with_previous
    union all
    -- NULL while the month has no traffic export / no ad report.
    select month, 'conversion_rate', {{ safe_ratio('paid_buyers', 'store_uv') }}, paid_buyers, store_uv
    from with_previous
    union all
    select month, 'marketing_roi', {{ safe_ratio('paid_channel_net_sales', 'marketing_spend') }}, paid_channel_net_sales, marketing_spend
    from with_previous
)

select
    kpis.month,
    kpis.kpi_id,
    registry.name_zh,
    registry.name_en,
    registry.direction,
    cast(kpis.value as decimal(38, 6)) as value,
    cast(kpis.numerator as decimal(38, 6)) as numerator,
    cast(kpis.denominator as decimal(38, 6)) as denominator
from kpis
inner join {{ ref('kpi_registry') }} as registry
    on kpis.kpi_id = registry.kpi_id
