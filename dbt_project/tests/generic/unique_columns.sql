{# A model's key (all `columns` together) is unique: one row per key held by more than one row.
   The keys are first narrowed by hash(key), a fixed-width value that groups faster than the key's
   text; a hash two keys share only makes both candidates, and the exact key decides. A row with a
   missing key part has no key, as in dbt's `unique` (not_null_columns catches it). The same SQL as
   the GX suites' rows_sharing_key (shopkpi/quality/suites.py); DuckDB and Spark both have hash().
   dbt's `unique` on `a || '/' || b` built and grouped a string per row: at 10M orders,
   int_orders' key 1.8 s (DECISIONLOG "Performance"). #}
{% test unique_columns(model, columns) %}
{%- set key = columns | join(', ') %}
with keyed as (
    select {{ key }} from {{ model }}
    where {% for column in columns %}{{ column }} is not null{{ " and " if not loop.last }}{% endfor %}
),

repeated_hashes as (
    select hash({{ key }}) as key_hash from keyed group by hash({{ key }}) having count(*) > 1
)

select {{ key }}, count(*) as rows_with_this_key
from keyed
where hash({{ key }}) in (select key_hash from repeated_hashes)
group by {{ key }}
having count(*) > 1
{% endtest %}
