-- Every analyst figure with its recomputed value and relative error, for the 5% accuracy
-- rule (数据误差率低于5%): is_accurate is false at an error of 5% or more.
with figures as (
    select * from {{ ref('int_analyst_figures') }}
    {{ month_filter() }}
)

select
    month,
    report_id,
    analyst_id,
    week_start,
    metric_id,
    metric_zh,
    reported_value,
    recomputed_value,
    cast(case when recomputed_value = 0 and reported_value = 0 then 0
              when recomputed_value = 0 then null
              else abs(reported_value - recomputed_value) / abs(recomputed_value) end as decimal(38, 6)) as relative_error,
    coalesce(case when recomputed_value = 0 then reported_value = 0
                  else abs(reported_value - recomputed_value) / abs(recomputed_value) < 0.05 end, false) as is_accurate
from figures
