-- 区域销售: net sales, paid orders and refund rate by month, scope and shipping province. The
-- scopes are those of kpi_store_monthly: each shop, each platform across the shops (shop_id 'all')
-- and the company ('all', 'all'), all summed from the orders.
-- Province only: the rest of the address is PII and never reaches the warehouse.
with orders as (
    select * from {{ ref('int_orders') }}
    {{ month_filter() }}
),

scoped_orders as (
    {{ scoped_orders('orders') }}
)

select
    month,
    scope_shop as shop_id,
    scope_platform as platform,
    coalesce(ship_province, '未知') as province,
    -- explicit types: sums are HUGEINT / DECIMAL(38) on DuckDB, BIGINT / DECIMAL(28) on Spark
    cast(sum(paid_amount) as decimal(38, 2)) as net_sales,
    cast(sum(case when is_paid then 1 else 0 end) as bigint) as orders_paid,
    case when count(has_refund) = 0 then null else cast(sum(case when has_refund then 1 else 0 end) as bigint) end as refunded_orders,
    case when count(has_refund) = 0 then null
         else cast({{ safe_ratio('sum(case when has_refund then 1 else 0 end)',
                                 'sum(case when is_paid and has_refund is not null then 1 else 0 end)') }} as decimal(38, 6))
    end as refund_rate
from scoped_orders
group by month, scope_shop, scope_platform, coalesce(ship_province, '未知')
