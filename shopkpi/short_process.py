"""Garbage collection for the project's short processes: a `shopkpi` command and the dbt build
under it. Each holds ~600,000 objects that live until it exits (Dagster's definitions, dbt's
manifest, Great Expectations). Python's full collections walk them all, ~0.15 s each, eight of
them in a demo month at the default threshold; and interpreter teardown collects several times
more (1.7 s) to free memory the operating system takes back anyway. Long-running processes
(the Dagster UI and daemon) keep Python's defaults. DECISIONLOG "Performance"."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import NoReturn

FULL_COLLECTION_THRESHOLD = 100  # Python's default is 10 (collections of the middle generation per full one)


def collect_less() -> None:
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_THRESHOLD)


def exit_quietly(code) -> NoReturn:
    """Exit once the work is done and its output flushed: no collections at teardown (reference
    counts alone free what they can), and stderr pointed at /dev/null for the teardown only:
    DuckDB 2.0's nanobind bindings report the objects never freed as "leaked instances"."""
    gc.freeze()
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    sys.exit(code)


def dbt() -> None:
    """The `shopkpi-dbt` console script: dbt's own command line, as a short process, with the dbt
    speed-ups (shopkpi/speedups/: partial parsing across warehouse paths, no discarded log lines)."""
    collect_less()
    from dbt.cli.main import cli

    from . import speedups
    from .dbt_process.parse_state import seed_parse
    from .settings import WAREHOUSE_ENV
    from .speedups.dbt_event_lines import skip_lines_no_handler_takes
    from .speedups.dbt_parse_state import ignore_warehouse_path_in_parse_state

    speedups.apply("dbt_parse_state", ignore_warehouse_path_in_parse_state)
    speedups.apply("dbt_event_lines", skip_lines_no_handler_takes)
    if (run_target := os.environ.get("DBT_TARGET_PATH")) and (warehouse := os.environ.get(WAREHOUSE_ENV)):
        seed_parse(Path(run_target), warehouse)

    try:
        cli()
        code = 0
    except SystemExit as exc:  # click's standalone mode ends every command this way
        code = exc.code
    exit_quietly(code)
