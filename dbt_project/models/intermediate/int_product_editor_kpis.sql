-- 产品编辑: KPIs per editor and month over the listings planned that month.
with facts as (
    select
        month,
        editor_id as employee_id,
        count(*) as listings,
        sum(case when is_on_time then 1 else 0 end) as on_time_listings,
        sum(case when is_checked then 1 else 0 end) as checked_listings,
        sum(case when has_description_error then 1 else 0 end) as description_errors,
        sum(case when has_stock_error then 1 else 0 end) as stock_errors
    from {{ ref('stg_listings') }}
    group by month, editor_id
)

{{ kpi_unpivot('facts', ['month', 'employee_id'], [
    {'id': 'listing_on_time', 'num': 'on_time_listings', 'den': 'listings'},
    {'id': 'listing_error_rate', 'num': 'description_errors', 'den': 'checked_listings'},
    {'id': 'stock_error_rate', 'num': 'stock_errors', 'den': 'checked_listings'},
], source="'listings'") }}
