"""Readers see the last completed state: the pipeline writes one DuckDB file, readers read a copy.

DuckDB lets one process write a file and, while it does, nobody else may open it,
not even read-only. So the pipeline builds in `warehouse.duckdb` and, when a run
has loaded, built and checked its month, copies it whole to
`warehouse.snapshot.duckdb` (written beside it, then renamed over the old copy:
atomic; the copy starts when dbt is done and runs while the checks validate, see
`start_copy`). `shopkpi query / scorecard / audit` and BI tools open the snapshot
read-only, so they never wait for a run, never see half a month and never make a
run fail on a lock. A crashed or failed run leaves the snapshot as it was.

`warehouse.build.json` says which month a run is rebuilding (run, start, process);
readers turn it into a note: being rebuilt since T, or a rebuild that did not
complete. Inside the snapshot, `meta.month_builds` says when each month was
completed and by which run (for BI tools). See DECISIONLOG "Rebuilds, reading".

A month whose rows changed in the pipeline's file but did not complete (a failed blocking check, a
run that died after its load) is listed in the pipeline's `meta.month_changes` (`mark_month_changed`,
written by the load in its own transaction and by the transform). Handing readers another month
copies the whole file, so the copy's rows of every listed month are replaced by those of the
readers' previous copy (none, if that month never completed): readers keep each month's last
completed state, whichever month completes next (`_keep_readers_months`).
"""

from __future__ import annotations

import atexit
import datetime as dt
import itertools
import json
import os
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import warehouse as warehouse_db
from .workfiles import process_alive, remove_orphans

MONTH_BUILDS_DDL = """create schema if not exists meta;
create table if not exists meta.month_builds (
    month varchar primary key, run_id varchar, completed_at timestamp);
create table if not exists meta.month_changes (
    month varchar primary key, run_id varchar, changed_at timestamp)"""


def mark_month_changed(con: duckdb.DuckDBPyConnection, month: str, run_id: str | None = None) -> None:
    """Record, in the pipeline's file, that `month`'s rows are changing and not yet handed to readers."""
    con.execute(MONTH_BUILDS_DDL)
    con.execute("insert or replace into meta.month_changes values (?, ?, ?)", [month, run_id, _now()])


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
    """Record that this process is about to change `month` in the pipeline's file (and remove what a
    killed run left: its readers' copy in progress, its work files)."""
    state = build_state_path(warehouse)
    state.parent.mkdir(parents=True, exist_ok=True)
    current = read_build(warehouse)
    if current is not None and current.run_id == run_id and current.month == month:
        return  # a later step of the same run
    remove_orphans(warehouse)
    _write_json(state, {"month": month, "run_id": run_id, "started_at": _now().isoformat(), "pid": os.getpid(),
                        "host": socket.gethostname()})


def mark_build_failed(warehouse: str | Path, run_id: str) -> None:
    """The run ended without completing its month (readers keep the last completed state)."""
    current = read_build(warehouse)
    if current is not None and current.run_id == run_id:
        raw = json.loads(build_state_path(warehouse).read_text(encoding="utf-8"))
        _write_json(build_state_path(warehouse), {**raw, "failed_at": _now().isoformat()})


# Written after the transform by the checks of the same run (their stored results) and by the
# hand-off itself: what an early copy (`start_copy`) is brought up to date with.
LATE_TABLES = (("quality", "check_results"), ("meta", "month_builds"), ("meta", "month_changes"))


@dataclass
class _EarlyCopy:
    tmp: Path
    error: BaseException | None = None


_early_copies: dict[Path, _EarlyCopy] = {}
_copy_numbers = itertools.count(1)  # each copy its own file: a stale one is never mistaken for the next


def _wal(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".wal")


_DIRECT_CHUNK = 8 * 2**20  # a multiple of any disk's block size; the buffer is page-aligned (mmap)


