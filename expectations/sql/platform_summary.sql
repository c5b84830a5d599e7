-- The platform's own month totals (店铺概况, summed over its days) against the marts.
-- No rows when the month's exports carry no platform summary.
with platform as (
    select sum(paid_orders) as paid_orders, sum(paid_amount) as paid_amount, count(*) as days
    from staging.stg_shop_overview where month = '{month}'
),
marts as (
    select max(case when kpi_id = 'orders_paid' then value end) as paid_orders,
           max(case when kpi_id = 'paid_gmv' then value end) as paid_amount
    from marts.kpi_store_monthly where month = '{month}'
),
figures as (
    select '支付订单数 orders_paid' as measure, platform.paid_orders as platform_value, marts.paid_orders as marts_value
    from platform, marts where platform.days > 0
    union all
    select '支付金额 paid_gmv', platform.paid_amount, marts.paid_amount
    from platform, marts where platform.days > 0
)
, compared as (
    select measure, cast(platform_value as decimal(38, 2)) as platform_value, cast(marts_value as decimal(38, 2)) as marts_value,
           case when marts_value = 0 and platform_value = 0 then 0
                when marts_value is null or marts_value = 0 then null
                else round(abs(platform_value - marts_value) / abs(marts_value), 6) end as relative_error
    from figures
)
select *,
       case when relative_error is null or relative_error >= 0.05
            then measure || ': platform ' || cast(platform_value as varchar) || ' vs marts ' || coalesce(cast(marts_value as varchar), 'NULL')
                 || ' (error ' || coalesce(cast(relative_error as varchar), 'undefined') || ')'
       end as finding
from compared
