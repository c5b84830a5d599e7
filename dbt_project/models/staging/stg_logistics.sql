-- Shipment tracking, one row per order (month of the order).
select
    month,
    order_id,
    coordinator_id,
    shipped_at,
    -- 承诺送达日期 is a date: any delivery on that day is on time (exports may add 00:00:00 or 23:59:59)
    cast(promised_at as date) as promised_date,
    delivered_at
from {{ raw_source('logistics') }}
