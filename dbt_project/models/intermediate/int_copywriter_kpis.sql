-- 文案: KPIs per copywriter and month. A copywriter owns the item pages ('item/<宝贝ID>') of
-- the listings they wrote that month; pv_per_uv is over visits landing on those pages in the visitor
-- log, else over 生意参谋 商品效果's views and visitors of those items.
with pages as (
    select distinct month, copywriter_id as employee_id, 'item/' || item_id as landing_page
    from {{ ref('stg_listings') }}
    where copywriter_id is not null
),

page_traffic as (
    select pages.month, pages.employee_id,
           sum(traffic.page_views) as page_views, count(distinct traffic.visitor_id) as uv
    from pages
    inner join {{ ref('stg_traffic') }} as traffic
        on pages.month = traffic.month and pages.landing_page = traffic.landing_page
    group by pages.month, pages.employee_id
),

links as (
    select month, copywriter_id as employee_id, sum(links_checked) as links_checked, sum(broken_links) as broken_links
    from {{ ref('stg_listings') }}
    where copywriter_id is not null
    group by month, copywriter_id
),

-- 生意参谋 商品效果 of the copywriter's items (in the listing's shop), for a copywriter whose pages the
-- visitor log does not cover: views and visitors summed over the report's rows (docs/kpi-rules.md
-- "Copywriter").
item_report as (
    select items.month, items.employee_id, sum(report.item_pv) as page_views, sum(report.item_uv) as uv
    from (select distinct month, shop_id, copywriter_id as employee_id, item_id
          from {{ ref('stg_listings') }} where copywriter_id is not null) as items
    inner join (select * from {{ ref('stg_item_daily') }} {{ month_filter() }}) as report
        on items.month = report.month and items.shop_id = report.shop_id and items.item_id = report.item_id
    group by items.month, items.employee_id
),

facts as (
    select links.*,
           case when page_traffic.uv > 0 then page_traffic.page_views else item_report.page_views end as page_views,
           case when page_traffic.uv > 0 then page_traffic.uv else item_report.uv end as uv,
           case when page_traffic.uv > 0 or item_report.uv is null then 'listings' else 'item_daily' end as page_source
    from links
    left join page_traffic on links.month = page_traffic.month and links.employee_id = page_traffic.employee_id
    left join item_report on links.month = item_report.month and links.employee_id = item_report.employee_id
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'pv_per_uv', 'num': 'page_views', 'den': 'uv', 'source': 'page_source'},
    {'id': 'broken_link_rate', 'num': 'broken_links', 'den': 'links_checked'},
], source="'listings'") }}
