-- Team scorecard per month and scope: one row per role, and one for the whole team ('store'),
-- for the company (shop_id 'all': everyone's own scorecard) and for each shop that has per-shop
-- scorecards (the channel managers covering it).
with employees as (
    select distinct month, shop_id, platform, employee_id, role, weighted_total, kpis_passed, kpis_failed,
                    kpis_no_data, is_part_month
    from {{ ref('scorecard_employee_monthly') }}
    {{ month_filter() }}
),

by_role as (
    select month, shop_id, platform, role, employee_id, weighted_total, kpis_passed, kpis_failed, kpis_no_data,
           is_part_month
    from employees
    union all
    select month, shop_id, platform, 'store' as role, employee_id, weighted_total, kpis_passed, kpis_failed,
           kpis_no_data, is_part_month
    from employees
)

select
    month,
    shop_id,
    platform,
    role,
    count(*) as employees,
    cast(sum(case when is_part_month then 1 else 0 end) as bigint) as part_month_employees,  -- same type on both engines
    count(weighted_total) as employees_scored,
    cast(round(avg(weighted_total), 2) as decimal(5, 2)) as avg_weighted_total,
    max(weighted_total) as best_weighted_total,
    min(weighted_total) as worst_weighted_total,
    cast(sum(kpis_passed) as bigint) as kpis_passed,
    cast(sum(kpis_failed) as bigint) as kpis_failed,
    cast(sum(kpis_no_data) as bigint) as kpis_no_data,
    cast({{ safe_ratio('sum(kpis_passed)', 'sum(kpis_passed) + sum(kpis_failed)') }} as decimal(38, 6)) as pass_share
from by_role
group by month, shop_id, platform, role
