-- Listing log with spot checks; a listing belongs to the month it is planned.
select
    month,
    shop_id,
    item_id,
    editor_id,
    copywriter_id,
    planned_at,
    live_at,
    coalesce(live_at <= planned_at, false) as is_on_time,
    coalesce(checked = '是', false) as is_checked,
    coalesce(checked = '是' and description_error = '是', false) as has_description_error,
    coalesce(checked = '是' and shown_stock <> warehouse_stock, false) as has_stock_error,
    coalesce(links_checked, 0) as links_checked,
    coalesce(broken_links, 0) as broken_links
from {{ raw_source('listings') }}
