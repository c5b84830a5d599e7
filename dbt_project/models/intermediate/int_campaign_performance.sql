-- One row per campaign: its orders, paid amount and buyers against its own shop's orders, buyers
-- and visitors on the campaign's days ("daily average over the campaign's days" cancels out: same
-- days in numerator and denominator, so shares are ratios of totals). Orders are paid orders.
-- The campaign's days are whole calendar days, from its start day to its end day, all of them: a
-- campaign is credited to the month it ends (`month`; docs/kpi-rules.md "Campaigns"), when every day is
-- known, so a campaign running past a month end loses no day and a published month never changes.
-- Its shop is 店铺 on the sheet, else the sheet's folder (stg_campaigns.shop_id). A campaign is listed
-- in the sheet of the month it starts (or again in a later month's: the latest listing is used) and
-- runs at most into the next month (a longer one is counted over those two months; stg_campaigns'
-- test warns). Without buyer ids in its shop on its days, its buyer counts are NULL, not 0.
-- A campaign's orders are those the team's 活动订单 sheet lists; a campaign it lists none for, but whose
-- items the platform's registrations (活动报名, stg_campaign_items, loaded the month it ends or the one
-- before) name, has the paid orders of its shop on its days with a registered item (an order line's 商品ID,
-- or Pinduoduo's 商品id): orders_from says which (campaign_items is approximate: any buyer of the item
-- those days counts, not only the campaign's). docs/kpi-rules.md "Campaigns".
with listed as (
    select *,
           row_number() over (partition by sheet_shop_id, campaign_id order by month desc) as listing
    from {{ ref('stg_campaigns') }}
),

campaigns as (
    select listed.month as listed_month, listed.sheet_shop_id, listed.shop_id, shops.platform,
           listed.campaign_id, listed.campaign_name, listed.planner_id, listed.starts_at, listed.ends_at,
           listed.cost, listed.page_uv, listed.page_clicks,
           cast(listed.starts_at as date) as first_day,
           cast(listed.ends_at as date) as last_day,
           substr(cast(cast(listed.ends_at as date) as string), 1, 7) as month
    from listed
    left join {{ ref('shops') }} as shops on listed.shop_id = shops.shop_id
    where listed.listing = 1
),

this_month_campaigns as (
    select * from campaigns
    {{ month_filter() }}
),

orders as (  -- the campaigns' days lie in the build month and the one before
    select * from {{ ref('int_orders') }}
    {{ month_filter(include_previous=true) }}
),

window_orders as (
    select this_month_campaigns.sheet_shop_id, this_month_campaigns.campaign_id,
           orders.order_id, orders.paid_amount, orders.buyer_key
    from this_month_campaigns
    inner join orders
        on orders.shop_id = this_month_campaigns.shop_id and orders.is_paid
        and cast(orders.created_at as date) between this_month_campaigns.first_day and this_month_campaigns.last_day
),

window_totals as (
    select sheet_shop_id, campaign_id, count(*) as window_orders, sum(paid_amount) as window_paid_amount,
           count(distinct buyer_key) as window_buyers, count(buyer_key) as window_orders_with_buyer
    from window_orders
    group by sheet_shop_id, campaign_id
),

campaign_order_ids as (
    select distinct sheet_shop_id, campaign_id, order_id
    from {{ ref('stg_campaign_orders') }}
    {{ month_filter(include_previous=true) }}
),

registered_items as (  -- the items taking part in campaigns the 活动订单 sheet lists no order for
    select distinct this_month_campaigns.sheet_shop_id, this_month_campaigns.campaign_id, registrations.item_id
    from this_month_campaigns
    inner join (select * from {{ ref('stg_campaign_items') }} {{ month_filter(include_previous=true) }}) as registrations
        on registrations.shop_id = this_month_campaigns.shop_id
        and registrations.campaign_id = this_month_campaigns.campaign_id and registrations.takes_part
    where not exists (select 1 from campaign_order_ids
                      where campaign_order_ids.sheet_shop_id = this_month_campaigns.sheet_shop_id
                      and campaign_order_ids.campaign_id = this_month_campaigns.campaign_id)
),

order_items as (  -- the products of each order: its lines' 商品ID, or the order's own (Pinduoduo)
    select shop_id, order_id, item_id
    from (select * from {{ ref('stg_order_lines') }} {{ month_filter(include_previous=true) }}) as lines
    where item_id is not null
    union
    select shop_id, order_id, item_id
    from (select * from {{ ref('stg_orders') }} {{ month_filter(include_previous=true) }}) as exported
    where item_id is not null
),

registered_order_ids as (
    select distinct registered_items.sheet_shop_id, registered_items.campaign_id, order_items.order_id
    from registered_items
    inner join this_month_campaigns
        on registered_items.sheet_shop_id = this_month_campaigns.sheet_shop_id
        and registered_items.campaign_id = this_month_campaigns.campaign_id
    inner join order_items
        on order_items.shop_id = this_month_campaigns.shop_id and order_items.item_id = registered_items.item_id
),

attributed as (
    select sheet_shop_id, campaign_id, order_id, 'campaign_orders' as orders_from from campaign_order_ids
    union all
    select sheet_shop_id, campaign_id, order_id, 'campaign_items' as orders_from from registered_order_ids
),

campaign_totals as (
    select window_orders.sheet_shop_id, window_orders.campaign_id,
           count(*) as campaign_orders, sum(window_orders.paid_amount) as campaign_paid_amount,
           count(distinct window_orders.buyer_key) as campaign_buyers
    from window_orders
    inner join attributed
        on window_orders.sheet_shop_id = attributed.sheet_shop_id
        and window_orders.campaign_id = attributed.campaign_id
        and window_orders.order_id = attributed.order_id
    group by window_orders.sheet_shop_id, window_orders.campaign_id
),

orders_from as (
    select distinct sheet_shop_id, campaign_id, 'campaign_items' as orders_from from registered_items
),

window_traffic as (
    select this_month_campaigns.sheet_shop_id, this_month_campaigns.campaign_id,
           count(distinct traffic.visitor_id) as window_uv
    from this_month_campaigns
    inner join (select * from {{ ref('stg_traffic') }} {{ month_filter(include_previous=true) }}) as traffic
        on traffic.shop_id = this_month_campaigns.shop_id
        and traffic.visit_date between this_month_campaigns.first_day and this_month_campaigns.last_day
    group by this_month_campaigns.sheet_shop_id, this_month_campaigns.campaign_id
)

select
    campaigns.month,
    campaigns.listed_month,
    campaigns.shop_id,
    campaigns.platform,
    campaigns.sheet_shop_id,
    campaigns.campaign_id,
    campaigns.campaign_name,
    campaigns.planner_id,
    campaigns.starts_at,
    campaigns.ends_at,
    campaigns.cost,
    campaigns.page_uv,
    campaigns.page_clicks,
    coalesce(campaign_totals.campaign_orders, 0) as campaign_orders,
    coalesce(campaign_totals.campaign_paid_amount, 0) as campaign_paid_amount,
    {{ unless_month_has_no_buyers('coalesce(campaign_totals.campaign_buyers, 0)', 'window_totals.window_orders_with_buyer') }}
        as campaign_buyers,
    coalesce(window_totals.window_orders, 0) as window_orders,
    coalesce(window_totals.window_paid_amount, 0) as window_paid_amount,
    {{ unless_month_has_no_buyers('window_totals.window_buyers', 'window_totals.window_orders_with_buyer') }}
        as window_buyers,
    window_traffic.window_uv,
    coalesce(orders_from.orders_from, 'campaign_orders') as orders_from
from this_month_campaigns as campaigns
left join campaign_totals
    on campaigns.sheet_shop_id = campaign_totals.sheet_shop_id and campaigns.campaign_id = campaign_totals.campaign_id
left join window_totals
    on campaigns.sheet_shop_id = window_totals.sheet_shop_id and campaigns.campaign_id = window_totals.campaign_id
left join window_traffic
    on campaigns.sheet_shop_id = window_traffic.sheet_shop_id and campaigns.campaign_id = window_traffic.campaign_id
left join orders_from
    on campaigns.sheet_shop_id = orders_from.sheet_shop_id and campaigns.campaign_id = orders_from.campaign_id
