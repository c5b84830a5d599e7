{# A model's required columns in one test: one scan, one row per column that has NULLs.
   dbt's per-column not_null costs a node each (~20 ms of dbt and two Dagster events a test;
   175 of them were 175 of a month's 275 nodes). See DECISIONLOG "One not-null test per model". #}
{% test not_null_columns(model, columns) %}
with null_rows as (
    select
    {%- for column in columns %}
        count(*) - count({{ adapter.quote(column) }}) as {{ adapter.quote(column) }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)
{% for column in columns -%}
select '{{ column }}' as column_name, {{ adapter.quote(column) }} as null_rows
from null_rows where {{ adapter.quote(column) }} > 0
{% if not loop.last %}union all
{% endif -%}
{% endfor %}
{% endtest %}
