"""Publish the month's scorecards: immutable, versioned, only after the blocking checks pass.

The asset sits downstream of the scorecard marts, so in a run of the publishing
job it executes only when dbt's tests and the blocking GX checks upstream passed.
"""

from pathlib import Path
from typing import Optional

from dagster import (
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    Config,
    DagsterEventType,
    Failure,
    MaterializeResult,
    MetadataValue,
    asset,
)

from ...months import month_of
from ...quality.audit import audit_month
from ..partitions import monthly_partitions
from ..resources import ExportsResource, PublicationResource, WarehouseResource

PUBLICATION_KEY = AssetKey(["published", "scorecards"])


class PublishConfig(Config):
    reason: Optional[str] = None  # required when a month is published again with changed inputs


def checks_in_run(context: AssetExecutionContext) -> list[dict]:
    results = []
    for entry in context.instance.all_logs(context.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION):
        data = entry.dagster_event.event_specific_data
        results.append({"check": f"{data.asset_key.to_user_string()}:{data.check_name}", "passed": bool(data.passed),
                        "severity": data.severity.value})
    return sorted(results, key=lambda r: r["check"])


@asset(
    key=PUBLICATION_KEY,
    deps=[AssetKey(["marts", "scorecard_employee_monthly"]), AssetKey(["marts", "scorecard_team_monthly"])],
    partitions_def=monthly_partitions,
    # One month per run, as for the dbt assets (the month goes to dbt as one value).
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    group_name="publish",
    kinds={"parquet", "xlsx", "html"},
    description="published/YYYY-MM/vN/: Parquet, CSV (UTF-8 BOM), XLSX, HTML report, manifest.json and the "
                "month's Data Docs (data-docs/).",
)
def scorecard_publication(context: AssetExecutionContext, config: PublishConfig, warehouse: WarehouseResource,
                          publication: PublicationResource, exports: ExportsResource) -> MaterializeResult:
    # Imported here: pandas and the report renderers come with it, which only a run that
    # publishes needs, not every materialisation that loads these definitions.
    from ...publish.publisher import PublishRefused, publish

    month = month_of(context.partition_key)
    checks = checks_in_run(context)
    failed = [c["check"] for c in checks if not c["passed"] and c["severity"] == "ERROR"]
    if failed:  # belt and braces: Dagster already skips this asset after a failed blocking check
        raise Failure(f"{month}: not published, blocking checks failed: {', '.join(failed)}")
    audits = []

    def audit() -> Path:
        """Data Docs from this run's own check results (quality.check_results), built only
        when a version is written; frozen into it."""
        report = audit_month(warehouse.path, month, Path(publication.directory))
        if not report.ok:
            raise Failure(f"{month}: not published, audit failed: {', '.join(r.suite.name for r in report.blocking_failed)}")
        audits.append(report)
        return report.data_docs

    try:
        outcome = publish(warehouse.path, month, Path(publication.directory), reason=config.reason, checks=checks,
                          audit=audit, source_folder=exports.shop_folders_for(month))
    except PublishRefused as exc:
        raise Failure(str(exc)) from None
    context.log.info(outcome.message)
    return MaterializeResult(metadata={
        "month": month,
        "version": outcome.version,
        "written": outcome.written,
        "message": outcome.message,
        "path": MetadataValue.path(str(outcome.path)),
        "changes": MetadataValue.json(outcome.changes),
        # a copy, outside the published folder, of published/index.json's head (its chain of manifest digests)
        "index_head": outcome.index_head or "",
        "checks_run": len(checks),
        "report": MetadataValue.path(str(outcome.path / "report.html")),
        "data_docs": MetadataValue.path(str(outcome.path / "data-docs" / "index.html")),
        "audit_sources": MetadataValue.json(audits[0].sources if audits else {}),
        "audit_warnings": MetadataValue.json([r.suite.name for r in audits[0].warnings] if audits else []),
    })
