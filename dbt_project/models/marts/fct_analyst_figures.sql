-- Every analyst figure with its recomputed value and relative error, for the 5% accuracy
-- rule (数据误差率低于5%): is_accurate is false at an error of 5% or more (decided once, in
-- int_analyst_figures through macros/accuracy.sql); NULL for a figure the marts cannot recompute
-- (is_checkable false). month is the month the figure's week ends in, when it is checked.
with figures as (
    select * from {{ ref('int_analyst_figures') }}
    {{ month_filter() }}
)

select
    month,
    report_month,
    shop_id,
    report_id,
    analyst_id,
    week_start,
    metric_id,
    metric_zh,
    scope,
    reported_value,
    recomputed_value,
    cast(relative_error as decimal(38, 6)) as relative_error,
    is_checkable,
    is_accurate
from figures
