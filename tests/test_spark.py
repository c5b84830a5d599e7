"""The Spark engine (issue 16): the multi-shop demo month built by the same dbt project on DuckDB
and on a local Spark (dbt-spark, session method, local[2]) gives the same tables, row for row.

DuckDB's side is a real Dagster materialisation; Spark's reads the Parquet lake the loader writes
from the same raw layer (shopkpi/lake.py). Parity is checked by shopkpi/parity.py: a multiset
difference per table, exact except DOUBLE columns (9 decimals).
"""

from __future__ import annotations

import json
import os
import shutil

import duckdb
import pytest

from shopkpi.defs.transform.assets import DBT_PROJECT
from shopkpi.quality.suites import LAYERS, load_suites
from tests.helpers import REAL_EXPORTS, free_port, materialize_month, run_cli

pytestmark = [pytest.mark.slow, pytest.mark.spark]

MONTH = "2017-05"


def _spark_ready() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None


needs_spark = pytest.mark.skipif(not _spark_ready() and not os.environ.get("CI"),
                                 reason="Java or pyspark missing (./run.sh test installs both)")


def test_a_month_export_replaces_exactly_that_month(tmp_path):
    from shopkpi.lake import export_month

    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.shop_months (month varchar, shop_id varchar, platform varchar, status varchar)")
    con.execute("insert into raw.shop_months values ('2017-04', 'a', 'taobao', 'loaded'), ('2017-05', 'a', 'taobao', 'loaded'),"
                " ('2017-05', 'b', 'jd', 'no order report')")
    con.execute("create table raw.orders (month varchar, shop_id varchar, order_id varchar, paid decimal(18, 2))")
    con.execute("insert into raw.orders values ('2017-04', 'a', 'A1', 1.50), ('2017-05', 'a', 'M1', 2.00), ('2017-05', 'a', 'M2', 3.00)")
    assert export_month(con, "2017-04", tmp_path)["orders"] == 1
    assert export_month(con, "2017-05", tmp_path)["orders"] == 2
    con.execute("delete from raw.orders where order_id = 'M2'")  # May rebuilt without M2
    export_month(con, "2017-05", tmp_path)
    lake = f"read_parquet('{tmp_path}/raw/orders/*/*/*.parquet', hive_partitioning = true)"
    assert sorted(con.execute(f"select month, shop_id, order_id, paid from {lake}").fetchall()) == [
        ("2017-04", "a", "A1", 1.50), ("2017-05", "a", "M1", 2.00)]  # April untouched, May replaced
    # shop b has no orders in May: its file exists and is empty, so the table's schema is always readable
    assert (tmp_path / "raw" / "orders" / "month=2017-05" / "shop_id=b" / "data.parquet").exists()
    assert not [p for p in (tmp_path / "raw" / "orders").iterdir() if p.name.startswith(".")]  # no staging left


@pytest.fixture(scope="module")
def both_engines(tmp_path_factory):
    """The five-shop demo month materialised and published twice through Dagster: on DuckDB, and with
    SHOPKPI_ENGINE=spark (loading on DuckDB, the lake, dbt-spark on local[2], the checks, publishing)."""
    from shopkpi_simulator import simulate_shops

    root = tmp_path_factory.mktemp("engines")
    simulate_shops(REAL_EXPORTS, root / "exports", MONTH, seed=42)
    built = {}
    for name in ("duckdb", "spark"):
        with pytest.MonkeyPatch.context() as env:
            env.setenv("SHOPKPI_ENGINE", name)
            env.setenv("SHOPKPI_LAKE", str(root / name / "lake"))
            result = materialize_month(MONTH, root / "exports", root / name / "warehouse.duckdb",
                                       published=root / name / "published")
        built[name] = (result, root / name)
    return built


