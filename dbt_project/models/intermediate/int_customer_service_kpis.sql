{{ config(materialized='incremental') }}  -- per month: strategy and partitioning in dbt_project.yml
-- 客服专员: KPIs per agent and month from their sessions. Orders an agent converted are the
-- sessions' 转化订单编号. gmv_index divides by the mean over the month's agents who had sessions.
-- A table built per month (incremental): its tests and the marts read it instead of re-joining the
-- month's orders each time.
-- Account systems: a session's buyer and its 转化订单编号 are matched only to orders of platforms that
-- share the session's shop's account system (Taobao and Tmall share 旺旺; a 旺旺 name never matches a
-- JD account of the same spelling).
-- Customers: a session belongs to the month of its first message. A customer is the session's
-- buyer; a session without a buyer id is a customer of its own (its session id), counted in
-- every KPI like any other customer and never matched to a payment or refund. A customer
-- served in the month paid when they paid an order created in the month, or when their
-- session's 转化订单编号 names an order outside the month's orders (the platform's record of
-- a chat converted after midnight on the last day): a conversion counts in the chat's month
-- only, and a built month never changes when the next month's orders arrive.
-- Late cases: a return, exchange or service-attitude bad review counts once, in the month of the
-- after-sales or review sheet that reports it, against the agent whose session (in that month or
-- any earlier one) converted the order; the denominators are the month's converted orders
-- (docs/kpi-rules.md "Customer service"). A published month never changes; no late case is dropped.
-- Two sources (docs/kpi-rules.md "Customer service"; each KPI row says its `source`, and
-- seeds/kpi_sources.csv its basis): the team's session sheet (cs_sessions), and the CS tools' reports
-- per account and day (cs_daily, through int_cs_account_days: only rows credited to one employee).
-- An employee with sessions in the month is measured from them; one without, from the reports: a
-- monthly rate is the sum of the report rows' numerators over the sum of their denominators, never
-- a mean of daily rates, and a mean first response is weighted by the customers each row served.
-- Thresholds are vars: cs_slow_reply_s (30 s, 004) and cs_reply_window_s (24 h, 001). A session
-- with no reply counts as answered at the end of the reply window in the median first response,
-- so an agent who never replied fails first_response_s instead of having no data.
{%- set slow_reply_s = var('cs_slow_reply_s') %}
{%- set reply_window_s = var('cs_reply_window_s') %}
with orders as (
    select *, {{ buyer_domain('platform') }} as account_system
    from {{ ref('int_orders') }}
    {{ month_filter() }}
),

-- A sheet's account system is its shop's; the single-folder layout's shop (`default`, platform
-- 'any') takes the one of the orders in its folder.
folder_systems as (  -- every month's: a late case finds an earlier month's session
    select month, shop_id, account_system from {{ ref('stg_order_exports') }}
),

all_sessions as (
    select cs.*, coalesce(folder_systems.account_system, {{ buyer_domain('cs.platform') }}) as account_system,
           coalesce(cs.buyer_key, 'session:' || cs.session_id) as customer_key
    from {{ ref('stg_cs_sessions') }} as cs
    left join folder_systems
        on cs.platform = 'any' and cs.shop_id = folder_systems.shop_id and cs.month = folder_systems.month
),

sessions as (
    select * from all_sessions
    {{ month_filter() }}
),

-- The month's served buyers who paid: only the sessions' buyers are looked up, not every paying
-- buyer's orders grouped (a month without sessions looks up nothing).
paid_buyers as (
    select distinct orders.month, orders.account_system, orders.buyer_key
    from orders
    where orders.is_paid
      and exists (select 1 from sessions
                  where sessions.month = orders.month and sessions.account_system = orders.account_system
                    and sessions.buyer_key = orders.buyer_key)
),

buyer_months as (  -- counted once per month, in the store totals
    select month, orders_with_buyer from (
        select * from {{ ref('int_store_monthly_totals') }} where shop_id = 'all' and platform = 'all'
    ) as company
    {{ month_filter() }}
),

converted as (
    select distinct sessions.month, sessions.agent_id, orders.shop_id, orders.order_id, orders.paid_amount
    from sessions
    inner join orders
        on sessions.converted_order_id = orders.order_id and sessions.account_system = orders.account_system
        and sessions.month = orders.month
    where orders.is_paid
),

