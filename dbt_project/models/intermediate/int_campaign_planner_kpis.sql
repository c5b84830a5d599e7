-- 策划专员: KPIs per planner and month, summed over the campaigns starting in that month.
-- campaigns_per_quarter counts the planner's campaigns launched in the month's calendar
-- quarter up to and including the month (quarter to date), for every planner on the month's
-- roster: a planner who launched nothing has 0, not "no data" (kpi_employee_monthly turns it
-- into no data when the month's campaign export is absent).
with performance as (
    select *, {{ month_index('month') }} as month_index
    from {{ ref('int_campaign_performance') }}
),

planner_months as (
    select month, planner_id as employee_id from performance
    union
    select month, employee_id from {{ ref('stg_staff') }} where role = 'campaign_planner'
),

planners as (
    select month, planner_id as employee_id,
           sum(page_clicks) as page_clicks, sum(page_uv) as page_uv,
           sum(campaign_orders) as campaign_orders, sum(window_orders) as window_orders,
           sum(campaign_paid_amount) as campaign_paid_amount, sum(window_paid_amount) as window_paid_amount,
           sum(campaign_buyers) as campaign_buyers, sum(cost) as cost
    from performance
    group by month, planner_id
),

launches as (
    select planner_months.month, planner_months.employee_id, count(performance.campaign_id) as campaigns_qtd
    from planner_months
    left join performance
        on performance.planner_id = planner_months.employee_id
        and floor((performance.month_index - 1) / 3.0) = floor(({{ month_index('planner_months.month') }} - 1) / 3.0)
        and performance.month_index <= {{ month_index('planner_months.month') }}
    group by planner_months.month, planner_months.employee_id
),

facts as (
    select launches.month, launches.employee_id,
           planners.page_clicks, planners.page_uv, planners.campaign_orders, planners.window_orders,
           planners.campaign_paid_amount, planners.window_paid_amount, planners.campaign_buyers, planners.cost,
           launches.campaigns_qtd
    from launches
    left join planners on launches.month = planners.month and launches.employee_id = planners.employee_id
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'campaign_ctr', 'num': 'page_clicks', 'den': 'page_uv'},
    {'id': 'campaign_order_share', 'num': 'campaign_orders', 'den': 'window_orders'},
    {'id': 'campaign_gmv_share', 'num': 'campaign_paid_amount', 'den': 'window_paid_amount'},
    {'id': 'campaign_conversion', 'num': 'campaign_buyers', 'den': 'page_uv'},
    {'id': 'campaign_roi', 'num': 'campaign_paid_amount', 'den': 'cost'},
    {'id': 'campaigns_per_quarter', 'num': 'campaigns_qtd'},
]) }}
