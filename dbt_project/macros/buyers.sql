{# Buyer-based figures (distinct buyers, customers paid) are NULL, not 0, in a month whose order
   export carries no buyer column (Tmall's 7-column layout): `month_orders_with_buyer` is the
   number of the month's orders that carry a buyer. One rule for the store, campaign and
   customer-service KPIs. #}
{% macro unless_month_has_no_buyers(expression, month_orders_with_buyer) -%}
    case when coalesce({{ month_orders_with_buyer }}, 0) = 0 then null else {{ expression }} end
{%- endmacro %}
