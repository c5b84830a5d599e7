{{ config(materialized='incremental') }}  -- per month: strategy and partitioning in dbt_project.yml
-- One row per order, in the month of its 订单创建时间, with its lines summarised: the order facts
-- every role model and the store totals build on (marts.fct_orders publishes them). A table built
-- per month, so the month's orders are joined to their lines once.
with orders as (
    select * from {{ ref('stg_orders') }}
    {{ month_filter() }}
),

lines as (
    select
        month,
        shop_id,
        order_id,
        count(*) as line_count,
        cast(sum(quantity) as bigint) as line_quantity,  -- bigint on both engines (DuckDB sums to HUGEINT)
        sum(line_amount) as line_amount,
        cast(sum(case when is_closed then 1 else 0 end) as bigint) as closed_line_count
    from {{ ref('stg_order_lines') }}
    {{ month_filter() }}
    group by month, shop_id, order_id
)

select
    orders.month,
    orders.shop_id,
    orders.platform,
    orders.order_id,
    orders.buyer_key,
    -- Who the buyer is across shops: buyer ids of different platforms never match (Taobao and Tmall
    -- share one account system, 淘宝会员名); within one, the keyed hash is the same in every shop.
    case when orders.buyer_key is not null
         then {{ buyer_domain('orders.platform') }} || ':' || orders.buyer_key end as buyer_identity,
    orders.created_at,
    orders.paid_at,
    orders.is_paid,
    orders.total_amount,
    orders.paid_amount,
    orders.refund_amount,
    -- NULL when the export says nothing about refunds (JD's order export): no data, not "no refund".
    case when orders.refund_amount is not null then orders.is_paid and orders.refund_amount > 0
         when orders.refund_state is not null then orders.is_paid and orders.refund_state = 'refunded'
    end as has_refund,
    orders.paid_amount = 0 as is_lost,
    orders.goods_amount,
    orders.shipping_fee,
    orders.order_status,
    orders.ship_province,
    lines.line_count,
    lines.line_quantity,
    lines.line_amount,
    lines.closed_line_count,
    orders.source_file,
    orders.source_row
from orders
left join lines
    on orders.month = lines.month
    and orders.shop_id = lines.shop_id
    and orders.order_id = lines.order_id
