"""Dagster code location: `dagster dev -m shopkpi.definitions` (or `shopkpi ui`).

The Dagster code lives in `defs/`, one folder per pipeline stage; it is thin code over
the plain libraries (`ingest/`, `quality/`, `publish/`, `scoring/`)."""

import logging

from dagster import Definitions, colored_console_logger, logger

from .defs.alerts.sensors import failed_runs_to_webhook
from .defs.ingest.assets import raw_exports
from .defs.ingest.sensors import late_exports_sensor
from .defs.jobs import monthly_kpis_job, monthly_publish_job
from .defs.publish.assets import scorecard_publication
from .defs.publish.schedules import monthly_publish_schedule
from .defs.publish.snapshot import reader_snapshot
from .defs.quality.checks import SUITE_CHECKS
from .defs.resources import DbtResource, ExportsResource, PublicationResource, WarehouseResource
from .defs.transform.assets import DBT_PROJECT, shopkpi_dbt_models
from .settings import dbt_executable, default_exports, default_published, default_warehouse


def build_resources(warehouse: str | None = None, exports: str | None = None, published: str | None = None) -> dict:
    return {
        "warehouse": WarehouseResource(path=str(warehouse or default_warehouse())),
        "exports": ExportsResource(directory=str(exports or default_exports())),
        "publication": PublicationResource(directory=str(published or default_published())),
        "dbt": DbtResource(project_dir=DBT_PROJECT, dbt_executable=dbt_executable()),
    }


@logger(description="Progress lines for the shopkpi CLI; silent when no CLI command reports (e.g. in the UI).")
def progress_logger(init_context):
    from .progress import DagsterProgressHandler, active

    log = logging.Logger("shopkpi.progress")  # not in logging's tree: nothing else sees these records
    progress = active()
    log.addHandler(DagsterProgressHandler(progress) if progress else logging.NullHandler())
    return log


ASSETS = [raw_exports, shopkpi_dbt_models, reader_snapshot, scorecard_publication]
ASSET_CHECKS = SUITE_CHECKS


def build_definitions(warehouse: str | None = None, exports: str | None = None, published: str | None = None) -> Definitions:
    return Definitions(
        assets=ASSETS,
        asset_checks=ASSET_CHECKS,
        jobs=[monthly_kpis_job, monthly_publish_job],
        schedules=[monthly_publish_schedule],
        sensors=[late_exports_sensor, failed_runs_to_webhook],
        resources=build_resources(warehouse, exports, published),
        loggers={"console": colored_console_logger, "progress": progress_logger},
    )


defs = build_definitions()
