"""The raw layer as a Parquet lake, for the Spark engine.

Loading stays on DuckDB (the downloads are local files; one SQL statement reads, cleans and
hashes each). With `SHOPKPI_ENGINE=spark` the loaded month is then written to the lake the
engine reads: `<lake>/raw/<table>/month=YYYY-MM/shop_id=<shop>/data.parquet`, Hive-style
partitions that Spark discovers. A month is replaced whole (written beside, then swapped in),
so re-running a month replaces exactly that month. Every shop of the month gets a file, empty
or not: a file with no rows still carries the table's schema, so Spark can read a report type
no shop has downloaded yet.

The lake path is a local folder here; on a cluster it is whatever the engine reads (s3a://,
hdfs://): DuckDB writes local paths only, so such a deployment syncs the folder (see README).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from .ingest.load import sql_literal
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
        root = raw_table_path(lake, table)
        root.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f".month={month}-", dir=root))
        try:
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
            os.chmod(staged, 0o755)
            target = root / f"month={month}"
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=".old-", dir=root))
                target.rename(old / "month")
                shutil.rmtree(old, ignore_errors=True)
            staged.rename(target)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
    return written
