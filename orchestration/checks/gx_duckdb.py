"""Great Expectations on the DuckDB warehouse, validated in SQL.

GX 1.x reads metric results after handing its connection back to the
SQLAlchemy pool; the pool's reset-on-return rollback then discards DuckDB's
results and every expectation "fails" with no observed value (GX issues
#10738, #11579). GX already keeps one persisted connection for sqlite and
mssql; `enable_duckdb_persisted_connection` adds duckdb to that list. The
shim is tested both ways in tests/test_gx_duckdb.py.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..settings import EXPECTATIONS_DIR


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


def load_suite_file(name: str) -> dict:
    return json.loads((EXPECTATIONS_DIR / "suites" / f"{name}.json").read_text(encoding="utf-8"))


def run_suite(warehouse: str | Path, spec: dict, query: str, run_name: str) -> SuiteOutcome:
    """Validate the rows of `query` against a suite (GX's JSON form) through a GX checkpoint.

    The query runs inside DuckDB: GX pushes each metric down as SQL, no table
    is loaded into pandas.
    """
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    enable_duckdb_persisted_connection()
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_sql(name="warehouse", connection_string=f"duckdb:///{Path(warehouse).resolve()}")
    asset = source.add_query_asset(name=run_name, query=query)
    batch = asset.add_batch_definition_whole_table("whole")
    suite = context.suites.add(
        gx.ExpectationSuite(
            name=spec["name"],
            expectations=[
                ExpectationConfiguration(type=e["type"], kwargs=e["kwargs"], meta=e.get("meta", {})).to_domain_obj()
                for e in spec["expectations"]
            ],
            meta=spec.get("meta", {}),
        )
    )
    validation = context.validation_definitions.add(gx.ValidationDefinition(name=run_name, data=batch, suite=suite))
    checkpoint = context.checkpoints.add(gx.Checkpoint(name=f"{run_name}_checkpoint", validation_definitions=[validation]))
    try:
        result = checkpoint.run()
    finally:
        _release(source)
    suite_result = next(iter(result.run_results.values()))
    outcomes = []
    for r in suite_result.results:
        cfg = r.expectation_config
        res = r.result or {}
        outcomes.append(
            ExpectationOutcome(
                expectation=cfg.type,
                column=cfg.kwargs.get("column"),
                success=bool(r.success),
                observed=res.get("observed_value", res.get("unexpected_count")),
                unexpected_count=res.get("unexpected_count"),
                why=(cfg.meta or {}).get("why", ""),
            )
        )
    return SuiteOutcome(suite=spec["name"], success=bool(result.success), outcomes=outcomes)
