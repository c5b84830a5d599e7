-- Monthly scorecard per employee and KPI (targets and weights from seeds/, not SQL).
-- Status: pass / fail against the target's comparator; no_data when the KPI has no value
-- (never a silent zero); unscored when the catalog gives no threshold; progress for a quarterly
-- target (kpi_targets.judged_in = quarter_end) before the quarter's last month: the quarter to date
-- is shown, and judged in the quarter's last month.
-- Score 0-100: pass = 100, or 80 at the target rising linearly to 100 at the stretch value;
-- fail = 80 x the fraction of the target reached (higher-is-better: 1 - shortfall / fail_range,
-- where fail_range defaults to the target, i.e. value / target, and a target of 0 names its own
-- range; lower-is-better: target / value), so any fail scores below any pass. The weighted total averages the
-- scores of KPIs with data by their weights (no-data KPIs are left out and reported in
-- weight_with_data); rank is within the role and month, 1 = best, by the published (2-decimal)
-- total: equal published totals share a rank (rank(): 1, 1, 3).
-- Scopes follow kpi_employee_monthly: shop_id 'all' is the person's scorecard; a role with KPIs per
-- shop (the channel manager) also gets a scorecard per shop, ranked among that shop's people.
-- employee_name is the roster's display name (team-internal); SHOPKPI_HIDE_EMPLOYEE_NAMES=1 leaves it NULL.
with kpis as (
    select * from {{ ref('kpi_employee_monthly') }}
    {{ month_filter() }}
),

evaluated as (
    select
        kpis.*,
        targets.comparator,
        cast(targets.target as double) as target,
        cast(targets.stretch as double) as stretch,
        cast(coalesce(targets.fail_range, targets.target) as double) as fail_range,
        targets.target_basis,
        targets.stretch_basis,
        cast(coalesce(weights.weight, 0) as double) as weight,
        weights.basis as weight_basis,
        case
            when targets.target is null then 'unscored'
            when kpis.value is null then 'no_data'
            when targets.judged_in = 'quarter_end' and cast(substr(kpis.month, 6, 2) as integer) % 3 <> 0 then 'progress'
            when (targets.comparator = '<=' and kpis.value <= targets.target)
              or (targets.comparator = '<' and kpis.value < targets.target)
              or (targets.comparator = '>=' and kpis.value >= targets.target)
              or (targets.comparator = '>' and kpis.value > targets.target) then 'pass'
            else 'fail'
        end as status
    from kpis
    left join {{ ref('kpi_targets') }} as targets
        on kpis.role = targets.role and kpis.kpi_id = targets.kpi_id
    left join {{ ref('kpi_weights') }} as weights
        on kpis.role = weights.role and kpis.kpi_id = weights.kpi_id
),

scored as (
    select
        *,
        case status
            when 'pass' then
                case when stretch is null then 100.0
                     else 80 + 20 * least(1.0, greatest(0.0, (cast(value as double) - target) / (stretch - target))) end
            when 'fail' then
                case when direction = 'higher' and fail_range > 0
                         then 80 * least(1.0, greatest(0.0, 1 - (target - cast(value as double)) / fail_range))
                     when direction = 'lower' and value > 0 then 80 * least(1.0, greatest(0.0, target / cast(value as double)))
                     else 0.0 end
        end as score
    from evaluated
),

totals as (
    select
        month,
        employee_id,
        role,
        shop_id,
        platform,
        -- rounded here, to the 2 decimals that are published, so ranks follow the totals people see
        cast(round(sum(case when status in ('pass', 'fail') then weight * score end)
            / nullif(sum(case when status in ('pass', 'fail') then weight end), 0), 2) as decimal(5, 2)) as weighted_total,
        sum(case when status in ('pass', 'fail') then weight else 0 end) as weight_with_data,
        sum(case when status = 'pass' then 1 else 0 end) as kpis_passed,
        sum(case when status = 'fail' then 1 else 0 end) as kpis_failed,
        sum(case when status = 'no_data' then 1 else 0 end) as kpis_no_data
    from scored
    group by month, employee_id, role, shop_id, platform
),

ranks as (
    select
        totals.*,
        case when weighted_total is not null then
            rank() over (partition by month, role, shop_id
                         order by case when weighted_total is null then 1 else 0 end, weighted_total desc)
        end as rank_in_role
    from totals
),

ranked as (
    select
        scored.*,
        ranks.weighted_total,
        ranks.weight_with_data,
        ranks.kpis_passed,
        ranks.kpis_failed,
        ranks.kpis_no_data,
        ranks.rank_in_role
    from scored
    inner join ranks
        on scored.month = ranks.month and scored.employee_id = ranks.employee_id and scored.shop_id = ranks.shop_id
),

names as (
    select month, employee_id, max(employee_name) as employee_name
    from {{ ref('stg_staff') }}
    {{ month_filter() }}
    group by month, employee_id
)

select
    ranked.month,
    ranked.employee_id,
    {% if env_var('SHOPKPI_HIDE_EMPLOYEE_NAMES', '0') == '1' -%}
    cast(null as string) as employee_name,
    {%- else -%}
    cast(names.employee_name as string) as employee_name,
    {%- endif %}
    role,
    shop_id,
    platform,
    kpi_id,
    name_zh,
    name_en,
    direction,
    value,
    comparator,
    cast(target as decimal(38, 6)) as target,
    cast(stretch as decimal(38, 6)) as stretch,
    target_basis,
    stretch_basis,
    status,
    cast(round(score, 2) as decimal(5, 2)) as score,
    cast(weight as decimal(9, 6)) as weight,
    weight_basis,
    cast(round(weighted_total, 2) as decimal(5, 2)) as weighted_total,
    cast(weight_with_data as decimal(9, 6)) as weight_with_data,
    -- explicit types: counts are HUGEINT on DuckDB and BIGINT on Spark, rank() BIGINT and INT
    cast(kpis_passed as bigint) as kpis_passed,
    cast(kpis_failed as bigint) as kpis_failed,
    cast(kpis_no_data as bigint) as kpis_no_data,
    cast(rank_in_role as bigint) as rank_in_role,
    is_part_month,
    source,
    basis
from ranked
left join names on ranked.month = names.month and ranked.employee_id = names.employee_id
