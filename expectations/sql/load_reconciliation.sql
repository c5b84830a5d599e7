-- Every exported row of month {month} is either loaded or quarantined, per file:
-- rows the CSV reader read = rows in the raw table + rows in raw.quarantine
-- (+ order-line rows merged into their order's row, for layouts with one row per line,
-- + the report's own summary rows, 汇总/均值, which are no account,
-- + rows a later download of the same report replaced),
-- and the load audit's own counters agree with the tables; the rows read, with the line breaks
-- inside their cells, account for every non-blank line of the file (file_lines, counted by bytes,
-- not by the CSV reader: a stray quote would otherwise make the rest of a file one row).
with in_tables as (
    {raw_rows_per_file}
),
loaded as (
    select report_type, source_file, count(*) as rows_in_table from in_tables group by all
),
quarantined as (
    select report_type, source_file, count(*) as rows_in_quarantine
    from raw.quarantine where month = '{month}' group by all
)
select a.report_type, a.source_file, a.file_lines, a.rows_read,
       coalesce(l.rows_in_table, 0) as rows_in_table,
       coalesce(q.rows_in_quarantine, 0) as rows_in_quarantine,
       a.rows_loaded as audit_rows_loaded, a.rows_quarantined as audit_rows_quarantined,
       a.rows_read = coalesce(l.rows_in_table, 0) + coalesce(a.rows_merged, 0) + coalesce(a.rows_summary, 0) + coalesce(a.rows_superseded, 0) + coalesce(q.rows_in_quarantine, 0)
           and a.rows_loaded = coalesce(l.rows_in_table, 0)
           and a.rows_quarantined = coalesce(q.rows_in_quarantine, 0)
           and a.rows_read + coalesce(a.cell_line_breaks, 0) >= coalesce(a.file_lines, 0) as reconciles,
       case when not (a.rows_read = coalesce(l.rows_in_table, 0) + coalesce(a.rows_merged, 0) + coalesce(a.rows_summary, 0) + coalesce(a.rows_superseded, 0) + coalesce(q.rows_in_quarantine, 0)
                      and a.rows_loaded = coalesce(l.rows_in_table, 0)
                      and a.rows_quarantined = coalesce(q.rows_in_quarantine, 0))
            then a.report_type || ' · ' || a.source_file || ': read ' || a.rows_read || ' <> loaded '
                 || coalesce(l.rows_in_table, 0) || coalesce(' + merged ' || nullif(a.rows_merged, 0), '') || coalesce(' + summary rows ' || nullif(a.rows_summary, 0), '') || coalesce(' + replaced ' || nullif(a.rows_superseded, 0), '') || ' + quarantined ' || coalesce(q.rows_in_quarantine, 0)
            when a.rows_read + coalesce(a.cell_line_breaks, 0) < coalesce(a.file_lines, 0)
            then a.report_type || ' · ' || a.source_file || ': ' || a.file_lines || ' lines of data, read '
                 || a.rows_read || ' rows' || coalesce(' + ' || nullif(a.cell_line_breaks, 0) || ' line breaks in cells', '')
       end as finding
from raw.load_audit as a
left join loaded as l on a.report_type = l.report_type and a.source_file = l.source_file
left join quarantined as q on a.report_type = q.report_type and a.source_file = q.source_file
where a.month = '{month}'
