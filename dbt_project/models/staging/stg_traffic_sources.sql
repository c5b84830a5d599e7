-- 生意参谋 流量来源: the platform's own figures per traffic source over the download's period,
-- as exported (rates already ratios). Not recomputed: 生意参谋's definitions differ from the catalog's.
select
    month,
    source,
    source_detail,
    visitors,
    order_amount,
    order_buyers,
    order_conversion,
    paid_amount,
    paid_buyers,
    paid_conversion,
    aov,
    uv_value,
    shop_followers,
    item_favouriters,
    cart_adders,
    new_visitors,
    platform,
    source_file,
    source_row
from {{ raw_source('traffic_sources') }}