converted_totals as (
    select month, agent_id, count(*) as converted_orders, sum(paid_amount) as paid_amount
    from converted
    group by month, agent_id
),

-- Every order an agent's session named as converted, in the build month or before: late cases
-- find their agent here.
conversions_to_date as (
    select distinct agent_id, account_system, converted_order_id as order_id
    from all_sessions
    where converted_order_id is not null
    {%- if build_month() %} and month <= '{{ build_month() }}'{% endif %}
),

after_sales as (
    select cases.month, coalesce(folder_systems.account_system, {{ buyer_domain('cases.platform') }}) as account_system,
           cases.shop_id, cases.order_id,
           max(case when cases.case_kind = 'return' then 1 else 0 end) as returned,
           max(case when cases.case_kind = 'exchange' then 1 else 0 end) as exchanged,
           max(case when cases.case_kind = 'refund' then 1 else 0 end) as refunded
    from (select * from {{ ref('stg_after_sales') }} {{ month_filter() }}) as cases
    left join folder_systems
        on cases.platform = 'any' and cases.shop_id = folder_systems.shop_id and cases.month = folder_systems.month
    group by 1, 2, 3, 4
),

case_totals as (  -- the month's returns and exchanges, against the agents who converted the orders
    select after_sales.month, conversions_to_date.agent_id,
           sum(after_sales.returned) as returned_orders, sum(after_sales.exchanged) as exchanged_orders
    from after_sales
    inner join conversions_to_date
        on after_sales.account_system = conversions_to_date.account_system
        and after_sales.order_id = conversions_to_date.order_id
    group by after_sales.month, conversions_to_date.agent_id
),

refund_buyers as (
    select distinct after_sales.month, orders.account_system, orders.buyer_key
    from after_sales
    inner join orders
        on after_sales.order_id = orders.order_id and after_sales.shop_id = orders.shop_id
        and after_sales.month = orders.month
    where after_sales.refunded = 1 and orders.buyer_key is not null
),

converted_after_the_month as (
    select distinct sessions.month, sessions.customer_key
    from sessions
    left join orders
        on sessions.converted_order_id = orders.order_id and sessions.account_system = orders.account_system
        and sessions.month = orders.month
    where sessions.converted_order_id is not null and orders.order_id is null
),

served as (
    select sessions.month, sessions.agent_id, sessions.customer_key,
           bool_or(paid_buyers.buyer_key is not null or converted_after_the_month.customer_key is not null) as paid,
           bool_or(refund_buyers.buyer_key is not null) as asked_refund
    from sessions
    left join paid_buyers
        on sessions.month = paid_buyers.month and sessions.account_system = paid_buyers.account_system
        and sessions.buyer_key = paid_buyers.buyer_key
    left join converted_after_the_month
        on sessions.month = converted_after_the_month.month and sessions.customer_key = converted_after_the_month.customer_key
    left join refund_buyers
        on sessions.month = refund_buyers.month and sessions.account_system = refund_buyers.account_system
        and sessions.buyer_key = refund_buyers.buyer_key
    group by sessions.month, sessions.agent_id, sessions.customer_key
),

served_totals as (
    select month, agent_id, count(*) as customers_served,
           sum(case when paid then 1 else 0 end) as customers_paid,
           sum(case when paid and asked_refund then 1 else 0 end) as paid_customers_refunding
    from served
    group by month, agent_id
),

service_attitude_reviews as (  -- in the month of the review sheet, as the late cases above
    select reviews.month, conversions_to_date.agent_id, count(*) as bad_reviews
    from (select * from {{ ref('stg_reviews') }} {{ month_filter() }}) as reviews
    left join folder_systems
        on reviews.platform = 'any' and reviews.shop_id = folder_systems.shop_id and reviews.month = folder_systems.month
    inner join conversions_to_date
        on coalesce(folder_systems.account_system, {{ buyer_domain('reviews.platform') }}) = conversions_to_date.account_system
        and reviews.order_id = conversions_to_date.order_id
    where reviews.is_negative and reviews.is_service_attitude
    group by reviews.month, conversions_to_date.agent_id
),

