-- Buyer reviews.
select
    month,
    shop_id,
    platform,
    order_id,
    rating,
    tag,
    reviewed_at,
    rating = '差评' as is_negative,
    coalesce(tag = '服务态度', false) as is_service_attitude
from {{ raw_source('reviews') }}
