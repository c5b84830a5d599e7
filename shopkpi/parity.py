"""Engine parity: the tables one month built on DuckDB against the same tables built on Spark.

Spark's tables are read from the Parquet it wrote (DuckDB reads Parquet), so the comparison is a
multiset difference in one SQL engine: every row of one side must be on the other, as often.
Columns typed DOUBLE compare after rounding to 9 decimals (the only floating-point columns);
everything else (DECIMAL money and ratios, counts, text) compares exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from .sql import sql_literal
from .lake import spark_table_source, spark_tables

FLOAT_DIGITS = 9


@dataclass(frozen=True)
class TableParity:
    schema: str
    table: str
    duckdb_rows: int
    spark_rows: int
    only_duckdb: int  # rows of the DuckDB build missing from Spark's (counted with multiplicity)
    only_spark: int
    type_differences: dict[str, tuple[str, str]]  # column -> (DuckDB type, Spark type)

    @property
    def equal(self) -> bool:
        return self.duckdb_rows == self.spark_rows and self.only_duckdb == 0 and self.only_spark == 0


def _projection(types: dict[str, str], cast_to: dict[str, str] | None) -> str:
    out = []
    for column, kind in types.items():
        quoted = f'"{column}"'
        if kind in ("DOUBLE", "FLOAT"):
            out.append(f"round(cast({quoted} as double), {FLOAT_DIGITS}) as {quoted}")
        elif cast_to is not None:
            out.append(f"cast({quoted} as {cast_to[column]}) as {quoted}")
        else:
            out.append(quoted)
    return ", ".join(out)


def compare_month(warehouse: Path, lake: Path, month: str,
                  schemas: tuple[str, ...] = ("staging", "intermediate", "marts")) -> list[TableParity]:
    """Every table Spark built in `schemas` (its Parquet under the lake), for `month`, against the
    relation of the same name in a DuckDB-built warehouse (a table or a view)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = []
        for schema in schemas:
            for table in spark_tables(lake, schema):
                source = spark_table_source(lake, schema, table)
                spark = f"(select * from {source} where month = {sql_literal(month)})"
                duck = f'(select * from "{schema}"."{table}" where month = {sql_literal(month)})'
                duck_types = {c: t for c, t, *_ in con.execute(f"describe select * from {duck}").fetchall()}
                spark_types = {c: t for c, t, *_ in con.execute(f"describe select * from {spark}").fetchall()}
                if set(duck_types) != set(spark_types):
                    raise ValueError(f"{schema}.{table}: columns differ: DuckDB {sorted(duck_types)}, Spark {sorted(spark_types)}")
                left, right = _projection(duck_types, None), _projection(duck_types, duck_types)
                (duck_rows,), (spark_rows,) = (con.execute(f"select count(*) from {r}").fetchone() for r in (duck, spark))
                (only_duck,) = con.execute(
                    f"select count(*) from (select {left} from {duck} except all select {right} from {spark})").fetchone()
                (only_spark,) = con.execute(
                    f"select count(*) from (select {right} from {spark} except all select {left} from {duck})").fetchone()
                differences = {c: (t, spark_types[c]) for c, t in duck_types.items() if spark_types[c] != t}
                out.append(TableParity(schema, table, duck_rows, spark_rows, only_duck, only_spark, differences))
        return out
    finally:
        con.close()
