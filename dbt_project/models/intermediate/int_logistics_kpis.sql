-- 物流协调员: per coordinator and month (month of the order): median hours from payment to
-- shipment, and orders delivered by the promised date / orders delivered. 承诺送达 is a date:
-- a parcel signed for at any time on the promised day is on time.
-- A team's sheet may cover several shops' orders. A row's order is the one of its 店铺 when the sheet
-- names it; else the folder's shop's order with that id; else the one order of that id among the
-- month's other shops (an id two other shops use matches neither). An order is counted once, also
-- when two rows (two sheets) reach it: the first row by preference, file and row.
with shipments as (
    select * from {{ ref('stg_logistics') }}
    {{ month_filter() }}
),

orders as (
    select * from {{ ref('int_orders') }}
    {{ month_filter() }}
),

candidates as (
    select shipments.*, orders.shop_id, orders.paid_at,
           case when orders.shop_id = shipments.order_shop_id then 0 else 1 end as preference
    from shipments
    inner join orders
        on shipments.order_id = orders.order_id and shipments.month = orders.month
        and (not shipments.names_shop or orders.shop_id = shipments.order_shop_id)
),

row_matches as (  -- each row's order, when one is best
    select * from (
        select candidates.*,
               count(*) over (partition by source_file, source_row, preference) as same_preference,
               min(preference) over (partition by source_file, source_row) as best_preference
        from candidates
    ) as ranked
    where preference = best_preference and same_preference = 1
),

matched as (  -- each order once
    select * from (
        select row_matches.*,
               row_number() over (partition by shop_id, order_id order by preference, source_file, source_row) as nth
        from row_matches
    ) as numbered
    where nth = 1
),

timed as (
    select month, coordinator_id as employee_id, delivered_at, promised_date,
           -- as a double on both engines: Spark would round a DECIMAL quotient before the median
           cast({{ seconds_between('paid_at', 'shipped_at') }} as double) / 3600 as hours_to_ship
    from matched
),

facts as (
    select month, employee_id,
           percentile_cont(0.5) within group (order by hours_to_ship) as median_hours_to_ship,
           sum(case when delivered_at is not null then 1 else 0 end) as delivered,
           sum(case when cast(delivered_at as date) <= promised_date then 1 else 0 end) as delivered_on_time
    from timed
    group by month, employee_id
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'ship_hours', 'num': 'median_hours_to_ship'},
    {'id': 'on_time_delivery', 'num': 'delivered_on_time', 'den': 'delivered'},
], source="'logistics'") }}
