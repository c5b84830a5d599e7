"""Jobs: build a month (raw -> dbt -> checks), and build-and-publish it."""

from dagster import AssetSelection, define_asset_job, in_process_executor

from .partitions import monthly_partitions
from .publish.assets import PUBLICATION_KEY

MONTHLY_JOB_NAME = "monthly_kpis"
PUBLISH_JOB_NAME = "monthly_publish"

# In-process: DuckDB allows one writing process per file, and the steps run one
# after another anyway (raw -> dbt -> checks -> publish).
monthly_kpis_job = define_asset_job(
    MONTHLY_JOB_NAME,
    selection=AssetSelection.all() - AssetSelection.assets(PUBLICATION_KEY),
    partitions_def=monthly_partitions,
    executor_def=in_process_executor,
    description="Load one month of exports, build every dbt model and run every check.",
)

monthly_publish_job = define_asset_job(
    PUBLISH_JOB_NAME,
    selection=AssetSelection.all(),
    partitions_def=monthly_partitions,
    executor_def=in_process_executor,
    description="Build one month and publish its scorecards when the blocking checks pass.",
)
