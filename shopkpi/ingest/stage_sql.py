"""The statements that load one file, as pure builders (no connection): read a reviewer can follow
top-down, and `tests/test_stage_sql.py` keeps one statement set per layout as a golden file.

A file goes through four statements, run by the month loader (load.py) in this order:

1. `stage_sql`: `_stage`, the file's rows cleaned and typed, with `_bad` (any per-row check failed),
   as named CTEs: scanned → addresses → province_cuts → provinces → cleaned → typed → stage;
2. `numbered_sql`: `_numbered`, each staged row with its row number in the file (`source_row`);
3. `checked_rows_sql` (with `disagreeing_lines_sql` for order-line layouts): `_checked`, each row's
   first failing column and every reason;
4. `raw_insert_sql`: the good rows into the raw table (one row per order for order-line layouts).

Cell-level expressions (clean-ups, casts, provinces, checks) come from cell_sql.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..sql import sql_literal
from .cell_sql import (TYPED, cell_text, derived_amounts, header_row_condition, problem_exprs, province_cut_expr,
                       province_of_cut, select_expr, typed_expr, typed_ref)
from .layouts import normalise_header
from .specs import ORDERS, Column, ColumnType, Pii, ReportSpec


def sql_type(column: Column) -> str:
    return {
        ColumnType.MONEY: "DECIMAL(18,2)",
        ColumnType.INT: "BIGINT",
        ColumnType.TIMESTAMP: "TIMESTAMP",
        ColumnType.RATE: "DECIMAL(18,6)",
        ColumnType.NUMBER: "DECIMAL(18,6)",
    }.get(column.type, "VARCHAR")


def scan_sql(path: Path, columns: int, header_row: int, delimiter: str, options: str) -> str:
    """read_csv(...) over a UTF-8 export: columns c0..cN as VARCHAR, the lines down to the header
    skipped, no sniffing (the platforms' dialect is fixed; sniffing fails on header-only files)."""
    names = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(columns)) + "}"
    return (f"read_csv({sql_literal(str(path))}, header=false, skip={header_row + 1}, columns={names}, "
            f"auto_detect=false, delim={sql_literal(delimiter)}, quote='\"', escape='\"', {options})")


@dataclass(frozen=True)
class FileColumns:
    """Which of its report type's columns a file has, and how the stage selects them from the scan."""
    present: frozenset[str]  # column names (Column.en) the file fills
    selects: tuple[str, ...]  # the cleaned select list over the scan's cells (and provinces)
    addresses: dict[int, str]  # scan cell -> its cleaned address, which a province is cut from
    nul_column: str | None  # names the first mapped cell holding a NUL byte; None without mapped cells


