-- 市场分析: market research reports submitted in the month, and the share of competitor
-- reports delivered by their deadline (截止时间 = the quarter's deadline the report answers).
with facts as (
    select
        month,
        analyst_id as employee_id,
        sum(case when is_market_research then 1 else 0 end) as market_reports,
        sum(case when is_competitor_report then 1 else 0 end) as competitor_reports,
        sum(case when is_competitor_report and submitted_at <= deadline_at then 1 else 0 end) as competitor_on_time
    from {{ ref('stg_market_reports') }}
    group by month, analyst_id
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'market_reports', 'num': 'market_reports'},
    {'id': 'competitor_report_on_time', 'num': 'competitor_on_time', 'den': 'competitor_reports'},
], source="'market_reports'") }}
