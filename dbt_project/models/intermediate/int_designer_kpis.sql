-- 美工: KPIs per designer and month over the tasks due that month. Planned tasks are the
-- tasks due in the month; completed = delivered (at any time before the month is built).
with facts as (
    select
        month,
        designer_id as employee_id,
        count(*) as planned_tasks,
        sum(case when is_delivered then 1 else 0 end) as delivered_tasks,
        sum(case when is_delivered and is_on_time then 1 else 0 end) as on_time_tasks,
        sum(case when is_reviewed then 1 else 0 end) as reviewed_tasks,
        sum(case when is_reviewed and is_approved then 1 else 0 end) as approved_tasks,
        sum(case when is_delivered then pages + images else 0 end) as output_units
    from {{ ref('stg_design_tasks') }}
    group by month, designer_id
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'design_on_time', 'num': 'on_time_tasks', 'den': 'delivered_tasks'},
    {'id': 'design_pass_rate', 'num': 'approved_tasks', 'den': 'reviewed_tasks'},
    {'id': 'design_output', 'num': 'output_units'},
    {'id': 'design_plan_rate', 'num': 'delivered_tasks', 'den': 'planned_tasks'},
], source="'design_tasks'") }}
