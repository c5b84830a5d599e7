-- The report types loaded for each month, from the loader's per-file audit: one row per month
-- and report type, also when the export held no rows ("we had nothing" differs from "no file").
select distinct
    month,
    report_type
from {{ raw_source('load_audit') }}
