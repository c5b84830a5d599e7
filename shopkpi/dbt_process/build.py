"""What surrounds a month's `dbt build`, as a library: the Dagster asset (defs/transform/assets.py)
only runs dbt between `prepared` and `finish`.

Before: the scoring configuration is checked (a bad targets/weights edit fails naming file and
row), dbt is pointed at a UTF-8 copy of the seeds when Excel saved one as GBK or with a BOM, the build is recorded for readers (`snapshot.begin_build`, `meta.month_changes`) and dbt's
environment is set: the warehouse path (profiles.yml), the month (the macros read it at execution:
`--vars` would force a full re-parse), dbt's file log at info and, on Spark, the lake. After the
build that environment is restored. `finish` gives the warehouse views of Spark's tables, starts
the readers' copy, keeps the run's dbt parse for the next run and removes the run's target dir.
"""

from __future__ import annotations

import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .. import warehouse as warehouse_db
from ..lake import LAKE_ENV, attach_spark_tables, default_lake
from ..scoring.config import validate_scoring_config
from ..config_files import SEED_DIR_ENV, dbt_seed_dir
from ..settings import MONTH_ENV, PROJECT_ROOT, SEEDS_DIR, WAREHOUSE_ENV
from ..snapshot import begin_build, mark_month_changed, start_copy
from ..spark import engine
from .parse_state import save_parse

# dbt's file log (dbt.log in the run's target dir, kept only when the run fails) at info: its error and
# every node's outcome, not each statement's SQL, which the kept dir's run/ SQL has. At debug, writing it
# was ~10% of a build (threads waiting on the log's lock). DBT_LOG_LEVEL_FILE=debug gets it back.
DBT_LOG_LEVEL_FILE_ENV = "DBT_LOG_LEVEL_FILE"
RUN_TARGET_DAYS = 7  # a failed run's target dir (compiled SQL, dbt.log) is kept this long for debugging


@contextmanager
def prepared(warehouse: str, month: str, run_id: str) -> Iterator[None]:
    """Within the block, the process environment is dbt's for this month's build."""
    validate_scoring_config()
    begin_build(warehouse, month, run_id)
    with warehouse_db.connect(warehouse) as con:  # the marts of the month change: readers keep the last completed
        mark_month_changed(con, month, run_id)
    settings = {WAREHOUSE_ENV: warehouse, MONTH_ENV: month,
                DBT_LOG_LEVEL_FILE_ENV: os.environ.get(DBT_LOG_LEVEL_FILE_ENV, "info")}
    seeds = dbt_seed_dir(PROJECT_ROOT / ".seeds_utf8")  # the team's seeds, or a UTF-8 copy of Excel's GBK/BOM files
    if seeds != SEEDS_DIR:
        settings[SEED_DIR_ENV] = str(seeds)
    if engine() == "spark":  # profiles.yml's spark target reads the lake the raw asset wrote
        settings[LAKE_ENV] = str(default_lake())
    before = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def finish(warehouse: str, run_target: Path, project_target: Path) -> list[str]:
    """After a completed build: what it did, as lines for the run's log."""
    said = []
    if engine() == "spark":  # the checks, the CLI and publishing read Spark's tables through the warehouse file
        with warehouse_db.connect(warehouse) as con:
            views = attach_spark_tables(con, default_lake())
        said.append(f"Spark built {len(views)} tables; the warehouse reads them from {default_lake()}")
    start_copy(warehouse)  # the readers' copy, while the checks run (snapshot.start_copy)
    # dagster-dbt seeded the run's target with the project's saved parse; hand the run's own parse back,
    # so the next run (its warehouse name is in the profile) parses only what changed.
    save_parse(run_target, warehouse)
    # Every run has a target dir of its own (~10 MB); its events are in Dagster, so a completed run's goes.
    shutil.rmtree(run_target, ignore_errors=True)
    prune_run_targets(project_target)
    return said


def prune_run_targets(project_target: Path, days: int = RUN_TARGET_DAYS) -> list[Path]:
    """Remove the run target dirs (failed runs' ones) older than `days`; never a recent one, which
    may belong to a run still going on."""
    cutoff = time.time() - days * 86400
    removed = [p for p in Path(project_target).glob("shopkpi_dbt_models-*") if p.is_dir() and p.stat().st_mtime < cutoff]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed
