-- 策划专员: KPIs per planner and month, summed over the campaigns credited to that month (the month
-- each ends in, int_campaign_performance).
-- campaigns_per_quarter counts the planner's campaigns launched (开始时间) in the month's calendar
-- quarter up to and including the month (quarter to date), for every planner on the month's roster: a
-- planner who launched nothing has 0 once a campaign sheet was loaded in the quarter (also when the
-- quarter's last month has none), no data before. It is judged in the quarter's last month
-- (kpi_targets.judged_in) and shown as progress before.
-- The KPIs on campaign orders say their source: campaigns (the team's 活动订单) when every campaign of the
-- planner that month has its orders from it, else campaign_items (approximate: a value built partly on the
-- platform's registrations is approximate).
with performance as (
    select * from {{ ref('int_campaign_performance') }}
    {{ month_filter() }}
),

staff as (
    select month, employee_id
    from (select * from {{ ref('stg_staff') }} {{ month_filter() }}) as roster
    where role = 'campaign_planner'
),

planner_months as (
    select month, planner_id as employee_id from performance
    union
    select month, employee_id from staff
),

planners as (
    select month, planner_id as employee_id,
           sum(page_clicks) as page_clicks, sum(page_uv) as page_uv,
           sum(campaign_orders) as campaign_orders, sum(window_orders) as window_orders,
           sum(campaign_paid_amount) as campaign_paid_amount, sum(window_paid_amount) as window_paid_amount,
           sum(campaign_buyers) as campaign_buyers, sum(cost) as cost,
           max(case when orders_from = 'campaign_items' then 'campaign_items' else 'campaigns' end) as orders_source
    from performance
    group by month, planner_id
),

-- Each campaign once (a later month's sheet may list it again), in the month it starts.
launched as (
    select distinct sheet_shop_id, campaign_id, planner_id,
           {{ month_index("substr(cast(cast(starts_at as date) as string), 1, 7)") }} as start_index
    from {{ ref('stg_campaigns') }}
),

sheet_months as (  -- months whose campaign sheet was loaded (also when empty)
    select {{ month_index('month') }} as month_index from {{ ref('stg_loaded_reports') }} where report_type = 'campaigns'
),

quarter_to_date as (
    select planner_months.month, planner_months.employee_id,
           {{ month_index('planner_months.month') }} as month_index,
           floor(({{ month_index('planner_months.month') }} - 1) / 3.0) as quarter_index
    from planner_months
),

launches as (
    select quarter_to_date.month, quarter_to_date.employee_id,
           case when max(sheet_months.month_index) is not null then count(distinct launched.sheet_shop_id || '/' || launched.campaign_id) end
               as campaigns_qtd
    from quarter_to_date
    left join launched
        on launched.planner_id = quarter_to_date.employee_id
        and floor((launched.start_index - 1) / 3.0) = quarter_to_date.quarter_index
        and launched.start_index <= quarter_to_date.month_index
    left join sheet_months
        on floor((sheet_months.month_index - 1) / 3.0) = quarter_to_date.quarter_index
        and sheet_months.month_index <= quarter_to_date.month_index
    group by quarter_to_date.month, quarter_to_date.employee_id
),

facts as (
    select launches.month, launches.employee_id,
           planners.page_clicks, planners.page_uv, planners.campaign_orders, planners.window_orders,
           planners.campaign_paid_amount, planners.window_paid_amount, planners.campaign_buyers, planners.cost,
           coalesce(planners.orders_source, 'campaigns') as orders_source, launches.campaigns_qtd
    from launches
    left join planners on launches.month = planners.month and launches.employee_id = planners.employee_id
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'campaign_ctr', 'num': 'page_clicks', 'den': 'page_uv'},
    {'id': 'campaign_order_share', 'num': 'campaign_orders', 'den': 'window_orders', 'source': 'orders_source'},
    {'id': 'campaign_gmv_share', 'num': 'campaign_paid_amount', 'den': 'window_paid_amount', 'source': 'orders_source'},
    {'id': 'campaign_conversion', 'num': 'campaign_buyers', 'den': 'page_uv', 'source': 'orders_source'},
    {'id': 'campaign_roi', 'num': 'campaign_paid_amount', 'den': 'cost', 'source': 'orders_source'},
    {'id': 'campaigns_per_quarter', 'num': 'campaigns_qtd'},
], source="'campaigns'") }}
