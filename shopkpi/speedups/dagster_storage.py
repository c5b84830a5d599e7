"""The Dagster instance's storage (dagster.yaml): Dagster's SQLite storage, same files and layout,
with an event log that keeps its database connections open.

Dagster's SQLite event log creates a SQLAlchemy engine, connects, commits with a full fsync and
disposes the engine for every event it stores. A month's run stores about a thousand events (a
materialisation or check result per dbt model and test, per GX suite), which took 9.8 s of the
demo month's 37. Here each database file keeps one engine (a few at most, least recently used
first out), and SQLite syncs in WAL's NORMAL mode: a power cut may lose the last events, never
corrupt the file (DECISIONLOG "Dagster's event log").

Private: `SqliteEventLogStorage` (subclassed: `_connect`, `_initdb`, `_initialized_dbs`,
`_db_lock`, `has_table`), `DagsterSqliteStorage` and its `_event_log_storage`,
`_event_logs_directory` (docs/upgrading.md). With SHOPKPI_SPEEDUPS=0 the storage is Dagster's own.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS, SqliteEventLogStorage
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData

from . import apply

OPEN_DATABASES = 8  # the index, the assets and the runs being written; more would only hold file handles


def _sync_normally(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage whose per-file engines stay open between events."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        self._engines: OrderedDict[str, db.Engine] = OrderedDict()
        self._tables_present: set[str] = set()

    def _engine(self, shard: str) -> db.Engine:
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = db.create_engine(self.conn_string_for_shard(shard),
                                      connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
            db.event.listen(engine, "connect", _sync_normally)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine  # the most recently used last
        while len(self._engines) > OPEN_DATABASES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    def has_table(self, table_name: str) -> bool:
        """Dagster asks whether the index has a table before it stores each asset event and check
        result, through a new engine every time (~3 ms; 0.4 s of the demo month's run). A table, once
        there, stays while the instance is up (migrations add tables, nothing drops them): a present
        one is remembered, an absent one asked again."""
        if table_name in self._tables_present:
            return True
        present = super().has_table(table_name)
        if present:
            self._tables_present.add(table_name)
        return present

    @contextmanager
    def _connect(self, shard: str) -> Iterator[db.Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
        super().dispose()


class ShopkpiSqliteStorage(DagsterSqliteStorage):
    """`storage: custom:` in dagster.yaml: DagsterSqliteStorage with the pooled event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data)
        apply("dagster_event_log", lambda: setattr(
            self, "_event_log_storage", PooledSqliteEventLogStorage(_event_logs_directory(base_dir))))

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData, config_value) -> ShopkpiSqliteStorage:
        return cls(inst_data=inst_data, **config_value)
