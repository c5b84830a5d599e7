"""Readers see the last completed state of each month (issue 13, item 3).

A real `shopkpi materialize` runs in another process while this process reads:
the CLI's query, and a BI tool holding the reader file open. Before the reader
snapshot, queries during a run failed at random with "Could not set lock on file",
a BI tool holding the file made the run fail, and after `kill -9` readers saw the
half-rebuilt month.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shopkpi.cli.commands.read import query
from shopkpi.cli.errors import CliError
from shopkpi.snapshot import build_state_path, snapshot_path
from shopkpi.workfiles import work_root
from tests.helpers import REAL_ORDERS, copy_warehouse, dagster_home, run_cli

COUNT_SQL = "select count(*) from raw.orders where month = '2017-05'"
KEPT_ORDERS = 1500
# A BI tool in its own process: counts, holds the reader file open until told, counts again, reconnects.
BI_TOOL = f"""
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("{COUNT_SQL}").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("{COUNT_SQL}").fetchone()[0], flush=True)
con.close()
print(duckdb.connect(sys.argv[1], read_only=True).execute("{COUNT_SQL}").fetchone()[0], flush=True)
"""


def order_records(path: Path) -> int:
    import pandas as pd

    return len(pd.read_csv(path, encoding="utf-8-sig", dtype=str))


def fewer_orders(demo_exports: Path, target: Path) -> Path:
    """The demo month's folder with only the first KEPT_ORDERS orders: a rebuild that changes the month
    (without the platform's summary, which no longer matches and would fail the accuracy check)."""
    folder = target / "2017-05"
    shutil.copytree(demo_exports, folder)
    (folder / "店铺概况.csv").unlink()
    lines = REAL_ORDERS.read_bytes().split(b"\n")
    (folder / REAL_ORDERS.name).write_bytes(b"\n".join(lines[: KEPT_ORDERS + 1]) + b"\n")
    return target


def start_materialize(exports: Path, warehouse: Path, home: Path) -> subprocess.Popen:
    env = {**os.environ, **dagster_home(home), "SHOPKPI_ALLOW_DEV_PII_KEY": "1"}
    return subprocess.Popen([sys.executable, "-m", "shopkpi.cli", "materialize", "--month", "2017-05",
                             "--exports", str(exports), "--warehouse", str(warehouse)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def read_count(warehouse: Path) -> tuple[int | None, str]:
    """What `shopkpi query` gives now: (count or None on error, stderr)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            return query(warehouse, COUNT_SQL)[1][0][0], err.getvalue()
        except CliError as exc:
            return None, f"{err.getvalue()}ERROR {exc}"


@pytest.mark.xdist_group("demo")
def test_readers_see_the_last_completed_state_during_a_run_and_after_a_crash(demo_run, demo_exports, tmp_path):
    _, built = demo_run
    warehouse = copy_warehouse(built, tmp_path / "warehouse.duckdb")
    exports = fewer_orders(demo_exports, tmp_path / "exports")
    before, note = read_count(warehouse)
    assert before == order_records(REAL_ORDERS) and note == ""  # 3,989 orders in the real export

    # 1. kill -9 in the middle of a rebuild: readers keep the completed month and are told.
    proc = start_materialize(exports, warehouse, tmp_path / "crash")
    deadline = time.monotonic() + 180
    # The load's signal that it is under way: its private work folder beside the warehouse (workfiles.py),
    # made once the build is recorded and before the month's rows are replaced. No timer decides.
    while not (build_state_path(warehouse).exists() and work_root(warehouse).is_dir()
               and any(work_root(warehouse).iterdir())):
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the run never started loading"
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    count, note = read_count(warehouse)
    assert count == before
    assert "rebuild of 2017-05" in note and "was stopped before it completed" in note and "as completed" in note
    cli = run_cli("query", COUNT_SQL, "--warehouse", str(warehouse), "--format", "csv")
    assert cli.returncode == 0 and cli.stdout.splitlines()[1] == str(before) and "was stopped" in cli.stderr

    # 2. a rebuild while readers read, and a BI tool holds the reader file open all along.
    bi_tool = subprocess.Popen([sys.executable, "-c", BI_TOOL, str(snapshot_path(warehouse))], text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert bi_tool.stdout.readline().strip() == str(before)
    proc = start_materialize(exports, warehouse, tmp_path / "rerun")
    seen, failures, notes = [], [], set()
    while proc.poll() is None:
        count, note = read_count(warehouse)
        if count is None:
            failures.append(note)
        seen.append(count)
        notes.add(note.split(" (run")[0])
        time.sleep(0.1)
    assert proc.returncode == 0, proc.stderr.read().decode()
    assert failures == []
    # Until the month is complete, every read gave the old month; then the new one, whole.
    new_count = order_records(exports / "2017-05" / REAL_ORDERS.name)
    assert new_count < before
    switched = seen.index(new_count) if new_count in seen else len(seen)
    assert set(seen[:switched]) == {before} and set(seen[switched:]) <= {new_count}
    assert "note: 2017-05 is being rebuilt" in notes
    assert read_count(warehouse) == (new_count, "")
    # The BI tool's open file is untouched by the swap; it sees the new month when it reconnects.
    assert bi_tool.communicate("\n", timeout=60)[0].split() == [str(before), str(new_count)]


@pytest.mark.slow
def test_a_month_that_failed_or_never_completed_stays_as_readers_last_saw_it_when_another_month_completes(tmp_path):
    """The next hand-off copied the whole pipeline file: a month whose blocking check failed reached
    readers with its rejected rows, and a month only loaded (a run that died after its load) with its
    unchecked raw rows. Readers must see each month as last completed, or not at all."""
    import duckdb

    from shopkpi.ingest.load import load_month
    from tests.helpers import TMALL_HEADER, environment, materialize_month, write_csv
    from tests.helpers import query as read
    from tests.tmall_months import JANUARY, write_tmall_months

    exports, warehouse = tmp_path / "exports", tmp_path / "warehouse.duckdb"
    readers = snapshot_path(warehouse)
    write_tmall_months(exports)
    with environment({"SHOPKPI_ALLOW_DEV_PII_KEY": "1"}):
        january = materialize_month("2020-01", exports, warehouse)
        assert january.success and materialize_month("2020-02", exports, warehouse).success
        # January again: T1 refunded -5.00 (退款金额 >= 0 is a blocking check of raw/orders) and a third order
        bad_t1 = [*JANUARY[0][:6], "-5.00"]
        t3 = ["T3", "999.00", "999.00", "浙江省杭州市", "2020-01-20 10:00:00", "2020-01-20 10:01:00", "0.00"]
        write_csv(exports / "2020-01" / "订单报表.csv", TMALL_HEADER, [bad_t1, JANUARY[1], t3])
        assert not materialize_month("2020-01", exports, warehouse).success
        # March: loaded by a run that then died (a daemon run that lost the warehouse's lock to this one)
        write_csv(exports / "2020-03" / "订单报表.csv", TMALL_HEADER,
                  [["M1", "70.00", "70.00", "浙江省杭州市", "2020-03-02 10:00:00", "2020-03-02 10:01:00", "0.00"]])
        con = duckdb.connect(str(warehouse))
        load_month(con, "2020-03", exports / "2020-03")
        con.close()
        assert materialize_month("2020-02", exports, warehouse).success  # another month completes

    # January as its first run completed it: T1 100.00 (refund 0.00) and T2 50.00, by hand from tmall_months.JANUARY
    assert read(readers, "select order_id, total_amount, refund_amount from marts.fct_orders where month = '2020-01' "
                         "order by 1") == [("T1", 100, 0), ("T2", 50, 0)]
    assert read(readers, "select value from marts.kpi_store_monthly where month = '2020-01' and kpi_id = 'gmv' "
                         "and shop_id = 'all' and platform = 'all'") == [(150,)]
    assert read(readers, "select run_id from meta.month_builds where month = '2020-01'") == [(january.run_id,)]
    # March never completed: readers have none of its rows
    for table in ("raw.orders", "staging.stg_orders", "marts.fct_orders"):
        assert read(readers, f"select count(*) from {table} where month = '2020-03'") == [(0,)], table
    # and are told
    cli = run_cli("query", "select 1", "--warehouse", str(warehouse))
    assert cli.returncode == 0
    assert "a rebuild of 2020-01 started" in cli.stderr and "you see 2020-01 as completed" in cli.stderr
    assert "a rebuild of 2020-03 started" in cli.stderr and "you see 2020-03 not at all" in cli.stderr
    assert "2020-02" not in cli.stderr  # the month just handed over has no note
    # The pipeline's file still holds both, for the run that will complete them.
    assert read(warehouse, "select count(*) from raw.orders where month in ('2020-01', '2020-03')") == [(4,)]
