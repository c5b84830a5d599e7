-- An ERP's order export (聚水潭), one row per order, each routed to the shop its 店铺名称 names: the shop
-- whose shop_id, name_zh or one of its `names` (seeds/shops.csv) it is (macros/shop_names.sql). A name no shop has, or two shops
-- share, leaves the row without a shop (shop_id NULL, unrouted_reason says why): kept, and listed by the
-- audit with the unheld accounts. The file itself may sit in any shop's folder (file_shop_id).
with shipments as (
    select * from {{ raw_source('shipments') }}
)

select
    shipments.month,
    shop_names.shop_id,
    shop_names.platform,
    {{ unrouted_reason() }} as unrouted_reason,
    shipments.shop_id as file_shop_id,
    shipments.source_file,
    shipments.source_row,
    trim(shipments.shop_name) as shop_name,
    shipments.erp_order_id,
    shipments.order_id,
    shipments.paid_at,
    shipments.promised_ship_at,
    shipments.shipped_at,
    shipments.promised_delivery_at,
    shipments.received_at,
    shipments.carrier,
    shipments.status,
    shipments.order_type,
    -- the day a coordinator answers for the order (账号归属's dates): its shipment, or its payment until shipped
    coalesce(cast(shipments.shipped_at as date), cast(shipments.paid_at as date)) as day
from shipments
left join {{ shop_names() }} as shop_names
    on trim(shipments.shop_name) = shop_names.name
