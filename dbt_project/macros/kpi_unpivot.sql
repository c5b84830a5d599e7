{# Long-form KPI rows from a relation with one row per subject, as DECIMAL(38,6)
   (money stays exact; ratios are rounded to 6 decimals).
   kpis: list of {id, num, den?, value?}. Without `den` the KPI is a count or sum
   (value = numerator); with `den` it is a ratio, NULL when den is 0 or NULL;
   `value` overrides the expression (e.g. a median).
   source: the report type a role's KPIs come from (a SQL string literal, or per KPI `source`, an
   expression: the report that fed this subject's value); with it, each row says its `source`, which
   seeds/kpi_sources.csv turns into the KPI's basis (exact / approximate / team sheet). #}
{% macro kpi_unpivot(relation, subject_columns, kpis, source=none) -%}
{%- for k in kpis %}
select
    {{ subject_columns | join(', ') }},
    '{{ k.id }}' as kpi_id,
    {%- if k.source or source %}
    cast({{ k.source or source }} as {{ dbt.type_string() }}) as source,
    {%- endif %}
    cast({{ k.num }} as decimal(38, 6)) as numerator,
    {% if k.den %}cast({{ k.den }} as decimal(38, 6)){% else %}cast(null as decimal(38, 6)){% endif %} as denominator,
    {% if k.value %}cast({{ k.value }} as decimal(38, 6)){% elif k.den %}cast({{ safe_ratio(k.num, k.den) }} as decimal(38, 6)){% else %}cast({{ k.num }} as decimal(38, 6)){% endif %} as value
from {{ relation }}
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- endmacro %}
