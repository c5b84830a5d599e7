{# Every name a shop goes by in a download that covers several shops (聚水潭's 店铺名称) — its shop_id, its
   name_zh and each of its `names` (seeds/shops.csv, separated by |) — one row per name with the shop and
   platform it routes to (NULL when two shops share it) and how many shops share it. A subquery for a join:
   `left join {{ shop_names() }} as shop_names on trim(x.shop_name) = shop_names.name`, then
   `shop_names.shop_id`, `shop_names.platform` and `{{ unrouted_reason() }}`. #}
{% macro shop_names() -%}
(
    select name,
           case when count(distinct shop_id) = 1 then min(shop_id) end as shop_id,
           case when count(distinct shop_id) = 1 then min(platform) end as platform,
           count(distinct shop_id) as shops
    from (
        select shop_id, platform, shop_id as name from {{ ref('shops') }}
        union
        select shop_id, platform, name_zh as name from {{ ref('shops') }} where name_zh is not null
        union
        select shop_id, platform, trim(name) as name
        from (select shop_id, platform, {{ split_to_rows("coalesce(names, '')", '[|]') }} as name
              from {{ ref('shops') }}) as listed
        where trim(name) <> ''
    ) as named
    group by name
)
{%- endmacro %}


{# Why a row of a multi-shop download has no shop: its name is no shop's, or two shops share it (NULL when
   it routes). `alias`: the joined shop_names() subquery. #}
{% macro unrouted_reason(alias='shop_names') -%}
    case when {{ alias }}.shops is null then 'no shop of shops.csv has this name'
         when {{ alias }}.shops > 1 then 'several shops of shops.csv have this name' end
{%- endmacro %}
