"""The monthly job: raw exports -> dbt models and tests -> GX checks, for one month."""

from dagster import AssetSelection, define_asset_job, in_process_executor

from .partitions import monthly_partitions

MONTHLY_JOB_NAME = "monthly_kpis"

# In-process: DuckDB allows one writing process per file, and the steps run one
# after another anyway (raw -> dbt -> checks).
monthly_kpis_job = define_asset_job(
    MONTHLY_JOB_NAME,
    selection=AssetSelection.all(),
    partitions_def=monthly_partitions,
    executor_def=in_process_executor,
    description="Load one month of exports, build every dbt model and run every check.",
)
