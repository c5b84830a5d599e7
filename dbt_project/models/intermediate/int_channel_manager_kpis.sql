-- 渠道经理 (channel manager; seed-docs 000: judged on 销售额, 销售增长率 and 市场份额), per month, for
-- each shop the manager covers (roster 负责店铺; empty means every shop with sales that month) and
-- for all of them together (shop_id 'all', the row that is scored):
-- - net sales of the shop(s); a covered shop without orders that month has NULL, not 0;
-- - growth on the previous month, over the shops with sales in both months;
-- - share of the company's net sales;
-- - market share from 生意参谋's 市场 export (stg_market_index): the shops' 交易指数 over their
--   categories' (a category's market counted once per day). 交易指数 is an index, not money, so
--   the share is indicative; no data until such an export is loaded.
-- Every scope sums facts; the 'all' row never averages the shops' ratios.
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
    select month, month_index, net_sales from totals where shop_id = 'all' and platform = 'all'
),

managers as (
    select month, employee_id, shop_ids
    from (select * from {{ ref('stg_staff') }} where role = 'channel_manager') as staff
    {{ month_filter() }}
),

listed as (
    select month, employee_id,
           {{ split_to_rows('shop_ids', '[、，,;；]') }} as shop_id
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

scopes as (  -- each covered shop on its own, and all of them as the manager's 'all' row
    select covered.month, covered.employee_id, covered.shop_id as scope_shop,
           coalesce(shops.platform, 'unknown') as scope_platform, covered.shop_id
    from covered
    left join {{ ref('shops') }} as shops on covered.shop_id = shops.shop_id
    union all
    select month, employee_id, 'all', 'all', shop_id from covered
),

market as (
    select * from {{ ref('stg_market_index') }}
    {{ month_filter() }}
),

market_totals as (
    select month, employee_id, scope_shop, scope_platform, sum(market_index) as market_total_index
    from (
        select distinct scopes.month, scopes.employee_id, scopes.scope_shop, scopes.scope_platform,
               market.category, market.day, market.market_index
        from scopes
        inner join market on scopes.month = market.month and scopes.shop_id = market.shop_id
    ) as category_days
    group by month, employee_id, scope_shop, scope_platform
),

shop_market as (
    select month, shop_id, sum(shop_index) as shop_index from market group by month, shop_id
),

facts as (
    select
        scopes.month,
        scopes.employee_id,
        scopes.scope_shop as shop_id,
        scopes.scope_platform as platform,
        sum(this_month.net_sales) as net_sales,
        sum(case when previous.net_sales is not null then this_month.net_sales end) as comparable_net_sales,
        sum(case when this_month.net_sales is not null then previous.net_sales end) as previous_net_sales,
        max(company.net_sales) as company_net_sales,
        sum(shop_market.shop_index) as market_index,
        max(market_totals.market_total_index) as market_total_index
    from scopes
    left join shop_sales as this_month
        on this_month.month = scopes.month and this_month.shop_id = scopes.shop_id
    left join company
        on company.month = scopes.month
    left join shop_sales as previous
        on previous.month_index = company.month_index - 1 and previous.shop_id = scopes.shop_id
    left join shop_market
        on shop_market.month = scopes.month and shop_market.shop_id = scopes.shop_id
    left join market_totals
        on market_totals.month = scopes.month and market_totals.employee_id = scopes.employee_id
        and market_totals.scope_shop = scopes.scope_shop
    group by scopes.month, scopes.employee_id, scopes.scope_shop, scopes.scope_platform
)

{{ kpi_unpivot('facts', ['month', 'employee_id', 'shop_id', 'platform'], [
    {'id': 'channel_net_sales', 'num': 'net_sales'},
    {'id': 'channel_sales_growth', 'num': 'comparable_net_sales', 'den': 'previous_net_sales',
     'value': safe_ratio('comparable_net_sales', 'previous_net_sales') ~ ' - 1'},
    {'id': 'channel_sales_share', 'num': 'net_sales', 'den': 'company_net_sales'},
    {'id': 'channel_market_share', 'num': 'market_index', 'den': 'market_total_index', 'source': "'market_index'"},
], source="'orders'") }}
