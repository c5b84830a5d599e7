-- After-sales cases: 退货 (return), 换货 (exchange), 仅退款 (refund only), from the team's sheet, 淘宝 退款管理
-- or an ERP's after-sales export. A case of a file that covers several shops (聚水潭) is its 店铺名称's shop
-- (macros/shop_names.sql); a name no shop has, or two share, leaves it without a shop (unrouted_reason).
with cases as (
    select * from {{ raw_source('after_sales') }}
)

select
    cases.month,
    case when nullif(trim(cases.shop_name), '') is null then cases.shop_id else shop_names.shop_id end as shop_id,
    case when nullif(trim(cases.shop_name), '') is null then cases.platform else shop_names.platform end as platform,
    case when nullif(trim(cases.shop_name), '') is not null then {{ unrouted_reason() }} end as unrouted_reason,
    cases.shop_id as file_shop_id,
    nullif(trim(cases.shop_name), '') as shop_name,
    cases.case_id,
    cases.order_id,
    cases.case_type,
    cases.case_status,
    -- a request the shop or platform closed without a refund (淘宝 退款管理: 退款关闭) is no return or refund
    case when cases.case_status in ('退款关闭', '售后关闭', '已关闭', '作废', '已取消') then 'closed'
         when cases.case_type like '%换货%' then 'exchange'
         when cases.case_type in ('退货', '退货退款') then 'return'
         when cases.case_type like '%仅退款%' then 'refund'
         else 'other' end as case_kind,
    cases.requested_at,
    cases.agent_id
from cases
left join {{ shop_names() }} as shop_names
    on trim(cases.shop_name) = shop_names.name
