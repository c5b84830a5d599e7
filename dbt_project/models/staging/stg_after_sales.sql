-- After-sales cases: 退货 (return), 换货 (exchange), 仅退款 (refund only).
select
    month,
    shop_id,
    platform,
    case_id,
    order_id,
    case_type,
    case case_type when '退货' then 'return' when '换货' then 'exchange' when '仅退款' then 'refund' else 'other' end as case_kind,
    requested_at,
    agent_id
from {{ raw_source('after_sales') }}
