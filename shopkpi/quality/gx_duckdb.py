"""Great Expectations on the DuckDB warehouse, validated in SQL.

GX 1.x reads metric results after handing its connection back to the
SQLAlchemy pool; the pool's reset-on-return rollback then discards DuckDB's
results and every expectation "fails" with no observed value (GX issues
#10738, #11579). GX already keeps one persisted connection for sqlite and
mssql; `enable_duckdb_persisted_connection` adds duckdb to that list. The
shim is tested both ways in tests/test_gx_duckdb.py.
"""

from __future__ import annotations

import html
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class _DuckDBDialect(str):
    """Looks like a GXSqlDialect member to GX's membership and prefix checks."""

    @property
    def value(self) -> str:
        return str(self)


def enable_duckdb_persisted_connection() -> None:
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine

    if "duckdb" not in [str(getattr(d, "value", d)) for d in engine._PERSISTED_CONNECTION_DIALECTS]:
        engine._PERSISTED_CONNECTION_DIALECTS = (*engine._PERSISTED_CONNECTION_DIALECTS, _DuckDBDialect("duckdb"))


@dataclass
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    observed: Any
    unexpected_count: int | None
    why: str = ""


@dataclass
class SuiteOutcome:
    suite: str
    success: bool
    outcomes: list[ExpectationOutcome] = field(default_factory=list)
    # GX's own validation result and its store key, as JSON: what Data Docs are rendered from later.
    result_json: dict | None = None
    result_key: list | None = None

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]


def _release(source) -> None:
    """Close every connection GX opened: DuckDB refuses a second connection to
    the same file with another configuration (e.g. read-only) in this process."""
    engines = {id(e): e for e in (source.get_engine(), source.get_execution_engine().engine)}
    execution_engine = source.get_execution_engine()
    if execution_engine._connection is not None:
        execution_engine._connection.close()
        execution_engine._connection = None
    for engine in engines.values():
        engine.dispose()


@dataclass
class Validation:
    """One suite over the rows of one SQL query."""

    name: str  # unique within a run; GX names its query asset and validation after it
    spec: dict
    query: str


# SUMMARY: counts plus up to 20 unexpected values, which Data Docs render. The audit suites validate
# a `finding` column that is NULL when a row is fine, so the values listed are the findings themselves.
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 20}


def _site_config(directory: Path) -> dict:
    return {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(directory)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }


def outcome_of(suite_result, key=None) -> SuiteOutcome:
    outcomes = []
    for r in suite_result.results:
        cfg = r.expectation_config
        res = r.result or {}
        observed = res.get("observed_value", res.get("unexpected_count"))
        if res.get("partial_unexpected_list"):
            observed = {"count": res.get("unexpected_count"), "examples": res["partial_unexpected_list"]}
        outcomes.append(ExpectationOutcome(
            expectation=cfg.type,
            column=cfg.kwargs.get("column") or (",".join(cfg.kwargs["column_list"]) if cfg.kwargs.get("column_list") else None),
            success=bool(r.success),
            observed=observed,
            unexpected_count=res.get("unexpected_count", res.get("observed_value") if cfg.type == "unexpected_rows_expectation" else None),
            why=(cfg.meta or {}).get("why", "") or cfg.kwargs.get("description", ""),
        ))
    return SuiteOutcome(suite=suite_result.suite_name, success=bool(suite_result.success), outcomes=outcomes,
                        result_json=suite_result.to_json_dict(), result_key=list(key.to_tuple()) if key else None)


def outcome_from_json(result_json: dict, result_key: list) -> SuiteOutcome:
    """A stored validation result (see `SuiteOutcome.result_json`) read back."""
    from great_expectations.core.expectation_validation_result import expectationSuiteValidationResultSchema

    outcome = outcome_of(expectationSuiteValidationResultSchema.load(result_json))
    outcome.result_json, outcome.result_key = result_json, result_key
    return outcome


def build_data_docs(outcomes: list[SuiteOutcome], specs: list[dict], directory: Path) -> None:
    """GX Data Docs for validation results that were stored earlier: the suites and their
    results go into an in-memory context's stores and GX renders its static site from them,
    without validating anything again."""
    from great_expectations.core.expectation_validation_result import expectationSuiteValidationResultSchema
    from great_expectations.data_context.types.resource_identifiers import ValidationResultIdentifier

    context = ephemeral_context()
    context.add_data_docs_site("audit", _site_config(Path(directory).resolve()))
    for spec in specs:
        context.suites.add(expectation_suite(spec))
    for outcome in outcomes:
        key = ValidationResultIdentifier.from_tuple(tuple(outcome.result_key))
        context.validation_results_store.set(
            key, expectationSuiteValidationResultSchema.load(_unexpected_values_as_text(outcome.result_json)))
    context.build_data_docs(site_names=["audit"])


