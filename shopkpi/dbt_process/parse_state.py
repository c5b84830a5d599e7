"""dbt's saved parse (`partial_parse.msgpack`), kept per warehouse name and handed from run to run.

dbt reuses a saved parse when the project and the profile's connection info are those it was made
with. The path of the warehouse file is part of that info; shopkpi/speedups/dbt_parse_state.py
leaves it out, so warehouses of the same name share their parse.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..settings import DBT_PROJECT_DIR

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
