"""Re-materialising a month replaces exactly that month, also when an export of it is gone."""

from __future__ import annotations

import pytest

import json
import os

from tests.helpers import TMALL_HEADER, materialize_month, query, run_cli, write_csv
from tests.role_month import MONTH, write_role_month

GONE = {"staff.xlsx": "staff", "sessions.csv": "cs_sessions", "campaigns.xlsx": "campaigns"}


@pytest.mark.slow
def test_a_month_rebuilt_without_some_exports_keeps_no_stale_rows_and_says_so(tmp_path):
    exports, warehouse = tmp_path / "exports", tmp_path / "warehouse.duckdb"
    write_role_month(exports)
    assert materialize_month(MONTH, exports, warehouse).success
    count = lambda table: query(warehouse, f"select count(*) from {table} where month = ?", [MONTH])[0][0]  # noqa: E731
    assert count("marts.kpi_employee_monthly") > 0 and count("marts.kpi_campaign") == 3  # HD1-HD3 (HD4 ends in April)
    assert count("intermediate.int_customer_service_kpis") > 0
    for name in GONE:  # the roster, the chat log and the campaign list are gone from the folder
        (exports / name).unlink()
    rebuilt = materialize_month(MONTH, exports, warehouse)
    assert rebuilt.success
    # no roster: nobody is scored; no campaigns, no sessions: their rows are gone, not last build's
    assert count("marts.kpi_employee_monthly") == 0 and count("marts.scorecard_employee_monthly") == 0
    assert count("marts.kpi_campaign") == 0 and count("intermediate.int_customer_service_kpis") == 0
    assert sorted(r for (r,) in query(warehouse, "select report_type from raw.load_changes where month = ?", [MONTH])) \
        == sorted(GONE.values())
    (event,) = [e for e in rebuilt.get_asset_materialization_events() if e.asset_key.to_user_string() == "raw/load_changes"]
    assert sorted(event.materialization.metadata["report_types"].value) == sorted(GONE.values())
    audit = run_cli("audit", "--month", MONTH, "--warehouse", str(warehouse), "--published", str(tmp_path / "pub"),
                    "--format", "json")
    assert sorted(json.loads(audit.stdout)["missing_since_earlier_load"]) == sorted(GONE.values())


@pytest.mark.slow
def test_a_killed_load_leaves_its_pii_copy_only_beside_the_warehouse_and_the_next_run_removes_it(tmp_path):
    """kill -9 during the load of a GBK download: its UTF-8 copy (every address of the file) was in the
    system's temp folder forever. Now it is in the warehouse's private work folder, and the next run
    removes it, with a killed run's readers' copy in progress."""
    import signal
    import subprocess
    import sys
    import time

    from shopkpi.snapshot import begin_build
    from shopkpi.workfiles import work_root

    exports, warehouse, system_tmp = tmp_path / "exports", tmp_path / "w" / "warehouse.duckdb", tmp_path / "systmp"
    system_tmp.mkdir()
    warehouse.parent.mkdir()
    rows = [[f"K{i}", "10.00", "10.00", "浙江省 杭州市 西湖区 文三路 1 号", "2017-05-02 10:00:00", "2017-05-02 10:05:00", "0"]
            for i in range(400_000)]
    write_csv(exports / "orders.csv", TMALL_HEADER, rows, encoding="gbk")
    script = ("import duckdb, sys; from shopkpi.ingest.load import load_month; "
              "load_month(duckdb.connect(sys.argv[1]), '2017-05', sys.argv[2])")
    env = {**os.environ, "TMPDIR": str(system_tmp), "SHOPKPI_ALLOW_DEV_PII_KEY": "1"}
    load = subprocess.Popen([sys.executable, "-c", script, str(warehouse), str(exports)], env=env)
    deadline, copies = time.monotonic() + 60, []
    while not copies and time.monotonic() < deadline and load.poll() is None:
        copies = list(system_tmp.rglob("*.utf8.csv")) + list(work_root(warehouse).rglob("*.utf8.csv"))
        time.sleep(0.005)
    load.send_signal(signal.SIGKILL)
    load.wait()
    assert copies, "the load ended before its UTF-8 copy was seen"
    assert all(c.is_relative_to(work_root(warehouse)) for c in copies), copies  # never in the system's temp folder
    assert oct(copies[0].parent.stat().st_mode & 0o777) == "0o700"
    early = warehouse.with_name(f".warehouse.snapshot.duckdb.{load.pid}.1.early.tmp")  # a killed hand-off's copy
    early.write_bytes(b"x" * 1024)
    begin_build(warehouse, "2017-05", "next-run")  # the next run begins
    assert not early.exists() and not copies[0].exists() and list(work_root(warehouse).iterdir()) == []
