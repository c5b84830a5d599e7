"""The Spark engine: the same dbt project through dbt-spark, over the Parquet lake.

`SHOPKPI_ENGINE=spark` picks the `spark` target of dbt_project/profiles.yml; by default dbt-spark's
`session` method runs Spark inside the dbt process on `local[2]`. `SHOPKPI_SPARK_METHOD=thrift`
with `SHOPKPI_SPARK_HOST`/`_PORT` reaches a Spark Thrift server instead, the endpoint a cluster
exposes. Spark keeps its tables as Parquet under `<lake>/warehouse/<schema>.db/<table>/month=…/`
and its catalog in `<lake>/metastore_db` (Derby: one Spark process at a time).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .lake import LAKE_ENV
from .settings import DBT_PROJECT_DIR, MONTH_ENV, dbt_executable

ENGINE_ENV = "SHOPKPI_ENGINE"
ENGINES = ("duckdb", "spark")


def engine() -> str:
    value = (os.environ.get(ENGINE_ENV) or "duckdb").strip().lower()
    if value not in ENGINES:
        raise ValueError(f"{ENGINE_ENV}={value!r}: expected one of {', '.join(ENGINES)}")
    return value


def spark_table_path(lake: Path, schema: str, table: str) -> Path:
    """Where Spark keeps a table it built (its warehouse dir, spark.sql.warehouse.dir)."""
    return Path(lake) / "warehouse" / f"{schema}.db" / table


def dbt_on_spark(args: list[str], month: str, lake: Path, target_path: Path, log_path: Path,
                 ) -> subprocess.CompletedProcess:
    """Run a dbt command on the spark target for one month (its output captured)."""
    env = {**os.environ, ENGINE_ENV: "spark", LAKE_ENV: str(Path(lake).resolve()), MONTH_ENV: month}
    return subprocess.run(
        [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(target_path), "--log-path", str(log_path)],
        cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False)
