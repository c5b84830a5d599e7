-- The platforms' campaign registrations (千牛 活动报名, 拼多多 报名记录): one row per item registered for a
-- campaign. An item takes part unless its registration is pending, refused, withdrawn or cleared
-- (待审核, 驳回/不通过, 取消, 清退, 失败).
select
    month,
    shop_id,
    platform,
    source_file,
    source_row,
    campaign_id,
    campaign_name,
    campaign_type,
    item_id,
    item_name,
    registered_at,
    starts_at,
    ends_at,
    status,
    not coalesce(status like '%待审核%' or status like '%驳回%' or status like '%不通过%' or status like '%取消%'
                 or status like '%清退%' or status like '%失败%', false) as takes_part
from {{ raw_source('campaign_items') }}
