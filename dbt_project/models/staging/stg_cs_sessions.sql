-- Customer-service sessions; buyer is a keyed hash.
select
    month,
    shop_id,
    platform,
    session_id,
    agent_id,
    buyer_hash as buyer_key,
    first_message_at,
    first_reply_at,
    {{ seconds_between('first_message_at', 'first_reply_at') }} as first_response_s,
    messages,
    coalesce(forbidden_phrases, 0) as forbidden_phrases,
    converted_order_id,
    rating,
    rating is not null as is_rated,
    coalesce(rating in ('很满意', '满意'), false) as is_satisfied,
    coalesce(is_complaint = '是', false) as is_complaint,
    coalesce(is_complaint = '是' and complaint_resolved = '是', false) as is_complaint_resolved
from {{ raw_source('cs_sessions') }}
