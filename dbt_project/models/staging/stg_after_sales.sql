-- After-sales cases: 退货 (return), 换货 (exchange), 仅退款 (refund only), from the team's sheet or 淘宝 退款管理.
select
    month,
    shop_id,
    platform,
    case_id,
    order_id,
    case_type,
    case_status,
    -- a request the shop or platform closed without a refund (淘宝 退款管理: 退款关闭) is no return or refund
    case when case_status in ('退款关闭', '售后关闭', '已关闭') then 'closed'
         when case_type = '退货' then 'return' when case_type = '换货' then 'exchange' when case_type = '仅退款' then 'refund'
         else 'other' end as case_kind,
    requested_at,
    agent_id
from {{ raw_source('after_sales') }}
