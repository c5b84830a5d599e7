-- 账号归属: which employee holds which platform account, from when to when (days, inclusive).
select
    month,
    shop_id,
    employee_id,
    account,
    account_shop_id,
    cast(valid_from as date) as valid_from,
    cast(valid_to as date) as valid_to
from {{ raw_source('staff_accounts') }}
