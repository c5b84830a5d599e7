"""The speed-ups behind SHOPKPI_SPEEDUPS (shopkpi/speedups/): the plain path gives the same month,
and a speed-up whose private API moved fails loudly under CI, or falls back with one warning."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from shopkpi import speedups
from tests.helpers import dagster_home, table_snapshot

# Tables whose rows say when or by which run they were written, not what the month holds.
RUN_TABLES = {"quality.check_results", "meta.month_builds", "meta.month_changes", "raw.pii_key_fingerprints"}


def _moved() -> None:
    raise AttributeError("type object '_Logger' has no attribute 'write_line'")


def test_a_speedup_whose_internal_moved_fails_under_ci_and_falls_back_elsewhere(monkeypatch, caplog):
    monkeypatch.setenv("SHOPKPI_SPEEDUPS_STRICT", "1")
    with pytest.raises(speedups.SpeedupUnavailable, match="speed-up dbt_event_lines no longer applies "
                                                          r"\(AttributeError: .*write_line'\); see docs/upgrading.md"):
        speedups.apply("dbt_event_lines", _moved)
    monkeypatch.delenv("SHOPKPI_SPEEDUPS_STRICT")
    monkeypatch.delenv("CI", raising=False)
    with caplog.at_level(logging.WARNING, logger="shopkpi.speedups"):
        assert speedups.apply("dbt_event_lines", _moved) is False
    assert [r.getMessage() for r in caplog.records] == [
        "speed-up dbt_event_lines no longer applies (AttributeError: type object '_Logger' has no attribute "
        "'write_line'): the plain path runs (docs/upgrading.md)"]
    monkeypatch.setenv("SHOPKPI_SPEEDUPS", "0")
    assert speedups.apply("dbt_event_lines", _moved) is False  # switched off: not even tried
    monkeypatch.setenv("SHOPKPI_SPEEDUPS", "1")
    assert speedups.apply("anything", lambda: None) is True


@pytest.mark.xdist_group("demo")
def test_the_demo_month_is_the_same_with_and_without_the_speedups(demo_run, demo_exports, tmp_path):
    """The session's demo month (built with the speed-ups) against a run in a process of its own with
    SHOPKPI_SPEEDUPS=0 (the switch is read at import and in dbt's process): every table, the same rows."""
    _, with_speedups = demo_run
    warehouse = tmp_path / "warehouse.duckdb"
    env = {**os.environ, **dagster_home(tmp_path), "SHOPKPI_SPEEDUPS": "0", "SHOPKPI_ALLOW_DEV_PII_KEY": "1"}
    proc = subprocess.run([sys.executable, "-m", "shopkpi.cli", "materialize", "--month", "2017-05", "--exports",
                           str(demo_exports), "--warehouse", str(warehouse)], env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stderr
    plain, fast = ({name: rows for name, rows in table_snapshot(w).items() if name not in RUN_TABLES}
                   for w in (warehouse, with_speedups))
    assert plain.keys() == fast.keys()
    assert fast["marts.kpi_store_monthly"] and fast["marts.scorecard_employee_monthly"]  # a month was built
    assert [name for name in fast if fast[name] != plain[name]] == []
