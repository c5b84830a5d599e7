{# DuckDB's views in one statement. dbt's default view materialisation creates the view under a
   temporary name, renames the old view to a backup name, renames the new one into place and drops
   the backup: five statements, each a round trip through dbt's connection and event machinery.
   DuckDB's DDL is transactional, so `create or replace view` inside the model's transaction is
   just as atomic (a failing select leaves the old view in place) and a view node costs one
   statement. dbt-snowflake builds its views the same way. A table left under the view's name
   (the model was a table before) is dropped first, as dbt's default would replace it.
   DECISIONLOG "Views in one statement". Spark keeps dbt-spark's own. #}

{% materialization view, adapter='duckdb' -%}
  {%- set target_relation = this.incorporate(type='view') -%}
  {%- set existing_relation = load_cached_relation(this) -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  -- `BEGIN` happens here:
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- if existing_relation is not none and existing_relation.type != 'view' %}
    {{ drop_relation_if_exists(existing_relation) }}
  {%- endif %}

  {% call statement('main') -%}
    {%- if config.get('contract').enforced %}{{ get_assert_columns_equivalent(sql) }}{% endif %}
    {%- set sql_header = config.get('sql_header', none) %}
    {{ sql_header if sql_header is not none }}
    create or replace view {{ target_relation }} as (
      {{ sql }}
    );
  {%- endcall %}

  {% do persist_docs(target_relation, model) %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}