@needs_spark
@pytest.mark.xdist_group("spark")
def test_the_month_materialises_and_publishes_on_spark_with_every_check(both_engines):
    checks = {}
    for name, (result, _) in both_engines.items():
        assert result.success, f"{name} run failed"
        evaluations = result.get_asset_check_evaluations()
        failed = [c.check_name for c in evaluations if not c.passed and c.severity.value == "ERROR"]
        assert failed == [], (name, failed)
        checks[name] = {(c.asset_key.to_user_string(), c.check_name) for c in evaluations}
    # the same dbt tests and GX suites ran on Spark's tables as on DuckDB's: every data test of the
    # manifest and every suite of the three layers
    manifest = json.loads(DBT_PROJECT.manifest_path.read_text())
    data_tests = sum(1 for node in manifest["nodes"].values() if node["resource_type"] == "test")
    suites = sum(len(load_suites(layer)) for layer in LAYERS)
    assert checks["duckdb"] == checks["spark"] and len(checks["spark"]) == data_tests + suites
    spark = both_engines["spark"][1]
    assert (spark / "lake" / "raw" / "orders" / f"month={MONTH}" / "shop_id=pdd_shop" / "data.parquet").exists()
    assert (spark / "lake" / "warehouse" / "marts.db" / "kpi_store_monthly" / f"month={MONTH}").is_dir()


