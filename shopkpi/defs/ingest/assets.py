"""Raw layer: load one month of platform exports into the warehouse's `raw` schema."""


from dagster import (AssetExecutionContext, AssetKey, AssetSpec, BackfillPolicy, Config, MaterializeResult, MetadataValue,
                     multi_asset)

from ...ingest.load import load_month, missing_reports_warning, other_key_warning
from ...ingest.pii_key import DEV_PII_KEY, pii_key
from ...ingest.specs import REPORT_SPECS
from ...lake import default_lake, export_month
from ...months import month_of
from ...shops import describe
from ...snapshot import begin_build
from ...spark import engine
from ..partitions import monthly_partitions
from ..resources import ExportsResource, WarehouseResource

RAW_GROUP = "raw"
BOOKKEEPING = {
    "quarantine": "Rows of the month's exports that were not loaded, with file, row, column and reason.",
    "load_audit": "Per file: rows read, loaded, quarantined, SHA-256 checksum and encoding.",
    "load_changes": "Report types an earlier load of the month had and the current load lacks.",
    "pii_key_fingerprints": "Per month, a fingerprint of the key its buyer ids were hashed with (never the key).",
    "shop_months": "Per month and shop (seeds/shops.csv): loaded, or why not (no folder, no order report).",
    "files_not_used": "Per month, the files of its folders that were not loaded, and why.",
}


def raw_key(table: str) -> AssetKey:
    # Same key as dagster-dbt gives source('raw', table), so dbt models hang below these assets.
    return AssetKey(["raw", table])


RAW_SPECS = [
    AssetSpec(raw_key(s.table), description=f"{s.name_zh}: {s.description}", group_name=RAW_GROUP, kinds={"duckdb"})
    for s in REPORT_SPECS
] + [AssetSpec(raw_key(t), description=d, group_name=RAW_GROUP, kinds={"duckdb"}) for t, d in BOOKKEEPING.items()]


class LoadConfig(Config):
    # A rebuild may leave out shops the month's last load had only when told so (`--replace-shops`).
    replace_shops: bool = False


def _files_table(rows) -> str:
    lines = ["| file | report | encoding | read | loaded | quarantined | sha256 |", "|---|---|---|---|---|---|---|"]
    lines += [
        f"| {f.file} | {f.report_type} | {f.encoding} | {f.rows_read} | {f.rows_loaded} | {f.rows_quarantined} | `{f.sha256[:12]}` |"
        for f in rows
    ]
    return "\n".join(lines)


@multi_asset(
    specs=RAW_SPECS,
    partitions_def=monthly_partitions,
    # One month per run, as for the dbt assets (the month goes to dbt as one value).
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=1),
    name="raw_exports",
)
def raw_exports(context: AssetExecutionContext, config: LoadConfig, warehouse: WarehouseResource, exports: ExportsResource):
    """Recognise the month's reports by header, load them, quarantine what cannot be loaded."""
    month = month_of(context.partition_key)
    folders = exports.shop_folders_for(month)
    folder = describe(folders)
    if pii_key() == DEV_PII_KEY:
        context.log.warning("SHOPKPI_PII_KEY is not set: hashing PII with the public development key (opted in)")
    begin_build(warehouse.path, month, context.run_id)
    with warehouse.connect() as con:
        result = load_month(con, month, folders, replace_shops=config.replace_shops)
        if engine() == "spark":  # the engine reads the lake: the loaded month goes there too
            lake_rows = export_month(con, month, default_lake())
            context.log.info(f"wrote {sum(lake_rows.values()):,} rows of {month} to the lake {default_lake()}")
        quarantine_reasons = con.execute(
            """SELECT report_type, split_part(reason, ':', 1) AS kind, count(*) FROM raw.quarantine
               WHERE month = ? GROUP BY ALL ORDER BY 3 DESC LIMIT 20""",
            [month],
        ).fetchall()
    for name, why in result.skipped.items():
        context.log.warning(f"not used: {name} in {folder}: {why}")
    for name, what in result.superseded.items():
        context.log.warning(f"replaced: {name} in {folder}: {what}")
    for shop, why in result.shops.items():
        if why != "loaded":
            context.log.warning(f"shop {shop} has no data for {month}: {why} (its KPIs are absent, not zero)")
    if result.months_with_another_key:
        context.log.warning(other_key_warning(month, result.months_with_another_key))
    if result.missing_since_earlier_load:
        context.log.warning(missing_reports_warning(month, result.missing_since_earlier_load))
    common = {
        "month": month,
        "folder": str(folder),
        "unrecognised_files": MetadataValue.json(result.skipped),
        "replaced_by_later_downloads": MetadataValue.json(result.superseded),
        "missing_since_earlier_load": MetadataValue.json(result.missing_since_earlier_load),
        "months_with_another_pii_key": MetadataValue.json(result.months_with_another_key),
    }
    for spec in REPORT_SPECS:
        totals = result.totals(spec.report_type)
        yield MaterializeResult(
            asset_key=raw_key(spec.table),
            metadata={**common, **totals, "files_loaded": MetadataValue.md(_files_table(
                [f for f in result.files if f.report_type == spec.report_type]))},
        )
    yield MaterializeResult(
        asset_key=raw_key("quarantine"),
        metadata={
            **common,
            "rows_quarantined": sum(f.rows_quarantined for f in result.files),
            "by_reason": MetadataValue.json([list(r) for r in quarantine_reasons]),
        },
    )
    yield MaterializeResult(
        asset_key=raw_key("load_audit"),
        metadata={**common, "files": MetadataValue.md(_files_table(result.files))},
    )
    yield MaterializeResult(
        asset_key=raw_key("load_changes"),
        metadata={**common, "report_types": MetadataValue.json(result.missing_since_earlier_load)},
    )
    yield MaterializeResult(
        asset_key=raw_key("shop_months"),
        metadata={**common, "shops": MetadataValue.json(result.shops or {"default": "loaded"})},
    )
    yield MaterializeResult(
        asset_key=raw_key("files_not_used"),
        metadata={**common, "files": len(result.skipped)},
    )
    yield MaterializeResult(
        asset_key=raw_key("pii_key_fingerprints"),
        metadata={**common, "months_with_another_key": MetadataValue.json(result.months_with_another_key)},
    )