# The values GX writes into its "Unexpected Value" tables as HTML, unescaped (a platform of
# `<img src=x onerror=…>` ran in the auditor's browser); its string templates escape their own values.
_UNEXPECTED_LISTS = ("partial_unexpected_list", "unexpected_list", "partial_unexpected_index_list", "unexpected_index_list")


def _unexpected_values_as_text(result_json: dict) -> dict:
    """A copy of a stored validation result whose unexpected values are HTML-escaped, for rendering only:
    the page shows them as the text they are."""
    def escaped(value):
        if isinstance(value, str):
            return html.escape(value)
        if isinstance(value, dict):
            return {k: escaped(v) for k, v in value.items()}
        if isinstance(value, list):
            return [escaped(v) for v in value]
        return value

    copy = json.loads(json.dumps(result_json))
    for result in copy.get("results", []):
        found = result.get("result")
        if isinstance(found, dict):
            for name in _UNEXPECTED_LISTS:
                if name in found:
                    found[name] = escaped(found[name])
            if "partial_unexpected_counts" in found:
                found["partial_unexpected_counts"] = [{**c, "value": escaped(c.get("value"))}
                                                      for c in found["partial_unexpected_counts"]]
    return copy


def ephemeral_context():
    """An in-memory GX context, quiet: no progress bars, warnings only."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def expectation_suite(spec: dict):
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    return gx.ExpectationSuite(
        name=spec["name"],
        expectations=[ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e.get("meta", {})).to_domain_obj()
                      for e in spec["expectations"]],
        meta=spec.get("meta", {}),
    )


def new_run(run_name: str):
    """The GX run identifier that a validation run's results share (their key's run name and time)."""
    import datetime as dt

    from great_expectations.core.run_identifier import RunIdentifier

    return RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.timezone.utc))


def validate_batch(batch, spec: dict, run_id, batch_parameters: dict | None = None) -> SuiteOutcome:
    """One suite validated over `batch`, a batch definition (on Spark with the DataFrame in
    `batch_parameters`), by GX's public `Batch.validate`: the suite, a validation definition and a
    checkpoint are not added to the context's stores, which only checked each object against its
    stored copy (results go to quality.check_results). The result's meta is completed as
    `ValidationDefinition.run` writes it, with no validation or checkpoint id (DECISIONLOG "GX
    validations without stores")."""
    from great_expectations.constants import DATAFRAME_REPLACEMENT_STR
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    suite = expectation_suite(spec)
    result = batch.get_batch(batch_parameters=batch_parameters).validate(suite, result_format=RESULT_FORMAT)
    shown_parameters = ({k: DATAFRAME_REPLACEMENT_STR if k == "dataframe" else v for k, v in batch_parameters.items()}
                        if batch_parameters else None)
    result.meta.update({"validation_id": None, "checkpoint_id": None, "run_id": run_id,
                        "validation_time": run_id.run_time, "batch_parameters": shown_parameters})
    key = ValidationResultIdentifier(expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.name),
                                     run_id=run_id, batch_identifier=result.batch_id)
    return outcome_of(result, key)


def run_suites(warehouse: str | Path, validations: list[Validation], run_name: str,
               memory_limit: str | None = None) -> list[SuiteOutcome]:
    """Validate each query's rows against its suite: one validation run named `run_name`.

    Every metric runs inside DuckDB (GX pushes each expectation down as SQL; no
    table is loaded into pandas). Data Docs are built later from the results
    (`build_data_docs`), without validating again. `memory_limit` caps DuckDB's
    memory in this connection (gx_workers gives each worker its share).
    """
    enable_duckdb_persisted_connection()
    context = ephemeral_context()
    # Read-only: validating changes nothing, and `shopkpi audit` validates the readers' snapshot.
    source = context.data_sources.add_sql(
        name="warehouse", connection_string=f"duckdb:///{Path(warehouse).resolve()}?access_mode=READ_ONLY"
                          + (f"&memory_limit={memory_limit}" if memory_limit else ""))
    run_id = new_run(run_name)
    try:
        return [validate_batch(source.add_query_asset(name=v.name, query=v.query).add_batch_definition_whole_table("whole"),
                               v.spec, run_id)
                for v in validations]
    finally:
        _release(source)


def run_suite(warehouse: str | Path, spec: dict, query: str, run_name: str) -> SuiteOutcome:
    """One suite over one query (see `run_suites`)."""
    return run_suites(warehouse, [Validation(run_name, spec, query)], run_name=run_name)[0]
