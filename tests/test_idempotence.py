"""Re-materialising a month replaces exactly that month: two runs leave identical tables."""

from __future__ import annotations

from tests.helpers import REAL_EXPORTS, TMALL_HEADER, materialize_month, table_snapshot, write_csv


def test_two_runs_of_the_demo_month_leave_identical_tables(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    assert materialize_month("2017-05", REAL_EXPORTS, warehouse).success
    first = table_snapshot(warehouse)
    assert materialize_month("2017-05", REAL_EXPORTS, warehouse).success
    second = table_snapshot(warehouse)
    assert first.keys() == second.keys()
    for table in first:
        assert first[table] == second[table], table
    assert len(first["marts.fct_orders"]) == 3989


def test_rerun_with_changed_input_touches_only_its_month(tmp_path):
    exports, warehouse = tmp_path / "exports", tmp_path / "warehouse.duckdb"
    jan = ["J1", "10.00", "10.00", "", "2021-01-02 00:00:00", "2021-01-02 00:00:01", "0"]
    feb = ["F1", "20.00", "20.00", "", "2021-02-02 00:00:00", "2021-02-02 00:00:01", "0"]
    write_csv(exports / "2021-01" / "o.csv", TMALL_HEADER, [jan])
    write_csv(exports / "2021-02" / "o.csv", TMALL_HEADER, [feb, ["F2"] + feb[1:]])
    for month in ("2021-01", "2021-02"):
        assert materialize_month(month, exports, warehouse).success
    write_csv(exports / "2021-02" / "o.csv", TMALL_HEADER, [feb])  # a corrected download
    assert materialize_month("2021-02", exports, warehouse).success
    snap = table_snapshot(warehouse)
    assert [(r[0], r[1]) for r in snap["marts.fct_orders"]] == [("2021-01", "J1"), ("2021-02", "F1")]
    growth = [r for r in snap["marts.kpi_store_monthly"] if r[0] == "2021-02" and r[1] == "sales_growth"]
    assert float(growth[0][5]) == 1.0  # 20 / 10 - 1
