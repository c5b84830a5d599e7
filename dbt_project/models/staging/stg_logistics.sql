-- Shipment tracking, one row per order (month of the order).
select
    month,
    order_id,
    coordinator_id,
    shipped_at,
    promised_at,
    delivered_at
from {{ source('raw', 'logistics') }}
