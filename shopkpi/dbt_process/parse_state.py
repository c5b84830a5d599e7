"""dbt's partial parsing, kept across warehouse files of the same name.

dbt re-parses the whole project (~3-6 s) when the profile's "connection info" differs from the
one the saved parse was made with, and dbt-duckdb counts the warehouse file's path in it. Every
new warehouse path (a benchmark's, a test's, a second deployment's) therefore paid a full parse,
although the path never reaches the parsed project: what does, the `database` name (the file's
stem), stays in the comparison. DECISIONLOG "dbt parses once per warehouse name".
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..settings import DBT_PROJECT_DIR

IGNORED_KEYS = ("path",)


@contextmanager
def _connection_keys_without(credentials_class, ignored: tuple[str, ...]) -> Iterator[None]:
    keys = credentials_class._connection_keys
    credentials_class._connection_keys = lambda self: tuple(k for k in keys(self) if k not in ignored)
    try:
        yield
    finally:
        credentials_class._connection_keys = keys


def ignore_warehouse_path_in_parse_state() -> None:
    """Make dbt's parse-state check (ManifestLoader.build_manifest_state_check) leave the DuckDB
    file's path out of the profile hash; everything else dbt compares is unchanged."""
    from dbt.adapters.duckdb.credentials import DuckDBCredentials
    from dbt.parser.manifest import ManifestLoader

    build_state_check = ManifestLoader.build_manifest_state_check
    if getattr(build_state_check, "ignores_warehouse_path", False):
        return

    def build_manifest_state_check(self):
        if not isinstance(self.root_project.credentials, DuckDBCredentials):
            return build_state_check(self)
        with _connection_keys_without(DuckDBCredentials, IGNORED_KEYS):
            return build_state_check(self)

    build_manifest_state_check.ignores_warehouse_path = True
    ManifestLoader.build_manifest_state_check = build_manifest_state_check


# dbt keeps one saved parse per target dir; a project built into warehouses of different names
# (tests, or a deployment with two) made each name's run re-parse after the other's. The saved
# parse is kept per database name as well, and seeds a run's target when it has none of its name.
SAVED_PARSE = "partial_parse.msgpack"
PROJECT_TARGET = DBT_PROJECT_DIR / "target"  # dbt_project.yml's target-path, where dagster-dbt seeds from


def saved_parse_for(project_target: Path, warehouse: str) -> Path:
    return project_target / f"partial_parse.{Path(warehouse).stem}.msgpack"


def save_parse(run_target: Path, warehouse: str, project_target: Path = PROJECT_TARGET) -> None:
    """Keep a run's parse as the project's (what dagster-dbt seeds the next run with) and as its
    database name's (what `seed_parse` gives a run of that name)."""
    produced = Path(run_target) / SAVED_PARSE
    if not produced.exists():
        return
    for destination in (project_target / SAVED_PARSE, saved_parse_for(project_target, warehouse)):
        tmp = destination.with_name(destination.name + f".{os.getpid()}.tmp")
        shutil.copyfile(produced, tmp)
        os.replace(tmp, destination)


def seed_parse(run_target: Path, warehouse: str, project_target: Path = PROJECT_TARGET) -> None:
    """Give a run's target the saved parse of its database name; failing that, when the target has
    none yet (dagster-dbt seeds its runs' targets, the dbt server's is empty), the project's."""
    run_target = Path(run_target)
    saved = saved_parse_for(project_target, warehouse)
    if not saved.exists():
        saved = project_target / SAVED_PARSE
        if not saved.exists() or (run_target / SAVED_PARSE).exists():
            return
    run_target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(saved, run_target / SAVED_PARSE)
