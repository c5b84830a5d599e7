{{ config(materialized='incremental') }}  -- per month: strategy and partitioning in dbt_project.yml
-- One row per order that has lines in the 宝贝报表 (order-line report): its lines summarised, for
-- marts.fct_orders. A table built per month, so the month's lines are summed once, not by every
-- query of fct_orders. Its first build (no table yet) summarises every loaded month, so a warehouse
-- whose int_orders carried these columns keeps every month's summary.
select
    month,
    shop_id,
    order_id,
    count(*) as line_count,
    cast(sum(quantity) as bigint) as line_quantity,  -- bigint on both engines (DuckDB sums to HUGEINT)
    sum(line_amount) as line_amount,
    cast(sum(case when is_closed then 1 else 0 end) as bigint) as closed_line_count
from {{ ref('stg_order_lines') }}
{% if is_incremental() %}{{ month_filter() }}{% endif %}
group by month, shop_id, order_id
