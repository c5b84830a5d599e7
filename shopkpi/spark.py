"""The Spark engine: the same dbt project through dbt-spark, over the Parquet lake.

`SHOPKPI_ENGINE=spark` picks the `spark` target of dbt_project/profiles.yml; by default dbt-spark's
`session` method runs Spark inside the dbt process on `local[2]`. `SHOPKPI_SPARK_METHOD=thrift`
with `SHOPKPI_SPARK_HOST`/`_PORT` reaches a Spark Thrift server instead, the endpoint a cluster
exposes. Spark keeps its tables as Parquet under `<lake>/warehouse/<schema>.db/<table>/month=…/`
and its catalog in `<lake>/metastore_db` (Derby: one Spark process at a time).

The Great Expectations suites of the staging and marts layers run on Spark too (`validation_session`):
through Spark Connect when `SHOPKPI_SPARK_CONNECT` names a server (a cluster's, with its own
catalog), otherwise in a local Spark session whose in-memory catalog has views over the lake.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

ENGINE_ENV = "SHOPKPI_ENGINE"
ENGINES = ("duckdb", "spark")
METHOD_ENV = "SHOPKPI_SPARK_METHOD"
CONNECT_ENV = "SHOPKPI_SPARK_CONNECT"  # sc://host:15002, the Spark Connect endpoint validation uses

# Session settings shared by the Thrift server and the local validation session (profiles.yml's
# `spark` target states the same for dbt's session).
SESSION_CONF = {
    "spark.sql.shuffle.partitions": "4",
    "spark.sql.session.timeZone": "Asia/Shanghai",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}


def engine() -> str:
    value = (os.environ.get(ENGINE_ENV) or "duckdb").strip().lower()
    if value not in ENGINES:
        raise ValueError(f"{ENGINE_ENV}={value!r}: expected one of {', '.join(ENGINES)}")
    return value


def thrift_server_command(lake: Path, port: int, master: str = "local[2]", connect_port: int | None = None
                          ) -> list[str]:
    """A Spark Thrift server (HiveThriftServer2, shipped with pyspark) over the lake: the endpoint
    `SHOPKPI_SPARK_METHOD=thrift` connects to. Its warehouse dir and catalog are the lake's, with the
    session settings of profiles.yml's `spark` target, so both methods build the same tables. With
    `connect_port` it also serves Spark Connect, the endpoint `SHOPKPI_SPARK_CONNECT` validates through."""
    import pyspark

    lake = Path(lake).resolve()
    conf = {
        **SESSION_CONF,
        "spark.sql.warehouse.dir": f"{lake}/warehouse",
        "spark.hadoop.javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={lake}/metastore_db;create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.stream.error.file={lake}/derby.log",
    }
    if connect_port is not None:  # Spark Connect in the same server: the checks share its catalog
        conf |= {"spark.plugins": "org.apache.spark.sql.connect.SparkConnectPlugin",
                 "spark.connect.grpc.binding.port": str(connect_port)}
    submit = Path(pyspark.__file__).parent / "bin" / "spark-submit"
    return [str(submit), "--class", "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2", "--master", master,
            *[a for key, value in conf.items() for a in ("--conf", f"{key}={value}")],
            "--hiveconf", f"hive.server2.thrift.port={port}", "--hiveconf", "hive.server2.thrift.bind.host=localhost",
            "spark-internal"]


@contextmanager
def validation_session(lake: Path):
    """The Spark session the Great Expectations suites run in, where the warehouse's names resolve.

    With `SHOPKPI_SPARK_CONNECT` (sc://host:port): a Spark Connect session to the server dbt built
    on, whose catalog holds the tables; closed afterwards. Otherwise a local session
    (`SHOPKPI_SPARK_MASTER`, local[2]) with an in-memory catalog: views over the lake's files
    (lake.register_lake_views), re-made on every call so a rebuilt month is seen; kept for the next
    layer's checks (a JVM takes seconds to start). The Thrift method needs the Connect endpoint:
    its server owns the catalog.
    """
    from pyspark.sql import SparkSession

    url = os.environ.get(CONNECT_ENV)
    if url:
        # Connect's own builder: pyspark's generic one refuses a remote session in a process that
        # already has a local one (a Dagster process that validated on the session method before).
        # pyspark.sql.functions, which GX builds its metrics from, then make Connect columns only
        # while SPARK_CONNECT_MODE_ENABLED is set, as the generic builder would have set it.
        from pyspark.sql.connect.session import SparkSession as ConnectSession

        before = os.environ.get("SPARK_CONNECT_MODE_ENABLED")
        os.environ["SPARK_CONNECT_MODE_ENABLED"] = "1"
        session = ConnectSession.builder.remote(url).getOrCreate()
        try:
            yield session
        finally:
            session.stop()
            if before is None:
                os.environ.pop("SPARK_CONNECT_MODE_ENABLED", None)
            else:
                os.environ["SPARK_CONNECT_MODE_ENABLED"] = before
        return
    if (os.environ.get(METHOD_ENV) or "session").strip().lower() == "thrift":
        raise ValueError(f"{METHOD_ENV}=thrift: set {CONNECT_ENV} to the server's Spark Connect endpoint "
                         "(sc://host:15002); the checks run there")
    from .lake import register_lake_views

    builder = SparkSession.builder.master(os.environ.get("SHOPKPI_SPARK_MASTER") or "local[2]").appName("shopkpi-checks")
    conf = {**SESSION_CONF, "spark.sql.catalogImplementation": "in-memory",
            # month=2017-05 is a month, not a date to infer
            "spark.sql.sources.partitionColumnTypeInference.enabled": "false"}
    for key, value in conf.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("OFF")  # a failed query raises; Spark's own log would repeat it
    register_lake_views(session, lake)
    yield session
