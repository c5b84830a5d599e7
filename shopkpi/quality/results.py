"""What the checks found, kept in the warehouse beside the data they judged: `quality.check_results`.

The pipeline validates each layer once per month (the Dagster asset checks). Every suite's GX
validation result is stored here with a fingerprint of the warehouse state it saw, so
publishing and `shopkpi audit` render Data Docs from the run's own results instead of
validating again. A stored result counts only while its fingerprint still matches the
warehouse: a re-load, a rebuild or a hand edit of anything the layer's suites read makes it
stale, and the audit then validates that layer afresh.
"""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .. import warehouse as warehouse_db
from ..settings import duckdb_memory_limit
from .gx_duckdb import SuiteOutcome, Validation, outcome_from_json
from .gx_workers import run_suites_in_workers
from .plain import plain_value
from .suites import Suite

SCHEMA = "quality"
TABLE = f"{SCHEMA}.check_results"
# The schemas whose content a layer's suites read (the marts' audit suites reach back to raw).
LAYER_SCHEMAS = {
    "raw": ("raw",),
    "staging": ("raw", "staging"),
    "marts": ("raw", "staging", "intermediate", "marts", "reference"),
}
# Load bookkeeping no suite reads, stamped with load times: identical rebuilds must keep identical fingerprints.
UNFINGERPRINTED = {("raw", "pii_key_fingerprints"), ("raw", "load_changes")}
# Audit suites whose batch rows are themselves the report (reconciliation tables): kept beside the result.
REPORT_ROW_SUITES = ("reconciliation_orders", "load_reconciliation", "platform_summary_accuracy")

DDL = f"""
create schema if not exists {SCHEMA};
create table if not exists {TABLE} (
    month varchar not null,
    layer varchar not null,
    suite varchar not null,
    severity varchar not null,
    success boolean not null,
    warehouse_state varchar not null,   -- state_fingerprints() of the layer when validated
    run_id varchar,                     -- the Dagster run whose checks produced it
    validated_at timestamp not null,
    result_key varchar not null,        -- GX ValidationResultIdentifier, JSON
    result_json varchar not null,       -- GX ExpectationSuiteValidationResult, JSON
    report_rows varchar                 -- batch rows of the reconciliation suites, JSON
)"""


@dataclass
class StoredResult:
    suite: str
    layer: str
    warehouse_state: str
    run_id: str | None
    validated_at: dt.datetime
    outcome: SuiteOutcome
    report_rows: list[dict] | None


def query_rows(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, (plain_value(v) for v in row))) for row in cursor.fetchall()]


def _schema_parts(con: duckdb.DuckDBPyConnection, month: str, schema: str) -> tuple[list[str], list[str]]:
    """(table parts, view parts) of one schema: row count and an order-independent content hash of
    every table (the month's rows where it is partitioned by month), and the SQL of every view."""
    tables = con.execute(
        """select t.table_name, bool_or(c.column_name = 'month') as by_month
           from information_schema.tables t join information_schema.columns c
             on c.table_schema = t.table_schema and c.table_name = t.table_name
           where t.table_type = 'BASE TABLE' and t.table_schema = ?
           group by all order by 1""", [schema]).fetchall()
    table_parts = []
    for table, by_month in tables:
        if (schema, table) in UNFINGERPRINTED:
            continue
        where = "where month = ?" if by_month else ""
        count, content = con.execute(
            f'select count(*), coalesce(sum(hash(t)::hugeint), 0) from "{schema}"."{table}" t {where}',
            [month] if by_month else []).fetchone()
        table_parts.append(f"{schema}.{table}:{count}:{content}")
    views = con.execute("select view_name, sql from duckdb_views() where not internal and schema_name = ? order by 1",
                        [schema]).fetchall()
    return table_parts, [f"{schema}.{view}:{hash_text(sql)}" for view, sql in views]


def state_fingerprints(con: duckdb.DuckDBPyConnection, month: str, layers) -> dict[str, str]:
    """The warehouse state each layer's suites read (LAYER_SCHEMAS), hashing every schema once."""
    schemas = sorted({schema for layer in layers for schema in LAYER_SCHEMAS[layer]})
    parts = {schema: _schema_parts(con, month, schema) for schema in schemas}
    fingerprints = {}
    for layer in layers:
        chosen = sorted(LAYER_SCHEMAS[layer])
        lines = [t for schema in chosen for t in parts[schema][0]] + [v for schema in chosen for v in parts[schema][1]]
        fingerprints[layer] = hash_text("\n".join(lines))
    return fingerprints


