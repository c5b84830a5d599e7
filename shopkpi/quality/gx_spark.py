"""Great Expectations on Spark: the same suites and queries as on DuckDB (gx_duckdb.py), each
expectation computed by Spark over the tables dbt-spark built.

GX's Spark data source validates DataFrames, one per batch: each suite's batch query becomes
`spark.sql(query)`, handed to GX's `Batch.validate` as the batch's parameter (gx_duckdb.validate_batch, as
on DuckDB). Nothing is collected into pandas; only the metrics come back.
"""

from __future__ import annotations

from .gx_duckdb import SuiteOutcome, Validation, ephemeral_context, new_run, validate_batch
from .plain import plain_value


def run_suites_on_spark(spark, validations: list[Validation], run_name: str) -> list[SuiteOutcome]:
    """Validate each query's rows, run by `spark`, against its suite: one validation run named `run_name`."""
    context = ephemeral_context()
    source = context.data_sources.add_spark(name="spark")
    run_id = new_run(run_name)
    return [validate_batch(source.add_dataframe_asset(name=v.name).add_batch_definition_whole_dataframe("whole"),
                           v.spec, run_id, batch_parameters={"dataframe": spark.sql(v.query)})
            for v in validations]


def query_rows_on_spark(spark, query: str) -> list[dict]:
    """A report suite's rows (the reconciliation tables) as plain values, computed by Spark."""
    return [{k: plain_value(v) for k, v in row.asDict().items()} for row in spark.sql(query).collect()]
