"""The embedded DuckDB warehouse: one file, opened read-write by the pipeline, read-only by readers."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from .settings import duckdb_memory_limit

# Threads of this process that read a warehouse file byte by byte (snapshot.start_copy): a writer
# waits for them, since the checkpoint that closes a read-write connection would tear their copy.
_file_readers: dict[Path, threading.Thread] = {}


def read_file_in_background(path: str | Path, read: Callable[[], None], name: str) -> None:
    thread = threading.Thread(target=read, name=name, daemon=True)
    _file_readers[Path(path).resolve()] = thread
    thread.start()


def wait_for_file_readers(path: str | Path) -> None:
    thread = _file_readers.pop(Path(path).resolve(), None)
    if thread is not None:
        thread.join()


@contextmanager
def connect(path: str | Path, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    if not read_only:
        wait_for_file_readers(path)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only, config={"memory_limit": duckdb_memory_limit()})
    try:
        yield con
    finally:
        con.close()


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether the warehouse has this table (older warehouses lack tables added since)."""
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, table]).fetchone()[0] > 0


def column_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    """Whether a table has this column (warehouses loaded before a column was added lack it until their next load)."""
    return con.execute("select count(*) from information_schema.columns where table_schema = ? and table_name = ? "
                       "and column_name = ?", [schema, table, column]).fetchone()[0] > 0
