"""Dagster resources: the DuckDB warehouse file and the folder of raw exports."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
from dagster import ConfigurableResource

from .settings import duckdb_memory_limit


class WarehouseResource(ConfigurableResource):
    """The embedded DuckDB warehouse (one file)."""

    path: str

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path, read_only=read_only, config={"memory_limit": duckdb_memory_limit()})
        try:
            yield con
        finally:
            con.close()


class ExportsResource(ConfigurableResource):
    """Where the platform downloads are.

    `directory` is either one month's folder, or a root holding one folder
    per month named YYYY-MM (what a scheduled deployment drops files into).
    """

    directory: str

    def folder_for(self, month: str) -> Path:
        root = Path(self.directory)
        per_month = root / month
        return per_month if per_month.is_dir() else root


class PublicationResource(ConfigurableResource):
    """Root of the immutable publications: <directory>/YYYY-MM/vN/."""

    directory: str
