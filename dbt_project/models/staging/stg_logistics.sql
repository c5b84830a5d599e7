-- Shipment tracking, one row per order (month of the order). order_shop_id is 店铺 when the sheet
-- names it (names_shop), else the folder's shop, the first place int_logistics_kpis looks for the order.
select
    month,
    shop_id as sheet_shop_id,
    coalesce(nullif(trim(order_shop), ''), shop_id) as order_shop_id,
    nullif(trim(order_shop), '') is not null as names_shop,
    source_file,
    source_row,
    order_id,
    coordinator_id,
    shipped_at,
    -- 承诺送达日期 is a date: any delivery on that day is on time (exports may add 00:00:00 or 23:59:59)
    cast(promised_at as date) as promised_date,
    delivered_at
from {{ raw_source('logistics') }}
