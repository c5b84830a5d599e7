"""An unexpected-rows query run once for its rows and their count (shopkpi/quality/gx_query_once.py):
GX's results as with GX's own two queries, for no, few and more failing rows than GX keeps."""

from __future__ import annotations

from contextlib import contextmanager

import duckdb
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from shopkpi.quality.gx_duckdb import _release, enable_duckdb_persisted_connection, ephemeral_context
from shopkpi.quality.gx_query_once import METRICS
from shopkpi.quality.suites import rows_sharing_key

# t: 500 rows, key k = i % 250, so every key is shared by exactly two rows; v = i.
ROWS = 500
QUERIES = {
    "none": ("select k, v from {batch} where v < 0", 0),
    "few": ("select k, v from {batch} where v in (1, 2, 3)", 3),
    "more than GX keeps (200)": (rows_sharing_key(["k"]), ROWS),  # every row shares its key
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    path = tmp_path_factory.mktemp("query_once") / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute(f"create table t as select i % 250 as k, i as v from range({ROWS}) r(i)")
    con.close()
    return path


@contextmanager
def statements():
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


@contextmanager
def gx_own_providers():
    """GX's own providers of both metrics on SQL, for the comparison; ours again afterwards."""
    from great_expectations.execution_engine import SqlAlchemyExecutionEngine
    from great_expectations.expectations.metrics.query_metrics.query_row_count.unexpected_rows_query_row_count import (  # noqa: E501
        UnexpectedRowsQueryRowCount,
    )
    from great_expectations.expectations.metrics.query_metrics.query_table.unexpected_rows_query_table import (
        UnexpectedRowsQueryTable,
    )
    from great_expectations.expectations.registry import _registered_metrics

    engine = SqlAlchemyExecutionEngine.__name__
    ours = {m: _registered_metrics[m]["providers"][engine] for m in METRICS}
    for metric, cls in zip(METRICS, (UnexpectedRowsQueryTable, UnexpectedRowsQueryRowCount)):
        _registered_metrics[metric]["providers"][engine] = (cls, cls._sqlalchemy)
    try:
        yield
    finally:
        for metric, provider in ours.items():
            _registered_metrics[metric]["providers"][engine] = provider


def validate(path, query: str):
    """One unexpected_rows_expectation over table t, COMPLETE results (the rows GX keeps, too)."""
    import great_expectations as gx

    enable_duckdb_persisted_connection()
    context = ephemeral_context()  # registers the shared provider
    source = context.data_sources.add_sql(name="w", connection_string=f"duckdb:///{path}?access_mode=READ_ONLY")
    batch = source.add_table_asset(name="t", table_name="t").add_batch_definition_whole_table("whole").get_batch()
    try:
        with statements() as seen:
            result = batch.validate(gx.expectations.UnexpectedRowsExpectation(unexpected_rows_query=query),
                                    result_format="COMPLETE")
    finally:
        _release(source)
    runs = [s for s in seen if "{batch}" not in s and query.split("{batch}")[-1].strip()[:20] in s]
    return result, runs


def every_row(path, query: str) -> list[dict]:
    con = duckdb.connect(str(path), read_only=True)
    cursor = con.execute(query.replace("{batch}", "t"))
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r)) for r in cursor.fetchall()]
    con.close()
    return rows


@pytest.mark.parametrize("case", list(QUERIES))
def test_one_query_gives_gx_its_rows_and_their_count(warehouse, case):
    query, expected_count = QUERIES[case]
    ours, our_runs = validate(warehouse, query)
    with gx_own_providers():
        own, own_runs = validate(warehouse, query)
    assert len(our_runs) == 1 and len(own_runs) == 2  # GX's own: the rows, then SELECT COUNT(*) over them
    assert ours.success == own.success == (expected_count == 0)
    assert ours.result["observed_value"] == own.result["observed_value"] == expected_count
    kept, own_kept = ours.result["details"]["unexpected_rows"], own.result["details"]["unexpected_rows"]
    assert len(kept) == len(own_kept) == min(expected_count, 200)
    assert all(row in every_row(warehouse, query) for row in kept)  # the query's own rows, columns as GX's
    assert [sorted(r) for r in kept] == [sorted(r) for r in own_kept]
