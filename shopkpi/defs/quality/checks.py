"""The GX suites of `expectations/suites/` as Dagster asset checks, in two multi-checks: the raw
layer's (before dbt, which they gate) and the staging and marts layers' (after dbt).

A multi-check's suites run in one GX validation run, shared out among the GX workers, each
reported as the asset check `gx_<suite>` on the asset the suite names. Blocking
suites are blocking checks with ERROR severity: a failure stops everything
downstream in the run, publication included. Warning suites report with WARN.
Every result is also kept in `quality.check_results`, which publishing and
`shopkpi audit` render from.
"""

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    MetadataValue,
    multi_asset_check,
)

from ...months import month_of
from ...quality.gx_duckdb import SuiteOutcome
from ...quality.results import validate_and_store
from ...quality.suites import Suite, load_suites
from ..partitions import monthly_partitions
from ..resources import WarehouseResource


def suite_check_result(suite: Suite, outcome: SuiteOutcome) -> AssetCheckResult:
    rows = ["| expectation | column | passed | observed |", "|---|---|---|---|"]
    rows += [f"| {o.expectation} | {o.column or ''} | {'yes' if o.success else '**no**'} | {o.observed} |"
             for o in outcome.outcomes]
    return AssetCheckResult(
        asset_key=AssetKey(suite.asset),
        check_name=suite.check_name,
        passed=outcome.success,
        severity=AssetCheckSeverity.ERROR if suite.blocking else AssetCheckSeverity.WARN,
        metadata={
            "suite": f"expectations/suites/{suite.path.parent.name}/{suite.path.name}",
            "severity": suite.severity,
            "expectations": len(outcome.outcomes),
            "failed": MetadataValue.json([f"{o.expectation}({o.column or ''}): {o.observed}" for o in outcome.failed]),
            "results": MetadataValue.md("\n".join(rows)),
        },
    )


# The layers validated together, one Dagster step each. Staging and marts both wait for dbt and
# nothing waits for them but publishing: one step validates them in one validation run, with one
# fingerprint of the schemas both read (raw and staging: hashed once) and the two workers shared
# out over both layers' suites. DECISIONLOG "Staging and marts checked in one step".
CHECK_STEPS = (("raw",), ("staging", "marts"))


def step_name(layers: tuple[str, ...]) -> str:
    return f"gx_{'_and_'.join(layers)}_suites"


def suite_checks(layers: tuple[str, ...]):
    """One multi-check validating the suites of `layers` in one step (CHECK_STEPS)."""
    suites = [s for layer in layers for s in load_suites(layer)]
    specs = [
        AssetCheckSpec(s.check_name, asset=AssetKey(s.asset), blocking=s.blocking, partitions_def=monthly_partitions,
                       description=f"[{s.severity}] {s.meta['description']}")
        for s in suites
    ]

    @multi_asset_check(specs=specs, name=step_name(layers), can_subset=True,
                       description=f"Great Expectations suites of the {' and '.join(layers)} layers, one GX validation run "
                                   "per month.")
    def _checks(context: AssetCheckExecutionContext, warehouse: WarehouseResource):
        month = month_of(context.partition_key)
        wanted = {k.name for k in context.selected_asset_check_keys} if context.selected_asset_check_keys else None
        chosen = [s for s in suites if wanted is None or s.check_name in wanted]
        outcomes = validate_and_store(warehouse.path, chosen, month, run_id=context.op_execution_context.run_id)
        for suite, outcome in zip(chosen, outcomes):
            yield suite_check_result(suite, outcome)

    return _checks


SUITE_CHECKS = [suite_checks(layers) for layers in CHECK_STEPS]
