"""The dbt server started with a run (shopkpi/dbt_process/warm.py): `shopkpi-dbt`, as
dagster-dbt starts it, hands its command to the server, which runs it on the client's pipes and
returns dbt's exit code; a client whose environment changes the parse gets a fresh parse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import duckdb
import pytest

from shopkpi.dbt_process import warm as warm_dbt
from shopkpi.defs.transform.assets import DBT_PROJECT
from shopkpi.settings import MONTH_ENV, WAREHOUSE_ENV, dbt_executable
from tests.helpers import copy_warehouse, query

pytestmark = pytest.mark.xdist_group("demo")


def dbt(args: list[str], warehouse, target) -> tuple[int, list[dict]]:
    """`shopkpi-dbt` as dagster-dbt runs it (JSON events on stdout): exit code and events."""
    project = str(DBT_PROJECT.project_dir)
    env = {**os.environ, WAREHOUSE_ENV: str(warehouse), MONTH_ENV: "2017-05", "DBT_LOG_FORMAT": "json",
           "DBT_TARGET_PATH": str(target), "DBT_LOG_PATH": str(target)}
    proc = subprocess.run([dbt_executable(), *args, "--project-dir", project, "--profiles-dir", project],
                          env=env, capture_output=True, text=True, cwd=project)
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    return proc.returncode, events


def pids(events: list[dict]) -> set[int]:
    return {e["info"]["pid"] for e in events}


def test_the_server_runs_the_build_on_the_clients_pipes_and_returns_dbts_exit_code(demo_run, tmp_path):
    warehouse = copy_warehouse(demo_run[1], tmp_path / "warehouse.duckdb")
    warm_dbt.start(str(warehouse), "2017-05")
    server = warm_dbt._servers[(str(warehouse.resolve()), "2017-05")]
    with warm_dbt.serving(str(warehouse), "2017-05"):
        code, events = dbt(["build", "--select", "int_orders"], warehouse, tmp_path / "t1")
    assert code == 0
    assert pids(events) == {server.process.pid}  # every event came from the server, none from the client
    assert any(e["info"]["name"] == "LogModelResult" and e["data"]["node_info"]["node_name"] == "int_orders"
               for e in events)
    assert (tmp_path / "t1" / "run_results.json").exists()
    assert server.process.wait(10) == 0 and not server.directory.exists()  # one build, then gone

    # A failing test: exit code 1, as plain dbt gives it.
    con = duckdb.connect(str(warehouse))
    con.execute("update raw.orders set paid_amount = null where month = '2017-05' and order_id in "
                "(select order_id from raw.orders where month = '2017-05' limit 3)")  # int_orders is a view of them
    con.close()
    warm_dbt.start(str(warehouse), "2017-05")
    with warm_dbt.serving(str(warehouse), "2017-05"):
        code, events = dbt(["test", "--select", "int_orders,test_name:not_null_columns"], warehouse, tmp_path / "t2")
    assert code == 1
    assert any(e["info"]["name"] == "LogTestResult" and e["data"]["status"] == "fail" for e in events)


def test_a_client_whose_warehouse_differs_gets_a_fresh_parse(demo_run, tmp_path):
    # The server parsed for warehouse.duckdb (database "warehouse"); the client builds ledger.duckdb.
    # Reusing the parse would build into database "warehouse", which that client does not have.
    ledger = copy_warehouse(demo_run[1], tmp_path / "ledger.duckdb")
    warm_dbt.start(str(tmp_path / "warehouse.duckdb"), "2017-05")
    with warm_dbt.serving(str(tmp_path / "warehouse.duckdb"), "2017-05"):
        code, events = dbt(["build", "--select", "int_orders"], ledger, tmp_path / "t")
    assert code == 0, [e["info"]["msg"] for e in events if e["info"]["level"] == "error"]
    assert not (tmp_path / "warehouse.duckdb").exists()
    assert query(ledger, "select count(*) from intermediate.int_orders where month = '2017-05'")[0][0] > 0
    manifest = json.loads((tmp_path / "t" / "manifest.json").read_text())  # written by the fresh parse
    assert manifest["nodes"]["model.shopkpi.int_orders"]["database"] == "ledger"


def test_a_server_whose_run_ends_without_a_build_exits(tmp_path):
    script = ("import os, sys; from shopkpi.dbt_process import warm as warm_dbt; "
              f"warm_dbt.start({str(tmp_path / 'w.duckdb')!r}, '2017-05'); "
              "print(next(iter(warm_dbt._servers.values())).process.pid, flush=True); os._exit(0)")
    pid = int(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    pytest.fail(f"dbt server {pid} outlived the process that started it")


def test_a_run_that_ended_before_its_dbt_step_leaves_no_server_behind(tmp_path):
    # e.g. a month whose raw checks failed: the next run's start stops the server it did not use
    warm_dbt.start(str(tmp_path / "a.duckdb"), "2017-05")
    first = next(iter(warm_dbt._servers.values()))
    warm_dbt.start(str(tmp_path / "b.duckdb"), "2017-05")
    assert first.process.wait(10) is not None and not first.directory.exists()
    assert len(warm_dbt._servers) == 1
    warm_dbt.stop()
