-- Staff roster snapshot loaded with each month, with the role id from the role catalog.
select
    staff.month,
    staff.employee_id,
    staff.employee_name,
    roles.role,
    staff.role_zh,
    staff.team,
    staff.start_date,
    staff.end_date,
    staff.shop_ids
from {{ raw_source('staff', alias='staff') }}
left join {{ ref('role_catalog') }} as roles
    on staff.role_zh = roles.name_zh
