-- Customer-service performance per platform account and day (or over the month, when the download
-- has no date): 千牛 客服绩效, 赤兔, 多多客服, 飞鸽, 京麦. Counts and sums as the reports give them; a
-- late cell (延迟统计) is NULL here and counted in raw.load_audit.late_cells.
select
    month,
    shop_id,
    platform,
    source_file,
    source_row,
    account,
    day,
    shop_name,
    consulted,
    served,
    inquiries,
    inquiries_paid,
    inquiries_ordered,
    sales_amount,
    refund_amount,
    first_response_s,
    avg_response_s,
    slow_served,
    answered_30s_rate,
    unreplied,
    reply_rate,
    -- ratings given: the report's own count, else the five service ratings added up (赤兔)
    coalesce(ratings, ratings_very_satisfied + ratings_satisfied + ratings_neutral + ratings_dissatisfied
             + ratings_very_dissatisfied) as ratings,
    coalesce(satisfied_ratings, ratings_very_satisfied + ratings_satisfied) as satisfied_ratings,
    coalesce(bad_ratings, ratings_dissatisfied + ratings_very_dissatisfied) as bad_ratings
from {{ raw_source('cs_daily') }}
