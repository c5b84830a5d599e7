"""The `raw` schema: one table per report type (specs.REPORT_SPECS) and the load's own tables
(quarantine, audit, shops, key fingerprints, changes). Warehouses built before a column existed gain it."""

from __future__ import annotations

import duckdb

from .specs import REPORT_SPECS, Column, Pii, ReportSpec
from .stage_sql import sql_type


def _stored_uncompressed(spec: ReportSpec, column: Column) -> bool:
    """Columns whose values are (nearly) all different: keyed hashes (hex digests) and the report's
    unique key. DuckDB's string compression (dictionary, FSST) would find no repeats and only halve
    the hex text, at the cost of most of the raw insert (DECISIONLOG "Performance")."""
    return sql_type(column) == "VARCHAR" and (column.pii is Pii.HASH or column.en == spec.unique_key)


def _column_ddl(spec: ReportSpec, column: Column) -> str:
    storage = " USING COMPRESSION uncompressed" if _stored_uncompressed(spec, column) else ""
    return f"{column.loaded_name} {sql_type(column)}{storage}"


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for spec in REPORT_SPECS:
        cols = ", ".join(_column_ddl(spec, c) for c in spec.loaded_columns)
        con.execute(
            f"CREATE TABLE IF NOT EXISTS raw.{spec.table} "
            f"(month VARCHAR NOT NULL, source_file VARCHAR NOT NULL, source_row BIGINT NOT NULL, "
            f"platform VARCHAR NOT NULL, shop_id VARCHAR NOT NULL, {cols})"
        )
        # Warehouses built before a column was added (platform, shop_id, refund_state) gain it.
        for c in ("platform VARCHAR", "shop_id VARCHAR DEFAULT 'default'",
                  *(_column_ddl(spec, c) for c in spec.loaded_columns)):
            con.execute(f"ALTER TABLE raw.{spec.table} ADD COLUMN IF NOT EXISTS {c}")
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.quarantine (
            month VARCHAR NOT NULL, report_type VARCHAR NOT NULL, source_file VARCHAR NOT NULL,
            source_row BIGINT NOT NULL, column_name VARCHAR, reason VARCHAR NOT NULL)"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.pii_key_fingerprints (
            month VARCHAR NOT NULL, key_fingerprint VARCHAR NOT NULL, is_development_key BOOLEAN NOT NULL,
            loaded_at TIMESTAMP NOT NULL)"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.shop_months (
            month VARCHAR NOT NULL, shop_id VARCHAR NOT NULL, platform VARCHAR NOT NULL, status VARCHAR NOT NULL)"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.files_not_used (
            month VARCHAR NOT NULL, source_file VARCHAR NOT NULL, reason VARCHAR NOT NULL)"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.load_changes (
            month VARCHAR NOT NULL, report_type VARCHAR NOT NULL, change VARCHAR NOT NULL,
            first_detected_at TIMESTAMP NOT NULL)"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.load_audit (
            month VARCHAR NOT NULL, report_type VARCHAR NOT NULL, source_file VARCHAR NOT NULL,
            file_sha256 VARCHAR NOT NULL, encoding VARCHAR NOT NULL, rows_read BIGINT NOT NULL,
            rows_loaded BIGINT NOT NULL, rows_quarantined BIGINT NOT NULL)"""
    )
    con.execute("ALTER TABLE raw.load_audit ADD COLUMN IF NOT EXISTS provinces_unrecognised BIGINT DEFAULT 0")
    for column, kind in (("rows_merged", "BIGINT DEFAULT 0"), ("layout", "VARCHAR"), ("platform", "VARCHAR"),
                         ("shop_id", "VARCHAR DEFAULT 'default'"), ("paid_orders_only", "BOOLEAN DEFAULT false"),
                         ("file_lines", "BIGINT"), ("cell_line_breaks", "BIGINT DEFAULT 0"),
                         ("rows_summary", "BIGINT DEFAULT 0"), ("late_cells", "BIGINT DEFAULT 0"),
                         ("rows_superseded", "BIGINT DEFAULT 0"), ("superseded_by", "VARCHAR")):
        con.execute(f"ALTER TABLE raw.load_audit ADD COLUMN IF NOT EXISTS {column} {kind}")
