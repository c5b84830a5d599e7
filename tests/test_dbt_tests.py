"""dbt's own tests outside a month's build: the unit tests (formula logic on fixed inputs, which a
month's `dbt build` leaves out) and what failing not_null_columns and unique_columns tests say."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from shopkpi.defs.transform.assets import DBT_PROJECT
from shopkpi.settings import MONTH_ENV, WAREHOUSE_ENV, dbt_executable
from tests.helpers import copy_warehouse, query

pytestmark = pytest.mark.xdist_group("demo")

NULLED_ORDERS = 5
DUPLICATED_ORDERS = 2  # the month's last two orders by id, each loaded twice
MONTH = "2017-05"


def run_dbt(warehouse: Path, target: Path, *args: str) -> subprocess.CompletedProcess:
    """dbt (`shopkpi-dbt`, as the pipeline runs it) with `args`, on `warehouse` for the demo month, its
    artifacts in `target`."""
    env = {**os.environ, WAREHOUSE_ENV: str(warehouse), MONTH_ENV: MONTH}
    project = str(DBT_PROJECT.project_dir)
    return subprocess.run([dbt_executable(), *args, "--project-dir", project, "--profiles-dir", project,
                           "--target-path", str(target)], env=env, capture_output=True, text=True)


@pytest.fixture(scope="module")
def dbt_test_run(demo_run, tmp_path_factory):
    """`dbt test` of every unit test and of int_orders' required columns and key, on a copy of the demo
    warehouse where NULLED_ORDERS orders of the month lost their 买家实际支付金额 in raw (int_orders is a view of
    them on DuckDB) and DUPLICATED_ORDERS other orders have a second row: (warehouse, target dir, result)."""
    root = tmp_path_factory.mktemp("dbt-tests")
    warehouse = copy_warehouse(demo_run[1], root / "warehouse.duckdb")
    con = duckdb.connect(str(warehouse))
    con.execute("update raw.orders set paid_amount = null where month = ? and order_id in (select order_id from raw.orders "
                f"where month = ? order by order_id limit {NULLED_ORDERS})", [MONTH, MONTH])
    con.execute("insert into raw.orders select * replace (source_row + 1000000 as source_row) from raw.orders "
                f"where month = ? order by order_id desc, shop_id limit {DUPLICATED_ORDERS}", [MONTH])
    con.close()
    target = root / "target"
    proc = run_dbt(warehouse, target, "test", "--select", "test_type:unit", "int_orders,test_name:not_null_columns",
                   "int_orders,test_name:unique_columns")
    return warehouse, target, proc


def statuses(target: Path) -> dict[str, str]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {r["unique_id"]: r["status"] for r in results}


def test_every_unit_test_passes(dbt_test_run):
    _, target, _ = dbt_test_run
    manifest = json.loads(DBT_PROJECT.manifest_path.read_text())
    declared = set(manifest["unit_tests"])
    assert len(declared) >= 3
    ran = {uid: status for uid, status in statuses(target).items() if uid.startswith("unit_test.")}
    assert ran == {uid: "pass" for uid in declared}


def test_a_null_in_a_required_column_fails_its_test_and_names_the_column(dbt_test_run):
    warehouse, target, proc = dbt_test_run
    assert proc.returncode == 1, proc.stdout[-2000:]
    failed = sorted(uid.split(".")[2] for uid, status in statuses(target).items() if status == "fail")
    assert len(failed) == 2 and failed[0].startswith("not_null_columns_int_orders_"), failed
    assert "Got 1 result, configured to fail if != 0" in proc.stdout  # one column has NULLs
    # The test's own query says which column and in how many rows.
    compiled = next(target.glob("compiled/**/not_null_columns_int_orders_*.sql")).read_text()
    assert query(warehouse, compiled) == [("paid_amount", NULLED_ORDERS)]


def test_an_order_loaded_twice_fails_the_key_test_and_names_the_key(dbt_test_run):
    warehouse, target, proc = dbt_test_run
    failed = [uid.split(".")[2] for uid, status in statuses(target).items() if status == "fail"]
    assert [f for f in failed if f.startswith("unique_columns_int_orders_")], failed
    assert f"Got {DUPLICATED_ORDERS} results, configured to fail if != 0" in proc.stdout
    compiled = next(target.glob("compiled/**/unique_columns_int_orders_*.sql")).read_text()
    expected = query(warehouse, "select distinct shop_id, order_id from raw.orders where month = ? order by order_id desc, shop_id "
                     f"limit {DUPLICATED_ORDERS}", [MONTH])
    assert sorted(query(warehouse, compiled)) == sorted((shop, order, 2) for shop, order in expected)


def test_dbt_ends_without_teardown_noise(dbt_test_run):
    # shopkpi-dbt skips the collector at exit; DuckDB's bindings then report "leaked" objects at
    # teardown, which must not reach the terminal (or the log of the command that ran dbt)
    _, _, proc = dbt_test_run
    assert "nanobind" not in proc.stderr + proc.stdout


def test_a_month_rebuild_inserts_each_per_month_table_once(demo_run, tmp_path):
    """DuckDB's per-month tables (month_insert, macros/per_month_tables.sql): with a build month, the
    model's select goes straight into its table through a temp view, not a temp table inserted again
    (int_orders, when it was a table, at 10M orders: 14 s -> 10 s). The rebuilt month has the same rows;
    every table of the build gets its month once."""
    warehouse = copy_warehouse(demo_run[1], tmp_path / "warehouse.duckdb")
    tables = {"int_order_line_totals": "intermediate.int_order_line_totals", "int_store_monthly_totals": "intermediate.int_store_monthly_totals",
              "kpi_store_monthly": "marts.kpi_store_monthly", "kpi_employee_monthly": "marts.kpi_employee_monthly"}
    per_month = list(tables)
    rows_before = {m: query(warehouse, f"select * from {t} order by all") for m, t in tables.items()}
    target = tmp_path / "target"
    proc = run_dbt(warehouse, target, "run", "--select", *per_month)
    assert proc.returncode == 0, proc.stdout[-2000:]
    for model in per_month:
        sql = next(target.glob(f"run/shopkpi/models/*/{model}.sql")).read_text()
        assert sql.lstrip().lower().startswith("insert into") and "create temporary table" not in sql.lower(), model
    assert {m: query(warehouse, f"select * from {t} order by all") for m, t in tables.items()} == rows_before


def _dbt_run_statements(warehouse: Path, target: Path, model: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """`dbt run` of one model on `warehouse`: the process and the SQL statements it ran for the model
    (dbt's debug-level SQLQuery events)."""
    proc = run_dbt(warehouse, target, "--log-format", "json", "--log-level", "debug", "run", "--select", model)
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    statements = [e["data"]["sql"] for e in events if e["info"]["name"] == "SQLQuery"
                  and e["data"].get("node_info", {}).get("unique_id") == f"model.shopkpi.{model}"]
    return proc, statements


def test_a_view_is_replaced_in_one_statement_and_a_failing_select_keeps_the_old_view(demo_run, tmp_path):
    """DuckDB's views (macros/views.sql): `create or replace view`, not dbt's create-under-a-temporary-
    name, rename, rename back and drop; atomic all the same, a select that fails leaves the view."""
    warehouse = copy_warehouse(demo_run[1], tmp_path / "warehouse.duckdb")
    view_sql = "select sql from duckdb_views() where schema_name = 'staging' and view_name = 'stg_orders'"
    before = query(warehouse, view_sql)
    assert len(before) == 1

    proc, statements = _dbt_run_statements(warehouse, tmp_path / "target", "stg_orders")
    assert proc.returncode == 0, proc.stdout[-2000:]
    ddl = [s for s in statements if any(word in s.lower() for word in ("create", "alter", "rename", "drop"))]
    assert len(ddl) == 1 and "create or replace view" in ddl[0].lower(), ddl
    assert query(warehouse, view_sql) == before  # the same view, replaced in place

    con = duckdb.connect(str(warehouse))
    con.execute("alter table raw.orders rename column carrier to carrier_gone")  # the view's select now fails
    con.close()
    proc, _ = _dbt_run_statements(warehouse, tmp_path / "target", "stg_orders")
    assert proc.returncode == 1 and "carrier" in proc.stdout
    assert query(warehouse, view_sql) == before


def test_a_warehouse_whose_int_orders_was_a_table_keeps_every_months_line_summary(demo_run, tmp_path):
    """Before int_orders became a view on DuckDB it was a per-month table carrying the line summary. A
    build of one month replaces the table with the view, and the line summary's first build covers
    every loaded month, so fct_orders of a month not rebuilt keeps its lines."""
    warehouse = copy_warehouse(demo_run[1], tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(warehouse))
    # the old layout: int_orders a table with the line columns, no line summary of its own
    con.execute("create table intermediate.int_orders_old as select * from marts.fct_orders")
    con.execute("drop view marts.fct_orders; drop view intermediate.int_orders; drop table intermediate.int_order_line_totals")
    con.execute("alter table intermediate.int_orders_old rename to int_orders")
    # a month loaded earlier (April: May's lines of the Taobao shop, dated a month before), not rebuilt here
    con.execute("insert into raw.order_lines select * replace ('2017-04' as month) from raw.order_lines where month = ?",
                [MONTH])
    (april_lines,) = con.execute("select count(*) from raw.order_lines where month = '2017-04'").fetchone()
    con.close()
    proc = run_dbt(warehouse, tmp_path / "target", "run", "--select", "int_orders", "int_order_line_totals", "fct_orders")
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert query(warehouse, "select table_type from information_schema.tables "
                            "where table_schema = 'intermediate' and table_name = 'int_orders'") == [("VIEW",)]
    assert query(warehouse, "select month, sum(line_count) from intermediate.int_order_line_totals group by 1 order by 1") == [
        ("2017-04", april_lines), ("2017-05", april_lines)]
    assert query(warehouse, "select count(line_count) > 0 from marts.fct_orders where month = ?", [MONTH]) == [(True,)]
