from __future__ import annotations

import warnings

import pytest

from tests.helpers import REAL_EXPORTS, materialize_month

warnings.filterwarnings("ignore")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The demo month (2017-05) materialised once from the real export."""
    assert REAL_EXPORTS.is_dir(), f"real exports missing: {REAL_EXPORTS} (clone with ../shared beside the repo)"
    warehouse = tmp_path_factory.mktemp("demo") / "warehouse.duckdb"
    result = materialize_month("2017-05", REAL_EXPORTS, warehouse)
    assert result.success, "demo materialisation failed"
    return result, warehouse
