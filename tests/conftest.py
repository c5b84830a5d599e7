from __future__ import annotations

import warnings

import pytest

from orchestration.simulator import simulate
from tests.helpers import REAL_EXPORTS, materialize_month

warnings.filterwarnings("ignore")


@pytest.fixture(scope="session")
def demo_exports(tmp_path_factory):
    """The demo month as `shopkpi demo` builds it: the real orders plus every simulated export."""
    assert REAL_EXPORTS.is_dir(), f"real exports missing: {REAL_EXPORTS} (clone with ../shared beside the repo)"
    out = tmp_path_factory.mktemp("demo-exports") / "2017-05"
    simulate(REAL_EXPORTS, out, month="2017-05", seed=42, copy_orders=True)
    return out


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, demo_exports):
    """The demo month (2017-05) materialised once."""
    warehouse = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    result = materialize_month("2017-05", demo_exports, warehouse)
    assert result.success, "demo materialisation failed"
    return result, warehouse


def pytest_unconfigure(config):
    """After pytest's summary, discard interpreter-teardown stderr: DuckDB 2.0's nanobind
    bindings print spurious "leaked instance" reports at exit, burying the summary line.
    (atexit: pytest's capture plugin restores stderr after this hook.)"""
    import atexit
    import os
    import sys

    def silence_teardown():
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)

    atexit.register(silence_teardown)
