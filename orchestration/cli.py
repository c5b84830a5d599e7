"""`shopkpi`: materialise a month through Dagster and query the warehouse."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path

from .settings import (
    DAGSTER_STORAGE_ENV,
    DATA_DIR,
    DEMO_MONTH,
    EXPORTS_ENV,
    PROJECT_ROOT,
    WAREHOUSE_ENV,
    default_exports,
    default_published,
    default_warehouse,
)

SEARCH_PATH = "marts,intermediate,staging,reference,raw,main"


class CliError(Exception):
    """A one-line reason for the user; exit code 2 (bad input) or 1 (run failed)."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def _use_project_dagster_instance() -> None:
    """Runs go to the project's Dagster instance, so `shopkpi ui` shows them."""
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT))
    storage = Path(os.environ.setdefault(DAGSTER_STORAGE_ENV, str(DATA_DIR / "dagster")))
    os.environ.setdefault("SHOPKPI_DAGSTER_COMPUTE_LOGS", str(storage / "compute_logs"))
    storage.mkdir(parents=True, exist_ok=True)


def _failure_reason(result) -> str:
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error.cause is not None:
                error = error.cause
            return f"step {event.step_key} failed: {error.message.strip().splitlines()[-1]}"
    for event in result.all_events:
        data = event.event_specific_data
        if event.event_type_value == "ASSET_CHECK_EVALUATION" and not data.passed and data.severity.value == "ERROR":
            return f"check {data.check_name} failed"
    return "run failed"


def run_month(month: str, exports: Path, warehouse: Path, log_file: Path | None = None,
              job_name: str | None = None, published: Path | None = None, reason: str | None = None):
    """Execute the monthly job for one partition in the project's Dagster instance.

    With `log_file`, dbt's console output and Dagster's debug log go to that
    file instead of the terminal (the run's full event log stays in Dagster).
    """
    import contextlib

    from dagster import DagsterInstance

    from .definitions import build_definitions
    from .jobs import MONTHLY_JOB_NAME, PUBLISH_JOB_NAME
    from .partitions import partition_key_of

    _use_project_dagster_instance()
    defs = build_definitions(warehouse=str(warehouse), exports=str(exports), published=str(published) if published else None)
    job = defs.resolve_job_def(job_name or MONTHLY_JOB_NAME)
    run_config = {"loggers": {"console": {"config": {"log_level": "WARNING" if log_file else "DEBUG"}}}}
    if job.name == PUBLISH_JOB_NAME:
        run_config["ops"] = {"published__scorecards": {"config": {"reason": reason}}}
    with contextlib.ExitStack() as stack:
        if log_file is not None:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            stack.enter_context(contextlib.redirect_stdout(stack.enter_context(log_file.open("w", encoding="utf-8"))))
        instance = stack.enter_context(DagsterInstance.get())
        return job.execute_in_process(
            partition_key=partition_key_of(month),
            instance=instance,
            run_config=run_config,
            raise_on_error=False,
            tags={"shopkpi/cli": "materialize"},
        )


def cmd_materialize(args: argparse.Namespace) -> int:
    _check_month(args.month)
    exports, warehouse = Path(args.exports).resolve(), Path(args.warehouse).resolve()
    if not exports.is_dir():
        raise CliError(f"exports folder not found: {exports}")
    log_file = None if args.verbose else DATA_DIR / "logs" / f"materialize-{args.month}.log"
    started = time.perf_counter()
    result = run_month(args.month, exports, warehouse, log_file=log_file)
    elapsed = time.perf_counter() - started
    if not result.success:
        raise CliError(f"{args.month}: {_failure_reason(result)} (run {result.run_id})", code=1)
    checks = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    failed = [c.check_name for c in checks if not c.passed and c.severity.value == "ERROR"]
    warned = [c.check_name for c in checks if not c.passed and c.severity.value != "ERROR"]
    print(f"materialised {args.month} from {exports}")
    print(f"  warehouse   {warehouse}")
    print(f"  dagster run {result.run_id}")
    print(f"  assets      {len(result.get_asset_materialization_events())} materialised")
    print(f"  checks      {len(checks) - len(failed) - len(warned)}/{len(checks)} passed"
          + (f"; blocking failed: {', '.join(failed)}" if failed else "")
          + (f"; warnings: {', '.join(warned)} (see `shopkpi audit --month {args.month}`)" if warned else ""))
    print(f"  wall time   {elapsed:.1f} s")
    if log_file:
        print(f"  dbt log     {log_file}")
    _print_rows(*_query(warehouse, "select kpi_id, name_zh, name_en, value, numerator, denominator from kpi_store_monthly "
                        f"where month = '{args.month}' order by kpi_id"), fmt="table")
    return 1 if failed else 0


