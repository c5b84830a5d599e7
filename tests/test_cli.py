"""The `shopkpi` command as users type it: a real Dagster run, read-only queries."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.helpers import TMALL_HEADER, write_csv


def shopkpi(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *args], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


def test_help_lists_the_commands():
    proc = shopkpi("--help")
    assert proc.returncode == 0
    for command in ("materialize", "query", "ui"):
        assert command in proc.stdout


def test_bad_month_is_a_one_line_error():
    proc = shopkpi("materialize", "--month", "2017-13")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "shopkpi: error: month must look like YYYY-MM, got '2017-13'"


def test_materialize_is_a_dagster_run_and_query_reads_the_mart(tmp_path):
    write_csv(tmp_path / "exports" / "t.csv", TMALL_HEADER, [
        ["X1", "12.50", "12.50", "", "2019-03-01 10:00:00", "2019-03-01 10:00:05", "0"],
        ["X2", "7.50", "0.00", "", "2019-03-02 10:00:00", "", "0"],
    ])
    env = {"DAGSTER_HOME": str(tmp_path), "SHOPKPI_DAGSTER_STORAGE": str(tmp_path / "dagster")}
    warehouse = str(tmp_path / "w.duckdb")
    proc = shopkpi("materialize", "--month", "2019-03", "--exports", str(tmp_path / "exports"), "--warehouse", warehouse, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "materialised 2019-03" in proc.stdout and "付款率" in proc.stdout

    from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

    os.environ.update(env)
    try:
        with DagsterInstance.get() as instance:
            runs = instance.get_runs(RunsFilter(job_name="monthly_kpis", tags={"dagster/partition": "2019-03-01"}))
            assert [r.status for r in runs] == [DagsterRunStatus.SUCCESS]
    finally:
        for key in env:
            os.environ.pop(key, None)

    out = shopkpi("query", "select kpi_id, value from kpi_store_monthly where kpi_id in ('gmv', 'payment_rate') order by 1",
                  "--warehouse", warehouse, "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [{"kpi_id": "gmv", "value": "20"}, {"kpi_id": "payment_rate", "value": "0.5"}]

    csv_out = shopkpi("query", "select count(*) as n from raw.orders", "--warehouse", warehouse, "--format", "csv")
    assert csv_out.stdout.splitlines() == ["n", "2"]

    refused = shopkpi("query", "drop table marts.fct_orders", "--warehouse", warehouse)
    assert refused.returncode == 2 and "read-only" in refused.stderr


def test_backfill_materialises_each_month_of_the_range(tmp_path):
    for month, day in (("2019-01", "2019-01-05"), ("2019-02", "2019-02-06")):
        write_csv(tmp_path / "exports" / month / "orders.csv", TMALL_HEADER,
                  [[f"B{month}", "10.00", "10.00", "", f"{day} 10:00:00", f"{day} 10:00:05", "0"]])
    env = {"DAGSTER_HOME": str(tmp_path), "SHOPKPI_DAGSTER_STORAGE": str(tmp_path / "dagster")}
    warehouse = str(tmp_path / "w.duckdb")
    proc = shopkpi("backfill", "--from", "2019-01", "--to", "2019-02", "--exports", str(tmp_path / "exports"),
                   "--warehouse", warehouse, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "backfilled 2/2 months" in proc.stdout
    out = shopkpi("query", "select month, count(*) as n from fct_orders group by 1 order by 1", "--warehouse", warehouse,
                  "--format", "csv")
    assert out.stdout.splitlines() == ["month,n", "2019-01,1", "2019-02,1"]
    backwards = shopkpi("backfill", "--from", "2019-03", "--to", "2019-01", "--warehouse", warehouse)
    assert backwards.returncode == 2 and "after --to" in backwards.stderr
