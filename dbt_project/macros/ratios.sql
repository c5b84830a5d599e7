{# A ratio whose denominator is 0 or NULL is NULL, never 0 and never an error. #}
{% macro safe_ratio(numerator, denominator) -%}
  case when {{ denominator }} is null or {{ denominator }} = 0 then null
       else cast({{ numerator }} as double) / cast({{ denominator }} as double) end
{%- endmacro %}
