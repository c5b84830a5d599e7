{{ config(materialized='incremental') }}  -- per month: strategy and partitioning in dbt_project.yml
-- 客服专员: KPIs per agent and month from their sessions. Orders an agent converted are the
-- sessions' 转化订单编号; returns, exchanges and refunds are after-sales cases of the same
-- month on those orders (a later month's case counts in that month). gmv_index divides by
-- the mean over the month's agents who had sessions. A table built per month (incremental):
-- its tests and the marts read it instead of re-joining the month's orders each time.
-- Customers: a session belongs to the month of its first message. A customer is the session's
-- buyer; a session without a buyer id is a customer of its own (its session id), counted in
-- every KPI like any other customer and never matched to a payment or refund. A customer
-- served in the month paid when they paid an order created in the month, or when their
-- session's 转化订单编号 names an order outside the month's orders (the platform's record of
-- a chat converted after midnight on the last day): a conversion counts in the chat's month
-- only, and a built month never changes when the next month's orders arrive.
with sessions as (
    select *, coalesce(buyer_key, 'session:' || session_id) as customer_key
    from {{ ref('stg_cs_sessions') }}
    {{ month_filter() }}
),

orders as (
    select * from {{ ref('int_orders') }}
    {{ month_filter() }}
),

-- The month's served buyers who paid: only the sessions' buyers are looked up, not every paying
-- buyer's orders grouped (10M orders without sessions, the model alone: 2.0 -> 1.1-1.3 s).
paid_buyers as (
    select distinct orders.month, orders.buyer_key
    from orders
    where orders.is_paid
      and exists (select 1 from sessions
                  where sessions.month = orders.month and sessions.buyer_key = orders.buyer_key)
),

buyer_months as (  -- counted once per month, in the store totals
    select month, orders_with_buyer from (
        select * from {{ ref('int_store_monthly_totals') }} where shop_id = 'all' and platform = 'all'
    ) as company
    {{ month_filter() }}
),

converted as (
    select distinct sessions.month, sessions.agent_id, orders.order_id, orders.paid_amount
    from sessions
    inner join orders
        on sessions.converted_order_id = orders.order_id and sessions.month = orders.month
    where orders.is_paid
),

after_sales as (
    select month, order_id,
           max(case when case_kind = 'return' then 1 else 0 end) as returned,
           max(case when case_kind = 'exchange' then 1 else 0 end) as exchanged,
           max(case when case_kind = 'refund' then 1 else 0 end) as refunded
    from {{ ref('stg_after_sales') }}
    {{ month_filter() }}
    group by month, order_id
),

converted_totals as (
    select converted.month, converted.agent_id, count(*) as converted_orders, sum(converted.paid_amount) as paid_amount,
           sum(coalesce(after_sales.returned, 0)) as returned_orders,
           sum(coalesce(after_sales.exchanged, 0)) as exchanged_orders
    from converted
    left join after_sales on converted.month = after_sales.month and converted.order_id = after_sales.order_id
    group by converted.month, converted.agent_id
),

refund_buyers as (
    select distinct after_sales.month, orders.buyer_key
    from after_sales
    inner join orders
        on after_sales.order_id = orders.order_id and after_sales.month = orders.month
    where after_sales.refunded = 1 and orders.buyer_key is not null
),

converted_after_the_month as (
    select distinct sessions.month, sessions.customer_key
    from sessions
    left join orders on sessions.converted_order_id = orders.order_id and sessions.month = orders.month
    where sessions.converted_order_id is not null and orders.order_id is null
),

served as (
    select sessions.month, sessions.agent_id, sessions.customer_key,
           bool_or(paid_buyers.buyer_key is not null or converted_after_the_month.customer_key is not null) as paid,
           bool_or(refund_buyers.buyer_key is not null) as asked_refund
    from sessions
    left join paid_buyers on sessions.month = paid_buyers.month and sessions.buyer_key = paid_buyers.buyer_key
    left join converted_after_the_month
        on sessions.month = converted_after_the_month.month and sessions.customer_key = converted_after_the_month.customer_key
    left join refund_buyers on sessions.month = refund_buyers.month and sessions.buyer_key = refund_buyers.buyer_key
    group by sessions.month, sessions.agent_id, sessions.customer_key
),

served_totals as (
    select month, agent_id, count(*) as customers_served,
           sum(case when paid then 1 else 0 end) as customers_paid,
           sum(case when paid and asked_refund then 1 else 0 end) as paid_customers_refunding
    from served
    group by month, agent_id
),

service_attitude_reviews as (
    select reviews.month, sessions.agent_id, count(*) as bad_reviews
    from (select * from {{ ref('stg_reviews') }} {{ month_filter() }}) as reviews
    -- same month only (DECISIONLOG): the review and the session that converted the order fall in
    -- one month, so a month's KPIs depend on that month's files alone
    inner join (select distinct month, agent_id, converted_order_id from sessions
                where converted_order_id is not null) as sessions
        on reviews.month = sessions.month and reviews.order_id = sessions.converted_order_id
    where reviews.is_negative and reviews.is_service_attitude
    group by reviews.month, sessions.agent_id
),

session_totals as (
    select month, agent_id,
           percentile_cont(0.5) within group (order by first_response_s) as median_first_response_s,
           count(distinct case when first_reply_at is null or first_response_s > 30 then customer_key end) as slow_customers,
           sum(forbidden_phrases) as violations,
           count(*) as inquiries,
           sum(case when first_response_s <= 86400 then 1 else 0 end) as answered_24h,
           sum(case when is_rated then 1 else 0 end) as ratings,
           sum(case when is_satisfied then 1 else 0 end) as satisfied,
           sum(case when is_complaint then 1 else 0 end) as complaints,
           sum(case when is_complaint_resolved then 1 else 0 end) as complaints_closed
    from sessions
    group by month, agent_id
),

facts as (
    select
        session_totals.*,
        session_totals.agent_id as employee_id,
        coalesce(service_attitude_reviews.bad_reviews, 0) as bad_reviews,
        {{ unless_month_has_no_buyers('served_totals.customers_paid', 'buyer_months.orders_with_buyer') }} as customers_paid,
        {{ unless_month_has_no_buyers('served_totals.customers_served', 'buyer_months.orders_with_buyer') }} as customers_served,
        {{ unless_month_has_no_buyers('served_totals.paid_customers_refunding', 'buyer_months.orders_with_buyer') }}
            as paid_customers_refunding,
        coalesce(converted_totals.converted_orders, 0) as converted_orders,
        coalesce(converted_totals.paid_amount, 0) as attributed_paid_amount,
        coalesce(converted_totals.returned_orders, 0) as returned_orders,
        coalesce(converted_totals.exchanged_orders, 0) as exchanged_orders,
        avg(coalesce(converted_totals.paid_amount, 0)) over (partition by session_totals.month) as mean_attributed_paid_amount
    from session_totals
    left join served_totals on session_totals.month = served_totals.month and session_totals.agent_id = served_totals.agent_id
    left join converted_totals on session_totals.month = converted_totals.month and session_totals.agent_id = converted_totals.agent_id
    left join service_attitude_reviews on session_totals.month = service_attitude_reviews.month and session_totals.agent_id = service_attitude_reviews.agent_id
    left join buyer_months on session_totals.month = buyer_months.month
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'first_response_s', 'num': 'median_first_response_s'},
    {'id': 'slow_responses', 'num': 'slow_customers'},
    {'id': 'violations', 'num': 'violations'},
    {'id': 'bad_reviews', 'num': 'bad_reviews'},
    {'id': 'consult_conversion', 'num': 'customers_paid', 'den': 'customers_served'},
    {'id': 'gmv_index', 'num': 'attributed_paid_amount', 'den': 'mean_attributed_paid_amount'},
    {'id': 'return_rate', 'num': 'returned_orders', 'den': 'converted_orders'},
    {'id': 'exchange_rate', 'num': 'exchanged_orders', 'den': 'converted_orders'},
    {'id': 'cs_refund_rate', 'num': 'paid_customers_refunding', 'den': 'customers_paid'},
    {'id': 'reply_within_24h', 'num': 'answered_24h', 'den': 'inquiries'},
    {'id': 'satisfaction', 'num': 'satisfied', 'den': 'ratings'},
    {'id': 'complaint_resolution', 'num': 'complaints_closed', 'den': 'complaints'},
]) }}
