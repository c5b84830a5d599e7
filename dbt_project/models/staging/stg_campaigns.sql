-- Campaigns (活动), as listed in the month's sheet, with the shop each runs in: 店铺 when given,
-- else the shop whose folder holds the sheet (sheet_shop_id, which its 活动订单 sheet shares).
select
    month,
    shop_id as sheet_shop_id,
    coalesce(nullif(trim(campaign_shop), ''), shop_id) as shop_id,
    campaign_id,
    campaign_name,
    planner_id,
    starts_at,
    ends_at,
    cost,
    page_uv,
    page_clicks
from {{ raw_source('campaigns') }}
