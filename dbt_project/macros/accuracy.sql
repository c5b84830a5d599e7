{# 数据误差率低于5%, the data analyst's accuracy rule, in one place. A reported figure is accurate
   when its error relative to the recomputed value is below var('analyst_error_threshold')
   (dbt_project.yml, 0.05). The test is |reported − recomputed| < threshold × |recomputed|, in the
   figures' own DECIMAL type and without a division, so a figure exactly 5.000% off is a finding
   with no floating-point drift (7.35 against 7.00 divides to 0.04999… as a double).
   A recomputed 0 is matched only by a reported 0. #}
{% macro analyst_figure_is_accurate(reported, recomputed) -%}
    case when {{ recomputed }} is null or {{ reported }} is null then false
         when {{ recomputed }} = 0 then {{ reported }} = 0
         else abs({{ reported }} - {{ recomputed }})
              < cast({{ var('analyst_error_threshold') }} as decimal(9, 6)) * abs({{ recomputed }}) end
{%- endmacro %}
