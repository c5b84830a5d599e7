"""What GX's worker processes import once, in their forkserver (gx_workers.PRELOAD).

GX imports pyspark when it is installed (the Spark engine's extra), ~0.4 s of the ~4 s GX takes
to import, for its Spark datasources. The workers validate in DuckDB only (on Spark too: the raw
suites), so they import GX with pyspark hidden, as if it were not installed, which GX supports.
The Spark engine's own GX (gx_spark, in the main process) imports GX with pyspark as always.
"""

from ..hidden_imports import packages_hidden

with packages_hidden("pyspark"):
    import great_expectations  # noqa: F401

from . import gx_duckdb  # noqa: E402,F401
