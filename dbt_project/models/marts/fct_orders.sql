{{ config(materialized='view') }}
-- One row per order, in the month of its 订单创建时间, with its lines summarised: the analysts'
-- view of intermediate.int_orders (which the KPI models build on), column for column.
select * from {{ ref('int_orders') }}
