{# dbt_utils' expression_is_true, kept local: dbt packages come from hub.getdbt.com,
   which this project's machines cannot reach (see DECISIONLOG). #}
{% test expression_is_true(model, expression, column_name=none, where=none) %}
select * from {{ model }}
where not ({{ expression }})
{%- if where %} and ({{ where }}){% endif %}
{% endtest %}
