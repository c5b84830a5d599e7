"""An `unexpected_rows_expectation`'s query run once, not twice, on SQL engines.

GX's `UnexpectedRowsExpectation` depends on two metrics of the same query: its rows
(`unexpected_rows_query.table`: the query, up to 200 rows fetched) and their count
(`unexpected_rows_query.row_count`: `SELECT COUNT(*)` over the query). On SQL each runs the
whole query. The suites' key checks (`suites.rows_sharing_key`) group every row of the month by
its key, so at 10M orders each took ~1.3 s, twice: raw orders has two keys, fct_orders one.

`run_unexpected_rows_queries_once()` gives both metrics, on GX's SQL engine over DuckDB, one
provider: it runs `SELECT *, count(*) OVER ()` over the query once, keeps its first 200 rows and
their count, and hands each metric its part. The count is the query's whole row count and the rows
are up to GX's 200 (`MAX_RESULT_RECORDS`), as before. Other SQL dialects get GX's own providers from
it, and Spark keeps GX's own.
`tests/test_gx_query_once.py` compares both metrics with GX's own for passing and failing queries,
including more failing rows than GX keeps. DECISIONLOG "GX's unexpected-rows queries".
"""

from __future__ import annotations

import logging
import threading
from typing import Any

METRICS = ("unexpected_rows_query.table", "unexpected_rows_query.row_count")
ROW_COUNT_COLUMN = "shopkpi_unexpected_row_count"  # the window's column, removed from the rows GX gets
_PATCHED = "_shopkpi_query_once"

# {(id of the execution engine, query): (engine, rows, count, metrics not yet handed out)}; holding the
# engine keeps its id from passing to another one while an entry waits for its second metric.
_results = threading.local()


def _pending() -> dict:
    if not hasattr(_results, "by_query"):
        _results.by_query = {}
    return _results.by_query


def _rows_and_count(metric_class, execution_engine, metric_domain_kwargs: dict, metric_value_kwargs: dict,
                    metric: str):
    from great_expectations.compatibility.sqlalchemy import sqlalchemy as sa
    from great_expectations.constants import MAX_RESULT_RECORDS
    from great_expectations.core.metric_domain_types import MetricDomainTypes
    from great_expectations.expectations.metrics.query_metric_provider import render_derived_table_alias

    batch_selectable, _, _ = execution_engine.get_compute_domain(metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE)
    # GX's own reading of the query and substitution of {batch}, as both of its metrics do
    query = metric_class._get_query_from_metric_value_kwargs(metric_value_kwargs)
    subquery = metric_class._get_substituted_batch_subquery_from_query_and_batch_selectable(
        query=query, batch_selectable=batch_selectable, execution_engine=execution_engine)
    key = (id(execution_engine), subquery)
    pending = _pending()
    entry = pending.get(key)
    if entry is None or entry[0] is not execution_engine:
        aliased = render_derived_table_alias(subquery=subquery, alias="unexpected_rows",
                                             dialect_name=execution_engine.dialect_name)
        result = execution_engine.execute_query(sa.text(
            f"SELECT *, count(*) OVER () AS {ROW_COUNT_COLUMN} FROM {aliased} LIMIT {MAX_RESULT_RECORDS}"))
        fetched = [dict(row._mapping) for row in result.fetchall()]
        count = int(fetched[0][ROW_COUNT_COLUMN]) if fetched else 0
        rows = [{k: v for k, v in row.items() if k != ROW_COUNT_COLUMN} for row in fetched]
        entry = pending[key] = (execution_engine, rows, count, set(METRICS))
    _, rows, count, waiting = entry
    waiting.discard(metric)
    if not waiting:  # both handed out: a later validation runs the query again
        del pending[key]
    return rows if metric == METRICS[0] else count


def _provider(metric: str, gx_own):
    # GX calls a provider with cls=, execution_engine=, ... (ExecutionEngine.resolve_metrics)
    def provider(cls, execution_engine, metric_domain_kwargs: dict, metric_value_kwargs: dict,
                 metrics: dict[str, Any], runtime_configuration: dict):
        if execution_engine.dialect_name != "duckdb":  # the SQL below is tested on DuckDB only
            return gx_own(cls=cls, execution_engine=execution_engine, metric_domain_kwargs=metric_domain_kwargs,
                          metric_value_kwargs=metric_value_kwargs, metrics=metrics,
                          runtime_configuration=runtime_configuration)
        return _rows_and_count(cls, execution_engine, metric_domain_kwargs, metric_value_kwargs, metric)
    return provider


def forget_pending() -> None:
    """Drop results a validation fetched for a metric GX then did not ask for (called per suite)."""
    _pending().clear()


def run_unexpected_rows_queries_once() -> None:
    """Register the shared provider for both metrics on GX's SQL engine (once per process; a no-op
    if GX's metrics moved)."""
    try:
        from great_expectations.execution_engine import SqlAlchemyExecutionEngine
        from great_expectations.expectations.metrics.metric_provider import metric_value
        from great_expectations.expectations.metrics.query_metrics.query_row_count.unexpected_rows_query_row_count import (  # noqa: E501
            UnexpectedRowsQueryRowCount,
        )
        from great_expectations.expectations.metrics.query_metrics.query_table.unexpected_rows_query_table import (
            UnexpectedRowsQueryTable,
        )
        from great_expectations.expectations.registry import register_metric
    except ImportError:
        return
    if getattr(SqlAlchemyExecutionEngine, _PATCHED, False):
        return
    registry_log = logging.getLogger("great_expectations.expectations.registry")
    level = registry_log.level
    registry_log.setLevel(logging.ERROR)  # "overwriting metric_provider" is what this does
    try:
        for metric, metric_class in zip(METRICS, (UnexpectedRowsQueryTable, UnexpectedRowsQueryRowCount)):
            function = metric_value(engine=SqlAlchemyExecutionEngine)(_provider(metric, metric_class._sqlalchemy))
            register_metric(metric_name=metric, metric_domain_keys=metric_class.domain_keys,
                            metric_value_keys=metric_class.value_keys, execution_engine=SqlAlchemyExecutionEngine,
                            metric_class=metric_class, metric_provider=function,
                            metric_fn_type=function.metric_fn_type)
    finally:
        registry_log.setLevel(level)
    setattr(SqlAlchemyExecutionEngine, _PATCHED, True)