def _query(warehouse: Path, sql: str) -> tuple[list[str], list[tuple]]:
    import duckdb

    if not warehouse.exists():
        raise CliError(f"warehouse not found: {warehouse} (run `shopkpi materialize` first)")
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise CliError(f"cannot open {warehouse}: {exc}") from None
    try:
        con.execute(f"SET search_path = '{SEARCH_PATH}'")
        cursor = con.execute(sql)
        if cursor.description is None:
            return [], []
        return [d[0] for d in cursor.description], cursor.fetchall()
    except duckdb.Error as exc:
        raise CliError(str(exc).splitlines()[0]) from None
    finally:
        con.close()


def _plain(value):
    from decimal import Decimal

    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value.normalize())
    return value


def _print_rows(columns: list[str], rows: list[tuple], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps([{c: _plain(v) for c, v in zip(columns, r)} for r in rows], ensure_ascii=False, default=str, indent=1))
    elif fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([[_plain(v) for v in r] for r in rows])
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns, show_lines=False)
        for r in rows:
            table.add_row(*["NULL" if v is None else str(_plain(v)) for v in r])
        Console(width=max(120, Console().width)).print(table)
        print(f"({len(rows)} rows)")


def _check_month(month: str) -> None:
    from .partitions import partition_key_of

    try:
        partition_key_of(month)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def cmd_publish(args: argparse.Namespace) -> int:
    _check_month(args.month)
    exports, warehouse = Path(args.exports).resolve(), Path(args.warehouse).resolve()
    if not exports.is_dir():
        raise CliError(f"exports folder not found: {exports}")
    log_file = None if args.verbose else DATA_DIR / "logs" / f"publish-{args.month}.log"
    result = run_month(args.month, exports, warehouse, log_file=log_file, job_name="monthly_publish",
                       published=Path(args.published).resolve(), reason=args.reason)
    published = [e for e in result.get_asset_materialization_events()
                 if e.asset_key.to_user_string() == "published/scorecards"]
    if not result.success or not published:
        raise CliError(f"{args.month}: not published: {_failure_reason(result)} (run {result.run_id})", code=1)
    meta = published[0].step_materialization_data.materialization.metadata
    print(meta["message"].value)
    if meta["written"].value:
        print(f"  report     {meta['report'].value}")
        print(f"  data docs  {meta['data_docs'].value}")
    return 0


def _compact(value) -> str:
    if isinstance(value, list):
        return "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) if isinstance(row, dict) else str(row)
                         for row in value[:5]) + (f" (+{len(value) - 5} more)" if len(value) > 5 else "")
    return str(value)


