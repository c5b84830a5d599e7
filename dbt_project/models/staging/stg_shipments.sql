-- An ERP's order export (聚水潭), one row per order, each routed to the shop its 店铺名称 names: the shop
-- whose shop_id, name_zh or one of its `names` (seeds/shops.csv) it is. A name no shop has, or two shops
-- share, leaves the row without a shop (shop_id NULL, unrouted_reason says why): kept, and listed by the
-- audit with the unheld accounts. The file itself may sit in any shop's folder (file_shop_id).
with shipments as (
    select * from {{ raw_source('shipments') }}
),

shops as (
    select shop_id, platform, name_zh, '|' || coalesce(names, '') || '|' as names_list
    from {{ ref('shops') }}
),

routes as (
    select shipments.month, shipments.source_file, shipments.source_row,
           count(*) as shops, min(shops.shop_id) as shop_id, min(shops.platform) as platform
    from shipments
    inner join shops
        on trim(shipments.shop_name) in (shops.shop_id, shops.name_zh)
        or instr(shops.names_list, '|' || trim(shipments.shop_name) || '|') > 0
    group by shipments.month, shipments.source_file, shipments.source_row
)

select
    shipments.month,
    case when routes.shops = 1 then routes.shop_id end as shop_id,
    case when routes.shops = 1 then routes.platform end as platform,
    case when routes.shops is null then 'no shop of shops.csv has this name'
         when routes.shops > 1 then 'several shops of shops.csv have this name' end as unrouted_reason,
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
left join routes
    on shipments.month = routes.month
    and shipments.source_file = routes.source_file
    and shipments.source_row = routes.source_row
