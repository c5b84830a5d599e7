{{ config(materialized='incremental' if target.type == 'spark' else 'view') }}
-- One row per order, in the month of its 订单创建时间, with its lines summarised: the analysts'
-- view of intermediate.int_orders (which the KPI models build on), column for column.
-- A view on DuckDB; on Spark a table partitioned by month, so readers of Spark's files see it.
select * from {{ ref('int_orders') }}
{% if target.type == 'spark' %}{{ month_filter() }}{% endif %}