def cmd_audit(args: argparse.Namespace) -> int:
    _check_month(args.month)
    warehouse = Path(args.warehouse).resolve()
    (loaded,) = _query(warehouse, f"select count(*) from raw.load_audit where month = '{args.month}'")[1][0]
    if not loaded:
        raise CliError(f"{args.month} is not loaded in {warehouse}: run `shopkpi materialize --month {args.month}` first")
    from .checks.audit import run_audit

    report = run_audit(warehouse, args.month, Path(args.published).resolve())
    if args.format == "json":
        print(json.dumps(report.summary(), ensure_ascii=False, indent=2, default=str))
        return 0 if report.ok else 1
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 140))
    verdict = "[green]PASS[/green]: nothing blocking failed" if report.ok else "[red]FAIL[/red]: blocking checks failed"
    console.print(f"[bold]数据质量审计 Data-quality audit · {args.month}[/bold]  {verdict}")
    summary = report.summary()["severities"]
    t = Table("severity", "suites", "expectations", "passed", "failed")
    for sev, label in (("blocking", "blocking 阻断"), ("warning", "warning 警告")):
        v = summary[sev]
        t.add_row(label, str(v["suites"]), str(v["expectations"]), str(v["passed"]),
                  ", ".join(v["failed"]) or "-", style="red" if sev == "blocking" and v["failed"] else None)
    console.print(t)
    if report.findings:
        t = Table("severity", "suite", "rule", "count", "rows", title="Findings 问题")
        for f in report.findings:
            t.add_row(f["severity"], f["suite"], f["rule"], str(f["count"]), _compact(f["rows"]))
        console.print(t)
    t = Table("reconciliation", "file", "measure", "upstream", "downstream", "", title="Reconciliation 对账 (to the cent)")
    for r in report.reconciliation:
        fmt = "{:,.0f}" if "rows" in r["measure"] else "{:,.2f}"
        t.add_row(r["reconciliation"], r["source_file"], r["measure"], fmt.format(r["upstream"]), fmt.format(r["downstream"]),
                  "ok" if r["finding"] is None else "[red]MISMATCH[/red]")
    console.print(t)
    t = Table("report", "file", "read", "loaded", "quarantined", "", title="Rows read = loaded + quarantined 行数核对")
    for r in report.load_reconciliation:
        t.add_row(r["report_type"], r["source_file"], str(r["rows_read"]), str(r["rows_in_table"]),
                  str(r["rows_in_quarantine"]), "ok" if r["reconciles"] else "[red]MISMATCH[/red]")
    console.print(t)
    if report.platform_summary:
        t = Table("measure", "platform 平台", "marts", "relative error", "", title="Platform summary vs marts 平台汇总核对 (< 5%)")
        for r in report.platform_summary:
            err = r["relative_error"]
            t.add_row(r["measure"], f"{r['platform_value']:,.2f}", f"{r['marts_value']:,.2f}", f"{err:.4%}" if err is not None else "-",
                      "ok" if r["finding"] is None else "[red]OFF[/red]")
        console.print(t)
    else:
        console.print("Platform summary 平台汇总: none in this month's exports (nothing to compare)")
    if report.quarantine:
        t = Table("report", "file", "column", "reason", "rows", title="Quarantined rows by reason 隔离行")
        for r in report.quarantine:
            t.add_row(r["report_type"], r["source_file"], str(r["column_name"] or ""), r["reason_kind"], str(r["rows"]))
        console.print(t)
    else:
        console.print("Quarantined rows 隔离行: none")
    console.print(f"Data Docs   {report.data_docs / 'index.html'}")
    console.print(f"Summary     {report.data_docs / 'audit.html'}")
    console.print(f"Audit time  {report.seconds:.1f} s")
    return 0 if report.ok else 1


STATUS_LABELS = {"pass": "达标 pass", "fail": "未达标 fail", "no_data": "无数据 no data", "unscored": "不计分 unscored"}


