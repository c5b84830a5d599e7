-- Orders attributed to a campaign.
select
    month,
    campaign_id,
    order_id
from {{ raw_source('campaign_orders') }}
