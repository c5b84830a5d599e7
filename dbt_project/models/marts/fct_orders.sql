{{ config(materialized='incremental' if target.type == 'spark' else 'view') }}
-- One row per order, in the month of its 订单创建时间: the analysts' order facts, intermediate.int_orders
-- (which the KPI models build on) with the order's line summary (NULL without lines).
-- A view on DuckDB; on Spark a table partitioned by month, so readers of Spark's files see it.
with orders as (
    select * from {{ ref('int_orders') }}
    {% if target.type == 'spark' %}{{ month_filter() }}{% endif %}
),

lines as (
    select * from {{ ref('int_order_line_totals') }}
    {% if target.type == 'spark' %}{{ month_filter() }}{% endif %}
)

select
    orders.*,
    lines.line_count,
    lines.line_quantity,
    lines.line_amount,
    lines.closed_line_count
from orders
left join lines
    on orders.month = lines.month
    and orders.shop_id = lines.shop_id
    and orders.order_id = lines.order_id
