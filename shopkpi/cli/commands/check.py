"""`shopkpi check [--month M]`: the pre-flight alone (shopkpi/preflight.py)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ..errors import CliError, checked_month


def cmd_check(args: argparse.Namespace) -> int:
    from ...preflight import preflight

    started = time.perf_counter()
    month = checked_month(args.month) if args.month else None
    problems = preflight(Path(args.exports).resolve() if month else None, month)
    elapsed = time.perf_counter() - started
    if problems:
        for problem in problems:
            print(f"  problem  {problem}")
        raise CliError(f"{len(problems)} problem(s) found in {elapsed:.2f} s", code=2)
    scope = f"{month} from {Path(args.exports).resolve()}" if month else "the configuration"
    print(f"ok: {scope} (PII key, seeds/shops.csv, kpi_targets.csv, kpi_weights.csv, layouts"
          f"{', month folders' if month else ''}) checked in {elapsed:.2f} s")
    return 0


def preflight_or_stop(exports: Path, month: str) -> None:
    """Before a build starts Dagster: every problem the pre-flight finds, one line each, exit 2."""
    from ...preflight import preflight

    problems = preflight(exports, month)
    if problems:
        raise CliError("\n".join(problems), code=2)
