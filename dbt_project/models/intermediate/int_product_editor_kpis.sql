-- 产品编辑: KPIs per editor and month over the listings planned that month.
-- listing_on_time's live time: an editor all of whose listings that month are in the platform's record
-- (拼多多 商品操作记录: the 审核时间 of the item's first approved 发布, in the listing's shop, any month) is
-- measured on those times (source goods_operations); otherwise every listing on the sheet's 实际上架时间
-- (source listings). One source per editor and month, never a mix. docs/kpi-rules.md "Product editor".
with listings as (
    select * from {{ ref('stg_listings') }}
),

platform_live as (  -- each item's first approved 发布 (the record is a view over every month: small)
    select shop_id, item_id, min(reviewed_at) as live_at
    from {{ ref('stg_goods_operations') }}
    where is_approved_publish and reviewed_at is not null
    group by shop_id, item_id
),

timed as (
    select listings.*, platform_live.live_at as platform_live_at,
           min(case when platform_live.live_at is null then 0 else 1 end)
               over (partition by listings.month, listings.editor_id) as all_on_platform
    from listings
    left join platform_live on listings.shop_id = platform_live.shop_id and listings.item_id = platform_live.item_id
),

facts as (
    select
        month,
        editor_id as employee_id,
        max(case when all_on_platform = 1 then 'goods_operations' else 'listings' end) as live_source,
        count(*) as listings,
        sum(case when all_on_platform = 1 then (case when platform_live_at <= planned_at then 1 else 0 end)
                 else (case when is_on_time then 1 else 0 end) end) as on_time_listings,
        sum(case when is_checked then 1 else 0 end) as checked_listings,
        sum(case when has_description_error then 1 else 0 end) as description_errors,
        sum(case when has_stock_error then 1 else 0 end) as stock_errors
    from timed
    group by month, editor_id
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'listing_on_time', 'num': 'on_time_listings', 'den': 'listings', 'source': 'live_source'},
    {'id': 'listing_error_rate', 'num': 'description_errors', 'den': 'checked_listings'},
    {'id': 'stock_error_rate', 'num': 'stock_errors', 'den': 'checked_listings'},
], source="'listings'") }}
