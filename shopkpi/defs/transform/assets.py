"""dbt models as Dagster assets, downstream of the raw assets, built per monthly partition."""


import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Mapping, Optional

from dagster import AssetExecutionContext, BackfillPolicy

from ...dbt_process.parse_state import save_parse
from ...lake import LAKE_ENV, attach_spark_tables, default_lake
from ...months import month_of
from ...scoring.config import validate_scoring_config
from ...snapshot import begin_build, mark_month_changed, start_copy as start_snapshot_copy
from ...spark import engine
from ...settings import DBT_PROJECT_DIR, MONTH_ENV, SEEDS_DIR, WAREHOUSE_ENV, dbt_executable
from ..dagster_dbt_import import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets
from ..partitions import monthly_partitions
from ..resources import WarehouseResource

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
DBT_LOG_LEVEL_FILE_ENV = "DBT_LOG_LEVEL_FILE"


def _newest_source_mtime() -> float:
    roots = [DBT_PROJECT_DIR / d for d in ("models", "macros", "tests")] + [SEEDS_DIR]
    files = [p for r in roots for p in r.rglob("*") if p.is_file()]
    files += [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    return max(p.stat().st_mtime for p in files)


def ensure_manifest(project: DbtProject = DBT_PROJECT) -> Path:
    """Parse the dbt project when its manifest is missing or older than its sources.

    Runs at import so that `shopkpi`, tests and `dagster dev` need no separate
    `dbt parse` step; a deployment can ship a prebuilt manifest instead.
    """
    manifest = project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
        subprocess.run(
            [dbt_executable(), "parse", "--quiet", "--project-dir", str(project.project_dir),
             "--profiles-dir", str(project.profiles_dir)],
            check=True,
            cwd=project.project_dir,
        )
    return manifest


class ShopKpiTranslator(DagsterDbtTranslator):
    """Group dbt assets by layer (staging, intermediate, marts, reference)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> Optional[str]:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return dbt_resource_props.get("config", {}).get("schema") or super().get_group_name(dbt_resource_props)


@dbt_assets(
    manifest=ensure_manifest(),
    project=DBT_PROJECT,
    partitions_def=monthly_partitions,
    # One month per run: the month is passed to dbt as a var, and marts replace exactly that month.
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    dagster_dbt_translator=ShopKpiTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
)
def shopkpi_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """`dbt build` for one month: models, seeds and their tests (tests become asset checks)."""
    validate_scoring_config()  # a bad targets/weights edit fails here, naming file and row
    # profiles.yml reads the warehouse path from the environment; the dbt subprocess inherits it.
    os.environ[WAREHOUSE_ENV] = warehouse.path
    # The month goes in through the environment, not --vars: changed vars force dbt to re-parse
    # the whole project (~10 s a run); the macros read SHOPKPI_MONTH only at execution.
    os.environ[MONTH_ENV] = month_of(context.partition_key)
    # dbt's file log (dbt.log in the run's target dir, kept only when the run fails) at info: its error
    # and every node's outcome, not each statement's SQL, which the kept dir's run/ SQL has. At debug,
    # writing it was ~10% of a build (threads waiting on the log's lock). DBT_LOG_LEVEL_FILE=debug gets it back.
    os.environ.setdefault(DBT_LOG_LEVEL_FILE_ENV, "info")
    begin_build(warehouse.path, month_of(context.partition_key), context.run_id)
    with warehouse.connect() as con:  # the marts of the month change: readers keep the last completed ones
        mark_month_changed(con, month_of(context.partition_key), context.run_id)
    on_spark = engine() == "spark"
    if on_spark:  # profiles.yml's spark target reads the lake the raw asset wrote
        os.environ[LAKE_ENV] = str(default_lake())
    # dbt's unit tests check formula logic against fixed inputs, not the month's data: they run in
    # the test suite (tests/test_dbt_tests.py), as dbt recommends for production builds.
    # --no-write-json: the run's manifest.json and run_results.json, written after the last node
    # (~0.4 s), are read by nobody: the events are in Dagster, a failed run's dbt.log has every
    # node's outcome and its target dir the compiled SQL (DECISIONLOG "dbt from Dagster").
    invocation = dbt.cli(["build", "--no-write-json", "--exclude-resource-type", "unit_test"], context=context)
    yield from invocation.stream()
    if on_spark:
        # The checks, the CLI and publishing read Spark's tables through the warehouse file
        with warehouse.connect() as con:
            views = attach_spark_tables(con, default_lake())
        context.log.info(f"Spark built {len(views)} tables; the warehouse reads them from {default_lake()}")
    start_snapshot_copy(warehouse.path)  # the readers' copy, while the checks run (snapshot.start_copy)
    # dagster-dbt seeded the run's target with dbt_project/target/partial_parse.msgpack; hand the run's
    # own parse back, so the next run (its warehouse name is in the profile) parses only what changed.
    save_parse(invocation.target_path, warehouse.path)
    # dagster-dbt gives every run a target dir of its own (~10 MB: manifest, compiled SQL); the run's
    # events are in Dagster, so a completed run's dir goes. A failed run's stays for debugging, a week.
    shutil.rmtree(invocation.target_path, ignore_errors=True)
    prune_run_targets()


RUN_TARGET_DAYS = 7


def prune_run_targets(project: DbtProject = DBT_PROJECT, days: int = RUN_TARGET_DAYS) -> list[Path]:
    """Remove the run target dirs (failed runs' ones) older than `days`; never a recent one, which
    may belong to a run still going on."""
    import time

    root = project.project_dir / project.target_path
    cutoff = time.time() - days * 86400
    removed = [p for p in root.glob("shopkpi_dbt_models-*") if p.is_dir() and p.stat().st_mtime < cutoff]
    for path in removed:
        shutil.rmtree(path, ignore_errors=True)
    return removed
