-- 客服: each row of the month's CS performance reports (an account's day, or its month in a download
-- without dates) with the employee who held the account (账号归属, stg_staff_accounts). A row is
-- credited to an employee only when exactly one mapping row covers it: the account's name (the
-- report's 店铺:客服, or the part after the colon), its shop when the mapping names one, and the
-- row's day within the mapping's dates (a row without a day: the whole month). Rows no mapping
-- covers, or several do, are kept with no employee and the reason, for the audit to list; they are
-- never credited to anyone (docs/kpi-rules.md "Customer service").
with report_rows as (
    select * from {{ ref('stg_cs_daily') }}
    {{ month_filter() }}
),

accounts as (
    select * from {{ ref('stg_staff_accounts') }}
    {{ month_filter() }}
),

holders as (
    select report_rows.month, report_rows.source_file, report_rows.source_row,
           count(distinct accounts.employee_id) as holders, min(accounts.employee_id) as employee_id
    from report_rows
    inner join accounts
        on report_rows.month = accounts.month
        and (accounts.account = report_rows.account
             or accounts.account = {{ dbt.split_part('report_rows.account', "':'", 2) }})
        and (accounts.account_shop_id is null or accounts.account_shop_id = report_rows.shop_id)
        and (accounts.valid_from is null
             or accounts.valid_from <= coalesce(cast(report_rows.day as date), cast(report_rows.month || '-01' as date)))
        and (accounts.valid_to is null
             or accounts.valid_to >= coalesce(cast(report_rows.day as date),
                                               cast({{ dbt.dateadd('day', -1, month_end('report_rows.month')) }} as date)))
    group by report_rows.month, report_rows.source_file, report_rows.source_row
)

select
    report_rows.*,
    case when holders.holders = 1 then holders.employee_id end as employee_id,
    case when holders.holders is null then 'no account mapping covers it'
         when holders.holders > 1 then 'several employees hold the account then' end as unmapped_reason
from report_rows
left join holders
    on report_rows.month = holders.month
    and report_rows.source_file = holders.source_file
    and report_rows.source_row = holders.source_row
