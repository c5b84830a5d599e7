-- 推广: each row of the month's ad-platform reports (a plan's day, or an account's month) with the
-- promotion specialist who held the plan, subject or ad account (账号归属: its name, its id or the ad
-- account; macros/account_holders.sql; docs/kpi-rules.md "Promotion").
{{ credited_to_account_holders(ref('stg_ad_daily'),
                               ['report_rows.plan_name', 'report_rows.plan_id', 'report_rows.ad_account']) }}
