-- Every KPI of catalog sections 2-10 for every employee on the roster in the month, long form.
-- A KPI with no input data has value NULL ("no data"), never 0 — except a KPI that counts what
-- a person delivers (kpi_registry.counts_deliverables_of): in a month whose export of that type
-- was loaded, delivering nothing is 0 (a fail); without that export it stays no data.
-- is_part_month flags people who joined after the 1st or left before the last day of the month.
-- Scopes: every person has the rows of shop_id 'all' / platform 'all', their KPIs over every shop
-- they work for (the rows that are scored). Role facts computed per shop (per_shop_role_facts: the
-- channel manager, whose inputs are each shop's sales and market figures) add one row per shop
-- and KPI. The team's own sheets (客服, 美工, 推广 …) name a person, not a shop, so the other roles
-- have company rows only (docs/kpi-rules.md "Shops and channels").
-- source / basis: the report a value was computed from, and whether that gives the handbook's
-- formula exactly, approximately, or from the team's own sheet (seeds/kpi_sources.csv); NULL
-- with no data.
{%- set role_facts = [
    'int_promotion_kpis', 'int_campaign_planner_kpis', 'int_customer_service_kpis', 'int_designer_kpis',
    'int_product_editor_kpis', 'int_copywriter_kpis', 'int_data_analyst_kpis', 'int_logistics_kpis',
    'int_market_analyst_kpis',
] %}
{%- set per_shop_role_facts = ['int_channel_manager_kpis'] %}
with staff as (
    select * from {{ ref('stg_staff') }}
    {{ month_filter() }}
),

roster as (
    select
        month,
        employee_id,
        role,
        -- 入职/离职日期 are days: joining on the 1st or leaving on the last day, at any hour, is a whole month
        cast(start_date as date) > cast(month || '-01' as date)
            or coalesce(cast(end_date as date) < cast({{ dbt.dateadd('day', -1, month_end('month')) }} as date), false)
            as is_part_month
    from staff
    where start_date < {{ month_end('month') }}
      and (end_date is null or end_date >= cast(month || '-01' as timestamp))
),

facts as (
    {%- for model in role_facts %}
    select month, employee_id, 'all' as shop_id, 'all' as platform, kpi_id, source, value, numerator, denominator
    from {{ ref(model) }}
    {{ month_filter() }}
    union all
    {%- endfor %}
    {%- for model in per_shop_role_facts %}
    select month, employee_id, shop_id, platform, kpi_id, source, value, numerator, denominator from {{ ref(model) }}
    {{ month_filter() }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

scopes as (
    select distinct month, employee_id, 'all' as shop_id, 'all' as platform from roster
    union all
    select distinct month, employee_id, shop_id, platform from facts where shop_id <> 'all'
),

registry as (
    select kpi_id, role, name_zh, name_en, direction, counts_deliverables_of
    from {{ ref('kpi_registry') }}
    where role <> 'store'
),

loaded as (
    select * from {{ ref('stg_loaded_reports') }}
    {{ month_filter() }}
),

-- what a value was computed from, and so how close it is to the handbook's formula
sources as (
    select kpi_id, source, basis from {{ ref('kpi_sources') }}
)

select
    roster.month,
    roster.employee_id,
    roster.role,
    scopes.shop_id,
    scopes.platform,
    registry.kpi_id,
    registry.name_zh,
    registry.name_en,
    registry.direction,
    case when registry.counts_deliverables_of is null then facts.value
         when loaded.report_type is null then null
         else coalesce(facts.value, 0) end as value,
    case when registry.counts_deliverables_of is null then facts.numerator
         when loaded.report_type is null then null
         else coalesce(facts.numerator, 0) end as numerator,
    facts.denominator,
    roster.is_part_month,
    case when facts.value is not null then facts.source end as source,
    case when facts.value is not null then sources.basis end as basis
from roster
inner join scopes
    on roster.month = scopes.month
    and roster.employee_id = scopes.employee_id
inner join registry
    on roster.role = registry.role
left join facts
    on roster.month = facts.month
    and roster.employee_id = facts.employee_id
    and scopes.shop_id = facts.shop_id
    and registry.kpi_id = facts.kpi_id
left join loaded
    on roster.month = loaded.month
    and registry.counts_deliverables_of = loaded.report_type
left join sources
    on facts.kpi_id = sources.kpi_id
    and facts.source = sources.source
-- a shop's rows are the KPIs computed per shop, not the role's whole list
where scopes.shop_id = 'all' or facts.kpi_id is not null
