"""Paths and environment variables shared by Dagster, the CLI and tests."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
SEEDS_DIR = PROJECT_ROOT / "seeds"
DATA_DIR = PROJECT_ROOT / "data"

# The real shop export shipped beside the repository: read-only demo and test data, never a product default.
DEMO_MONTH = "2017-05"
DEMO_ORDERS = PROJECT_ROOT.parent / "shared" / "real-exports" / "taobao-toyshop-2017-05"

MONTH_FOLDER = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

WAREHOUSE_ENV = "SHOPKPI_WAREHOUSE"
PUBLISHED_ENV = "SHOPKPI_PUBLISHED"
EXPORTS_ENV = "SHOPKPI_EXPORTS"
DAGSTER_STORAGE_ENV = "SHOPKPI_DAGSTER_STORAGE"
MONTH_ENV = "SHOPKPI_MONTH"  # the partition dbt builds (dbt_project/macros/months.sql)
# DuckDB's memory cap for loading and dbt (it spills to disk beyond it); dbt's profile reads the same variable.
MEMORY_LIMIT_ENV = "SHOPKPI_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "3500MB"  # peak RSS stays under 4 GB at 10M orders (issue 18)


def duckdb_memory_limit() -> str:
    return os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT


def default_warehouse() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV) or DATA_DIR / "warehouse.duckdb").resolve()


def default_published() -> Path:
    return Path(os.environ.get(PUBLISHED_ENV) or PROJECT_ROOT / "published").resolve()


def default_exports() -> Path:
    """The exports root every command and the sensor read: one folder per shop of YYYY-MM folders
    (or, for one shop, the YYYY-MM folders themselves)."""
    return Path(os.environ.get(EXPORTS_ENV) or DATA_DIR / "exports").resolve()


def month_folders(folder: Path) -> list[Path]:
    """The YYYY-MM folders directly inside `folder`, in month order (none if it is no folder)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and MONTH_FOLDER.fullmatch(p.name))


def month_folder(root: Path, month: str) -> Path:
    """Where a month's downloads are: `root/YYYY-MM/`, or `root` itself when it is a single
    month's folder (no YYYY-MM folders inside). A root of month folders that lacks this
    month gives the missing folder, so the error names the path that was looked for."""
    root = Path(root)
    per_month = root / month
    if per_month.is_dir():
        return per_month
    if month_folders(root):
        return per_month
    return root


def dbt_executable() -> str:
    """The dbt installed beside this interpreter, so no activated venv is needed: `shopkpi-dbt`
    (dbt's command line with fewer garbage collections, shopkpi/short_process.py) when installed."""
    for name in ("shopkpi-dbt", "dbt"):
        beside = Path(sys.executable).parent / name
        if beside.exists():
            return str(beside)
    found = shutil.which("dbt")
    if found is None:
        raise RuntimeError("dbt executable not found beside the Python interpreter or on PATH")
    return found
