-- 区域销售: net sales, paid orders and refund rate by month, scope and shipping province. The
-- scopes are those of kpi_store_monthly: each shop, each platform across the shops (shop_id 'all')
-- and the company ('all', 'all'). A shop's figures are summed from its orders; a platform's and the
-- company's from the shops' sums (not from three copies of every order: 10M orders, see DECISIONLOG
-- "Performance"), never from ratios.
-- Province only: the rest of the address is PII and never reaches the warehouse.
with orders as (
    select * from {{ ref('int_orders') }}
    {{ month_filter() }}
),

shop_provinces as (
    select
        month,
        shop_id,
        platform,
        coalesce(ship_province, '未知') as province,
        sum(paid_amount) as net_sales,
        sum(case when is_paid then 1 else 0 end) as orders_paid,
        count(has_refund) as orders_with_refund_data,
        sum(case when has_refund then 1 else 0 end) as refunded_orders,
        sum(case when is_paid and has_refund is not null then 1 else 0 end) as orders_paid_refund_known
    from orders
    group by month, shop_id, platform, coalesce(ship_province, '未知')
),

-- The three scopes as grouping sets of the shops' rows (grouping() marks a scope's 'all').
scoped as (
    select
        month,
        case when grouping(shop_id) = 1 then 'all' else shop_id end as scope_shop,
        case when grouping(platform) = 1 then 'all' else platform end as scope_platform,
        province,
        sum(net_sales) as net_sales,
        sum(orders_paid) as orders_paid,
        sum(orders_with_refund_data) as orders_with_refund_data,
        sum(refunded_orders) as refunded_orders,
        sum(orders_paid_refund_known) as orders_paid_refund_known
    from shop_provinces
    group by grouping sets ((month, shop_id, platform, province), (month, platform, province), (month, province))
)

select
    month,
    scope_shop as shop_id,
    scope_platform as platform,
    province,
    -- explicit types: sums are HUGEINT / DECIMAL(38) on DuckDB, BIGINT / DECIMAL(28) on Spark
    cast(net_sales as decimal(38, 2)) as net_sales,
    cast(orders_paid as bigint) as orders_paid,
    case when orders_with_refund_data = 0 then null else cast(refunded_orders as bigint) end as refunded_orders,
    case when orders_with_refund_data = 0 then null
         else cast({{ safe_ratio('refunded_orders', 'orders_paid_refund_known') }} as decimal(38, 6))
    end as refund_rate
from scoped
