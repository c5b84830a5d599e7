-- 渠道经理 (channel manager; seed-docs 000: judged on 销售额, 销售增长率 and 市场份额): per month, the
-- net sales of the shops the manager covers (roster 负责店铺; empty means every shop), their growth
-- on the previous month over the shops with sales in both months, and their share of the
-- company's net sales. Market share needs 生意参谋's market export (交易指数 is an index, so a
-- share of it is indicative only): no data until such an export is loaded.
with totals as (
    select * from {{ ref('int_store_monthly_totals') }}
    {{ month_filter(include_previous=true) }}
),

shop_sales as (
    select month, month_index, shop_id, sum(net_sales) as net_sales
    from totals
    where shop_id <> 'all'
    group by month, month_index, shop_id
),

company as (
    select month, net_sales from totals where shop_id = 'all' and platform = 'all'
),

managers as (
    select month, employee_id, shop_ids
    from (select * from {{ ref('stg_staff') }} where role = 'channel_manager') as staff
    {{ month_filter() }}
),

listed as (
    select month, employee_id,
           unnest(string_split(regexp_replace(shop_ids, '[、，,;；]', ',', 'g'), ',')) as shop_id
    from managers
    where shop_ids is not null
),

covered as (
    select distinct month, employee_id, trim(shop_id) as shop_id from listed where trim(shop_id) <> ''
    union all
    select managers.month, managers.employee_id, shop_sales.shop_id
    from managers
    inner join shop_sales on managers.month = shop_sales.month
    where managers.shop_ids is null
),

facts as (
    select
        covered.month,
        covered.employee_id,
        sum(this_month.net_sales) as net_sales,
        sum(case when previous.net_sales is not null then this_month.net_sales end) as comparable_net_sales,
        sum(previous.net_sales) as previous_net_sales,
        max(company.net_sales) as company_net_sales,
        cast(null as decimal(38, 6)) as market_index,
        cast(null as decimal(38, 6)) as market_total_index
    from covered
    left join shop_sales as this_month
        on this_month.month = covered.month and this_month.shop_id = covered.shop_id
    left join shop_sales as previous
        on previous.month_index = this_month.month_index - 1 and previous.shop_id = covered.shop_id
    left join company
        on company.month = covered.month
    group by covered.month, covered.employee_id
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'channel_net_sales', 'num': 'net_sales'},
    {'id': 'channel_sales_growth', 'num': 'comparable_net_sales', 'den': 'previous_net_sales',
     'value': safe_ratio('comparable_net_sales', 'previous_net_sales') ~ ' - 1'},
    {'id': 'channel_sales_share', 'num': 'net_sales', 'den': 'company_net_sales'},
    {'id': 'channel_market_share', 'num': 'market_index', 'den': 'market_total_index'},
]) }}
