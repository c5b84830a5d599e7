"""Readers see the last completed state: the pipeline writes one DuckDB file, readers read a copy.

DuckDB lets one process write a file and, while it does, nobody else may open it,
not even read-only. So the pipeline builds in `warehouse.duckdb` and, when a run
has loaded, built and checked its month, copies it whole to
`warehouse.snapshot.duckdb` (written beside it, then renamed over the old copy:
atomic). `shopkpi query / scorecard / audit` and BI tools open the snapshot
read-only, so they never wait for a run, never see half a month and never make a
run fail on a lock. A crashed or failed run leaves the snapshot as it was.

`warehouse.build.json` says which month a run is rebuilding (run, start, process);
readers turn it into a note: being rebuilt since T, or a rebuild that did not
complete. Inside the snapshot, `meta.month_builds` says when each month was
completed and by which run (for BI tools). See DECISIONLOG "Rebuilds, reading".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import warehouse as warehouse_db

MONTH_BUILDS_DDL = """create schema if not exists meta;
create table if not exists meta.month_builds (
    month varchar primary key, run_id varchar, completed_at timestamp)"""


def snapshot_path(warehouse: str | Path) -> Path:
    path = Path(warehouse)
    return path.with_name(f"{path.stem}.snapshot{path.suffix}")


def build_state_path(warehouse: str | Path) -> Path:
    path = Path(warehouse)
    return path.with_name(f"{path.stem}.build.json")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _write_json(path: Path, value: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def begin_build(warehouse: str | Path, month: str, run_id: str) -> None:
    """Record that this process is about to change `month` in the pipeline's file."""
    state = build_state_path(warehouse)
    state.parent.mkdir(parents=True, exist_ok=True)
    current = read_build(warehouse)
    if current is not None and current.run_id == run_id and current.month == month:
        return  # a later step of the same run
    _write_json(state, {"month": month, "run_id": run_id, "started_at": _now().isoformat(), "pid": os.getpid(),
                        "host": socket.gethostname()})


def mark_build_failed(warehouse: str | Path, run_id: str) -> None:
    """The run ended without completing its month (readers keep the last completed state)."""
    current = read_build(warehouse)
    if current is not None and current.run_id == run_id:
        raw = json.loads(build_state_path(warehouse).read_text(encoding="utf-8"))
        _write_json(build_state_path(warehouse), {**raw, "failed_at": _now().isoformat()})


def publish_snapshot(warehouse: str | Path, month: str, run_id: str) -> Path:
    """Record the month as completed and hand readers a copy of the whole warehouse."""
    warehouse = Path(warehouse)
    with warehouse_db.connect(warehouse) as con:
        con.execute(MONTH_BUILDS_DDL)
        con.execute("insert or replace into meta.month_builds values (?, ?, ?)", [month, run_id, _now()])
        con.execute("checkpoint")
    wal = warehouse.with_name(warehouse.name + ".wal")
    if wal.exists():  # closing checkpoints; a WAL left means someone else still has the file open
        raise RuntimeError(f"{warehouse} is still open elsewhere ({wal.name} exists): no snapshot taken")
    target = snapshot_path(warehouse)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(warehouse, tmp)
        with open(tmp, "rb") as copied:
            os.fsync(copied.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)  # readers holding the old copy open keep reading it
    finally:
        tmp.unlink(missing_ok=True)
    current = read_build(warehouse)
    if current is not None and current.run_id == run_id:
        build_state_path(warehouse).unlink(missing_ok=True)
    return target


@dataclass(frozen=True)
class Build:
    month: str
    run_id: str
    started_at: str
    pid: int
    host: str
    failed_at: str | None = None

    @property
    def running(self) -> bool:
        if self.failed_at is not None:
            return False
        if self.host != socket.gethostname():
            return True  # another machine's run: cannot tell, assume it is going on
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def read_build(warehouse: str | Path) -> Build | None:
    state = build_state_path(warehouse)
    try:
        raw = json.loads(state.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return Build(raw["month"], raw["run_id"], raw["started_at"], int(raw["pid"]), raw["host"], raw.get("failed_at"))


def completed_at(con: duckdb.DuckDBPyConnection, month: str) -> dt.datetime | None:
    if not warehouse_db.table_exists(con, "meta", "month_builds"):
        return None
    row = con.execute("select completed_at from meta.month_builds where month = ?", [month]).fetchone()
    return row[0] if row else None


def reader_note(warehouse: str | Path, con: duckdb.DuckDBPyConnection) -> str | None:
    """What a reader of the snapshot must be told about a rebuild going on or broken off."""
    build = read_build(warehouse)
    if build is None:
        return None
    done = completed_at(con, build.month)
    shown = f"as completed {done:%Y-%m-%d %H:%M} UTC" if done else "not at all (never completed)"
    started = build.started_at.replace("T", " ")[:16]
    if build.running:
        return (f"note: {build.month} is being rebuilt (run {build.run_id[:8]}, since {started} UTC); "
                f"you see {build.month} {shown}")
    how = "failed" if build.failed_at else "was stopped"
    return (f"note: the rebuild of {build.month} started {started} UTC (run {build.run_id[:8]}) {how} before it "
            f"completed; you see {build.month} {shown}. Re-run `shopkpi materialize --month {build.month}`")
