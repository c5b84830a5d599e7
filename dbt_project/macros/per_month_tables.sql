{# DuckDB's per-month tables (incremental_strategy 'month_insert', dbt_project.yml).
   dbt-duckdb's incremental materialisation selects the new rows into a temp table, then inserts
   the temp table into the model's: the month is written twice (int_orders at 10M orders, month 4:
   13.9-14.7 s, against 10.0-10.3 s inserted once; DECISIONLOG "Performance"). With a build month, whose rows
   the pre-hook (delete_build_month) has already deleted, the temp relation is a view and the
   strategy inserts from it: the model's select runs once, straight into the table. Without a build
   month (every month rebuilt), a temp table and dbt's delete+insert, as before. The first build
   and a full refresh create the table from the select, as before. #}

{% macro get_incremental_month_insert_sql(arg_dict) -%}
  {%- if build_month() -%}
    {{ get_incremental_append_sql(arg_dict) }}
  {%- else -%}
    {{ get_incremental_delete_insert_sql(arg_dict) }}
  {%- endif -%}
{%- endmacro %}

{# Overrides dbt-duckdb's macro of the same name (dispatch looks in the root project first) for the
   temp relation of a month_insert build only; everything else goes to dbt-duckdb's. #}
{% macro duckdb__create_table_as(temporary, relation, compiled_code, language='sql', partitioned_by=none, sorted_by=none) -%}
  {%- if temporary and language == 'sql' and config.get('incremental_strategy') == 'month_insert' and build_month() -%}
    create or replace temporary view {{ relation.include(database=false, schema=false) }} as (
      {{ compiled_code }}
    );
  {%- else -%}
    {{ return(dbt.duckdb__create_table_as(temporary, relation, compiled_code, language, partitioned_by, sorted_by)) }}
  {%- endif -%}
{%- endmacro %}
