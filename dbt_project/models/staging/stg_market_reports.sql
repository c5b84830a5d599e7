-- Market research (市场调研) and competitor (竞品分析) reports.
select
    month,
    report_id,
    analyst_id,
    kind,
    kind = '市场调研' as is_market_research,
    kind = '竞品分析' as is_competitor_report,
    submitted_at,
    deadline_at
from {{ raw_source('market_reports') }}
