-- 物流协调员: per coordinator and month (month of the order): median hours from payment to
-- shipment, and orders delivered by the promised date / orders delivered. 承诺送达 is a date:
-- a parcel signed for at any time on the promised day is on time.
-- A team's sheet may cover several shops' orders. A row's order is the one of its 店铺 when the sheet
-- names it; else the folder's shop's order with that id; else the one order of that id among the
-- month's other shops (an id two other shops use matches neither). An order is counted once, also
-- when two rows (two sheets) reach it: the first row by preference, file and row.
-- Two sources (each KPI row says its `source`, seeds/kpi_sources.csv its basis): the team's sheet
-- (logistics) and the ERP's order export (shipments, through int_shipment_days: orders of a routed shop
-- credited to the one coordinator holding its shipping). A coordinator in the team's sheet that month is
-- measured from it; one without, from the ERP. on_time_shipment (shipped by the promised ship time /
-- orders shipped with a promise) comes from the ERP alone. docs/kpi-rules.md "Logistics".
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

team_sheet as (
    select month, employee_id,
           percentile_cont(0.5) within group (order by hours_to_ship) as median_hours_to_ship,
           sum(case when delivered_at is not null then 1 else 0 end) as delivered,
           sum(case when cast(delivered_at as date) <= promised_date then 1 else 0 end) as delivered_on_time
    from timed
    group by month, employee_id
),

erp_orders as (
    select month, employee_id, shipped_at, promised_ship_at, received_at,
           cast(promised_delivery_at as date) as promised_delivery_date,
           cast({{ seconds_between('paid_at', 'shipped_at') }} as double) / 3600 as hours_to_ship
    from (select * from {{ ref('int_shipment_days') }} {{ month_filter() }}) as credited
    where shop_id is not null and employee_id is not null
),

erp as (
    select month, employee_id,
           percentile_cont(0.5) within group (order by hours_to_ship) as median_hours_to_ship,
           sum(case when shipped_at is not null and promised_ship_at is not null then 1 else 0 end) as shipped_with_promise,
           sum(case when shipped_at <= promised_ship_at then 1 else 0 end) as shipped_on_time,
           -- 确认收货时间 is the buyer's confirmation, later than the carrier's delivery: approximate
           sum(case when received_at is not null and promised_delivery_date is not null then 1 else 0 end) as delivered,
           sum(case when cast(received_at as date) <= promised_delivery_date then 1 else 0 end) as delivered_on_time
    from erp_orders
    group by month, employee_id
),

facts as (
    select month, employee_id, 'logistics' as source, median_hours_to_ship, delivered, delivered_on_time
    from team_sheet
    union all
    select erp.month, erp.employee_id, 'shipments' as source, erp.median_hours_to_ship, erp.delivered, erp.delivered_on_time
    from erp
    where not exists (select 1 from team_sheet
                      where team_sheet.month = erp.month and team_sheet.employee_id = erp.employee_id)
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'ship_hours', 'num': 'median_hours_to_ship'},
    {'id': 'on_time_delivery', 'num': 'delivered_on_time', 'den': 'delivered'},
], source='source') }}
union all
{{ kpi_unpivot('erp', ['month', 'employee_id'], [
    {'id': 'on_time_shipment', 'num': 'shipped_on_time', 'den': 'shipped_with_promise'},
], source="'shipments'") }}
