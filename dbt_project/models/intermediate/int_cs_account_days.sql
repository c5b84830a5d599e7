-- 客服: each row of the month's CS performance reports (an account's day, or its month in a download
-- without dates) with the employee who held the account (账号归属): the report's 店铺:客服, or the part
-- after the colon (macros/account_holders.sql; docs/kpi-rules.md "Customer service"). regexp_extract
-- gives '' when there is no colon, on DuckDB and Spark alike (Spark's split() fails past the end).
{{ credited_to_account_holders(ref('stg_cs_daily'),
                               ['report_rows.account', "regexp_extract(report_rows.account, '^[^:]*:(.*)$', 1)"]) }}
