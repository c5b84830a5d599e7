"""The Spark engine: the same dbt project through dbt-spark, over the Parquet lake.

`SHOPKPI_ENGINE=spark` picks the `spark` target of dbt_project/profiles.yml; by default dbt-spark's
`session` method runs Spark inside the dbt process on `local[2]`. `SHOPKPI_SPARK_METHOD=thrift`
with `SHOPKPI_SPARK_HOST`/`_PORT` reaches a Spark Thrift server instead, the endpoint a cluster
exposes. Spark keeps its tables as Parquet under `<lake>/warehouse/<schema>.db/<table>/month=…/`
and its catalog in `<lake>/metastore_db` (Derby: one Spark process at a time).
"""

from __future__ import annotations

import os
from pathlib import Path

ENGINE_ENV = "SHOPKPI_ENGINE"
ENGINES = ("duckdb", "spark")


def engine() -> str:
    value = (os.environ.get(ENGINE_ENV) or "duckdb").strip().lower()
    if value not in ENGINES:
        raise ValueError(f"{ENGINE_ENV}={value!r}: expected one of {', '.join(ENGINES)}")
    return value


def thrift_server_command(lake: Path, port: int, master: str = "local[2]") -> list[str]:
    """A Spark Thrift server (HiveThriftServer2, shipped with pyspark) over the lake: the endpoint
    `SHOPKPI_SPARK_METHOD=thrift` connects to. Its warehouse dir and catalog are the lake's, with the
    session settings of profiles.yml's `spark` target, so both methods build the same tables."""
    import pyspark

    lake = Path(lake).resolve()
    conf = {
        "spark.sql.warehouse.dir": f"{lake}/warehouse",
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={lake}/metastore_db;create=true",
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.session.timeZone": "Asia/Shanghai",
        "spark.ui.enabled": "false",
        "spark.driver.extraJavaOptions": f"-Dderby.stream.error.file={lake}/derby.log",
    }
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    return [str(submit), "--class", "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2", "--master", master,
            *[a for key, value in conf.items() for a in ("--conf", f"{key}={value}")],
            "--hiveconf", f"hive.server2.thrift.port={port}", "--hiveconf", "hive.server2.thrift.bind.host=localhost",
            "spark-internal"]
