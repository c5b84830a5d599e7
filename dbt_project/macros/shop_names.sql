{# Every name a shop goes by in a download that covers several shops (聚水潭's 店铺名称) — its shop_id, its
   name_zh and each of its `names` (seeds/shops.csv, separated by |) — one row per name with the shop it
   routes to and how many shops share it (a row routes only when 1). A subquery for a join:
   `left join {{ shop_names() }} as shop_names on trim(x.shop_name) = shop_names.name`. #}
{% macro shop_names() -%}
(
    select name, min(shop_id) as shop_id, min(platform) as platform, count(distinct shop_id) as shops
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
