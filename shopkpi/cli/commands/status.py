"""`shopkpi status`: every month the warehouse knows, loaded, built for readers, published (the newest
version), failed or being rebuilt, with what to do next."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from ..render import print_rows


def month_states(warehouse: Path, published: Path, runs: dict[str, tuple[str, str]] | None = None) -> list[tuple]:
    """(month, files loaded, built for readers, published, last run, state, next step) per month, newest first.
    `runs`: month -> (status, time) of its last Dagster run, when known."""
    import duckdb

    from ... import warehouse as warehouse_db
    from ...publish.publisher import latest_version
    from ...snapshot import read_build, snapshot_path

    loaded, unfinished, built = {}, {}, {}
    if warehouse.exists():
        with warehouse_db.connect(warehouse, read_only=True) as con:
            if warehouse_db.table_exists(con, "raw", "load_audit"):
                loaded = dict(con.execute("select month, count(*) from raw.load_audit group by 1").fetchall())
            if warehouse_db.table_exists(con, "meta", "month_changes"):
                unfinished = {m: (r, t) for m, r, t in con.execute(
                    "select month, run_id, changed_at from meta.month_changes").fetchall()}
    readers = snapshot_path(warehouse)
    if readers.exists():
        con = duckdb.connect(str(readers), read_only=True)
        try:
            if warehouse_db.table_exists(con, "meta", "month_builds"):
                built = dict(con.execute("select month, completed_at from meta.month_builds").fetchall())
        finally:
            con.close()
    build = read_build(warehouse)
    runs = runs or {}
    months = sorted(set(loaded) | set(built) | set(unfinished) | {p.name for p in published.glob("????-??")}, reverse=True)
    rows = []
    for month in months:
        version, manifest = latest_version(published, month)
        shown = f"v{version} ({manifest['reason']})" if manifest else "—"
        last_run = " ".join(runs.get(month, ("", ""))).strip() or "—"
        if build is not None and build.month == month and build.running:
            state, step = "being rebuilt", f"wait: run {build.run_id[:8]} started {build.started_at}"
        elif month in unfinished:
            state, step = "rebuild broke off", f"shopkpi materialize --month {month} (readers see the last completed state)"
        elif runs.get(month, ("",))[0] == "FAILURE":
            state, step = "last run failed", f"fix what it names, then shopkpi materialize --month {month}"
        elif month not in built:
            state, step = "not built", f"shopkpi materialize --month {month}"
        elif not manifest:
            state, step = "built, not published", f"shopkpi publish --month {month}"
        else:
            state, step = "published", f"shopkpi diff --month {month} (what v{version} changed)" if version > 1 else "—"
        rows.append((month, loaded.get(month, 0), str(built.get(month, "—"))[:16], shown, last_run, state, step))
    return rows


def dagster_runs(warehouse: Path) -> dict[str, tuple[str, str]]:
    """month -> (status, start time) of its newest run in the project's Dagster instance."""
    from dagster import DagsterInstance

    from ...months import month_of
    from ..runs import use_project_dagster_instance

    use_project_dagster_instance(warehouse)
    newest: dict[str, tuple[str, str]] = {}
    with DagsterInstance.get() as instance:
        for record in instance.get_run_records(limit=500):  # newest first
            key = record.dagster_run.tags.get("dagster/partition")
            if key and month_of(key) not in newest:
                started = record.start_time
                when = "" if started is None else dt.datetime.fromtimestamp(started).strftime("%Y-%m-%d %H:%M")
                newest[month_of(key)] = (record.dagster_run.status.value, when)
    return newest


def cmd_status(args: argparse.Namespace) -> int:
    rows = month_states(Path(args.warehouse).resolve(), Path(args.published).resolve(),
                        None if args.no_runs else dagster_runs(Path(args.warehouse).resolve()))
    if not rows:
        print(f"no month loaded in {Path(args.warehouse).resolve()} and none published: shopkpi materialize --month YYYY-MM")
        return 0
    columns = ["month", "files", "built for readers", "published", "last run", "state", "next"]
    if args.format == "json":
        print(json.dumps([dict(zip(columns, r)) for r in rows], ensure_ascii=False, default=str, indent=1))
    else:
        print_rows(columns, rows, fmt=args.format)
    return 0
