"""Great Expectations suites validated by worker processes, one per core.

GX's cost on a small month is Python: importing it (~3 s: scipy, altair, every
expectation class) and ~10 ms of metric-graph building per expectation. Both are
CPU work under one GIL, so threads do not help; processes do. The workers are
forked from a forkserver that has imported GX once, and `warm()` starts them
while the run is still loading Dagster and the downloads, on the other core.
Each worker opens the warehouse read-only (DuckDB admits several read-only
processes) with its share of the memory cap. See DECISIONLOG "GX in worker processes".
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .gx_duckdb import SuiteOutcome, Validation, run_suites

# Modules the forkserver imports once; each worker forked from it starts with them loaded.
PRELOAD = ["shopkpi.quality.gx_worker_imports"]

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()


def worker_count() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def _pool_of_workers() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
            if context.get_start_method() == "forkserver":
                context.set_forkserver_preload(PRELOAD)
            _pool = ProcessPoolExecutor(max_workers=worker_count(), mp_context=context, initializer=_leave_ctrl_c_to_parent)
        return _pool


def _leave_ctrl_c_to_parent() -> None:
    """Ctrl-C reaches every process of the terminal's group: the run (the parent) stops and says so in one
    line; a worker printing its own KeyboardInterrupt traceback would bury that line."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def stop() -> None:
    """Shut the workers down and wait for them (after Ctrl-C: a worker still starting would otherwise
    print a traceback once the parent has gone)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _ready() -> int:
    from . import gx_worker_imports  # noqa: F401  (already imported in a forkserver worker; spawn imports it here)

    return os.getpid()


def warm() -> None:
    """Start the workers and import GX in them, in the background: returns at once. Once per
    process (a CLI run warms them before Dagster starts, the load step again for runs from the UI).
    Also on Spark, whose raw suites validate in DuckDB here."""
    if _pool is not None:
        return

    def start() -> None:
        try:
            pool = _pool_of_workers()
            for future in [pool.submit(_ready) for _ in range(worker_count())]:
                future.result()
        except Exception:  # noqa: BLE001  (a failure shows again, with its cause, when the suites run)
            pass

    threading.Thread(target=start, name="gx-workers-warm-up", daemon=True).start()


def _groups(validations: list[Validation], count: int) -> list[list[int]]:
    """Indexes of `validations` in `count` groups of about equal expectation counts (largest first)."""
    groups: list[list[int]] = [[] for _ in range(count)]
    weights = [0] * count
    for i in sorted(range(len(validations)), key=lambda i: -len(validations[i].spec["expectations"])):
        lightest = weights.index(min(weights))
        groups[lightest].append(i)
        weights[lightest] += len(validations[i].spec["expectations"])
    return [g for g in groups if g]


def run_suites_in_workers(warehouse: str | Path, validations: list[Validation], run_name: str,
                          memory_limit: str) -> list[SuiteOutcome]:
    """`gx_duckdb.run_suites`, the suites shared out among the workers; outcomes in the given order."""
    global _pool
    groups = _groups(validations, worker_count())
    per_worker = _share_of(memory_limit, len(groups))
    futures: list[tuple[list[int], Future]] = [
        (group, _pool_of_workers().submit(run_suites, str(warehouse), [validations[i] for i in group],
                                          run_name, per_worker))
        for group in groups]
    outcomes: list[SuiteOutcome | None] = [None] * len(validations)
    try:
        for group, future in futures:
            for i, outcome in zip(group, future.result()):
                outcomes[i] = outcome
    except BrokenProcessPool as error:  # a worker died (e.g. killed for memory): the next call starts afresh
        with _lock:
            _pool = None
        raise RuntimeError(f"a Great Expectations worker process died while validating {run_name} "
                           f"(out of memory? its share of the cap was {per_worker})") from error
    return outcomes  # type: ignore[return-value]


def _share_of(memory_limit: str, workers: int) -> str:
    """'3500MB' shared by 2 workers -> '1750MB' (DuckDB's units; anything else is passed as it is)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B)\s*", memory_limit, flags=re.IGNORECASE)
    if not match or workers <= 1:
        return memory_limit
    return f"{float(match.group(1)) / workers:g}{match.group(2)}"
