"""Paths and environment variables shared by Dagster, the CLI and tests."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
SEEDS_DIR = PROJECT_ROOT / "seeds"
DATA_DIR = PROJECT_ROOT / "data"

# The real shop export shipped beside the repository (read-only demo data).
DEMO_MONTH = "2017-05"
DEFAULT_EXPORTS = PROJECT_ROOT.parent / "shared" / "real-exports" / "taobao-toyshop-2017-05"

WAREHOUSE_ENV = "SHOPKPI_WAREHOUSE"
PUBLISHED_ENV = "SHOPKPI_PUBLISHED"
EXPORTS_ENV = "SHOPKPI_EXPORTS"
DAGSTER_STORAGE_ENV = "SHOPKPI_DAGSTER_STORAGE"
MONTH_ENV = "SHOPKPI_MONTH"  # the partition dbt builds (dbt_project/macros/months.sql)
# DuckDB's memory cap for loading and dbt (it spills to disk beyond it); dbt's profile reads the same variable.
MEMORY_LIMIT_ENV = "SHOPKPI_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "4GB"


def duckdb_memory_limit() -> str:
    return os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT


def default_warehouse() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV) or DATA_DIR / "warehouse.duckdb").resolve()


def default_published() -> Path:
    return Path(os.environ.get(PUBLISHED_ENV) or PROJECT_ROOT / "published").resolve()


def default_exports() -> Path:
    return Path(os.environ.get(EXPORTS_ENV) or DEFAULT_EXPORTS).resolve()


def dbt_executable() -> str:
    """The dbt installed beside this interpreter, so no activated venv is needed."""
    beside = Path(sys.executable).parent / "dbt"
    if beside.exists():
        return str(beside)
    found = shutil.which("dbt")
    if found is None:
        raise RuntimeError("dbt executable not found beside the Python interpreter or on PATH")
    return found
