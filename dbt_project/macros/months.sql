{# Month keys are 'YYYY-MM' strings. These macros keep the partition logic in
   one place and in portable SQL (no engine-specific date functions). #}

{# The partition being built: env SHOPKPI_MONTH (what Dagster sets), else var month, else none
   (every month). Read only at execution, never while parsing: dbt then keeps its partial
   parse between months instead of re-parsing the whole project on every run. #}
{% macro build_month() -%}
  {%- do return((env_var('SHOPKPI_MONTH', '') or var('month', none) or none) if execute else none) -%}
{%- endmacro %}

{# WHERE clause for the partition being built (all months when none is set).
   include_previous: also the month before, for month-over-month KPIs. #}
{% macro month_filter(column='month', include_previous=false) -%}
  {%- set month = build_month() -%}
  {%- if month -%}
    {%- if include_previous -%}
      where {{ column }} in ('{{ month }}', '{{ previous_month(month) }}')
    {%- else -%}
      where {{ column }} = '{{ month }}'
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}

{% macro previous_month(month) -%}
  {%- set year, mon = month[0:4] | int, month[5:7] | int -%}
  {%- if mon == 1 -%}{{ '%04d-12' % (year - 1) }}{%- else -%}{{ '%04d-%02d' % (year, mon - 1) }}{%- endif -%}
{%- endmacro %}

{# Consecutive integer per month, so "previous month" is a portable join on index - 1. #}
{% macro month_index(column='month') -%}
  (cast(substr({{ column }}, 1, 4) as integer) * 12 + cast(substr({{ column }}, 6, 2) as integer))
{%- endmacro %}

{# First instant of the month after 'YYYY-MM'. #}
{% macro month_end(month_column='month') -%}
    {{ dbt.dateadd('month', 1, "cast(" ~ month_column ~ " || '-01' as timestamp)") }}
{%- endmacro %}

{# Pre-hook of every per-month table: delete the build month's rows before the insert, so a
   month rebuilt with an empty batch (its export is gone) keeps no stale rows. dbt's
   delete+insert deletes only the months present in the new batch. #}
{% macro delete_build_month() -%}
  {%- set month = build_month() -%}
  {%- if month and is_incremental() -%}
    {{ delete_month_rows(this, month) }}
  {%- endif -%}
{%- endmacro %}

{# The Monday 00:00 that starts the week holding a timestamp (DuckDB and Spark both truncate to Monday). #}
{% macro week_of(timestamp) -%}
    date_trunc('week', {{ timestamp }})
{%- endmacro %}