def hash_text(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def validations_for(suites: list[Suite], month: str) -> list[Validation]:
    return [Validation(f"{s.name}_{month.replace('-', '_')}", s.for_month(month), s.batch_query(month)) for s in suites]


def runs_on_spark(suites: list[Suite]) -> bool:
    """On the Spark engine the staging and marts suites run on Spark, over the tables dbt-spark
    built; the raw suites stay with the loader, in DuckDB (the lake is written from its tables)."""
    from ..spark import engine

    return engine() == "spark" and all(s.layer != "raw" for s in suites)


# What the step reads itself while the workers validate is streaming aggregates (the layers'
# fingerprints, the reconciliation suites' report rows). A small cap keeps the blocks they scan from
# piling up beside the workers, which share the run's cap (DECISIONLOG "A check step reads its own part beside the workers").
READ_BESIDE_WORKERS_MEMORY_LIMIT = "256MB"


def _read_beside_workers(warehouse: str | Path, month: str, layers: list[str], report_suites: list[Suite]
                         ) -> tuple[dict[str, str], dict[str, list[dict]]]:
    """The layers' fingerprints and the report suites' rows, on one read-only connection (the readers'
    copy may be under way, snapshot.start_copy; only the results' write waits for it). While the
    workers validate, no other connection of this process has the warehouse open, so the DuckDB
    instance, and the cap set on it, is this connection's alone."""
    if not layers and not report_suites:
        return {}, {}
    with warehouse_db.connect(warehouse, read_only=True) as con:
        con.execute(f"set memory_limit = '{READ_BESIDE_WORKERS_MEMORY_LIMIT}'")
        states = state_fingerprints(con, month, layers)
        rows = {s.name: query_rows(con, s.batch_query(month)) for s in report_suites}
    return states, rows


def validate(warehouse: str | Path, suites: list[Suite], month: str, run_name: str, fingerprint_layers=()
             ) -> tuple[list[SuiteOutcome], dict[str, list[dict]], dict[str, str]]:
    """Run the suites (one GX validation run) and, beside it, read the report rows of the
    reconciliation suites and fingerprint `fingerprint_layers` (state_fingerprints). Everything
    here only reads, so what is read beside the validation is the state it validates; the hashing
    and the report rows (~1.5 s a step at 10M orders) run while the workers are busy in GX's Python."""
    wanted = [s for s in suites if s.name in REPORT_ROW_SUITES]
    on_spark = runs_on_spark(suites)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-beside-workers") as beside:
        reading = beside.submit(_read_beside_workers, warehouse, month, list(fingerprint_layers),
                                [] if on_spark else wanted)
        if on_spark:
            from ..lake import default_lake
            from ..spark import validation_session
            from .gx_spark import query_rows_on_spark, run_suites_on_spark

            with validation_session(default_lake()) as spark:
                outcomes = run_suites_on_spark(spark, validations_for(suites, month), run_name=run_name)
                rows = {s.name: query_rows_on_spark(spark, s.batch_query(month)) for s in wanted}
            states, _ = reading.result()
        else:
            outcomes = run_suites_in_workers(warehouse, validations_for(suites, month), run_name,
                                             duckdb_memory_limit())
            states, rows = reading.result()
    return outcomes, rows, states


def validate_and_store(warehouse: str | Path, suites: list[Suite], month: str, run_id: str | None) -> list[SuiteOutcome]:
    """What a step of asset checks does: validate its suites (one validation run), fingerprinting
    the state of their layers beside it, and keep each result with its layer's fingerprint."""
    layers = list(dict.fromkeys(s.layer for s in suites))
    outcomes, rows, states = validate(warehouse, suites, month, run_name=f"{'_'.join(layers)}_{month}",
                                      fingerprint_layers=layers)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    with warehouse_db.connect(warehouse) as con:
        con.execute(DDL)
        con.execute("begin")
        con.executemany(f"delete from {TABLE} where month = ? and suite = ?", [[month, s.name] for s in suites])
        con.executemany(
            f"insert into {TABLE} values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[month, s.layer, s.name, s.severity, o.success, states[s.layer], run_id, now, json.dumps(o.result_key),
              json.dumps(o.result_json, ensure_ascii=False, default=str),
              json.dumps(rows[s.name], ensure_ascii=False, default=str) if s.name in rows else None]
             for s, o in zip(suites, outcomes)])
        con.execute("commit")
    return outcomes


def stored_results(con: duckdb.DuckDBPyConnection, month: str) -> dict[str, StoredResult]:
    if not warehouse_db.table_exists(con, SCHEMA, "check_results"):
        return {}
    rows = con.execute(f"select suite, layer, warehouse_state, run_id, validated_at, result_key, result_json, report_rows "
                       f"from {TABLE} where month = ?", [month]).fetchall()
    return {
        suite: StoredResult(suite, layer, state, run_id, validated_at,
                            outcome_from_json(json.loads(result_json), json.loads(result_key)),
                            json.loads(report_rows) if report_rows else None)
        for suite, layer, state, run_id, validated_at, result_key, result_json, report_rows in rows
    }
