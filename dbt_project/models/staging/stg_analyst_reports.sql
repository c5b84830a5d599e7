-- Analysts' weekly report figures, one row per figure, with the metric id it claims: the store
-- KPI whose Chinese name (kpi_registry.name_zh) the report's 指标 uses; NULL when none does.
select
    reports.month,
    reports.report_id,
    reports.analyst_id,
    reports.week_start,
    reports.submitted_at,
    reports.deadline_at,
    reports.metric as metric_zh,
    registry.kpi_id as metric_id,
    reports.reported_value
from {{ raw_source('analyst_reports', alias='reports') }}
left join {{ ref('kpi_registry') }} as registry
    on reports.metric = registry.name_zh and registry.role = 'store'