def file_columns(spec: ReportSpec, header: list[str]) -> FileColumns:
    """Map a file's header onto its report type's columns. One header may fill several columns
    (Pinduoduo's 订单成交时间); a dropped PII column is never read; the first header of a column wins."""
    by_zh: dict[str, list[Column]] = {}
    for c in spec.loaded_columns:
        by_zh.setdefault(c.zh, []).append(c)
    dropped = {c.zh for c in spec.columns if c.pii is Pii.DROP}
    header = [normalise_header(cell) for cell in header]  # 商品总价(元) is 商品总价
    cell_of = {c.en: (c, f"c{header.index(c.zh)}") for c in spec.loaded_columns if c.zh in header}
    selects, present, addresses = [], set(), {}
    for i, cell in enumerate(header):
        for column in by_zh.get(cell, []) if cell not in dropped else []:
            if column.en in present:
                continue
            present.add(column.en)
            if column.pii is Pii.PROVINCE:  # the address and its cut are computed once, in CTEs before
                addresses[i] = cell_text(column, f"c{i}")
                expr = f"_province_{i}"
            else:
                expr = select_expr(column, f"c{i}")
            if column.zero_unless in cell_of:  # an amount payable is no payment while the order is unpaid
                other, other_cell = cell_of[column.zero_unless]
                expr = f"CASE WHEN {cell_text(other, other_cell)} IS NULL THEN '0' ELSE {expr} END"
            selects.append(f"{expr} AS {column.loaded_name}")
            if column.pii is Pii.PROVINCE:  # an address given whose province is not a Chinese one
                selects.append(f"(_address_{i} IS NOT NULL AND _province_{i} IS NULL) AS _province_unrecognised")
    # A NUL byte is never part of a text export (a damaged download): its row is quarantined, so a
    # NUL never becomes a value (a phantom province, an order id that matches nothing).
    mapped = [(i, cell) for i, cell in enumerate(header) if cell in by_zh and cell not in dropped]
    nul_column = ("CASE " + " ".join(f"WHEN contains(c{i}, chr(0)) THEN {sql_literal(cell)}" for i, cell in mapped)
                  + " END AS _nul_column") if mapped else None
    if spec.late_values and mapped:  # a figure not final yet (延迟统计): NULL in its column, counted here
        late = ", ".join(sql_literal(v) for v in spec.late_values)
        selects.append(" + ".join(f"CAST(coalesce(trim(c{i}) IN ({late}), false) AS INTEGER)" for i, _ in mapped)
                       + " AS _late_cells")
    return FileColumns(frozenset(present), tuple(selects), addresses, nul_column)


@dataclass(frozen=True)
class RowChecks:
    """A file's per-row checks as SQL: whether a row is bad, its first failing column, every reason."""
    bad: str
    first_col: str
    reason: str
    summary: str = "false"  # the row is the report's own total (汇总, 均值): skipped and counted, never loaded


def row_checks(spec: ReportSpec, present: frozenset[str], month: str, shop_id: str, check_nul: bool) -> RowChecks:
    """The per-row checks of a file as SQL over the stage's columns."""
    month_lit, shop_lit = sql_literal(month), sql_literal(shop_id)
    zh_of = {c.en: c.zh for c in spec.columns}
    checks = problem_exprs(spec, set(present), month)
    if spec.order_scoped and "order_id" in present:
        if spec.team_sheet_orders:  # the named shop's order, else any shop's of the month
            any_shop = f"order_id NOT IN (SELECT order_id FROM raw.{ORDERS.table} WHERE month = {month_lit})"
            condition = any_shop
            if spec.order_shop_column in present:
                # uncorrelated subqueries only: a correlated one made DuckDB write the stage's rows out of
                # file order, and their rowids (numbered_sql) with them
                named = f"nullif(trim({spec.order_shop_column}), '')"
                condition = (f"CASE WHEN {named} IS NULL THEN {any_shop} ELSE ({named} || chr(31) || order_id) NOT IN "
                             f"(SELECT shop_id || chr(31) || order_id FROM raw.{ORDERS.table} "
                             f"WHERE month = {month_lit}) END")
            why = f"{zh_of['order_id']}: no loaded order with this id in the {month} order reports of the shops"
        else:
            condition = (f"order_id NOT IN "
                         f"(SELECT order_id FROM raw.{ORDERS.table} WHERE month = {month_lit} AND shop_id = {shop_lit})")
            why = f"{zh_of['order_id']}: no loaded order with this id in the {month} order report"
        checks.append((zh_of["order_id"], f"order_id IS NOT NULL AND {condition}", sql_literal(why)))
    checks = [(sql_literal(zh), cond, why) for zh, cond, why in checks]  # the column as SQL from here
    if check_nul:
        checks.insert(0, ("_nul_column", "_nul_column IS NOT NULL", "_nul_column || ': NUL byte in the cell'"))
    if checks:
        first_col = "CASE " + " ".join(f"WHEN {cond} THEN {zh}" for zh, cond, _ in checks) + " END"
        reason = "concat_ws('; ', " + ", ".join(f"CASE WHEN {cond} THEN {r} END" for _, cond, r in checks) + ")"
        # coalesce: a check that evaluates to NULL must not drop a row from both tables
        bad = " OR ".join(f"coalesce(({cond}), false)" for _, cond, _ in checks)
    else:
        first_col, reason, bad = "NULL", "''", "false"
    # A copy of the header inside the data (two downloads pasted together) gets one plain reason.
    header_row = header_row_condition(spec, set(present))
    first_col = f"CASE WHEN {header_row} THEN {sql_literal(spec.loaded_columns[0].zh)} ELSE {first_col} END"
    reason = f"CASE WHEN {header_row} THEN 'repeated header row (the header appears again inside the data)' ELSE {reason} END"
    return RowChecks(f"({header_row}) OR ({bad})", first_col, reason, summary_row_condition(spec, present))


