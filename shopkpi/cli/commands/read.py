"""Reading the warehouse: `shopkpi query` and `shopkpi scorecard`."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ...scoring.config import STATUS_LABELS
from ..errors import CliError, checked_month, first_line
from ..render import console, plain, print_rows, print_stream

SEARCH_PATH = "marts,intermediate,staging,reference,raw,main"


READ_STATEMENTS = ("SELECT", "EXPLAIN")  # DuckDB parses WITH, DESCRIBE, SHOW, SUMMARIZE, FROM and VALUES as SELECT


def check_read_only_statement(sql: str) -> None:
    """The one read statement in `sql`, or a CliError: no writes, no ATTACH/COPY/INSTALL/SET/PRAGMA,
    no second statement."""
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise CliError(first_line(str(exc))) from None
    if not statements:
        raise CliError('no SQL given: e.g. shopkpi query "select * from kpi_store_monthly limit 5" '
                       "(`shopkpi tables` lists the tables)")
    if len(statements) > 1:
        raise CliError(f"one statement at a time, got {len(statements)}")
    kind = statements[0].type.name
    if kind not in READ_STATEMENTS:
        raise CliError(f"the warehouse is read-only here: {kind} is not allowed "
                       "(SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN only)")


def spark_table_dirs() -> list[str]:
    """On the Spark engine the warehouse's views read the Parquet of the tables Spark built: its
    warehouse dir and the schemas of empty tables. Readers may open those files, never the raw lake."""
    from ...lake import default_lake, spark_read_dirs

    return [str(p) + "/" for p in spark_read_dirs(default_lake()) if p.is_dir()]


# Limits of a reader's query (`shopkpi query`, `scorecard`, …): a runaway statement (a recursive CTE
# without end, a cross join) stops with a one-line error instead of running until killed.
TIMEOUT_ENV, DEFAULT_TIMEOUT_S = "SHOPKPI_QUERY_TIMEOUT", 300.0
MEMORY_ENV, DEFAULT_QUERY_MEMORY = "SHOPKPI_QUERY_MEMORY_LIMIT", "4GB"
_MEMORY_SIZE = re.compile(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.I)
FETCH_BATCH = 10_000  # rows fetched at a time: a result streams, it is never held whole for csv and json


def query_timeout(given: float | None = None) -> float:
    """Seconds a query may run (0: no limit): --timeout, else $SHOPKPI_QUERY_TIMEOUT, else 300."""
    if given is not None:
        return given
    text = os.environ.get(TIMEOUT_ENV, "")
    try:
        return float(text) if text else DEFAULT_TIMEOUT_S
    except ValueError:
        raise CliError(f"{TIMEOUT_ENV}={text!r} is not a number of seconds") from None


def query_memory_limit() -> str:
    text = os.environ.get(MEMORY_ENV, DEFAULT_QUERY_MEMORY).strip()
    if not _MEMORY_SIZE.fullmatch(text):
        raise CliError(f"{MEMORY_ENV}={text!r} is not a size such as 4GB or 512MB")
    return text


@dataclass
class QueryResult:
    columns: list[str]
    cursor: Any

    def first(self, count: int) -> tuple[list[tuple], bool]:
        """At most `count` rows, and whether the result has more."""
        rows = self.cursor.fetchmany(count + 1) if self.columns else []
        return rows[:count], len(rows) > count

    def batches(self) -> Iterator[list[tuple]]:
        while self.columns and (rows := self.cursor.fetchmany(FETCH_BATCH)):
            yield rows


@contextlib.contextmanager
def open_query(warehouse: Path, sql: str, params: list | None = None,
               timeout: float | None = None) -> Iterator[QueryResult]:
    """Run one read statement on the warehouse's reader snapshot (the last completed state; a run
    never locks it), opened read-only with external access disabled (no ATTACH, COPY … TO, file
    readers or extension installs; on Spark only the files of Spark's tables are readable), a memory
    cap and its configuration locked; values the user typed go in as parameters. Rows are fetched as
    they are read, and the statement is interrupted after the time limit, fetching included. A
    rebuild going on or broken off is noted on stderr."""
    import duckdb

    from ...snapshot import reader_note, snapshot_path

    check_read_only_statement(sql)
    seconds, memory = query_timeout(timeout), query_memory_limit()
    snapshot = snapshot_path(warehouse)
    if not snapshot.exists():
        raise CliError(f"no completed build of {warehouse} yet ({snapshot.name} is written when a run completes): "
                       "run `shopkpi materialize` first")
    try:
        con = duckdb.connect(str(snapshot), read_only=True)
        allowed = spark_table_dirs()
        if allowed:
            con.execute("SET allowed_directories = ?", [allowed])
        con.execute("SET enable_external_access = false")
    except duckdb.Error as exc:
        raise CliError(f"cannot open {snapshot}: {exc}") from None
    timer = threading.Timer(seconds, con.interrupt) if seconds > 0 else None
    try:
        note = reader_note(warehouse, con)
        if note:
            print(note, file=sys.stderr)
        con.execute(f"SET search_path = '{SEARCH_PATH}'")
        con.execute(f"SET memory_limit = '{memory}'")  # checked against _MEMORY_SIZE above
        con.execute("SET enable_progress_bar = false")  # it would write into stdout: the result, csv or json
        con.execute("SET lock_configuration = true")
        if timer is not None:
            timer.daemon = True
            timer.start()
        cursor = con.execute(sql, params or [])
        yield QueryResult([d[0] for d in cursor.description] if cursor.description else [], cursor)
    except duckdb.InterruptException:
        raise CliError(f"the query ran longer than {seconds:g} s and was stopped "
                       f"(--timeout SECONDS or {TIMEOUT_ENV} allows more; 0: no limit)") from None
    except duckdb.OutOfMemoryException:
        raise CliError(f"the query needs more memory than its limit of {memory} "
                       f"({MEMORY_ENV} raises it)") from None
    except duckdb.Error as exc:
        raise CliError(first_line(str(exc))) from None
    finally:
        if timer is not None:
            timer.cancel()
        con.close()


def query(warehouse: Path, sql: str, params: list | None = None,
          timeout: float | None = None) -> tuple[list[str], list[tuple]]:
    """`open_query`'s columns and every row (for results known to be small: the CLI's own queries)."""
    with open_query(warehouse, sql, params, timeout) as result:
        return result.columns, [row for batch in result.batches() for row in batch]


def cmd_query(args: argparse.Namespace) -> int:
    with open_query(Path(args.warehouse).resolve(), args.sql, timeout=args.timeout) as result:
        if args.format in ("csv", "json"):
            print_stream(result.columns, result.batches(), fmt=args.format)
        elif args.limit:
            rows, more = result.first(args.limit)
            print_rows(result.columns, rows, fmt=args.format, more=more)
        else:
            print_rows(result.columns, [row for batch in result.batches() for row in batch], fmt=args.format)
    return 0


DESCRIBED_SCHEMAS = "('marts', 'intermediate', 'staging', 'reference', 'raw', 'quality', 'meta')"
TABLES_SQL = f"""
    select table_schema, table_name, count(*) as columns
    from information_schema.columns
    where table_schema in {DESCRIBED_SCHEMAS}
      and (? or table_schema = 'marts')
    group by table_schema, table_name
    order by case table_schema when 'marts' then 0 when 'reference' then 1 else 2 end, 1, 2"""

COLUMNS_SQL = f"""
    select table_schema, column_name, data_type from information_schema.columns
    where table_name = ? and (? is null or table_schema = ?)
      and table_schema in {DESCRIBED_SCHEMAS}
    order by case table_schema when 'marts' then 0 when 'intermediate' then 1 when 'staging' then 2 else 3 end,
             ordinal_position"""


def model_docs() -> dict[str, dict]:
    """Each dbt model's and seed's description and column descriptions, from the project's .yml files."""
    import yaml

    from ...settings import DBT_PROJECT_DIR

    docs = {}
    for path in sorted(DBT_PROJECT_DIR.glob("models/**/*.yml")) + sorted(DBT_PROJECT_DIR.glob("seeds/**/*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for node in (content.get("models") or []) + (content.get("seeds") or []):
            docs[node["name"]] = {"description": " ".join((node.get("description") or "").split()),
                                  "columns": {c["name"]: " ".join((c.get("description") or "").split())
                                              for c in node.get("columns") or []}}
    return docs


def print_described(columns: list[str], rows: list[tuple], fmt: str) -> None:
    """Names with their descriptions: in the terminal the description wraps instead of being cut."""
    if fmt != "table":
        print_rows(columns, rows, fmt=fmt, limit=0)
        return
    from rich.table import Table

    table = Table(*columns[:-1], show_lines=True)
    table.add_column(columns[-1], overflow="fold", ratio=1)
    for row in rows:
        table.add_row(*[str(v) for v in row])
    console().print(table)


def cmd_tables(args: argparse.Namespace) -> int:
    warehouse = Path(args.warehouse).resolve()
    docs = model_docs()
    if not args.table:
        _, rows = query(warehouse, TABLES_SQL, [args.all])
        print_described(["table", "columns", "description"],
                        [(f"{schema}.{name}", n, docs.get(name, {}).get("description", "")) for schema, name, n in rows],
                        args.format)
        print("`shopkpi tables <table>` lists its columns" + ("" if args.all else "; --all lists every schema"))
        return 0
    schema, _, name = args.table.rpartition(".")
    _, rows = query(warehouse, COLUMNS_SQL, [name, schema or None, schema or None])
    if not rows:
        raise CliError(f"no table {args.table!r} in the warehouse (`shopkpi tables --all` lists them)")
    first_schema = rows[0][0]
    described = docs.get(name, {})
    if described.get("description"):
        print(f"{first_schema}.{name}: {described['description']}")
    print_described(["column", "type", "description"],
                    [(column, type_, described.get("columns", {}).get(column, ""))
                     for schema_, column, type_ in rows if schema_ == first_schema], args.format)
    return 0


SCORECARD_SQL = """
    select s.role, r.name_zh as role_zh, r.name_en as role_en, s.employee_id, s.employee_name, s.kpi_id, s.name_zh, s.value,
           s.comparator, s.target, s.status, s.score, s.weighted_total, s.rank_in_role, s.is_part_month
    from marts.scorecard_employee_monthly s join reference.role_catalog r on s.role = r.role
    where s.month = ? and s.shop_id = ? and (? is null or s.role = ?)
    order by r.section, s.rank_in_role nulls last, s.employee_id,
             case s.status when 'fail' then 0 when 'pass' then 1 when 'no_data' then 2 else 3 end, s.kpi_id"""


SHOP_KPIS_SQL = """
    select k.shop_id, k.platform, k.kpi_id, k.name_zh, k.name_en, k.value, k.numerator, k.denominator
    from marts.kpi_store_monthly k
    where k.month = ? and k.shop_id = ?
    order by k.platform <> 'all', k.platform, k.kpi_id"""


def print_shop_kpis(args: argparse.Namespace) -> None:
    """The store KPIs of one shop (its platform's rows), or of the company ('all': company and per platform)."""
    warehouse = Path(args.warehouse).resolve()
    columns, rows = query(warehouse, SHOP_KPIS_SQL, [args.month, args.shop])
    if not rows:
        known = [s for (s,) in query(warehouse, "select distinct shop_id from marts.kpi_store_monthly where month = ? "
                                                "order by 1", [args.month])[1]]
        raise CliError(f"no store KPIs for shop {args.shop!r} in {args.month} (shops that month: {', '.join(known) or 'none'})")
    if args.format != "table":
        print_rows(columns, rows, fmt=args.format)
        return
    from rich.table import Table

    out = console(150)
    for platform in dict.fromkeys(r[1] for r in rows):
        title = ("公司 Company" if args.shop == "all" and platform == "all" else
                 f"公司·{platform} Company on {platform}" if args.shop == "all" else f"{args.shop} ({platform})")
        table = Table(title=f"店铺指标 Store KPIs · {title} · {args.month}", title_justify="left")
        for header in ("指标 KPI", "数值 Value", "分子 Numerator", "分母 Denominator"):
            table.add_column(header, justify="left" if header.startswith("指标") else "right", no_wrap=True)
        fmt = lambda v: "—" if v is None else str(plain(v))  # noqa: E731
        for _, _, kpi_id, name_zh, name_en, value, num, den in (r for r in rows if r[1] == platform):
            table.add_row(f"{name_zh} {name_en} ({kpi_id})", fmt(value), fmt(num), fmt(den))
        out.print(table)


def cmd_scorecard(args: argparse.Namespace) -> int:
    checked_month(args.month)
    shop = args.shop or "all"
    if args.shop:
        print_shop_kpis(args)
    columns, rows = query(Path(args.warehouse).resolve(), SCORECARD_SQL, [args.month, shop, args.role, args.role])
    if args.shop and args.shop != "all" and not rows and not args.role:
        return 0  # the shop's store KPIs; nobody is scored per shop there
    if not rows and args.role:
        roles = [r for (r,) in query(Path(args.warehouse).resolve(),
                                     "select role from reference.role_catalog where role <> 'store' order by 1")[1]]
        if args.role not in roles:
            raise CliError(f"no role {args.role!r}; roles: {', '.join(roles)}")
    if not rows:
        raise CliError(f"no scorecard for {args.month}{' role ' + args.role if args.role else ''} "
                       "(materialise the month first; roles: see reference.role_catalog)")
    if args.format != "table":
        print_rows(columns, rows, fmt=args.format)
        return 0
    from rich.table import Table

    out = console(150)
    current, table = None, None
    for (role, role_zh, role_en, emp, emp_name, kpi_id, name_zh, value, comparator, target, status, score, total, rank,
         part) in rows:
        if role != current:
            if table is not None:
                out.print(table)
            current = role
            scope = "" if shop == "all" else f" · {shop}"
            table = Table(title=f"{role_zh} {role_en}{scope} · {args.month}", title_justify="left")
            table.add_column("员工 Employee", no_wrap=True)
            table.add_column("指标 KPI", no_wrap=True, min_width=36)
            for header in ("数值 Value", "目标 Target", "状态 Status", "得分 Score", "总分 Total", "排名 Rank"):
                table.add_column(header, no_wrap=True, justify="left" if header.startswith("状态") else "right")
        fmt = lambda v: "—" if v is None else str(plain(v))  # noqa: E731
        table.add_row(emp + (f" {emp_name}" if emp_name else "") + (" *" if part else ""), f"{name_zh} ({kpi_id})", fmt(value),
                      "" if target is None else f"{comparator} {fmt(target)}", STATUS_LABELS[status], fmt(score),
                      fmt(total), fmt(rank))
    out.print(table)
    print("* 本月入职或离职 joined or left during the month")
    return 0
