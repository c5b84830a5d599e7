"""Great Expectations suites run as Dagster asset checks."""


from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetCheckSeverity, AssetKey, MetadataValue, asset_check

from ..partitions import month_of, monthly_partitions
from ..resources import WarehouseResource
from .gx_duckdb import SuiteOutcome, load_suite_file, run_suite


def suite_check_result(outcome: SuiteOutcome, severity: AssetCheckSeverity) -> AssetCheckResult:
    rows = ["| expectation | column | passed | observed |", "|---|---|---|---|"]
    rows += [f"| {o.expectation} | {o.column or ''} | {'yes' if o.success else '**no**'} | {o.observed} |" for o in outcome.outcomes]
    return AssetCheckResult(
        passed=outcome.success,
        severity=severity,
        metadata={
            "suite": outcome.suite,
            "expectations": len(outcome.outcomes),
            "failed": MetadataValue.json([f"{o.expectation}({o.column or ''}): {o.observed}" for o in outcome.failed]),
            "results": MetadataValue.md("\n".join(rows)),
        },
    )


@asset_check(
    asset=AssetKey(["marts", "fct_orders"]),
    name="gx_fct_orders",
    blocking=True,
    partitions_def=monthly_partitions,
    description="GX suite expectations/suites/fct_orders.json on the month's orders (blocking).",
)
def gx_fct_orders(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> AssetCheckResult:
    month = month_of(context.partition_key)
    suite = load_suite_file("fct_orders")
    query = suite["meta"]["batch_query"].format(month=month)
    outcome = run_suite(warehouse.path, suite, query, run_name=f"fct_orders_{month.replace('-', '_')}")
    return suite_check_result(outcome, AssetCheckSeverity.ERROR)
