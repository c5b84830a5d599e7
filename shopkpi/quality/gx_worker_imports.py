"""What GX's worker processes import once, in their forkserver (gx_workers.PRELOAD)."""

import great_expectations  # noqa: F401

from . import gx_duckdb  # noqa: F401