def summary_row_condition(spec: ReportSpec, present: frozenset[str]) -> str:
    """True when an account, name or date cell of the row is one of the layout's summary words (汇总,
    均值 …): the report's own total or mean, which is no account."""
    cells = [c for c in spec.loaded_columns if c.en in present and c.pii is Pii.NONE
             and c.type in (ColumnType.ID, ColumnType.TEXT, ColumnType.TIMESTAMP)]
    if not (spec.summary_values and cells):
        return "false"
    words = ", ".join(sql_literal(v) for v in spec.summary_values)
    return " OR ".join(f"coalesce({c.loaded_name} IN ({words}), false)" for c in cells)


def stage_sql(spec: ReportSpec, columns: FileColumns, scan: str, checks: RowChecks, check_nul: bool) -> str:
    """`_stage`: the file's rows, cleaned and typed, each with whether it is bad (`_bad`). Each CTE
    computes once what the next reads by name (an expression written twice is computed twice, or
    for every row ahead of a CASE that would skip it). DECISIONLOG "The stage in layers"."""
    ctes = [("scanned", f"SELECT * FROM {scan}")]
    if columns.addresses:
        for name, exprs in (
                ("addresses", [f"{address} AS _address_{i}" for i, address in columns.addresses.items()]),
                ("province_cuts", [f"{province_cut_expr(f'_address_{i}')} AS _cut_{i}" for i in columns.addresses]),
                ("provinces", [f"{province_of_cut(f'_cut_{i}')} AS _province_{i}" for i in columns.addresses])):
            ctes.append((name, f"SELECT *,\n    {_listed(exprs)}\n  FROM {ctes[-1][0]}"))
    selects = [*columns.selects, columns.nul_column] if check_nul and columns.nul_column else list(columns.selects)
    ctes.append(("cleaned", f"SELECT\n    {_listed(selects)}\n  FROM {ctes[-1][0]}"))
    typed = [c for c in spec.loaded_columns if c.en in columns.present and c.type in TYPED]
    if typed:
        casts = [f"{typed_expr(c, c.loaded_name)} AS {typed_ref(c)}" for c in typed]
        ctes.append(("typed", f"SELECT *,\n    {_listed(casts)}\n  FROM cleaned"))
        # A typed column's text is kept only where its cast failed (the quarantine shows its shape, a
        # header row repeats its name): elsewhere it is NULL, and the stage does not hold it twice
        # (DECISIONLOG "The stage keeps a typed column's text only where its cast failed").
        text_kept = [f"CASE WHEN {typed_ref(c)} IS NULL THEN {c.loaded_name} END AS {c.loaded_name}" for c in typed]
        ctes.append(("text_where_cast_failed", f"SELECT * REPLACE (\n    {_listed(text_kept)})\n  FROM typed"))
    body = ",\n".join(f"{name} AS (\n  {sql}\n)" for name, sql in ctes)
    # A summary row is neither loaded nor quarantined: it is counted (raw.load_audit.rows_summary).
    return (f"CREATE TEMP TABLE _stage AS\nWITH {body}\n"
            f"SELECT *, ({checks.summary}) AS _summary, NOT ({checks.summary}) AND ({checks.bad}) AS _bad "
            f"FROM {ctes[-1][0]}")


