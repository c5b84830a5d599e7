-- 生意参谋 市场 交易指数 per shop and day: the shop's index beside its category's market. An index,
-- not money: shares computed from it are indicative.
select
    month,
    shop_id,
    cast(day as date) as day,
    category,
    shop_index,
    market_index,
    source_file,
    source_row
from {{ raw_source('market_index') }}
