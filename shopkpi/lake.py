"""The raw layer as a Parquet lake, for the Spark engine.

Loading stays on DuckDB (the downloads are local files; one SQL statement reads, cleans and
hashes each). With `SHOPKPI_ENGINE=spark` the loaded month is then written to the lake the
engine reads: `<lake>/raw/<table>/month=YYYY-MM/shop_id=<shop>/data.parquet`, Hive-style
partitions that Spark discovers. A month is replaced whole (written beside, then swapped in),
so re-running a month replaces exactly that month. Every shop of the month gets a file, empty
or not: a file with no rows still carries the table's schema, so Spark can read a report type
no shop has downloaded yet.

The lake path is a local folder here; on a cluster it is whatever the engine reads (s3a://,
hdfs://): DuckDB writes local paths only, so such a deployment syncs the folder (docs/spark.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from .folders import replaced_folder
from .sql import sql_literal
from .settings import DATA_DIR

LAKE_ENV = "SHOPKPI_LAKE"


def default_lake() -> Path:
    return Path(os.environ.get(LAKE_ENV) or DATA_DIR / "lake").resolve()


def raw_table_path(lake: Path, table: str) -> Path:
    return Path(lake) / "raw" / table


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
        "order by ordinal_position", [table]).fetchall()]


def export_month(con: duckdb.DuckDBPyConnection, month: str, lake: Path) -> dict[str, int]:
    """Write every raw table's rows of `month` to the lake, replacing that month; rows per table."""
    lake = Path(lake)
    shops = [s for (s,) in con.execute("select shop_id from raw.shop_months where month = ? order by 1",
                                       [month]).fetchall()]
    tables = [t for (t,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'raw' order by 1").fetchall()]
    written = {}
    for table in tables:
        columns = _columns(con, table)
        if "month" not in columns:
            continue
        with replaced_folder(raw_table_path(lake, table) / f"month={month}") as staged:
            kept = ", ".join(f'"{c}"' for c in columns if c not in ("month", "shop_id"))
            if "shop_id" in columns:
                for shop in shops:
                    folder = staged / f"shop_id={shop}"
                    folder.mkdir()
                    con.execute(f"copy (select {kept} from raw.{table} where month = {sql_literal(month)} "
                                f"and shop_id = {sql_literal(shop)}) to {sql_literal(str(folder / 'data.parquet'))} "
                                "(format parquet)")
            else:
                con.execute(f"copy (select {kept} from raw.{table} where month = {sql_literal(month)}) "
                            f"to {sql_literal(str(staged / 'data.parquet'))} (format parquet)")
        (written[table],) = con.execute(f"select count(*) from raw.{table} where month = ?", [month]).fetchone()
    return written


SPARK_SCHEMAS = ("reference", "staging", "intermediate", "marts")


def spark_read_dirs(lake: Path) -> tuple[Path, Path]:
    """Where the files of Spark's tables are: its warehouse dir, and the schemas of empty tables
    (macros/engines.sql, write_table_schemas)."""
    return Path(lake) / "warehouse", Path(lake) / "schemas"


def spark_table_files(lake: Path, schema: str, table: str) -> Path | None:
    """The folder of a table Spark built: its Parquet files, or when no month has rows, the schema
    Spark left beside them (macros/engines.sql, write_table_schemas). None: no such table."""
    warehouse, schemas = spark_read_dirs(lake)
    folder = warehouse / f"{schema}.db" / table
    if any(folder.rglob("*.parquet")):
        return folder
    folder = schemas / schema / table
    return folder if any(folder.glob("*.parquet")) else None


def spark_table_source(lake: Path, schema: str, table: str) -> str | None:
    """A DuckDB relation reading a table Spark built, from its Parquet files. None: no such table."""
    files = spark_table_files(lake, schema, table)
    if files is None:
        return None
    return f"read_parquet({sql_literal(str(files) + '/**/*.parquet')}, hive_partitioning = true, union_by_name = true)"


def spark_tables(lake: Path, schema: str) -> list[str]:
    folder = spark_read_dirs(lake)[0] / f"{schema}.db"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def attach_spark_tables(con: duckdb.DuckDBPyConnection, lake: Path) -> list[str]:
    """Make the tables Spark built readable in the DuckDB warehouse: one view per table, over the
    Parquet files Spark wrote (`<lake>/warehouse/<schema>.db/<table>/`). The checks, the CLI and
    publishing then read Spark's results through the same names as on DuckDB. Returns the views."""
    made = []
    for schema in SPARK_SCHEMAS:
        for table in spark_tables(lake, schema):
            source = spark_table_source(lake, schema, table)
            if source is None:
                continue
            names = [c for c, *_ in con.execute(f"describe select * from {source}").fetchall()]
            # Spark moves the partition column last; the models (and DuckDB's tables) have it first
            columns = "month, * exclude (month)" if "month" in names else "*"
            con.execute(f'create schema if not exists "{schema}"')
            con.execute(f'drop table if exists "{schema}"."{table}"')
            con.execute(f'create or replace view "{schema}"."{table}" as select {columns} from {source}')
            made.append(f"{schema}.{table}")
    return made


def register_lake_views(spark, lake: Path) -> list[str]:
    """The warehouse's names (raw.orders, staging.stg_orders, marts.…) as views in a Spark session
    whose catalog is its own (in memory), over the lake: the raw layer the loader wrote and the
    tables dbt built. The Great Expectations suites then run as Spark jobs on the same files dbt
    read and wrote, without opening the build's Derby catalog (one Spark process at a time)."""
    lake = Path(lake)
    sources = {("raw", t.name): t for t in sorted((lake / "raw").iterdir()) if t.is_dir()} if (lake / "raw").is_dir() else {}
    for schema in SPARK_SCHEMAS:
        for table in spark_tables(lake, schema):
            files = spark_table_files(lake, schema, table)
            if files is not None:
                sources[(schema, table)] = files
    for schema in sorted({schema for schema, _ in sources}):
        spark.sql(f"create database if not exists {schema}")
    for (schema, table), files in sources.items():
        path = str(files.resolve()).replace("`", "``")
        spark.sql(f"create or replace view {schema}.{table} as select * from parquet.`{path}`")
    return [f"{schema}.{table}" for schema, table in sources]
