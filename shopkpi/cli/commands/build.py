"""Building months: `shopkpi materialize`, `shopkpi backfill` and `shopkpi demo`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from ...months import months_between
from ...settings import DEMO_MONTH, DEMO_ORDERS
from ...shops import describe, shop_month_folders
from ..errors import CliError, checked_month, checked_partition
from ...progress import reporting
from ..render import print_rows
from ..runs import check_evaluations, exit_code, failure_reason, log_file_for, log_hint, run_log, run_month
from ..warnings_block import run_warnings
from .check import preflight_or_stop
from .read import query

STORE_KPIS_SQL = ("select kpi_id, name_zh, name_en, value, numerator, denominator from kpi_store_monthly "
                  "where month = ? and shop_id = 'all' and platform = 'all' order by kpi_id")  # the company


def existing_exports(path: str) -> Path:
    exports = Path(path).resolve()
    if not exports.is_dir():
        raise CliError(f"exports folder not found: {exports}")
    return exports


def cmd_materialize(args: argparse.Namespace) -> int:
    checked_partition(args.month)
    exports, warehouse = existing_exports(args.exports), Path(args.warehouse).resolve()
    preflight_or_stop(exports, args.month)
    log_file = None if args.verbose else log_file_for(warehouse, "materialize", args.month)
    started = time.perf_counter()
    with reporting() as progress:
        progress.say(f"materialising {args.month} from {describe(shop_month_folders(exports, args.month))}")
        result = run_month(args.month, exports, warehouse, log_file=log_file,
                           replace_shops=getattr(args, "replace_shops", False), wait=not getattr(args, "no_wait", False))
    elapsed = time.perf_counter() - started
    if not result.success:
        raise CliError(f"{args.month}: {failure_reason(result)}{log_hint(log_file, result)}", code=exit_code(result))
    checks = check_evaluations(result)
    failed = [c.check_name for c in checks if not c.passed and c.severity.value == "ERROR"]
    warned = [c.check_name for c in checks if not c.passed and c.severity.value != "ERROR"]
    print(f"materialised {args.month} from {describe(shop_month_folders(exports, args.month))}")
    print(f"  warehouse   {warehouse}")
    print(f"  dagster run {result.run_id}")
    print(f"  assets      {len(result.get_asset_materialization_events())} materialised")
    print(f"  checks      {len(checks) - len(failed) - len(warned)}/{len(checks)} passed"
          + (f"; blocking failed: {', '.join(failed)}" if failed else "")
          + (f"; warnings: {', '.join(warned)} (see `shopkpi audit --month {args.month}`)" if warned else ""))
    print(f"  wall time   {elapsed:.1f} s")
    if log_file:
        print(f"  dbt log     {run_log(log_file, result.run_id)}")
    print_warnings(run_warnings(result, warehouse, args.month))
    if failed:
        print(f"  readers     still see the last completed state of {args.month}: blocking checks failed")
        return 1
    print_rows(*query(warehouse, STORE_KPIS_SQL, [args.month]), fmt="table")
    return 0


def print_warnings(lines: list[tuple[str, str]]) -> None:
    """The build's warnings as a short block after its summary (stderr: a script reading stdout is unaffected)."""
    if lines:
        print(f"  warnings    {len(lines)}", file=sys.stderr)
        for kind, line in lines:
            print(f"    {kind:<11} {line}", file=sys.stderr)


def cmd_backfill(args: argparse.Namespace) -> int:
    """One Dagster run per month, oldest first, here and now; or, with --submit, a Dagster asset
    backfill of the range that the daemon runs (see DECISIONLOG: why not a single-run range)."""
    months = months_between(checked_month(args.start), checked_month(args.end))
    for month in {months[0], months[-1]} if months else ():  # the range's ends: the months between are partitions then
        checked_partition(month)
    if not months:
        raise CliError(f"--from {args.start} is after --to {args.end}")
    exports, warehouse = existing_exports(args.exports), Path(args.warehouse).resolve()
    preflight_or_stop(exports, months[-1])
    if args.submit:
        backfill_id = submit_backfill(months, exports, warehouse)
        print(f"submitted backfill {backfill_id}: {len(months)} months {months[0]}..{months[-1]} of monthly_kpis; "
              "the Dagster daemon runs them one at a time (`shopkpi ui` starts it)")
        return 0
    failures = []
    with reporting() as progress:
        for number, month in enumerate(months, start=1):
            folders = shop_month_folders(exports, month)
            progress.say(f"month {number}/{len(months)}: {month} from {describe(folders)}")
            log_file = log_file_for(warehouse, "backfill", month)
            result = run_month(month, exports, warehouse, log_file=log_file, trigger="backfill",
                               replace_shops=args.replace_shops, wait=not args.no_wait)
            if not result.success:
                failures.append(f"{month}: {failure_reason(result)}{log_hint(log_file, result)}")
                progress.say(f"{month} failed: {failures[-1]}")
    print(f"backfilled {len(months) - len(failures)}/{len(months)} months into {warehouse}")
    if failures:
        raise CliError("; ".join(failures), code=1)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Simulate the demo month's other exports beside the real orders, then materialise it."""
    from ...ingest.pii_key import ALLOW_DEV_KEY_ENV
    from .tools import cmd_simulate

    # Demo data: the public development key is fine unless the user set a key of their own.
    os.environ.setdefault(ALLOW_DEV_KEY_ENV, "1")
    exports_root = Path(args.exports).resolve()
    print(f"simulating the {DEMO_MONTH} exports of five shops (the real Taobao orders, Tmall, Pinduoduo, JD, Douyin) "
          f"into {exports_root}/<shop_id>/{DEMO_MONTH}/")
    cmd_simulate(argparse.Namespace(orders=str(DEMO_ORDERS), out=None, exports=str(exports_root), month=DEMO_MONTH,
                                    seed=args.seed, orders_per_month=None, copy_orders=True, shops=True))
    return cmd_materialize(argparse.Namespace(month=DEMO_MONTH, exports=str(exports_root), warehouse=args.warehouse,
                                              verbose=args.verbose))



def submit_backfill(months: list[str], exports: Path, warehouse: Path) -> str:
    """Dagster's own asset backfill of the monthly job's assets over `months`, recorded in the
    project's instance. The daemon launches one run per month through the queued run
    coordinator (one at a time: dagster.yaml), and the UI shows its progress per partition.
    Those runs use the code location's settings: the SHOPKPI_* environment the daemon
    (`shopkpi ui`) was started with."""
    from dagster import DagsterInstance

    from ...dbt_process.manifest import prepare_manifest

    prepare_manifest()  # before the definitions load: they are built from it
    from ...definitions import build_definitions
    from ...defs.jobs import MONTHLY_JOB_NAME
    from ...months import partition_key_of
    from ..dagster_internals import new_asset_backfill
    from ..runs import use_project_dagster_instance

    use_project_dagster_instance(warehouse)
    defs = build_definitions(warehouse=str(warehouse), exports=str(exports))
    job = defs.resolve_job_def(MONTHLY_JOB_NAME)
    asset_keys = sorted(job.asset_layer.executable_asset_keys, key=lambda k: k.to_user_string())
    with DagsterInstance.get() as instance:
        return new_asset_backfill(defs, asset_keys, [partition_key_of(m) for m in months], instance,
                                  title=f"shopkpi backfill {months[0]}..{months[-1]}")