session_totals as (
    select month, agent_id,
           percentile_cont(0.5) within group (order by coalesce(first_response_s, {{ reply_window_s }})) as median_first_response_s,
           count(distinct case when first_reply_at is null or first_response_s > {{ slow_reply_s }} then customer_key end)
               as slow_customers,
           sum(forbidden_phrases) as violations,
           count(*) as inquiries,
           sum(case when first_response_s <= {{ reply_window_s }} then 1 else 0 end) as answered_24h,
           sum(case when is_rated then 1 else 0 end) as ratings,
           sum(case when is_satisfied then 1 else 0 end) as satisfied,
           sum(case when is_complaint then 1 else 0 end) as complaints,
           sum(case when is_complaint_resolved then 1 else 0 end) as complaints_closed
    from sessions
    group by month, agent_id
),

-- The reports' rows credited to one employee, summed per employee: each rate's numerator and
-- denominator over the rows that give both (a late cell, 延迟统计, leaves its row out of that rate).
report_totals as (
    select month, employee_id,
           sum(case when inquiries_paid is not null then inquiries end) as inquiries_for_paid,
           sum(case when inquiries is not null then inquiries_paid end) as inquiries_paid,
           sum(case when inquiries_ordered is not null then inquiries end) as inquiries_for_ordered,
           sum(case when inquiries is not null then inquiries_ordered end) as inquiries_ordered,
           sum(sales_amount) as sales_amount,
           sum(case when sales_amount is not null then refund_amount end) as refund_amount,
           sum(case when refund_amount is not null then sales_amount end) as sales_with_refunds,
           -- a row's first response, else its mean response (Pinduoduo, JD give only that)
           sum(coalesce(first_response_s, avg_response_s) * served) as response_s_x_served,
           sum(case when coalesce(first_response_s, avg_response_s) is not null then served end) as served_with_response,
           sum(slow_served) as slow_served,
           sum(round(served * (1 - answered_30s_rate), 0)) as served_after_30s,
           sum(case when unreplied is not null then consulted end) as consulted_with_unreplied,
           sum(case when consulted is not null then consulted - unreplied end) as consulted_replied,
           sum(case when satisfied_ratings is not null then ratings end) as ratings,
           sum(case when ratings is not null then satisfied_ratings end) as satisfied_ratings,
           sum(bad_ratings) as bad_ratings
    from {{ ref('int_cs_account_days') }}
    where employee_id is not null
    {%- if build_month() %} and month = '{{ build_month() }}'{% endif %}
    group by month, employee_id
),

agents as (  -- with sessions or report rows this month, or only a late case on an earlier month's conversion
    select month, agent_id from session_totals
    union
    select month, employee_id as agent_id from report_totals
    union
    select month, agent_id from case_totals
    union
    select month, agent_id from service_attitude_reviews
),

facts as (
    select
        report_totals.employee_id is not null and session_totals.agent_id is null as from_reports,
        session_totals.median_first_response_s, session_totals.slow_customers, session_totals.violations,
        session_totals.inquiries, session_totals.answered_24h, session_totals.ratings, session_totals.satisfied,
        session_totals.complaints, session_totals.complaints_closed,
        report_totals.inquiries_for_paid, report_totals.inquiries_paid, report_totals.inquiries_for_ordered,
        report_totals.inquiries_ordered, report_totals.refund_amount as report_refund_amount,
        report_totals.sales_with_refunds as report_sales_with_refunds,
        report_totals.response_s_x_served / nullif(report_totals.served_with_response, 0) as report_mean_response_s,
        coalesce(report_totals.slow_served, report_totals.served_after_30s) as report_slow_served,
        report_totals.consulted_replied as report_consulted_replied,
        report_totals.consulted_with_unreplied as report_consulted,
        report_totals.ratings as report_ratings, report_totals.satisfied_ratings as report_satisfied_ratings,
        report_totals.bad_ratings as report_bad_ratings,
        agents.month,
        agents.agent_id as employee_id,
        coalesce(service_attitude_reviews.bad_reviews, 0) as bad_reviews,
        {{ unless_month_has_no_buyers('served_totals.customers_paid', 'buyer_months.orders_with_buyer') }} as customers_paid,
        {{ unless_month_has_no_buyers('served_totals.customers_served', 'buyer_months.orders_with_buyer') }} as customers_served,
        {{ unless_month_has_no_buyers('served_totals.paid_customers_refunding', 'buyer_months.orders_with_buyer') }}
            as paid_customers_refunding,
        coalesce(converted_totals.converted_orders, 0) as converted_orders,
        case when session_totals.agent_id is null and report_totals.employee_id is not null
             then report_totals.sales_amount else coalesce(converted_totals.paid_amount, 0) end as attributed_paid_amount,
        coalesce(case_totals.returned_orders, 0) as returned_orders,
        coalesce(case_totals.exchanged_orders, 0) as exchanged_orders,
        -- over the month's agents with sessions or report rows, each with what its own source attributes
        avg(case when session_totals.agent_id is not null then coalesce(converted_totals.paid_amount, 0)
                 when report_totals.employee_id is not null then report_totals.sales_amount end)
            over (partition by agents.month) as mean_attributed_paid_amount
    from agents
    left join session_totals on agents.month = session_totals.month and agents.agent_id = session_totals.agent_id
    left join served_totals on agents.month = served_totals.month and agents.agent_id = served_totals.agent_id
    left join converted_totals on agents.month = converted_totals.month and agents.agent_id = converted_totals.agent_id
    left join case_totals on agents.month = case_totals.month and agents.agent_id = case_totals.agent_id
    left join service_attitude_reviews on agents.month = service_attitude_reviews.month and agents.agent_id = service_attitude_reviews.agent_id
    left join report_totals on agents.month = report_totals.month and agents.agent_id = report_totals.employee_id
    left join buyer_months on agents.month = buyer_months.month
),

