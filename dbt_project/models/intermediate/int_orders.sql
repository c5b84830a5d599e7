{{ config(materialized='incremental' if target.type == 'spark' else 'view') }}
-- One row per order, in the month of its 订单创建时间: the order facts every role model and the store
-- totals build on (marts.fct_orders publishes them with the order's line summary).
-- A view on DuckDB: each reader filters by month and reads the few columns it needs from raw's
-- columns, instead of the month's orders being written into a table of their own once more
-- (DECISIONLOG "`int_orders` is a view on DuckDB"). On Spark a table partitioned by month, so readers of Spark's
-- files see it.
select
    month,
    shop_id,
    platform,
    order_id,
    buyer_key,
    -- Who the buyer is across shops: buyer ids of different platforms never match (Taobao and Tmall
    -- share one account system, 淘宝会员名); within one, the keyed hash is the same in every shop.
    case when buyer_key is not null
         then {{ buyer_domain('platform') }} || ':' || buyer_key end as buyer_identity,
    created_at,
    paid_at,
    is_paid,
    total_amount,
    paid_amount,
    refund_amount,
    -- NULL when the export says nothing about refunds (JD's order export): no data, not "no refund".
    case when refund_amount is not null then is_paid and refund_amount > 0
         when refund_state is not null then is_paid and refund_state = 'refunded'
    end as has_refund,
    paid_amount = 0 as is_lost,
    goods_amount,
    shipping_fee,
    order_status,
    ship_province,
    source_file,
    source_row
from {{ ref('stg_orders') }}
{% if target.type == 'spark' %}{{ month_filter() }}{% endif %}
