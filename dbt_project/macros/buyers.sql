{# Buyer-based figures (distinct buyers, customers paid) are NULL, not 0, in a month whose order
   export carries no buyer column (Tmall's 7-column layout): `month_orders_with_buyer` is the
   number of the month's orders that carry a buyer. One rule for the store, campaign and
   customer-service KPIs. #}
{# The account system a platform's buyer ids come from: Tmall and Taobao share 淘宝会员名. #}
{% macro buyer_domain(platform) -%}
    case when {{ platform }} in ('taobao', 'tmall') then 'taobao' else {{ platform }} end
{%- endmacro %}

{% macro unless_month_has_no_buyers(expression, month_orders_with_buyer) -%}
    case when coalesce({{ month_orders_with_buyer }}, 0) = 0 then null else {{ expression }} end
{%- endmacro %}
