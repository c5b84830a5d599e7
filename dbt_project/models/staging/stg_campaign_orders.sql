-- Orders attributed to a campaign; sheet_shop_id is the folder holding the sheet (the campaign's
-- sheet is in the same folder).
select
    month,
    shop_id as sheet_shop_id,
    campaign_id,
    order_id
from {{ raw_source('campaign_orders') }}
