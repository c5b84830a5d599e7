"""Dagster resources: the DuckDB warehouse, the exports root, the publication root."""

from __future__ import annotations

from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Iterator

import duckdb
from dagster import ConfigurableResource
from packaging.version import Version

from .. import warehouse as warehouse_db
from ..settings import month_folder
from ..shops import shop_month_folders
from .dagster_dbt_import import DbtCliResource


class WarehouseResource(ConfigurableResource):
    """The embedded DuckDB warehouse (one file)."""

    path: str

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse_db.connect(self.path, read_only=read_only) as con:
            yield con


class ExportsResource(ConfigurableResource):
    """Where the platform downloads are: a root holding one YYYY-MM folder per month
    (what a scheduled deployment drops files into), or a single month's folder."""

    directory: str

    def folder_for(self, month: str) -> Path:
        return month_folder(Path(self.directory), month)

    def shop_folders_for(self, month: str) -> dict[str, Path]:
        """Each shop's folder for the month: exports/<shop_id>/<YYYY-MM>/, or the single-shop layout."""
        return shop_month_folders(Path(self.directory), month)


class DbtResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without two start-up costs this project has no use for,
    5 s of each run's dbt step (DECISIONLOG "dbt from Dagster"):
    - it ran `dbt --version` in a subprocess to learn the version of the dbt installed here;
    - it loaded dbt's project and adapter into the Dagster process, which only serves dagster-dbt's
      column-metadata and row-count fetches (not used here), and opened the warehouse a second time."""

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


class PublicationResource(ConfigurableResource):
    """Root of the immutable publications: <directory>/YYYY-MM/vN/."""

    directory: str