def _listed(exprs: list[str]) -> str:
    return ",\n    ".join(exprs)


# Rows the CSV parser could not read at all (wrong field count, bad UTF-8), one per line DuckDB
# numbers from the file start; `skip` lines stand above data row 1.
def rejected_sql(skip: int) -> str:
    return f"""CREATE TEMP TABLE _rejected AS
SELECT line - {skip} AS data_row, min(column_name) AS column_name,
       string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
FROM _rejects GROUP BY line"""


def numbered_sql(with_rejects: bool) -> str:
    """`_numbered`: the stage with each row's number in the file. The stage holds the parsed rows in
    file order (DuckDB preserves a CSV scan's order into a table), so a row's rank among them, by the
    documented `rowid` pseudo-column, is its parsed number; with rejects, each parsed row is pushed
    down by the rejected rows before it (DECISIONLOG "Row numbers")."""
    parsed = "s.rowid - (SELECT min(rowid) FROM _stage) + 1"
    if not with_rejects:
        return f"CREATE TEMP VIEW _numbered AS SELECT s.*, {parsed} AS source_row FROM _stage s"
    return f"""CREATE TEMP TABLE _numbered AS
WITH rejected_gaps AS (
  SELECT data_row - row_number() OVER (ORDER BY data_row) AS parsed_before,
         row_number() OVER (ORDER BY data_row) AS rejected_so_far FROM _rejected
), parsed AS (
  SELECT s.*, {parsed} AS parsed_row FROM _stage s
)
SELECT p.* EXCLUDE (parsed_row), p.parsed_row + coalesce((SELECT max(g.rejected_so_far)
       FROM rejected_gaps g WHERE g.parsed_before < p.parsed_row), 0) AS source_row
FROM parsed p"""


def disagreeing_lines_sql(spec: ReportSpec, present: frozenset[str]) -> str | None:
    """For a layout of order lines: `_disagreeing`, the orders whose lines disagree on a value the layout
    says repeats per order (collapse.same), with those columns; None for other layouts."""
    same = [spec.column(en) for en in spec.collapse_same if en in present]
    if not (spec.collapse_by and same):
        return None
    key = spec.column(spec.collapse_by)
    differs_by_header: dict[str, list[str]] = {}  # one header may fill two columns (JD's 应付金额)
    for c in same:
        differs_by_header.setdefault(c.zh, []).append(
            f"count(DISTINCT coalesce(CAST({typed_ref(c)} AS VARCHAR), chr(1))) > 1")
    differs = [(zh, " OR ".join(conds)) for zh, conds in differs_by_header.items()]
    return f"""CREATE OR REPLACE TEMP TABLE _disagreeing AS
SELECT {typed_ref(key)} AS _order_key,
       concat_ws(', ', {', '.join(f"CASE WHEN {cond} THEN {sql_literal(zh)} END" for zh, cond in differs)}) AS _columns
FROM _numbered WHERE NOT _bad AND NOT _summary GROUP BY {typed_ref(key)}
HAVING {' OR '.join(cond for _, cond in differs)}"""


