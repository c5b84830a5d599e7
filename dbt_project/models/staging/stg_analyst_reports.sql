-- Analysts' weekly report figures, one row per figure, with the metric id it claims.
select
    month,
    report_id,
    analyst_id,
    week_start,
    submitted_at,
    deadline_at,
    metric as metric_zh,
    case metric when '付款订单数' then 'orders_paid' when '实际成交额' then 'net_sales' end as metric_id,
    reported_value
from {{ source('raw', 'analyst_reports') }}
