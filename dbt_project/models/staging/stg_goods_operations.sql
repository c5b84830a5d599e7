-- The platform's record of listing events (拼多多 商品操作记录): one row per 发布 or 编辑 of an item.
select
    month,
    shop_id,
    platform,
    source_file,
    source_row,
    item_id,
    item_name,
    operation,
    review_status,
    submitted_at,
    reviewed_at,
    operator,
    reject_reason,
    -- a new listing the platform approved: the item is live from its review
    coalesce(operation like '%发布%' and review_status like '%通过%', false) as is_approved_publish
from {{ raw_source('goods_operations') }}
