-- Reconciliation of the order money, to the cent, for month {month}.
-- One row per (reconciliation, file, measure): the upstream and downstream value.
-- A full outer join keeps a file that vanished from either side.
with raw_orders as (
    select source_file, count(*) as n, sum(total_amount) as total, sum(paid_amount) as paid, sum(refund_amount) as refund
    from raw.orders where month = '{month}' group by source_file
),
stg_orders as (
    select source_file, count(*) as n, sum(total_amount) as total, sum(paid_amount) as paid, sum(refund_amount) as refund
    from staging.stg_orders where month = '{month}' group by source_file
),
fct_orders as (
    select source_file, count(*) as n, sum(total_amount) as total, sum(paid_amount) as paid, sum(refund_amount) as refund,
           sum(case when is_paid then total_amount else 0 end) as paid_total,
           sum(case when is_paid then refund_amount else 0 end) as paid_refund,
           count(*) filter (where is_paid) as paid_n
    from marts.fct_orders where month = '{month}' group by source_file
),
fct_month as (
    select 'all files' as source_file, sum(n) as n, sum(total) as total, sum(paid) as paid,
           sum(paid_refund) as paid_refund, sum(paid_total) as paid_total, sum(paid_n) as paid_n
    from fct_orders
),
kpi as (
    select 'all files' as source_file,
           max(case when kpi_id = 'orders_created' then value end) as n,
           max(case when kpi_id = 'gmv' then value end) as total,
           max(case when kpi_id = 'net_sales' then value end) as paid,
           max(case when kpi_id = 'refund_amount' then value end) as paid_refund,
           max(case when kpi_id = 'paid_gmv' then value end) as paid_total,
           max(case when kpi_id = 'orders_paid' then value end) as paid_n
    from marts.kpi_store_monthly where month = '{month}' and shop_id = 'all' and platform = 'all'
),
raw_lines as (
    select source_file, count(*) as n from raw.order_lines where month = '{month}' group by source_file
),
stg_lines as (
    select source_file, count(*) as n from staging.stg_order_lines where month = '{month}' group by source_file
),
pairs as (
    {layer_pairs}
)
select reconciliation, source_file, measure,
       cast(upstream as decimal(38, 2)) as upstream, cast(downstream as decimal(38, 2)) as downstream,
       cast(downstream as decimal(38, 2)) - cast(upstream as decimal(38, 2)) as difference,
       case when cast(upstream as decimal(38, 2)) <> cast(downstream as decimal(38, 2))
            then reconciliation || ' · ' || source_file || ' · ' || measure || ': '
                 || cast(cast(upstream as decimal(38, 2)) as string) || ' -> ' || cast(cast(downstream as decimal(38, 2)) as string)
       end as finding
from pairs