def _validated_by(warehouse) -> dict[str, set[str]]:
    """Per layer, the GX data sources whose results the checks stored (the batch's datasource)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("select layer, json_extract_string(result_json, '$.meta.active_batch_definition.datasource_name') "
                           f"from quality.check_results where month = '{MONTH}'").fetchall()
    found: dict[str, set[str]] = {}
    for layer, source in rows:
        found.setdefault(layer, set()).add(source)
    return found


@needs_spark
@pytest.mark.xdist_group("spark")
def test_the_staging_and_marts_suites_run_on_spark(both_engines):
    # the loader's raw suites stay in DuckDB; every suite over dbt's tables is a Spark job on Spark
    assert _validated_by(both_engines["spark"][1] / "warehouse.duckdb") == {
        "raw": {"warehouse"}, "staging": {"spark"}, "marts": {"spark"}}
    assert _validated_by(both_engines["duckdb"][1] / "warehouse.duckdb") == {
        "raw": {"warehouse"}, "staging": {"warehouse"}, "marts": {"warehouse"}}


@needs_spark
@pytest.mark.xdist_group("spark")
def test_a_defect_in_sparks_tables_fails_the_check_on_spark(both_engines, tmp_path, monkeypatch):
    """The check reads what Spark reads: a duplicated store-KPI row written into a copy of Spark's
    table files fails kpi_store_monthly's uniqueness on Spark, while the warehouse file (whose views
    read the original lake) is untouched."""
    from shopkpi.quality.results import validate
    from shopkpi.quality.suites import load_suites

    spark = both_engines["spark"][1]
    lake = tmp_path / "lake"
    shutil.copytree(spark / "lake", lake, ignore=shutil.ignore_patterns("metastore_db", "*.lck"))
    month_dir = lake / "warehouse" / "marts.db" / "kpi_store_monthly" / f"month={MONTH}"
    with duckdb.connect() as con:  # one row again, in a second file of the same partition
        con.execute(f"copy (select * exclude (month) from read_parquet('{month_dir}/*.parquet') "
                    f"where kpi_id = 'net_sales' and shop_id = 'all' and platform = 'all') to '{month_dir}/part-dup.parquet' (format parquet)")
    monkeypatch.setenv("SHOPKPI_ENGINE", "spark")
    monkeypatch.setenv("SHOPKPI_LAKE", str(lake))
    suites = [s for s in load_suites("marts") if s.name == "kpi_store_monthly"]
    (outcome,), _, _ = validate(spark / "warehouse.duckdb", suites, MONTH, run_name="defect")
    assert not outcome.success
    assert [(o.expectation, o.unexpected_count) for o in outcome.failed] == [("unexpected_rows_expectation", 2)]


@needs_spark
@pytest.mark.xdist_group("spark")
def test_every_table_is_the_same_on_duckdb_and_spark(both_engines):
    from shopkpi.parity import compare_month

    duck, spark = both_engines["duckdb"][1], both_engines["spark"][1]
    parity = compare_month(duck / "warehouse.duckdb", spark / "lake", MONTH)
    built = {(p.schema, p.table) for p in parity}
    assert {("marts", t) for t in ("kpi_store_monthly", "kpi_employee_monthly", "scorecard_employee_monthly",
                                   "scorecard_team_monthly", "kpi_campaign", "kpi_store_province_monthly",
                                   "fct_analyst_figures", "fct_orders")} <= built
    assert {("staging", "stg_orders"), ("intermediate", "int_orders")} <= built
    unequal = [p for p in parity if not p.equal]
    assert unequal == [], unequal
    assert all(p.duckdb_rows > 0 for p in parity if p.table in ("kpi_store_monthly", "kpi_employee_monthly"))
    # the marts publish one schema on both engines (explicit casts where the engines' defaults differ)
    assert {p.table: p.type_differences for p in parity if p.schema == "marts" and p.type_differences} == {}


@needs_spark
@pytest.mark.xdist_group("spark")
def test_the_published_scorecards_are_the_same(both_engines):
    duck, spark = (both_engines[name][1] / "published" / MONTH / "v1" for name in ("duckdb", "spark"))
    for name in ("scorecard_employee.csv", "scorecard_team.csv", "store_shops.csv"):
        assert (duck / name).read_bytes() == (spark / name).read_bytes(), name


def _wait_for_port(port: int, proc, seconds: float) -> None:
    import socket
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the Spark Thrift server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("localhost", port)) == 0:
                return
        time.sleep(1)
    raise TimeoutError(f"the Spark Thrift server did not listen on {port} within {seconds:.0f} s")


@needs_spark
@pytest.mark.xdist_group("spark")
def test_a_spark_thrift_server_builds_the_same_marts(both_engines, tmp_path):
    """The path a cluster uses: dbt-spark's thrift method against a locally started Spark Thrift server."""
    import subprocess

    from shopkpi.parity import compare_month
    from shopkpi.cli.commands.tools import stop_process_group
    from shopkpi.spark import thrift_server_command

    lake, port, connect_port = tmp_path / "lake", free_port(), free_port()
    lake.mkdir()
    with (tmp_path / "thrift.log").open("w") as log:
        server = subprocess.Popen(thrift_server_command(lake, port, connect_port=connect_port), stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)  # own process group: stopped whole
    try:
        _wait_for_port(port, server, 180)
        _wait_for_port(connect_port, server, 60)
        with pytest.MonkeyPatch.context() as env:
            for name, value in {"SHOPKPI_ENGINE": "spark", "SHOPKPI_SPARK_METHOD": "thrift",
                                "SHOPKPI_SPARK_PORT": str(port), "SHOPKPI_LAKE": str(lake),
                                "SHOPKPI_SPARK_CONNECT": f"sc://localhost:{connect_port}"}.items():
                env.setenv(name, value)
            result = materialize_month(MONTH, both_engines["duckdb"][1].parent / "exports", tmp_path / "warehouse.duckdb")
        assert result.success, (tmp_path / "thrift.log").read_text()[-3000:]
        failed = [c.check_name for c in result.get_asset_check_evaluations() if not c.passed and c.severity.value == "ERROR"]
        assert failed == []
        # the GX suites ran through the server's Spark Connect endpoint, on the tables it built
        assert _validated_by(tmp_path / "warehouse.duckdb")["marts"] == {"spark"}
    finally:
        stop_process_group(server, grace_seconds=60)  # the JVM's shutdown can take long on a loaded machine
    parity = compare_month(both_engines["duckdb"][1] / "warehouse.duckdb", lake, MONTH, schemas=("marts",))
    assert len(parity) >= 8 and [p for p in parity if not p.equal] == []


@needs_spark
@pytest.mark.xdist_group("spark")
def test_shopkpi_query_reads_sparks_tables_and_no_other_file(both_engines, monkeypatch):
    duck, spark = both_engines["duckdb"][1], both_engines["spark"][1]
    sql = "select shop_id, platform, kpi_id, value from kpi_store_monthly order by all"
    expected = run_cli("query", sql, "--format", "csv", "--warehouse", str(duck / "warehouse.duckdb"))
    monkeypatch.setenv("SHOPKPI_LAKE", str(spark / "lake"))
    got = run_cli("query", sql, "--format", "csv", "--warehouse", str(spark / "warehouse.duckdb"))
    assert got.returncode == 0, got.stderr
    assert got.stdout == expected.stdout and got.stdout.count("\n") > 50
    for hostile in (f"select * from read_parquet('{spark}/lake/raw/orders/**/*.parquet')",  # the raw lake
                    "select * from read_csv('/etc/passwd')"):
        refused = run_cli("query", hostile, "--warehouse", str(spark / "warehouse.duckdb"))
        assert refused.returncode != 0 and "Permission Error" in refused.stderr, hostile
