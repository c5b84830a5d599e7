"""The dbt project's manifest, which the Dagster definitions are built from: prepared before they load.

Importing the definitions never runs dbt. The entry points prepare the manifest first, parsing the
project only when the manifest is missing or older than a source: every `shopkpi` command that
runs Dagster, `shopkpi ui` (and `dagster dev`, as dagster-dbt's `prepare_if_dev` does), and the
test session. A deployment ships a prepared manifest (`shopkpi-dbt parse` at build time).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..settings import DBT_PROJECT_DIR, SEEDS_DIR, dbt_executable
from .parse_state import PROJECT_TARGET

MANIFEST = PROJECT_TARGET / "manifest.json"


def _newest_source_mtime() -> float:
    roots = [DBT_PROJECT_DIR / d for d in ("models", "macros", "tests")] + [SEEDS_DIR]
    files = [p for r in roots for p in r.rglob("*") if p.is_file()]
    files += [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    return max(p.stat().st_mtime for p in files)


def prepare_manifest() -> Path:
    """Parse the dbt project when its manifest is missing or older than its sources."""
    if not MANIFEST.exists() or MANIFEST.stat().st_mtime < _newest_source_mtime():
        subprocess.run([dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                        "--profiles-dir", str(DBT_PROJECT_DIR)], check=True, cwd=DBT_PROJECT_DIR)
    return MANIFEST


def manifest_for_definitions() -> Path:
    """The manifest the definitions load: prepared by the entry point (or here under `dagster dev`)."""
    if os.environ.get("DAGSTER_IS_DEV_CLI"):
        return prepare_manifest()
    if not MANIFEST.exists():
        raise FileNotFoundError(f"{MANIFEST} is missing: run any `shopkpi` command that runs Dagster, "
                                "or `shopkpi-dbt parse --project-dir dbt_project --profiles-dir dbt_project`")
    return MANIFEST
