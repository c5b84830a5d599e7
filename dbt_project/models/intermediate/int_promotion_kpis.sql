-- 营销推广专员: KPIs per promotion specialist and month, over the channels they own
-- (a channel belongs to the specialist named as 负责人 in that month's ad report of that shop:
-- visitors come through the shop whose ad report names the channel, never through another shop's
-- channel of the same name). A visitor is counted once per shop (visitor ids are per shop). Orders and
-- paid amount are the paid-channel attribution of int_paid_channel_orders.
-- Two sources (each KPI row says its `source`, seeds/kpi_sources.csv its basis): the team's ad sheet
-- (ad_spend, with its owner and the visitor log), and the ad platforms' reports (ad_daily, through
-- int_ad_plan_days: rows credited to one specialist by 账号归属). A specialist in the team's sheet that
-- month is measured from it; one without, from the platforms' reports, each rate as a sum over the
-- rows that give both its parts (docs/kpi-rules.md "Promotion").
-- A view of the month being built (month_filter in each input, as in int_channel_manager_kpis): the
-- orders are the right side of a left join, where a reader's month filter never reaches them, so
-- without it every build scanned every month's int_orders, a cost that grew with history.
with ads as (
    select month, shop_id, owner_id as employee_id, channel, sum(impressions) as impressions,
           sum(page_arrivals) as page_arrivals, sum(spend) as spend
    from {{ ref('stg_ad_spend') }}
    {{ month_filter() }}
    group by month, shop_id, owner_id, channel
),

owned_visits as (
    select ads.month, ads.employee_id, traffic.shop_id, traffic.visitor_id, traffic.is_new_visitor, traffic.is_bounce
    from (select * from {{ ref('stg_traffic') }} {{ month_filter() }}) as traffic
    inner join ads
        on traffic.month = ads.month and traffic.shop_id = ads.shop_id and traffic.source_channel = ads.channel
),

visitors as (  -- per shop first: a visitor id names a visitor of one shop
    select month, employee_id, sum(uv) as uv, sum(new_uv) as new_uv, sum(bounced_uv) as bounced_uv
    from (
        select month, employee_id, shop_id,
               count(distinct visitor_id) as uv,
               count(distinct case when is_new_visitor then visitor_id end) as new_uv,
               count(distinct case when is_bounce then visitor_id end) as bounced_uv
        from owned_visits
        group by month, employee_id, shop_id
    ) as shop_visitors
    group by month, employee_id
),

attributed_orders as (
    select distinct month, owner_id as employee_id, shop_id, order_id, paid_amount
    from {{ ref('int_paid_channel_orders') }}
    {{ month_filter() }}
),

orders as (
    select month, employee_id, count(*) as orders, sum(paid_amount) as paid_amount
    from attributed_orders
    group by month, employee_id
),

specialist as (
    select ads.month, ads.employee_id,
           sum(ads.impressions) as impressions, sum(ads.page_arrivals) as page_arrivals, sum(ads.spend) as spend
    from ads
    group by ads.month, ads.employee_id
),

team_sheet as (
    select specialist.*, coalesce(visitors.uv, 0) as uv, visitors.new_uv, visitors.bounced_uv,
           coalesce(orders.orders, 0) as orders, coalesce(orders.paid_amount, 0) as paid_amount
    from specialist
    left join visitors on specialist.month = visitors.month and specialist.employee_id = visitors.employee_id
    left join orders on specialist.month = orders.month and specialist.employee_id = orders.employee_id
),

-- The platforms' report rows credited to one specialist, each rate's parts over the rows giving both.
reports as (
    select month, employee_id,
           sum(case when gmv is not null then spend end) as spend_with_gmv,
           sum(case when spend is not null then gmv end) as gmv,
           sum(case when orders is not null then spend end) as spend_with_orders,
           sum(case when spend is not null then orders end) as orders,
           sum(case when visitors is not null then spend end) as spend_with_visitors,
           sum(case when spend is not null then visitors end) as visitors_with_spend,
           sum(visitors) as visitors,
           sum(case when impressions is not null then visits end) as visits,
           sum(case when visits is not null then impressions end) as impressions_with_visits,
           sum(case when buyers is not null then new_buyers end) as new_buyers,
           sum(case when new_buyers is not null then buyers end) as buyers
    from {{ ref('int_ad_plan_days') }}
    where employee_id is not null
    {%- if build_month() %} and month = '{{ build_month() }}'{% endif %}
    group by month, employee_id
),

facts as (
    select team_sheet.month, team_sheet.employee_id, 'ad_spend' as source,
           team_sheet.uv as uv_num, team_sheet.page_arrivals as arrival_num, team_sheet.impressions as arrival_den,
           team_sheet.bounced_uv as bounce_num, team_sheet.uv as bounce_den,
           team_sheet.spend as cost_uv_num, team_sheet.uv as cost_uv_den,
           team_sheet.spend as cost_order_num, team_sheet.orders as cost_order_den,
           team_sheet.new_uv as new_num, team_sheet.uv as new_den,
           team_sheet.paid_amount as roi_num, team_sheet.spend as roi_den
    from team_sheet
    union all
    select reports.month, reports.employee_id, 'ad_daily' as source,
           reports.visitors, reports.visits, reports.impressions_with_visits,
           null, null,  -- no platform report gives landing-page bounces
           reports.spend_with_visitors, reports.visitors_with_spend,
           reports.spend_with_orders, reports.orders,
           reports.new_buyers, reports.buyers,
           reports.gmv, reports.spend_with_gmv
    from reports
    where not exists (select 1 from team_sheet
                      where team_sheet.month = reports.month and team_sheet.employee_id = reports.employee_id)
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'promo_uv', 'num': 'uv_num', 'source': 'source'},
    {'id': 'arrival_rate', 'num': 'arrival_num', 'den': 'arrival_den', 'source': 'source'},
    {'id': 'bounce_rate', 'num': 'bounce_num', 'den': 'bounce_den', 'source': "'ad_spend'"},
    {'id': 'cost_per_uv', 'num': 'cost_uv_num', 'den': 'cost_uv_den', 'source': 'source'},
    {'id': 'cost_per_order', 'num': 'cost_order_num', 'den': 'cost_order_den', 'source': 'source'},
    {'id': 'new_uv_share', 'num': 'new_num', 'den': 'new_den', 'source': 'source'},
    {'id': 'spend_roi', 'num': 'roi_num', 'den': 'roi_den', 'source': 'source'},
]) }}
