-- Orders attributed to a campaign.
select
    month,
    campaign_id,
    order_id
from {{ source('raw', 'campaign_orders') }}
