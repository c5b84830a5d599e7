"""Great Expectations on Spark: the same suites and queries as on DuckDB (gx_duckdb.py), each
expectation computed by Spark over the tables dbt-spark built.

GX's Spark data source validates DataFrames, one per batch: each suite's batch query becomes
`spark.sql(query)` and runs in its own checkpoint (a checkpoint passes one set of batch parameters
to all its validations). Nothing is collected into pandas; only the metrics come back.
"""

from __future__ import annotations

from .gx_duckdb import (
    RESULT_FORMAT,
    SuiteOutcome,
    Validation,
    ephemeral_context,
    expectation_suite,
    outcome_of,
)


def run_suites_on_spark(spark, validations: list[Validation], run_name: str) -> list[SuiteOutcome]:
    """Validate each query's rows, run by `spark`, against its suite."""
    import great_expectations as gx

    context = ephemeral_context()
    source = context.data_sources.add_spark(name="spark")
    outcomes = []
    for v in validations:
        batch = source.add_dataframe_asset(name=v.name).add_batch_definition_whole_dataframe("whole")
        suite = context.suites.add(expectation_suite(v.spec))
        definition = context.validation_definitions.add(gx.ValidationDefinition(name=v.name, data=batch, suite=suite))
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"{run_name}_{v.name}", validation_definitions=[definition], result_format=RESULT_FORMAT))
        result = checkpoint.run(batch_parameters={"dataframe": spark.sql(v.query)})
        ((key, suite_result),) = result.run_results.items()
        outcomes.append(outcome_of(suite_result, key))
    return outcomes


def query_rows_on_spark(spark, query: str) -> list[dict]:
    """A report suite's rows (the reconciliation tables) as plain values, computed by Spark."""
    from .results import plain_value

    return [{k: plain_value(v) for k, v in row.asDict().items()} for row in spark.sql(query).collect()]
