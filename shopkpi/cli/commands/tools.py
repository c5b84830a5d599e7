"""Development tools: `shopkpi simulate` (the simulator, outside the pipeline) and `shopkpi ui`."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ...settings import EXPORTS_ENV, PROJECT_ROOT, WAREHOUSE_ENV
from ..errors import CliError, checked_month
from ...progress import reporting
from ..runs import CODE_LOCATION, use_project_dagster_instance


def cmd_simulate(args: argparse.Namespace) -> int:
    from shopkpi_simulator import simulate

    if args.month:
        checked_month(args.month)
    if getattr(args, "shops", False):
        return simulate_shop_month(args)
    if args.out is None:
        if not args.month:
            raise CliError("give --month (the exports go to EXPORTS/MONTH) or --out DIR")
        args.out = str(Path(args.exports) / args.month)
    if args.orders_per_month is None and (args.orders is None or not Path(args.orders).is_dir()):
        raise CliError(f"orders folder not found: {args.orders} (give --orders DIR, or --orders-per-month N to synthesise)")
    started = time.perf_counter()
    try:
        with reporting() as progress:
            progress.say(f"simulating {args.month or 'the busiest month'} into {args.out}")
            result = simulate(Path(args.orders) if args.orders else None, Path(args.out), month=args.month, seed=args.seed,
                              orders_per_month=args.orders_per_month, copy_orders=args.copy_orders,
                              on_written=written_line(progress, Path(args.out)))
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


def simulate_shop_month(args: argparse.Namespace) -> int:
    """`simulate --shops`: one folder per shop under the exports root (EXPORTS/<shop_id>/<MONTH>/)."""
    from shopkpi_simulator import simulate_shops

    from ...settings import month_folders

    if not args.month:
        raise CliError("--shops needs --month")
    if args.orders is None or not Path(args.orders).is_dir():
        raise CliError(f"orders folder not found: {args.orders} (the Taobao shop's order report: give --orders DIR)")
    root = Path(args.out or args.exports).resolve()
    if month_folders(root):
        raise CliError(f"{root} holds single-shop month folders (YYYY-MM/): move them into a shop's folder "
                       f"({root}/<shop_id>/YYYY-MM/) or give another --exports root")
    started = time.perf_counter()
    with reporting() as progress:
        progress.say(f"simulating {args.month} for every shop into {root}")
        rows = simulate_shops(Path(args.orders), root, args.month, seed=args.seed, on_written=written_line(progress, root))
    print(f"simulated {args.month} for {len({k.split('/')[0] for k in rows})} shops into {root}/<shop_id>/{args.month}/ "
          f"(seed {args.seed})")
    for name, count in sorted(rows.items()):
        print(f"  {name:<32} {count:>10,} rows")
    print(f"  {sum(rows.values()):,} rows in {time.perf_counter() - started:.1f} s")
    return 0


def written_line(progress, root: Path):
    """Progress: a line per file the simulator wrote, named from `root`."""
    def say(path: Path, rows: int) -> None:
        progress.say(f"wrote {path.relative_to(root)}: {rows:,} rows")
    return say


def cmd_ui(args: argparse.Namespace) -> int:
    use_project_dagster_instance(Path(args.warehouse))
    os.environ[WAREHOUSE_ENV] = str(Path(args.warehouse).resolve())
    os.environ[EXPORTS_ENV] = str(Path(args.exports).resolve())
    from ..dagster_internals import mark_ui_welcome_seen

    mark_ui_welcome_seen()  # the asset page is what a user lands on
    from ...dbt_process.manifest import prepare_manifest

    prepare_manifest()  # `dagster dev` would too (DAGSTER_IS_DEV_CLI): here, once, before it starts
    dagster = Path(sys.executable).parent / "dagster"
    print(f"starting the Dagster UI on http://localhost:{args.port} (Ctrl-C stops it)", file=sys.stderr, flush=True)
    # Its own process group: on Ctrl-C the webserver, the daemon and their code servers stop together,
    # within seconds, instead of orphans that keep the port.
    server = subprocess.Popen([str(dagster), "dev", "-m", CODE_LOCATION, "-p", str(args.port)], cwd=PROJECT_ROOT,
                              start_new_session=True)
    # Ctrl-C (and a service manager's SIGTERM) stop it, also when the shell that started this
    # command ignored SIGINT for it (a background job inherits SIG_IGN and Python then never raises)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupt)
    try:
        return server.wait()
    except KeyboardInterrupt:
        stop_process_group(server, grace_seconds=10)
        print("stopped the Dagster UI", file=sys.stderr)
        return 130


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def stop_process_group(process: subprocess.Popen, grace_seconds: float) -> None:
    """SIGTERM the process's group; SIGKILL it if it has not stopped within `grace_seconds`."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(grace_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass
