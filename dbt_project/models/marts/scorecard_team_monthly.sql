-- Team scorecard per month: one row per role, and one for the whole store ('store').
with employees as (
    select distinct month, employee_id, role, weighted_total, kpis_passed, kpis_failed, kpis_no_data, is_part_month
    from {{ ref('scorecard_employee_monthly') }}
    {{ month_filter() }}
),

by_role as (
    select month, role, employee_id, weighted_total, kpis_passed, kpis_failed, kpis_no_data, is_part_month
    from employees
    union all
    select month, 'store' as role, employee_id, weighted_total, kpis_passed, kpis_failed, kpis_no_data, is_part_month
    from employees
)

select
    month,
    role,
    count(*) as employees,
    sum(case when is_part_month then 1 else 0 end) as part_month_employees,
    count(weighted_total) as employees_scored,
    cast(round(avg(weighted_total), 2) as decimal(5, 2)) as avg_weighted_total,
    max(weighted_total) as best_weighted_total,
    min(weighted_total) as worst_weighted_total,
    sum(kpis_passed) as kpis_passed,
    sum(kpis_failed) as kpis_failed,
    sum(kpis_no_data) as kpis_no_data,
    cast({{ safe_ratio('sum(kpis_passed)', 'sum(kpis_passed) + sum(kpis_failed)') }} as decimal(38, 6)) as pass_share
from by_role
group by month, role
