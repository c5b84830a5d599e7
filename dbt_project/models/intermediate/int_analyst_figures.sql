-- Every figure in the analysts' weekly reports, recomputed from fct_orders over the week's
-- days inside the report's month: [week_start, min(week_start + 7 days, month end)).
-- relative_error = |reported - recomputed| / |recomputed| (NULL when undefined), shown to people;
-- is_accurate applies the 5% rule exactly (macros/accuracy.sql), and every consumer reads it.
with figures as (
    select *,
           least({{ dbt.dateadd('day', 7, 'week_start') }}, {{ month_end('month') }}) as window_end
    from {{ ref('stg_analyst_reports') }}
),

recomputed as (
    select figures.report_id, figures.metric_id, figures.week_start,
           sum(case when orders.is_paid then 1 else 0 end) as orders_paid,
           sum(orders.paid_amount) as net_sales
    from figures
    left join {{ ref('int_orders') }} as orders
        on orders.month = figures.month
        and orders.created_at >= figures.week_start and orders.created_at < figures.window_end
    group by figures.report_id, figures.metric_id, figures.week_start
)

select
    *,
    -- recomputed 0: exact when the report says 0 too, otherwise undefined (NULL, counted as inaccurate)
    case when recomputed_value = 0 and reported_value = 0 then 0
         when recomputed_value = 0 then null
         else abs(reported_value - recomputed_value) / abs(recomputed_value) end as relative_error,
    {{ analyst_figure_is_accurate('reported_value', 'recomputed_value') }} as is_accurate
from (
select
    figures.month,
    figures.report_id,
    figures.analyst_id,
    figures.week_start,
    figures.submitted_at,
    figures.deadline_at,
    figures.metric_zh,
    figures.metric_id,
    figures.reported_value,
    case figures.metric_id
        when 'orders_paid' then cast(coalesce(recomputed.orders_paid, 0) as decimal(18, 2))
        when 'net_sales' then cast(coalesce(recomputed.net_sales, 0) as decimal(18, 2))
    end as recomputed_value
from figures
left join recomputed
    on figures.report_id = recomputed.report_id and figures.metric_id = recomputed.metric_id
    and figures.week_start = recomputed.week_start
) as compared