def copy_file_direct(source: Path, target: Path) -> None:
    """Copy `source` to `target`, writing with O_DIRECT: the copy bypasses the page cache.

    A buffered copy of the warehouse (5.4 GB after 4 months of 10M orders) cost ~9.6 s of kernel
    CPU, filling the page cache and writing it back, on one of the two cores the checks it overlaps
    run on; written directly, ~1.2 s (DECISIONLOG "Performance", the readers' snapshot).
    Where O_DIRECT is not supported (macOS, some file systems), a plain copy."""
    import mmap

    try:
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_DIRECT, 0o644)
    except (AttributeError, OSError):  # no os.O_DIRECT, or EINVAL: the file system refuses it
        shutil.copyfile(source, target)
        return
    buffer = mmap.mmap(-1, _DIRECT_CHUNK)
    try:
        with open(source, "rb", buffering=0) as src:
            size = os.fstat(src.fileno()).st_size
            offset = 0
            while offset < size:
                filled = 0
                while filled < _DIRECT_CHUNK:  # a whole chunk (reads may come back short)
                    read = src.readinto(memoryview(buffer)[filled:])
                    if not read:
                        break
                    filled += read
                if not filled:
                    break  # the file shrank while being copied: what was read is the copy
                aligned = -(-filled // 4096) * 4096  # the last chunk is padded, then cut (ftruncate)
                buffer[filled:aligned] = bytes(aligned - filled)
                os.pwrite(out, memoryview(buffer)[:aligned], offset)
                offset += filled
            os.ftruncate(out, offset)
    except OSError:  # EINVAL on a write: retry buffered
        os.close(out)
        out = -1
        shutil.copyfile(source, target)
    finally:
        buffer.close()
        if out >= 0:
            os.close(out)


def _copy(source: Path, tmp: Path) -> None:
    copy_file_direct(source, tmp)
    with open(tmp, "rb") as copied:
        os.fsync(copied.fileno())
    os.chmod(tmp, 0o644)


def start_copy(warehouse: str | Path) -> None:
    """Begin the readers' copy in the background, once the transform has written the month: the
    checks that follow only read the warehouse (GX opens it read-only) until they store their
    results in LATE_TABLES, and a read-write connection waits for the copy to end
    (`warehouse.connect`); `publish_snapshot` then brings the copy's LATE_TABLES up to date. The
    copy (I/O) overlaps the checks (CPU) instead of following them: it is the one step whose cost
    grows with the warehouse."""
    warehouse = Path(warehouse).resolve()
    stale = _early_copies.pop(warehouse, None)
    if stale is not None:  # an earlier run of this process stopped before its hand-off
        warehouse_db.wait_for_file_readers(warehouse)
        stale.tmp.unlink(missing_ok=True)
    if _wal(warehouse).exists():
        return  # not closed cleanly: the hand-off copies the whole file after its checkpoint
    target = snapshot_path(warehouse)
    early = _EarlyCopy(target.with_name(f".{target.name}.{os.getpid()}.{next(_copy_numbers)}.early.tmp"))

    def run() -> None:
        try:
            _copy(warehouse, early.tmp)
        except BaseException as error:  # noqa: BLE001  (publish_snapshot then copies afresh)
            early.error = error

    _early_copies[warehouse] = early
    warehouse_db.read_file_in_background(warehouse, run, name="reader-snapshot-copy")


@atexit.register
def _discard_early_copies() -> None:
    """A run that stopped before its hand-off (a failed check) leaves no partial copy behind."""
    for early in _early_copies.values():
        early.tmp.unlink(missing_ok=True)


def _bring_up_to_date(copy: Path, warehouse: Path) -> None:
    """Replace the copy's LATE_TABLES with the warehouse's."""
    from .sql import sql_literal
    from .quality.results import DDL as CHECK_RESULTS_DDL

    with warehouse_db.connect(copy) as con:
        con.execute(CHECK_RESULTS_DDL)
        con.execute(MONTH_BUILDS_DDL)
        con.execute(f"attach {sql_literal(str(warehouse))} as late_source (read_only)")
        con.execute("begin")
        for schema, table in LATE_TABLES:
            con.execute(f"delete from {schema}.{table}")
            con.execute(f"insert into {schema}.{table} select * from late_source.{schema}.{table}")
        con.execute("commit")
        con.execute("detach late_source")
        con.execute("checkpoint")
    with open(copy, "rb") as copied:
        os.fsync(copied.fileno())


def publish_snapshot(warehouse: str | Path, month: str, run_id: str) -> Path:
    """Record the month as completed and hand readers a copy of the whole warehouse."""
    warehouse = Path(warehouse).resolve()
    with warehouse_db.connect(warehouse) as con:
        con.execute(MONTH_BUILDS_DDL)
        con.execute("begin")
        con.execute("insert or replace into meta.month_builds values (?, ?, ?)", [month, run_id, _now()])
        con.execute("delete from meta.month_changes where month = ?", [month])
        con.execute("commit")
        unfinished = [m for (m,) in con.execute("select month from meta.month_changes order by month").fetchall()]
        con.execute("checkpoint")
    wal = _wal(warehouse)
    if wal.exists():  # closing checkpoints; a WAL left means someone else still has the file open
        raise RuntimeError(f"{warehouse} is still open elsewhere ({wal.name} exists): no snapshot taken")
    target = snapshot_path(warehouse)
    early = _early_copies.pop(warehouse, None)
    tmp = early.tmp if early else target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        if early is not None and early.error is None:
            _bring_up_to_date(tmp, warehouse)
        else:
            _copy(warehouse, tmp)
        if unfinished:
            _keep_readers_months(tmp, target, unfinished)
        os.replace(tmp, target)  # readers holding the old copy open keep reading it
    finally:
        tmp.unlink(missing_ok=True)
    current = read_build(warehouse)
    if current is not None and current.run_id == run_id:
        build_state_path(warehouse).unlink(missing_ok=True)
    return target


def _keep_readers_months(copy: Path, previous: Path, months: list[str]) -> None:
    """In the readers' new `copy`, give `months` (changed in the pipeline's file, never completed since)
    the rows of the readers' `previous` copy: every table with a month column, month_builds included.
    On DuckDB, staging, intermediate views and fct_orders read raw, so they follow."""
    from .sql import sql_literal

    months_sql = ", ".join(sql_literal(m) for m in months)
    with warehouse_db.connect(copy) as con:
        tables = con.execute(
            """select t.schema_name, t.table_name from duckdb_tables() t
            join duckdb_columns() c using (database_name, schema_name, table_name)
            where t.database_name = current_database() and c.column_name = 'month'
              and not (t.schema_name = 'meta' and t.table_name = 'month_changes')""").fetchall()
        had_previous = previous.exists()
        if had_previous:
            con.execute(f"attach {sql_literal(str(previous))} as previous_copy (read_only)")
        # each table's columns in both copies (a column added since is left NULL, one dropped is not copied)
        columns: dict[tuple[str, str, str], list[str]] = {}
        for database, schema, table, column in con.execute(
                "select database_name, schema_name, table_name, column_name from duckdb_columns() "
                "where database_name in (current_database(), 'previous_copy') order by column_index").fetchall():
            columns.setdefault((database == "previous_copy", schema, table), []).append(column)
        con.execute("begin")
        for schema, table in tables:
            con.execute(f'delete from "{schema}"."{table}" where month in ({months_sql})')
            new = set(columns.get((False, schema, table), ()))
            names = ", ".join(f'"{c}"' for c in columns.get((True, schema, table), ()) if c in new)
            if names:
                con.execute(f'insert into "{schema}"."{table}" by name select {names} '
                            f'from previous_copy."{schema}"."{table}" where month in ({months_sql})')
        con.execute("commit")
        if had_previous:
            con.execute("detach previous_copy")
        con.execute("checkpoint")
    with open(copy, "rb") as copied:
        os.fsync(copied.fileno())


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
        return process_alive(self.pid)


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
    notes = [_unfinished_note(con, month, run_id, changed_at) for month, run_id, changed_at in _unfinished(con)
             if build is None or month != build.month]
    if build is not None:
        notes.append(_build_note(con, build))
    return "\n".join(notes) or None


def _unfinished(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Months whose rebuild did not complete when this copy was handed over (see _keep_readers_months)."""
    if not warehouse_db.table_exists(con, "meta", "month_changes"):
        return []
    return con.execute("select month, run_id, changed_at from meta.month_changes order by month").fetchall()


def _shown(con: duckdb.DuckDBPyConnection, month: str) -> str:
    done = completed_at(con, month)
    return f"as completed {done:%Y-%m-%d %H:%M} UTC" if done else "not at all (never completed)"


def _unfinished_note(con: duckdb.DuckDBPyConnection, month: str, run_id: str | None, changed_at: dt.datetime) -> str:
    run = f" (run {run_id[:8]})" if run_id else ""
    return (f"note: a rebuild of {month} started {changed_at:%Y-%m-%d %H:%M} UTC{run} did not complete; you see "
            f"{month} {_shown(con, month)}. Re-run `shopkpi materialize --month {month}`")


def _build_note(con: duckdb.DuckDBPyConnection, build: Build) -> str:
    shown = _shown(con, build.month)
    started = build.started_at.replace("T", " ")[:16]
    if build.running:
        return (f"note: {build.month} is being rebuilt (run {build.run_id[:8]}, since {started} UTC); "
                f"you see {build.month} {shown}")
    how = "failed" if build.failed_at else "was stopped"
    return (f"note: the rebuild of {build.month} started {started} UTC (run {build.run_id[:8]}) {how} before it "
            f"completed; you see {build.month} {shown}. Re-run `shopkpi materialize --month {build.month}`")
