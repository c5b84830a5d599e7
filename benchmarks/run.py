"""Benchmark the pipeline against the floor (DuckDB reading the input) and a pandas baseline.

    python benchmarks/run.py --orders 1000000            # 4 months, ratios + JSON in benchmarks/results/
    python benchmarks/run.py --orders 20000 --months 1   # smoke: agreement only (CI)
    python benchmarks/run.py --orders 10000000 --repeat 3   # each phase's fastest of 3 runs

`--orders N` is the number of rows of the month's order report (订单报表, one line
per order), synthesised in Taobao's 46-column layout by the project's simulator.
Every phase runs in its own process; wall time and peak RSS (the process and its
children, from wait4) are measured per phase, with its CPU time. Timings are reported, never asserted;
the benchmark asserts that the pipeline's and pandas' KPIs agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
KPIS = ["orders_created", "orders_paid", "gmv", "paid_gmv", "refund_amount", "net_sales", "paid_buyers",
        "payment_rate", "refund_rate", "lost_order_rate", "aov", "avg_order_value", "repeat_rate"]


def fastest(runs: list[dict]) -> dict:
    """A phase run several times: its fastest run (wall, CPU time and steps of that run), the largest
    run's peak RSS, every run's wall in `runs` and, where the kernel's counters were read, every run's in
    `kernel_runs` (a slow run's tell whether it met reclaim). A failed run (a baseline out of memory) is the result."""
    if len(runs) == 1 or "failed" in runs[-1]:
        return runs[-1]
    best = min(runs, key=lambda r: r["seconds"])
    every_kernel = {"kernel_runs": [r["kernel"] for r in runs]} if all("kernel" in r for r in runs) else {}
    return {**best, "phase": best["phase"].rsplit(" (run ", 1)[0], "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
            "runs": [r["seconds"] for r in runs], **every_kernel}


def in_rounds(planned: dict[str, tuple], repeat: int) -> dict[str, dict]:
    """Each planned phase (key -> `measure`'s title, command, log, env, may_fail, before) run `repeat`
    times in rounds, every phase once and then again; each key's fastest run (`fastest`). A baseline
    that failed (out of memory) is not run again."""
    runs: dict[str, list[dict]] = {key: [] for key in planned}
    for round_ in range(repeat):
        for key, (title, command, log, env, may_fail, before) in planned.items():
            if not (runs[key] and "failed" in runs[key][-1]):
                runs[key].append(measure(title, command, log, env, may_fail, before, round_))
    return {key: fastest(key_runs) for key, key_runs in runs.items()}


def remove_database(path: Path) -> None:
    """A DuckDB file and its write-ahead log, so that a phase starts from no database."""
    for suffix in ("", ".wal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


# Kernel memory counters (Linux, machine-wide) over each run: whether a slow run met reclaim, compaction or
# huge pages falling back to small ones while the page cache was full (the run's CPU time rises with those).
VMSTAT = ("pgscan_direct", "allocstall_movable", "compact_stall", "thp_fault_alloc", "thp_fault_fallback", "pgmajfault")


def vmstat() -> dict[str, int]:
    try:
        lines = Path("/proc/vmstat").read_text().splitlines()
    except OSError:
        return {}
    counters = dict(line.split() for line in lines)
    return {k: int(counters[k]) for k in VMSTAT if k in counters}


def measure(name: str, command: list[str], log: Path, env: dict | None = None, may_fail: bool = False,
            before=None, run: int = 0) -> dict:
    """Run one phase in its own process (after `before()`): wall time, CPU time and peak RSS including
    its children. Run `run` > 0 of a repeated phase logs to its own file. A phase that `may_fail` (a
    baseline that runs out of memory at 20M orders) is recorded with its exit code."""
    if before:
        before()
    if run:
        name, log = f"{name} (run {run + 1})", log.with_name(f"{log.stem}-run{run + 1}{log.suffix}")
    kernel_before, started = vmstat(), time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    # CPU seconds (user + system, the process and its children) beside the wall: a run that is slow
    # because the machine was (a shared host's speed drifts) needs more CPU for the same work, not only more wall.
    result = {"phase": name, "seconds": round(seconds, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
              "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}
    if kernel_before:
        result["kernel"] = {k: v - kernel_before[k] for k, v in vmstat().items()}
    if proc.returncode != 0:
        if not may_fail:
            raise SystemExit(f"phase {name} failed (exit {proc.returncode}); see {log}:\n" + log.read_text()[-3000:])
        result["failed"] = f"exit {proc.returncode}" + (" (killed: out of memory?)" if proc.returncode == -9 else "")
        print(f"  {name:<28} FAILED after {seconds:.2f} s ({result['failed']}) {result['peak_rss_mb']:>9.1f} MB", flush=True)
        return result
    print(f"  {name:<28} {seconds:>8.2f} s {result['cpu_seconds']:>8.2f} CPU s {result['peak_rss_mb']:>9.1f} MB", flush=True)
    if steps := step_seconds(log):
        result["steps"] = {**steps, "other": round(seconds - sum(steps.values()), 2)}
        print("    " + ", ".join(f"{k} {v:.1f}" for k, v in result["steps"].items()), flush=True)
    return result


# The CLI's progress lines, e.g. "[  24.3s] dbt build: done in 13.4s (48 models, 222 tests passed)"
PROGRESS_LINE = re.compile(r"\[\s*(?P<at>[\d.]+)s\] (?P<what>.+?): (?:done|failed) in (?P<took>[\d.]+)s")
READY_LINE = re.compile(r"\[\s*(?P<at>[\d.]+)s\] \S+: Dagster ready")


def warm(folder_or_file: Path) -> None:
    """Read a phase's input once before it is timed, so every phase starts with its CSV in the page
    cache, as the floor does after the generator wrote it (pandas' ~19 GB at 10M orders evicts
    the later months' files, which then made their runs pay for a cold disk)."""
    files = [folder_or_file] if folder_or_file.is_file() else sorted(folder_or_file.glob("*.csv"))
    for path in files:
        with path.open("rb") as f:
            while f.read(16 * 2**20):
                pass


def step_seconds(log: Path) -> dict[str, float]:
    """Where a materialisation's time went, from its progress lines: start-up (to "Dagster ready")
    and each step's own time; `other` is the rest of the wall (run set-up, hand-offs between steps)."""
    steps = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if ready := READY_LINE.search(line):  # a subprocess's last line may lack its newline
            steps["start-up"] = float(ready["at"])
        elif done := PROGRESS_LINE.search(line):
            steps[done["what"]] = float(done["took"])
    return steps


def months_from(start: str, count: int) -> list[str]:
    year, month = int(start[:4]), int(start[5:7])
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def pipeline_kpis(warehouse: Path, month: str) -> dict[str, float]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    rows = con.execute("select kpi_id, value from marts.kpi_store_monthly where month = ? "
                       "and shop_id = 'all' and platform = 'all'", [month]).fetchall()
    con.close()
    return {k: float(v) for k, v in rows if v is not None}


def agree(pipeline: dict, baseline: dict) -> list[str]:
    """KPIs whose values differ by more than rounding (the marts round ratios to 6 decimals)."""
    bad = []
    for kpi in KPIS:
        a, b = pipeline.get(kpi), baseline.get(kpi)
        if a is None or b is None or abs(a - b) > max(1e-6, 1e-9 * abs(b)) + (0.005 if kpi in ("gmv", "paid_gmv", "refund_amount", "net_sales") else 0):
            bad.append(f"{kpi}: pipeline {a} vs pandas {b}")
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, required=True, help="rows of the month's order report")
    parser.add_argument("--months", type=int, default=4, help="months to build; >= 4 measures incremental (default 4)")
    parser.add_argument("--start", default="2024-01", help="first month (default 2024-01)")
    parser.add_argument("--workdir", help="where data and warehouses go (default: a temp dir, removed afterwards)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=1,
                        help="run every timed phase N times and report its fastest run (default 1): month 1's phases "
                             "in N rounds, then months 2.. in N rounds")
    parser.add_argument("--results", default=str(RESULTS), help="where the JSON goes (default benchmarks/results/)")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                        help="spark: also build the first month on local Spark (SHOPKPI_ENGINE=spark), beside DuckDB")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat is at least 1")
    if args.months != 1 and args.months < 4:
        parser.error("--months is 1 (no incremental phase) or >= 4 (incremental with >= 3 months of history)")

    work = Path(args.workdir or tempfile.mkdtemp(prefix="shopkpi-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    months = months_from(args.start, args.months)
    # Synthetic orders: the public development PII key is allowed (a real deployment sets SHOPKPI_PII_KEY).
    env = {"SHOPKPI_DAGSTER_STORAGE": str(work / "dagster"), "SHOPKPI_PUBLISHED": str(work / "published"),
           "SHOPKPI_ALLOW_DEV_PII_KEY": "1"}
    py = sys.executable
    shopkpi = [py, "-m", "shopkpi.cli"]
    print(f"benchmark: {args.orders:,} orders/month, months {months[0]}..{months[-1]}, "
          f"{os.cpu_count()} cores, workdir {work}", flush=True)
    phases = {}
    try:
        for i, month in enumerate(months):
            folder = work / "exports" / month
            if not any(folder.glob("ExportOrderList_*.csv")):
                code = ("import sys; from pathlib import Path; from shopkpi_simulator.orders import synthesise_orders; "
                        f"synthesise_orders(Path({str(folder)!r}), {month!r}, {args.orders}, {args.seed + i})")
                folder.mkdir(parents=True, exist_ok=True)
                phases[f"generate {month}"] = measure(f"generate {month}", [py, "-c", code], logs / f"generate-{month}.log")
        first = months[0]
        orders_csv = next((work / "exports" / first).glob("ExportOrderList_*.csv"))
        size_mb = orders_csv.stat().st_size / 2**20
        floor_db = work / "floor.duckdb"

        def fresh_floor() -> None:
            remove_database(floor_db)
            warm(orders_csv)

        warehouse = work / "warehouse.duckdb"
        remove_database(warehouse)
        shutil.rmtree(work / "dagster", ignore_errors=True)
        materialize = lambda m: shopkpi + ["materialize", "--month", m, "--exports", str(work / "exports" / m),  # noqa: E731
                                           "--warehouse", str(warehouse)]
        baseline_json, polars_json = work / "pandas.json", work / "polars.json"
        # Month 1's phases, each with its input read just before: name -> (title, command, log, env, may fail, before)
        first_month = {
            "floor": ("floor", [py, "-m", "benchmarks.floor", str(orders_csv), str(floor_db)], logs / "floor.log",
                      None, False, fresh_floor),
            "pipeline": ("pipeline (month 1)", materialize(first), logs / f"pipeline-{first}.log", env, False,
                         lambda: warm(work / "exports" / first)),
            "pandas": ("pandas", [py, "-m", "benchmarks.pandas_baseline", str(orders_csv), str(baseline_json)],
                       logs / "pandas.log", None, True, lambda: warm(orders_csv)),
            # polars: what a speed-minded analyst would write; a reference beside pandas, not a target
            "polars": ("polars", [py, "-m", "benchmarks.polars_baseline", str(orders_csv), str(polars_json)],
                       logs / "polars.log", None, False, lambda: warm(orders_csv)),
        }
        if args.engine == "spark":  # the same month, same exports, on local Spark: its own warehouse file and lake
            spark_warehouse = work / "spark.duckdb"
            spark_env = {**env, "SHOPKPI_ENGINE": "spark", "SHOPKPI_LAKE": str(work / "lake"),
                         "SHOPKPI_DAGSTER_STORAGE": str(work / "dagster-spark")}
            first_month["pipeline spark"] = ("pipeline on Spark (month 1)", [*materialize(first)[:-1], str(spark_warehouse)],
                                             logs / f"spark-{first}.log", spark_env, False,
                                             lambda: warm(work / "exports" / first))
        # --repeat N: month 1's phases run in N rounds (floor, pipeline, pandas, ...), so the phases a ratio
        # compares meet the machine's speed at about the same minutes; a re-run of the month replaces it.
        phases.update(in_rounds(first_month, args.repeat))
        polars_kpis = json.loads(polars_json.read_text())
        if "failed" in phases["pandas"]:  # the pipeline is then checked against polars alone
            baseline, disagreements = polars_kpis, []
        else:
            baseline = json.loads(baseline_json.read_text())
            disagreements = [f"polars: {d}" for d in agree(polars_kpis, baseline)]
        disagreements += agree(pipeline_kpis(warehouse, first), baseline)
        if "pipeline spark" in phases:
            disagreements += [f"spark: {d}" for d in agree(pipeline_kpis(spark_warehouse, first), baseline)]
        # Months 2..N in order, in --repeat rounds too: the first round builds the history month by month;
        # a later round runs each month again, replacing it, with every other month in the warehouse. A
        # cost that grew with history would show in the first round's months, the fastest of each month's runs.
        later = {}
        for month in months[1:]:
            key, title = ("incremental", f"incremental {month}") if month == months[-1] else (f"history {month}",) * 2
            later[key] = (title, materialize(month), logs / f"pipeline-{month}.log", env, False,
                          lambda folder=work / "exports" / month: warm(folder))
        phases.update(in_rounds(later, args.repeat))
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    ratios = {
        "pipeline/floor": round(phases["pipeline"]["seconds"] / phases["floor"]["seconds"], 2),
        "pandas/pipeline": (None if "failed" in phases["pandas"]
                            else round(phases["pandas"]["seconds"] / phases["pipeline"]["seconds"], 2)),
        "polars/pipeline": round(phases["polars"]["seconds"] / phases["pipeline"]["seconds"], 2),
    }
    if "pipeline spark" in phases:
        ratios["spark/duckdb"] = round(phases["pipeline spark"]["seconds"] / phases["pipeline"]["seconds"], 2)
    if "incremental" in phases:
        ratios["incremental/first"] = round(phases["incremental"]["seconds"] / phases["pipeline"]["seconds"], 2)
        # cost independent of history: months 2..N within a few percent of each other
        later = [p["seconds"] for k, p in phases.items() if k.startswith("history") or k == "incremental"]
        ratios["months 2+ spread"] = round(max(later) / min(later) - 1, 3)
    # Issue 18's targets. At ~1M orders the fixed cost (start-up, dbt, GX set-up) dominates: 5x there.
    # polars and Spark have none (polars is a reference; Spark is slower on 2 cores, the ratio shows its cost).
    targets = {"pipeline/floor": ("<=", 2.0 if args.orders >= 10_000_000 else 5.0), "pandas/pipeline": (">=", 1.5),
               "polars/pipeline": None, "incremental/first": ("<=", 1.05), "months 2+ spread": ("<=", 0.05),
               "spark/duckdb": ("<=", float("inf"))}
    # The RSS target is the pipeline's (every materialisation); pandas' own peak is in its row.
    peak = max(p["peak_rss_mb"] for k, p in phases.items()
               if k in ("pipeline", "pipeline spark", "incremental") or k.startswith("history"))
    result = {
        "orders": args.orders, "months": months, "order_report_mb": round(size_mb, 1), "repeat": args.repeat,
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "run_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "phases": phases, "ratios": ratios, "peak_rss_mb": peak,
        "kpis_agree": not disagreements, "disagreements": disagreements,
    }
    print()
    wall = f"wall s (fastest of {args.repeat}; each run)" if args.repeat > 1 else "wall s"
    print(f"| {args.orders:,} orders ({size_mb:,.0f} MB), {os.cpu_count()} cores | {wall} | CPU s | peak RSS MB |")
    print("|---|---:|---:|---:|")
    for p in phases.values():
        each = " (" + " / ".join(f"{r:.2f}" for r in p["runs"]) + ")" if "runs" in p else ""
        print(f"| {p['phase']} | {p['seconds']:.2f}{each} | {p['cpu_seconds']:.2f} | {p['peak_rss_mb']:.0f} |")
    print()
    print("| ratio | value | target | holds |")
    print("|---|---:|---|---|")
    for name, value in ratios.items():
        if value is None:
            print(f"| {name} | - (pandas {phases['pandas']['failed']}) | {' '.join(map(str, targets[name]))} | no |")
            continue
        if targets[name] is None:
            print(f"| {name} | {value} | reference | |")
            continue
        op, limit = targets[name]
        holds = value <= limit if op == "<=" else value >= limit
        print(f"| {name} | {value} | {op} {limit} | {'yes' if holds else 'no'} |")
    print(f"| pipeline peak RSS (GB) | {peak / 1024:.2f} | < 4 | {'yes' if peak < 4 * 1024 else 'no'} |")
    checked_against = "polars" if "failed" in phases["pandas"] else "pandas (and polars = pandas)"
    print(f"| KPIs pipeline = {checked_against} | {'yes' if not disagreements else 'NO'} | all 13 section-1 KPIs | |")
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"bench-{args.orders}-{len(months)}m{'-spark' if args.engine == 'spark' else ''}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {path}")
    if disagreements:
        print("KPIs disagree:\n  " + "\n  ".join(disagreements), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
