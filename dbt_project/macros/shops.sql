{# Every order in each of its three scopes (scope_shop, scope_platform): its shop and platform, its
   platform across the company's shops ('all', P) and the company ('all', 'all'). The store KPI
   models group by the scope, so every scope is summed from the orders, never from ratios. #}
{% macro scoped_orders(relation) -%}
    select shop_id as scope_shop, platform as scope_platform, {{ relation }}.* from {{ relation }}
    union all
    select 'all', platform, {{ relation }}.* from {{ relation }}
    union all
    select 'all', 'all', {{ relation }}.* from {{ relation }}
{%- endmacro %}
