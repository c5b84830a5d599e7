-- The platform's own month totals (店铺概况, summed over its days) against the marts, per shop:
-- each shop's 生意参谋 download against that shop's rows of kpi_store_monthly.
-- No rows when the month's exports carry no platform summary.
with platform as (
    select shop_id, sum(paid_orders) as paid_orders, sum(paid_amount) as paid_amount, count(*) as days
    from staging.stg_shop_overview where month = '{month}'
    group by shop_id
),
marts as (
    select shop_id,
           sum(case when kpi_id = 'orders_paid' then value end) as paid_orders,
           sum(case when kpi_id = 'paid_gmv' then value end) as paid_amount
    from marts.kpi_store_monthly where month = '{month}' and shop_id <> 'all'
    group by shop_id
),
figures as (
    select platform.shop_id, '支付订单数 orders_paid' as measure, platform.paid_orders as platform_value,
           marts.paid_orders as marts_value
    from platform left join marts on platform.shop_id = marts.shop_id where platform.days > 0
    union all
    select platform.shop_id, '支付金额 paid_gmv', platform.paid_amount, marts.paid_amount
    from platform left join marts on platform.shop_id = marts.shop_id where platform.days > 0
)
, compared as (
    select shop_id, measure, cast(platform_value as decimal(38, 2)) as platform_value,
           cast(marts_value as decimal(38, 2)) as marts_value,
           case when marts_value = 0 and platform_value = 0 then 0
                when marts_value is null or marts_value = 0 then null
                else round(abs(platform_value - marts_value) / abs(marts_value), 6) end as relative_error
    from figures
)
select *,
       case when relative_error is null or relative_error >= 0.05
            then case when shop_id = 'default' then '' else shop_id || ' · ' end
                 || measure || ': platform ' || cast(platform_value as string) || ' vs marts ' || coalesce(cast(marts_value as string), 'NULL')
                 || ' (error ' || coalesce(cast(relative_error as string), 'undefined') || ')'
       end as finding
from compared
order by shop_id, measure
