{# Generic tests check the month being built, not the whole history, so a run's cost
   follows the new month only. dbt's own get_where_subquery, narrowed to the build month
   for the layers whose relations all carry `month` (seeds in `reference` do not). #}
{% macro get_where_subquery(relation) -%}
  {%- set where = config.get('where') -%}
  {%- set month = build_month() -%}
  {%- if month and relation.schema in ('staging', 'intermediate', 'marts') -%}
    {%- set where = "month = '" ~ month ~ "'" ~ (" and (" ~ where ~ ")" if where else "") -%}
  {%- endif -%}
  {%- if where -%}
    {%- set filtered -%}(select * from {{ relation }} where {{ where }}) dbt_subquery{%- endset -%}
    {%- do return(filtered) -%}
  {%- else -%}
    {%- do return(relation) -%}
  {%- endif -%}
{%- endmacro %}
