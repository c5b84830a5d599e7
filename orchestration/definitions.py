"""Dagster code location: `dagster dev -m orchestration.definitions` (or `shopkpi ui`)."""

from dagster import Definitions
from dagster_dbt import DbtCliResource

from .assets.dbt import DBT_PROJECT, shopkpi_dbt_models
from .assets.publish import scorecard_publication
from .assets.raw import raw_exports
from .checks.suite_checks import SUITE_CHECKS
from .jobs import monthly_kpis_job, monthly_publish_job
from .resources import ExportsResource, PublicationResource, WarehouseResource
from .schedules import monthly_publish_schedule
from .sensors import late_exports_sensor
from .settings import dbt_executable, default_exports, default_published, default_warehouse


def build_resources(warehouse: str | None = None, exports: str | None = None, published: str | None = None) -> dict:
    return {
        "warehouse": WarehouseResource(path=str(warehouse or default_warehouse())),
        "exports": ExportsResource(directory=str(exports or default_exports())),
        "publication": PublicationResource(directory=str(published or default_published())),
        "dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=dbt_executable()),
    }


ASSETS = [raw_exports, shopkpi_dbt_models, scorecard_publication]
ASSET_CHECKS = SUITE_CHECKS


def build_definitions(warehouse: str | None = None, exports: str | None = None, published: str | None = None) -> Definitions:
    return Definitions(
        assets=ASSETS,
        asset_checks=ASSET_CHECKS,
        jobs=[monthly_kpis_job, monthly_publish_job],
        schedules=[monthly_publish_schedule],
        sensors=[late_exports_sensor],
        resources=build_resources(warehouse, exports, published),
    )


defs = build_definitions()
