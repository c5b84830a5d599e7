"""Re-materialising a month replaces exactly that month: two runs leave identical tables."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers import materialize_month, table_snapshot
from tests.tmall_months import FEBRUARY, write_tmall_months


@pytest.mark.xdist_group("demo")
def test_two_runs_of_the_demo_month_leave_identical_tables(demo_run, demo_exports, tmp_path):
    _, built_once = demo_run
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_once, warehouse)  # the session's demo build, run a second time on a copy
    first = table_snapshot(built_once)
    assert materialize_month("2017-05", demo_exports, warehouse).success
    second = table_snapshot(warehouse)
    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], table
    assert len(first["marts.fct_orders"]) == 3989


@pytest.mark.xdist_group("tmall")
def test_rerun_with_changed_input_touches_only_its_month(tmall_months, tmp_path):
    # A copy of the two Tmall months (tests/tmall_months.py); February's download is corrected: F2 dropped.
    root, built, _ = tmall_months
    warehouse, exports = tmp_path / "warehouse.duckdb", tmp_path / "exports"
    shutil.copy(built, warehouse)
    write_tmall_months(exports, february=[row for row in FEBRUARY if row[0] != "F2"])
    before = table_snapshot(warehouse)
    assert materialize_month("2020-02", exports, warehouse).success
    after = table_snapshot(warehouse)
    for table in after:  # January's rows, in every table that has months, are untouched
        assert ([r for r in after[table] if "2020-01" in r[:1]]
                == [r for r in before[table] if "2020-01" in r[:1]]), table
    assert [(r[0], r[3]) for r in after["marts.fct_orders"]] == [
        ("2020-01", "T1"), ("2020-01", "T2"), ("2020-02", "F1"), ("2020-02", "F3"), ("2020-02", "F4"), ("2020-02", "F5")]
    growth = [r[2:] for r in after["marts.kpi_store_monthly"] if r[0] == "2020-02" and r[1:4] == ("all", "all", "sales_growth")]
    assert float(growth[0][5]) == pytest.approx((180 + 30) / 100 - 1)  # February net sales without F2's 80, over January's 100
