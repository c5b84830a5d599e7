"""The Spark engine: the same dbt project through dbt-spark, over the Parquet lake.

`SHOPKPI_ENGINE=spark` picks the `spark` target of dbt_project/profiles.yml; by default dbt-spark's
`session` method runs Spark inside the dbt process on `local[2]`. `SHOPKPI_SPARK_METHOD=thrift`
with `SHOPKPI_SPARK_HOST`/`_PORT` reaches a Spark Thrift server instead, the endpoint a cluster
exposes. Spark keeps its tables as Parquet under `<lake>/warehouse/<schema>.db/<table>/month=…/`
and its catalog in `<lake>/metastore_db` (Derby: one Spark process at a time).
"""

from __future__ import annotations

import os

ENGINE_ENV = "SHOPKPI_ENGINE"
ENGINES = ("duckdb", "spark")


def engine() -> str:
    value = (os.environ.get(ENGINE_ENV) or "duckdb").strip().lower()
    if value not in ENGINES:
        raise ValueError(f"{ENGINE_ENV}={value!r}: expected one of {', '.join(ENGINES)}")
    return value
