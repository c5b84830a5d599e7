{# Use the folder's schema name as is (staging, intermediate, marts), not
   "<target schema>_staging": analysts query marts.kpi_store_monthly. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
