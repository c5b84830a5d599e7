-- 数据分析师: report_error_rate = share of the analyst's checkable figures with relative error >= 5%
-- (数据误差率低于5%), over the figures checked this month (a week is checked in the month it ends;
-- a figure the marts cannot recompute is left out); reports_on_time = weeks with a report submitted
-- by its deadline / weeks of the month (weeks start on Monday; a week belongs to the month of its
-- Monday, where its report is filed).
with figures as (
    select * from {{ ref('int_analyst_figures') }}
),

reports as (
    select * from {{ ref('stg_analyst_reports') }}
    {{ month_filter() }}
),

accuracy as (
    select month, analyst_id as employee_id,
           count(*) as figures,
           sum(case when is_accurate then 0 else 1 end) as inaccurate_figures,
           max(relative_error) as max_relative_error
    from figures
    where is_checkable
    group by month, analyst_id
),

punctuality as (
    select month, analyst_id as employee_id, count(distinct case when submitted_at <= deadline_at then week_start end)
               as weeks_on_time
    from reports
    group by month, analyst_id
),

analysts as (
    select month, employee_id from accuracy
    union
    select month, employee_id from punctuality
),

weeks as (
    -- Mondays in the month, counted from a known Monday (1970-01-05) so no engine weekday function is needed.
    select month, days_in_month, mod(7 - mod(days_since_monday, 7), 7) as first_monday_offset
    from (
        select distinct month,
               {{ dbt.datediff("cast(month || '-01' as date)", month_end('month'), 'day') }} as days_in_month,
               {{ dbt.datediff("cast('1970-01-05' as date)", "cast(month || '-01' as date)", 'day') }} as days_since_monday
        from analysts
    ) as months
),

facts as (
    select analysts.month, analysts.employee_id, accuracy.figures, accuracy.inaccurate_figures,
           accuracy.max_relative_error, coalesce(punctuality.weeks_on_time, 0) as weeks_on_time,
           case when weeks.first_monday_offset >= weeks.days_in_month then 0
                else floor((weeks.days_in_month - 1 - weeks.first_monday_offset) / 7.0) + 1 end as weeks_in_month
    from analysts
    left join accuracy on analysts.month = accuracy.month and analysts.employee_id = accuracy.employee_id
    left join punctuality on analysts.month = punctuality.month and analysts.employee_id = punctuality.employee_id
    left join weeks on analysts.month = weeks.month
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'report_error_rate', 'num': 'inaccurate_figures', 'den': 'figures'},
    {'id': 'reports_on_time', 'num': 'weeks_on_time', 'den': 'weeks_in_month'},
], source="'analyst_reports'") }}
