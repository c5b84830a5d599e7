-- One row per visitor visit (生意参谋 visitor log).
select
    month,
    shop_id,
    visitor_id,
    cast(visit_date as date) as visit_date,
    source_channel,
    landing_page,
    page_views,
    visitor_type = '新访客' as is_new_visitor,
    bounced = '是' as is_bounce,
    order_id
from {{ raw_source('traffic') }}