def checked_rows_sql(spec: ReportSpec, checks: RowChecks, with_disagreeing: bool) -> str:
    """`_checked`: the numbered rows with `_bad`, `_bad_column` and `_reason`, worked out only for the
    rows the quarantine takes. The lines of an order that disagree (`disagreeing_lines_sql`) are all
    bad: which line is right is unknown, and keeping the first would be a silent choice."""
    if not with_disagreeing:
        return (f"CREATE TEMP VIEW _checked AS SELECT *, {checks.first_col} AS _bad_column, {checks.reason} AS _reason "
                "FROM _numbered")
    key = spec.column(spec.collapse_by)
    disagree = (f"{sql_literal(key.zh)} || ' ' || d._order_key || ': its lines disagree on ' || d._columns || "
                "' (one value per order expected)'")
    return (f"CREATE TEMP VIEW _checked AS SELECT n.* REPLACE (n._bad OR d._order_key IS NOT NULL AS _bad), "
            f"CASE WHEN n._bad THEN {checks.first_col} ELSE split_part(d._columns, ', ', 1) END AS _bad_column, "
            f"CASE WHEN n._bad THEN {checks.reason} ELSE {disagree} END AS _reason "
            f"FROM _numbered AS n LEFT JOIN _disagreeing AS d ON n.{typed_ref(key)} = d._order_key")


def quarantine_rejected_sql(month: str, report_type: str, source_file: str, header: list[str], encoding: str) -> str:
    """The parser's rejects into raw.quarantine, with the header's name of their column."""
    columns = " ".join(f"WHEN column_name = 'c{i}' THEN {sql_literal(h)}" for i, h in enumerate(header))
    undecodable = sql_literal(f"undecodable bytes: not valid {encoding}")
    return f"""INSERT INTO raw.quarantine
SELECT {sql_literal(month)}, {sql_literal(report_type)}, {sql_literal(source_file)}, data_row,
       coalesce(CASE {columns or 'WHEN false THEN NULL'} END, column_name),
       CASE WHEN contains(error_type, 'INVALID ENCODING') THEN {undecodable}
            ELSE 'unreadable row (' || error_type || '): ' || message END
FROM _rejected"""


def quarantine_checked_sql(month: str, report_type: str, source_file: str) -> str:
    return (f"INSERT INTO raw.quarantine SELECT {sql_literal(month)}, {sql_literal(report_type)}, "
            f"{sql_literal(source_file)}, source_row, _bad_column, _reason FROM _checked WHERE _bad")


def raw_insert_sql(spec: ReportSpec, present: frozenset[str], month: str, source_file: str, platform: str,
                   shop_id: str) -> str:
    """The good rows of `_checked` into the report type's raw table. For a layout of order lines, one row
    per order: its amounts summed over its lines where the layout says so, every other value from its
    first line, which the layout's `same` columns were checked to repeat (DECISIONLOG "Platform layouts")."""
    derived = derived_amounts(spec, set(present))
    loaded = {c.en for c in spec.loaded_columns}
    target_cols = [*spec.loaded_columns, *(ORDERS.column(en) for en in derived if en not in loaded)]
    line_value = lambda c: derived.get(c.en) or typed_ref(c)  # noqa: E731
    filled = lambda c: c.en in present or c.en in derived  # noqa: E731
    insert = (f"INSERT INTO raw.{spec.table} (month, source_file, source_row, platform, shop_id, "
              f"{', '.join(c.loaded_name for c in target_cols)})")
    fixed = f"{sql_literal(month)}, {sql_literal(source_file)}"
    where = f"{sql_literal(platform)}, {sql_literal(shop_id)}"
    if spec.collapse_by:
        values = ", ".join(
            f"sum({line_value(c)})" if c.en in spec.collapse_sum and filled(c)
            else f"max({typed_ref(c)})" if c.en in spec.collapse_max
            else f"arg_min({typed_ref(c)}, source_row)" if c.en in present
            else f"CAST(NULL AS {sql_type(c)})" for c in target_cols)
        return (f"{insert}\nSELECT {fixed}, min(source_row), {where}, {values}\n"
                f"FROM _checked WHERE NOT _bad AND NOT _summary GROUP BY {typed_ref(spec.column(spec.collapse_by))}")
    values = ", ".join(line_value(c) if filled(c) else f"CAST(NULL AS {sql_type(c)})" for c in target_cols)
    return f"{insert}\nSELECT {fixed}, source_row, {where}, {values}\nFROM _checked WHERE NOT _bad AND NOT _summary"
