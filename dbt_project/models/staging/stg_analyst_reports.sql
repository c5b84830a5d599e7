-- Analysts' weekly report figures, one row per figure, with the metric id it claims: the store
-- KPI whose Chinese name (kpi_registry.name_zh) the report's 指标 uses (NULL when none does), and
-- the scope it describes: 范围 when given (a shop_id, a platform, or 全部 for the company), else
-- the shop whose folder holds the report.
select
    reports.month,
    reports.shop_id,
    reports.report_id,
    reports.analyst_id,
    reports.week_start,
    reports.submitted_at,
    reports.deadline_at,
    reports.metric as metric_zh,
    registry.kpi_id as metric_id,
    registry.unit as metric_unit,
    reports.reported_value,
    case when trim(reports.scope) in ('全部', '公司', 'all') then 'all'
         else coalesce(nullif(trim(reports.scope), ''), reports.shop_id) end as scope
from {{ raw_source('analyst_reports', alias='reports') }}
left join {{ ref('kpi_registry') }} as registry
    on reports.metric = registry.name_zh and registry.role = 'store'
