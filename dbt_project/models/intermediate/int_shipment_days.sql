-- 物流协调员: each order of the month's ERP exports with the logistics coordinator who held its shop's
-- shipping (账号归属: the 账号 is the ERP's 店铺名称 or the shop_id, held by an employee whose role is
-- logistics_coordinator, so an ad account of the same name never competes). An order of no routed shop,
-- or of a shop no coordinator held that day, is kept with the reason (macros/account_holders.sql).
{{ credited_to_account_holders(ref('stg_shipments'), ['report_rows.shop_name', 'report_rows.shop_id'],
                               role='logistics_coordinator') }}