def cmd_scorecard(args: argparse.Namespace) -> int:
    _check_month(args.month)
    role_filter = f"and s.role = '{args.role.replace(chr(39), '')}'" if args.role else ""
    columns, rows = _query(Path(args.warehouse).resolve(), f"""
        select s.role, r.name_zh as role_zh, r.name_en as role_en, s.employee_id, s.kpi_id, s.name_zh, s.value,
               s.comparator, s.target, s.status, s.score, s.weighted_total, s.rank_in_role, s.is_part_month
        from marts.scorecard_employee_monthly s join reference.role_catalog r on s.role = r.role
        where s.month = '{args.month}' {role_filter}
        order by r.section, s.rank_in_role nulls last, s.employee_id,
                 case s.status when 'fail' then 0 when 'pass' then 1 when 'no_data' then 2 else 3 end, s.kpi_id""")
    if not rows:
        raise CliError(f"no scorecard for {args.month}{' role ' + args.role if args.role else ''} "
                       "(materialise the month first; roles: see reference.role_catalog)")
    if args.format != "table":
        _print_rows(columns, rows, fmt=args.format)
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(150, Console().width))
    current, table = None, None
    for (role, role_zh, role_en, emp, kpi_id, name_zh, value, comparator, target, status, score, total, rank, part) in rows:
        if role != current:
            if table is not None:
                console.print(table)
            current = role
            table = Table(title=f"{role_zh} {role_en} · {args.month}", title_justify="left")
            table.add_column("员工 Employee", no_wrap=True)
            table.add_column("指标 KPI", no_wrap=True, min_width=36)
            for header in ("数值 Value", "目标 Target", "状态 Status", "得分 Score", "总分 Total", "排名 Rank"):
                table.add_column(header, no_wrap=True, justify="left" if header.startswith("状态") else "right")
        fmt = lambda v: "—" if v is None else str(_plain(v))  # noqa: E731
        table.add_row(emp + (" *" if part else ""), f"{name_zh} ({kpi_id})", fmt(value),
                      "" if target is None else f"{comparator} {fmt(target)}", STATUS_LABELS[status], fmt(score),
                      fmt(total), fmt(rank))
    console.print(table)
    print("* 本月入职或离职 joined or left during the month")
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    _check_month(args.start)
    _check_month(args.end)
    months, year, mon = [], int(args.start[:4]), int(args.start[5:7])
    while f"{year:04d}-{mon:02d}" <= args.end:
        months.append(f"{year:04d}-{mon:02d}")
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    if not months:
        raise CliError(f"--from {args.start} is after --to {args.end}")
    exports, warehouse = Path(args.exports).resolve(), Path(args.warehouse).resolve()
    failures = []
    with Progress() as progress:
        task = progress.add_task("backfill", total=len(months))
        for month in months:
            progress.update(task, description=f"materialising {month}")
            result = run_month(month, exports, warehouse, log_file=DATA_DIR / "logs" / f"backfill-{month}.log")
            if not result.success:
                failures.append(f"{month}: {_failure_reason(result)}")
                progress.console.print(f"[red]{month} failed[/red]: {failures[-1]}")
            progress.advance(task)
    print(f"backfilled {len(months) - len(failures)}/{len(months)} months into {warehouse}")
    if failures:
        raise CliError("; ".join(failures), code=1)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Simulate the demo month's other exports beside the real orders, then materialise it."""
    from .settings import DEFAULT_EXPORTS

    exports_root = DATA_DIR / "exports"
    print(f"simulating the {DEMO_MONTH} exports beside the real order report into {exports_root / DEMO_MONTH}")
    cmd_simulate(argparse.Namespace(orders=str(DEFAULT_EXPORTS), out=str(exports_root / DEMO_MONTH), month=DEMO_MONTH,
                                    seed=args.seed, orders_per_month=None, copy_orders=True))
    return cmd_materialize(argparse.Namespace(month=DEMO_MONTH, exports=str(exports_root), warehouse=args.warehouse,
                                              verbose=args.verbose))


