"""dbt models as Dagster assets, downstream of the raw assets, built per monthly partition."""


from typing import Any, Mapping, Optional

from dagster import AssetExecutionContext, BackfillPolicy

from ...dbt_process import build as month_build
from ...dbt_process.manifest import manifest_for_definitions
from ...months import month_of
from ...settings import DBT_PROJECT_DIR
from ..dagster_dbt_import import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets
from ..partitions import monthly_partitions
from ..resources import WarehouseResource

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


class ShopKpiTranslator(DagsterDbtTranslator):
    """Group dbt assets by layer (staging, intermediate, marts, reference)."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> Optional[str]:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        return dbt_resource_props.get("config", {}).get("schema") or super().get_group_name(dbt_resource_props)


@dbt_assets(
    manifest=manifest_for_definitions(),  # prepared by the entry point: importing never runs dbt
    project=DBT_PROJECT,
    partitions_def=monthly_partitions,
    # One month per run: the month is passed to dbt as a var, and marts replace exactly that month.
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    dagster_dbt_translator=ShopKpiTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
)
def shopkpi_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    """`dbt build` for one month: models, seeds and their tests (tests become asset checks). What
    surrounds it is a library (dbt_process/build.py)."""
    with month_build.prepared(warehouse.path, month_of(context.partition_key), context.run_id):
        # dbt's unit tests check formula logic against fixed inputs, not the month's data: they run in
        # the test suite (tests/test_dbt_tests.py), as dbt recommends for production builds.
        # --no-write-json: the run's manifest.json and run_results.json are read by nobody
        # (DECISIONLOG "dbt from Dagster").
        invocation = dbt.cli(["build", "--no-write-json", "--exclude-resource-type", "unit_test"], context=context)
        yield from invocation.stream()
    for line in month_build.finish(warehouse.path, invocation.target_path,
                                   DBT_PROJECT.project_dir / DBT_PROJECT.target_path):
        context.log.info(line)
