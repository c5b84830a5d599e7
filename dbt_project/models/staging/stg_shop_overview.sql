-- The platform's own daily summary (生意参谋 店铺概况), kept to check the marts against it.
select
    month,
    shop_id,
    cast(day as date) as day,
    visitors,
    paid_buyers,
    paid_orders,
    paid_amount,
    source_file,
    source_row
from {{ raw_source('shop_overview') }}
