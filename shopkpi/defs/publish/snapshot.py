"""Hand readers the month once it is complete: the warehouse's reader snapshot (see shopkpi/snapshot.py)."""

from dagster import AssetExecutionContext, AssetKey, BackfillPolicy, MaterializeResult, MetadataValue, asset

from ...months import month_of
from ...quality.suites import load_suites
from ...snapshot import publish_snapshot
from ..partitions import monthly_partitions
from ..resources import WarehouseResource

SNAPSHOT_KEY = AssetKey(["warehouse", "reader_snapshot"])
SCORECARD_MARTS = [AssetKey(["marts", "scorecard_employee_monthly"]), AssetKey(["marts", "scorecard_team_monthly"])]
# Downstream of every asset a GX suite checks: a failed blocking check (or dbt test) anywhere
# skips this step, and readers keep the month's last completed state.
CHECKED_ASSETS = sorted({AssetKey(s.asset) for s in load_suites()} | set(SCORECARD_MARTS), key=str)


@asset(
    key=SNAPSHOT_KEY,
    deps=CHECKED_ASSETS,
    partitions_def=monthly_partitions,
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    group_name="publish",
    kinds={"duckdb"},
    description="warehouse.snapshot.duckdb: the copy of the warehouse that `shopkpi query`, `scorecard`, `audit` and "
                "BI tools read, replaced atomically when a month has been loaded, built and checked.",
)
def reader_snapshot(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    month = month_of(context.partition_key)
    path = publish_snapshot(warehouse.path, month, context.run_id)
    return MaterializeResult(metadata={"month": month, "path": MetadataValue.path(str(path)),
                                       "bytes": path.stat().st_size})
