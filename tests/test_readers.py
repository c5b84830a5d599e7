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
    while not build_state_path(warehouse).exists():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the run never started rebuilding"
        time.sleep(0.05)
    time.sleep(1.5)  # into the load (the raw month is deleted and reloaded)
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
