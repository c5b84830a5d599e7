{# Where DuckDB and Spark SQL differ. Every model is written once; the difference lives in a
   macro dispatched by adapter (default__ is DuckDB's, spark__ Spark's). #}

{# on-run-start: on Spark the raw layer is the Parquet lake the loader writes
   (<lake>/raw/<table>/month=…/shop_id=…/, shopkpi/lake.py); each raw source becomes a view over
   its folder, re-created on every run so a new column or partition is seen. DuckDB reads its
   raw schema directly. #}
{% macro register_lake_sources() -%}
  {{ return(adapter.dispatch('register_lake_sources')()) }}
{%- endmacro %}

{% macro default__register_lake_sources() -%}
  {{ return('') }}
{%- endmacro %}

{% macro spark__register_lake_sources() -%}
  {%- if execute -%}
    {%- set lake = env_var('SHOPKPI_LAKE') -%}
    {%- do run_query('create database if not exists raw') -%}
    {%- for node in graph.sources.values() if node.source_name == 'raw' -%}
      {%- do run_query('create or replace view raw.' ~ node.name ~ ' as select * from parquet.`'
                       ~ lake ~ '/raw/' ~ node.name ~ '`') -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return('') }}
{%- endmacro %}

{# One row per item of a delimited list: `separators` is a regular expression of the
   characters that separate items. #}
{% macro split_to_rows(expression, separators) -%}
  {{ return(adapter.dispatch('split_to_rows')(expression, separators)) }}
{%- endmacro %}

{% macro default__split_to_rows(expression, separators) -%}
  unnest(string_split(regexp_replace({{ expression }}, '{{ separators }}', ',', 'g'), ','))
{%- endmacro %}

{% macro spark__split_to_rows(expression, separators) -%}
  explode(split({{ expression }}, '{{ separators }}'))
{%- endmacro %}

{# The build month's rows go before the new ones are written (see months.sql). Spark's Parquet
   tables have no DELETE: the month is a partition, dropped. #}
{% macro delete_month_rows(relation, month) -%}
  {{ return(adapter.dispatch('delete_month_rows')(relation, month)) }}
{%- endmacro %}

{% macro default__delete_month_rows(relation, month) -%}
  delete from {{ relation }} where month = '{{ month }}'
{%- endmacro %}

{% macro spark__delete_month_rows(relation, month) -%}
  alter table {{ relation }} drop if exists partition (month = '{{ month }}')
{%- endmacro %}

{# dbt-spark's seed loader binds values without escaping quotes and sends NULL as the text
   'None' (kpi_registry.csv has "month's"); this one writes escaped literals and real NULLs. #}
{% macro spark__load_csv_rows(model, agate_table) %}
  {%- set column_override = model['config'].get('column_types', {}) -%}
  {%- set statements = [] -%}
  {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
    {%- set sql -%}
      insert into {{ this.render() }} values
      {% for row in chunk -%}
        ({%- for value in row -%}
          {%- set col_name = agate_table.column_names[loop.index0] -%}
          {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
          {%- if value is none -%}cast(null as {{ type }})
          {%- else -%}cast('{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ type }})
          {%- endif -%}
          {%- if not loop.last %}, {% endif -%}
        {%- endfor -%}){%- if not loop.last %},{% endif %}
      {% endfor -%}
    {%- endset -%}
    {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
    {%- if loop.index0 == 0 -%}{%- do statements.append(sql) -%}{%- endif -%}
  {%- endfor -%}
  {{ return(statements[0]) }}
{% endmacro %}

{# A staging model's raw table. On DuckDB staging models are views over every month. On Spark
   they are Parquet tables partitioned by month (the checks and readers read Spark's files), so a
   run reads and overwrites only the month it builds. #}
{% macro raw_source(table, alias=none) -%}
  {%- set relation = source('raw', table) -%}
  {%- if target.type == 'spark' and build_month() -%}
    (select * from {{ relation }} {{ month_filter() }}) as {{ alias or table }}
  {%- else -%}
    {{ relation }}{% if alias %} as {{ alias }}{% endif %}
  {%- endif -%}
{%- endmacro %}

{# on-run-end: on Spark, each table built this run also leaves its schema in the lake
   (<lake>/schemas/<schema>/<table>/, a Parquet file without rows). A month that leaves a table
   empty writes no partition, and readers of Spark's files need the columns all the same. #}
{% macro write_table_schemas(results) -%}
  {{ return(adapter.dispatch('write_table_schemas')(results)) }}
{%- endmacro %}

{% macro default__write_table_schemas(results) -%}
  {{ return('') }}
{%- endmacro %}

{% macro spark__write_table_schemas(results) -%}
  {%- if execute -%}
    {%- set lake = env_var('SHOPKPI_LAKE') -%}
    {%- for result in results
          if result.node.resource_type == 'model' and result.status == 'success'
          and result.node.config.materialized in ('incremental', 'table') -%}
      {%- do run_query("insert overwrite directory '" ~ lake ~ "/schemas/" ~ result.node.schema ~ "/" ~ result.node.name
                       ~ "' using parquet select * from " ~ result.node.relation_name ~ " limit 0") -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return('') }}
{%- endmacro %}
