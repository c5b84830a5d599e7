-- One row per order line; a line takes the month of its order.
select
    month,
    shop_id,
    order_id,
    source_file,
    source_row,
    item_title,
    unit_price,
    quantity,
    unit_price * quantity as line_amount,
    line_status,
    line_status = '交易关闭' as is_closed,
    merchant_code,
    external_code,
    sku_properties,
    bundle_info,
    item_id
from {{ raw_source('order_lines') }}
