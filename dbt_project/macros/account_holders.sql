{# The rows of a role's platform report (an account's or an ad plan's day, or its month in a download
   without dates) with the employee who held the account or plan then, from 账号归属 (stg_staff_accounts).
   A row is credited only when exactly one employee's mapping covers it: one of `names` (SQL over
   `report_rows`, e.g. the account, or a plan's name or id) is the mapping's 账号, the mapping's shop (if
   it names one) is the row's, and the row's day lies within the mapping's dates (a row without a day:
   the whole month). Other rows are kept with no employee and the reason; the audit lists them.
   docs/kpi-rules.md "Accounts belong to people".
   A view over every month (no build-month filter baked in): the role models filter their month, and
   the audit reads any earlier month after later ones were built.
   `role`: only mappings of employees in that role (the roster of the month) count. #}
{% macro credited_to_account_holders(rows_relation, names, role=none) -%}
with report_rows as (
    select * from {{ rows_relation }}
),

accounts as (
    select * from {{ ref('stg_staff_accounts') }}
),

holders as (
    select report_rows.month, report_rows.source_file, report_rows.source_row,
           count(distinct accounts.employee_id) as holders, min(accounts.employee_id) as employee_id
    from report_rows
    inner join accounts
        on report_rows.month = accounts.month
        and accounts.account in ({{ names | join(', ') }})
    {%- if role %}
    inner join {{ ref('stg_staff') }} as staff
        on accounts.month = staff.month and accounts.employee_id = staff.employee_id and staff.role = '{{ role }}'
    {%- endif %}
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
{%- endmacro %}