-- Each KPI from the employee's source: the sessions, else the reports (where they give it).
measured as (
    select
        month, employee_id,
        case when from_reports then report_mean_response_s else median_first_response_s end as first_response_s,
        case when from_reports then report_slow_served else slow_customers end as slow_responses,
        violations,
        case when from_reports then report_bad_ratings else bad_reviews end as bad_reviews,
        case when not from_reports then customers_paid
             when inquiries_paid is not null then inquiries_paid else inquiries_ordered end as conversion_num,
        case when not from_reports then customers_served
             when inquiries_paid is not null then inquiries_for_paid else inquiries_for_ordered end as conversion_den,
        attributed_paid_amount, mean_attributed_paid_amount,
        returned_orders, exchanged_orders, converted_orders,
        case when from_reports then report_refund_amount else paid_customers_refunding end as refund_num,
        case when from_reports then report_sales_with_refunds else customers_paid end as refund_den,
        case when from_reports then report_consulted_replied else answered_24h end as replied_num,
        case when from_reports then report_consulted else inquiries end as replied_den,
        case when from_reports then report_satisfied_ratings else satisfied end as satisfied_num,
        case when from_reports then report_ratings else ratings end as satisfied_den,
        complaints_closed, complaints,
        case when from_reports then 'cs_daily' else 'cs_sessions' end as source,
        case when not from_reports then 'cs_sessions'
             when inquiries_paid is not null then 'cs_daily' else 'cs_daily_ordered' end as conversion_source
    from facts
)

{{ kpi_unpivot('measured', ['month', 'employee_id'], [
    {'id': 'first_response_s', 'num': 'first_response_s', 'source': 'source'},
    {'id': 'slow_responses', 'num': 'slow_responses', 'source': 'source'},
    {'id': 'violations', 'num': 'violations', 'source': "'cs_sessions'"},
    {'id': 'bad_reviews', 'num': 'bad_reviews', 'source': 'source'},
    {'id': 'consult_conversion', 'num': 'conversion_num', 'den': 'conversion_den', 'source': 'conversion_source'},
    {'id': 'gmv_index', 'num': 'attributed_paid_amount', 'den': 'mean_attributed_paid_amount', 'source': 'source'},
    {'id': 'return_rate', 'num': 'returned_orders', 'den': 'converted_orders', 'source': "'cs_sessions'"},
    {'id': 'exchange_rate', 'num': 'exchanged_orders', 'den': 'converted_orders', 'source': "'cs_sessions'"},
    {'id': 'cs_refund_rate', 'num': 'refund_num', 'den': 'refund_den', 'source': 'source'},
    {'id': 'reply_within_24h', 'num': 'replied_num', 'den': 'replied_den', 'source': 'source'},
    {'id': 'satisfaction', 'num': 'satisfied_num', 'den': 'satisfied_den', 'source': 'source'},
    {'id': 'complaint_resolution', 'num': 'complaints_closed', 'den': 'complaints', 'source': "'cs_sessions'"},
]) }}
