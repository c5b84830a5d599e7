from __future__ import annotations

import os
import warnings

import pytest

from shopkpi_simulator import simulate
from tests.helpers import REAL_EXPORTS, dagster_home, materialize_month, run_cli
from tests.role_month import MONTH as ROLE_MONTH
from tests.role_month import write_role_month
from tests.tmall_months import MONTHS as TMALL_MONTHS
from tests.tmall_months import write_tmall_months

warnings.filterwarnings("ignore")

# Fixtures that materialise a month: a test that uses one (directly or through another fixture) is in
# the slow tier, like the tests marked `slow` themselves (pytest -m "not slow": the fast tier).
MONTH_FIXTURES = {"demo_run", "role_month", "tmall_months", "dbt_test_run", "march_then_april", "shops_month",
                  "both_engines", "team_months", "reports_month", "real_month"}


def pytest_configure(config):
    """The dbt manifest the definitions load, prepared once, by the controller, before any worker starts."""
    if not hasattr(config, "workerinput"):
        from shopkpi.dbt_process.manifest import prepare_manifest

        prepare_manifest()


# The pytest-xdist group of each built month: its tests run on one worker, so the month is built once
# per session (a test using one without its group built it again on the other worker).
MONTH_GROUPS = {"demo_run": "demo", "dbt_test_run": "demo", "role_month": "role_month", "march_then_april": "role_month",
                "tmall_months": "tmall", "shops_month": "shops", "both_engines": "spark", "team_months": "team",
                "reports_month": "role_reports", "real_month": "real_month"}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if MONTH_FIXTURES & used or item.get_closest_marker("ui"):
            item.add_marker(pytest.mark.slow)
        groups = {MONTH_GROUPS[f] for f in used if f in MONTH_GROUPS}
        if groups and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(sorted(groups)[0]))
    # The longest group first (Spark: ~7 minutes on one worker), so the other worker takes the rest meanwhile
    # instead of Spark running alone at the end.
    items.sort(key=lambda item: getattr(item.get_closest_marker("xdist_group"), "args", ("",))[0] != "spark")
# Test data only: hashing with the public development key is allowed here (tests that check the refusal unset it).
os.environ.setdefault("SHOPKPI_ALLOW_DEV_PII_KEY", "1")


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


@pytest.fixture(scope="session")
def role_month(tmp_path_factory):
    """The hand-made month of tests/role_month.py, materialised and published once:
    (root, warehouse, published). Tests that change it work on a copy."""
    root = tmp_path_factory.mktemp("role-month")
    write_role_month(root / "exports")
    warehouse, published = root / "warehouse.duckdb", root / "published"
    result = materialize_month(ROLE_MONTH, root / "exports", warehouse, published=published)
    assert result.success, "role month materialisation failed"
    return root, warehouse, published


@pytest.fixture(scope="session")
def tmall_months(tmp_path_factory):
    """Tmall's layout, January and February 2020, built by `shopkpi backfill` in a Dagster
    instance of its own: (root, warehouse, the command's result)."""
    root = tmp_path_factory.mktemp("tmall")
    write_tmall_months(root / "exports")
    warehouse = root / "warehouse.duckdb"
    result = run_cli("backfill", "--from", TMALL_MONTHS[0], "--to", TMALL_MONTHS[-1], "--exports", str(root / "exports"),
                     "--warehouse", str(warehouse), env=dagster_home(root))
    assert result.returncode == 0, result.stderr
    return root, warehouse, result


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