def cmd_query(args: argparse.Namespace) -> int:
    _print_rows(*_query(Path(args.warehouse).resolve(), args.sql), fmt=args.format)
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from .simulator import simulate

    if args.month:
        _check_month(args.month)
    if args.orders_per_month is None and not Path(args.orders).is_dir():
        raise CliError(f"orders folder not found: {args.orders}")
    started = time.perf_counter()
    try:
        result = simulate(Path(args.orders), Path(args.out), month=args.month, seed=args.seed,
                          orders_per_month=args.orders_per_month, copy_orders=args.copy_orders)
    except (FileNotFoundError, ValueError) as exc:
        raise CliError(str(exc)) from None
    elapsed = time.perf_counter() - started
    total = sum(result.rows.values())
    print(f"simulated {result.month} into {result.out} (seed {args.seed})")
    for name, count in sorted(result.rows.items()):
        print(f"  {name:<16} {count:>10,} rows")
    synthesised = f", plus {args.orders_per_month:,} synthesised orders" if args.orders_per_month else ""
    print(f"  {total:,} rows in {elapsed:.1f} s ({total / max(elapsed, 1e-9):,.0f} rows/s){synthesised}")
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    import subprocess

    _use_project_dagster_instance()
    os.environ[WAREHOUSE_ENV] = str(Path(args.warehouse).resolve())
    os.environ[EXPORTS_ENV] = str(Path(args.exports).resolve())
    dagster = Path(sys.executable).parent / "dagster"
    return subprocess.call([str(dagster), "dev", "-m", "orchestration.definitions", "-p", str(args.port)], cwd=PROJECT_ROOT)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shopkpi",
        description="E-commerce team KPI warehouse: platform exports -> DuckDB -> dbt KPI marts, run by Dagster.",
        epilog="Exit codes: 0 ok, 1 a run or check failed, 2 bad input. Docs: README.md, DECISIONLOG.md.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    warehouse_help = f"DuckDB warehouse file (default: ${WAREHOUSE_ENV} or data/warehouse.duckdb)"

    m = sub.add_parser("materialize", help="build one month end to end (a real Dagster run)",
                       description="Load the month's exports, run dbt build and the GX checks as one Dagster run "
                                   "of the partitioned job 'monthly_kpis'; the run shows in `shopkpi ui`.")
    m.add_argument("--month", default=DEMO_MONTH, help=f"partition YYYY-MM (default {DEMO_MONTH})")
    m.add_argument("--exports", default=str(default_exports()),
                   help="folder of the month's platform downloads, or a root with one YYYY-MM folder per month "
                        f"(default: ${EXPORTS_ENV} or the shared real export)")
    m.add_argument("--warehouse", default=str(default_warehouse()), help=warehouse_help)
    m.add_argument("-v", "--verbose", action="store_true", help="stream dbt's output and Dagster's debug log")
    m.set_defaults(func=cmd_materialize)

    d = sub.add_parser("demo", help=f"simulate and materialise the demo month {DEMO_MONTH} end to end",
                       description="Copy the real Taobao order export into data/exports/2017-05, simulate every other "
                                   "export beside it, and materialise the month (what `./run.sh demo` runs).")
    d.add_argument("--seed", type=int, default=42)
    d.add_argument("--warehouse", default=str(default_warehouse()), help=warehouse_help)
    d.add_argument("-v", "--verbose", action="store_true", help="stream dbt's output and Dagster's debug log")
    d.set_defaults(func=cmd_demo)

    p = sub.add_parser("publish", help="build a month and publish its scorecards (immutable, versioned)",
                       description="Run the 'monthly_publish' job for the month: build, check, and when every blocking "
                                   "check passes write published/YYYY-MM/vN/ (Parquet, CSV, XLSX, HTML report, manifest). "
                                   "Unchanged inputs: nothing is written. Changed inputs: refused unless --reason is given.")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--reason", help="why a new version of an already published month is needed")
    p.add_argument("--exports", default=str(DATA_DIR / "exports"), help="exports folder or per-month root (default data/exports)")
    p.add_argument("--warehouse", default=str(default_warehouse()), help=warehouse_help)
    p.add_argument("--published", default=str(default_published()), help="publication root (default: published/)")
    p.add_argument("-v", "--verbose", action="store_true", help="stream dbt's output and Dagster's debug log")
    p.set_defaults(func=cmd_publish)

    a = sub.add_parser("audit", help="run every data-quality check of a month and build its Data Docs",
                       description="Re-run every Great Expectations suite (raw, staging, marts, reconciliation, accuracy) "
                                   "against the warehouse, build GX Data Docs into published/YYYY-MM/data-docs/ and print "
                                   "checks by severity, findings, reconciliations and quarantined rows. "
                                   "Exit code 0 only when nothing blocking failed.")
    a.add_argument("--month", required=True, help="YYYY-MM")
    a.add_argument("--warehouse", default=str(default_warehouse()), help=warehouse_help)
    a.add_argument("--published", default=str(default_published()), help="publication root (default: published/)")
    a.add_argument("--format", choices=["table", "json"], default="table")
    a.set_defaults(func=cmd_audit)

    c = sub.add_parser("scorecard", help="show a month's scorecard in the terminal",
                       description="Per employee: each KPI's value, target, status, score, weighted total and rank.")
    c.add_argument("--month", required=True, help="YYYY-MM")
    c.add_argument("--role", help="role id, e.g. customer_service (see reference.role_catalog)")
    c.add_argument("--warehouse", default=str(default_warehouse()), help=warehouse_help)
    c.add_argument("--format", choices=["table", "csv", "json"], default="table")
    c.set_defaults(func=cmd_scorecard)

    b = sub.add_parser("backfill", help="materialise a range of months, with a progress bar")
    b.add_argument("--from", dest="start", required=True, help="first month YYYY-MM")
    b.add_argument("--to", dest="end", required=True, help="last month YYYY-MM")
    b.add_argument("--exports", default=str(DATA_DIR / "exports"), help="root holding one YYYY-MM folder per month")
    b.add_argument("--warehouse", default=str(default_warehouse()), help=warehouse_help)
    b.set_defaults(func=cmd_backfill)

    q = sub.add_parser("query", help="run read-only SQL on the warehouse",
                       description="Run SQL on the warehouse, opened read-only. Unqualified names resolve in "
                                   f"{SEARCH_PATH}, so `select * from kpi_store_monthly` works.")
    q.add_argument("sql", help='e.g. "select * from kpi_store_monthly"')
    q.add_argument("--warehouse", default=str(default_warehouse()), help=warehouse_help)
    q.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default table)")
    q.set_defaults(func=cmd_query)

    s = sub.add_parser("simulate", help="write the platform exports no public download has, from an order report",
                       description="Seeded, deterministic generator of traffic, ads, campaigns, customer service, "
                                   "after-sales, reviews, design, listing, analyst, logistics, market and staff exports, "
                                   "consistent with the orders it is given. Same seed, same bytes.")
    s.add_argument("--orders", default=str(default_exports()), help="folder holding the month's order report")
    s.add_argument("--out", required=True, help="folder to write the exports into")
    s.add_argument("--month", help="YYYY-MM (default: the month with most orders)")
    s.add_argument("--seed", type=int, default=42)
    s.add_argument("--orders-per-month", type=int, help="synthesise this many orders (Taobao layout) into --out first")
    s.add_argument("--copy-orders", action="store_true", help="also copy the given order/line/item reports into --out")
    s.set_defaults(func=cmd_simulate)

    u = sub.add_parser("ui", help="start the Dagster UI on this project's instance")
    u.add_argument("--port", type=int, default=3000)
    u.add_argument("--warehouse", default=str(default_warehouse()), help=warehouse_help)
    u.add_argument("--exports", default=str(default_exports()), help="exports folder or per-month root")
    u.set_defaults(func=cmd_ui)
    return parser


def main(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"shopkpi: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """Console-script entry point.

    After the command has finished and its output is flushed, stderr is pointed
    at /dev/null for interpreter teardown only: DuckDB 2.0's nanobind bindings
    print spurious "leaked instance" reports at exit after pandas conversions.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    sys.exit(code)


if __name__ == "__main__":
    run()
