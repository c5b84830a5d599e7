-- Campaigns (活动), in the month they start.
select
    month,
    campaign_id,
    campaign_name,
    planner_id,
    starts_at,
    ends_at,
    cost,
    page_uv,
    page_clicks
from {{ raw_source('campaigns') }}
