-- 物流协调员: per coordinator and month (month of the order): median hours from payment to
-- shipment, and orders delivered by the promised date / orders delivered. 承诺送达 is a date:
-- a parcel signed for at any time on the promised day is on time.
with shipments as (
    select logistics.month, logistics.coordinator_id as employee_id, logistics.shipped_at, logistics.promised_date,
           -- as a double on both engines: Spark would round a DECIMAL quotient before the median
           logistics.delivered_at, cast({{ seconds_between('orders.paid_at', 'logistics.shipped_at') }} as double) / 3600 as hours_to_ship
    from {{ ref('stg_logistics') }} as logistics
    inner join {{ ref('int_orders') }} as orders
        on logistics.order_id = orders.order_id and logistics.month = orders.month
),

facts as (
    select month, employee_id,
           percentile_cont(0.5) within group (order by hours_to_ship) as median_hours_to_ship,
           sum(case when delivered_at is not null then 1 else 0 end) as delivered,
           sum(case when cast(delivered_at as date) <= promised_date then 1 else 0 end) as delivered_on_time
    from shipments
    group by month, employee_id
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'ship_hours', 'num': 'median_hours_to_ship'},
    {'id': 'on_time_delivery', 'num': 'delivered_on_time', 'den': 'delivered'},
]) }}
