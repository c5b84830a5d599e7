-- 文案: KPIs per copywriter and month. A copywriter owns the item pages ('item/<宝贝ID>') of
-- the listings they wrote that month; pv_per_uv is over visits landing on those pages.
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

facts as (
    select links.*, page_traffic.page_views, page_traffic.uv
    from links
    left join page_traffic on links.month = page_traffic.month and links.employee_id = page_traffic.employee_id
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'pv_per_uv', 'num': 'page_views', 'den': 'uv'},
    {'id': 'broken_link_rate', 'num': 'broken_links', 'den': 'links_checked'},
], source="'listings'") }}
