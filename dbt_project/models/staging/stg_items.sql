-- Item attributes, one snapshot per month loaded.
select
    month,
    item_id,
    item_title,
    list_price,
    category,
    age_range,
    brand,
    source_file,
    source_row
from {{ raw_source('items') }}
