"""One .yml per folder documents every model and every column the warehouse really has."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from shopkpi.defs.transform.assets import DBT_PROJECT
from tests.helpers import query

# One worker builds the shared demo month once (see pytest -n in pyproject.toml).
pytestmark = pytest.mark.xdist_group("demo")



def test_every_model_and_column_is_documented(demo_run):
    _, warehouse = demo_run
    manifest = json.loads(DBT_PROJECT.manifest_path.read_text())
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert len(models) > 30
    problems = []
    for node in models:
        if not node["description"]:
            problems.append(f"{node['name']}: no description")
        actual = [c for (c,) in query(warehouse, "select column_name from information_schema.columns "
                                                 "where table_schema = ? and table_name = ? order by ordinal_position",
                                      [node["schema"], node["name"]])]
        documented = {name for name, c in node["columns"].items() if c.get("description")}
        missing = [c for c in actual if c not in documented]
        extra = sorted(set(node["columns"]) - set(actual))
        if missing or extra:
            problems.append(f"{node['name']}: undocumented {missing}, documented but absent {extra}")
    assert problems == []


def test_one_yml_per_model_folder():
    for folder in (DBT_PROJECT.project_dir / "models").iterdir():
        if folder.is_dir():
            assert len(list(folder.glob("*.yml"))) == 1, folder.name


def required_columns(manifest: dict) -> dict[str, list[str]]:
    """Model or seed name -> the columns its not_null_columns test lists."""
    found = {}
    for node in manifest["nodes"].values():
        meta = node.get("test_metadata") or {}
        if node["resource_type"] == "test" and meta.get("name") == "not_null_columns":
            found[node["attached_node"].split(".")[-1]] = meta["kwargs"]["columns"]
    return found


def test_every_required_column_is_a_documented_column():
    manifest = json.loads(DBT_PROJECT.manifest_path.read_text())
    nodes = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")}
    required = required_columns(manifest)
    assert {"stg_orders", "int_orders", "kpi_store_monthly", "kpi_registry"} <= set(required)
    unknown = {name: sorted(set(columns) - set(nodes[name]["columns"])) for name, columns in required.items()}
    assert {name: cols for name, cols in unknown.items() if cols} == {}


def test_a_null_in_a_required_column_fails_its_test_and_names_the_column(demo_run, tmp_path):
    import subprocess
    import sys

    from tests.helpers import copy_warehouse

    warehouse = copy_warehouse(demo_run[1], tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(warehouse))
    # Five of the month's orders lose their shop (the demo warehouse holds 2017-05 only).
    con.execute("update intermediate.int_orders set shop_id = null "
                "where order_id in (select order_id from intermediate.int_orders order by order_id limit 5)")
    con.close()
    target = tmp_path / "target"
    env = {**os.environ, "SHOPKPI_WAREHOUSE": str(warehouse), "SHOPKPI_MONTH": "2017-05"}
    dbt = Path(sys.executable).with_name("dbt")
    proc = subprocess.run([str(dbt), "test", "--select", "int_orders,test_name:not_null_columns",
                           "--project-dir", str(DBT_PROJECT.project_dir), "--profiles-dir", str(DBT_PROJECT.project_dir),
                           "--target-path", str(target)], env=env, capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "Got 1 result, configured to fail if != 0" in proc.stdout  # one column has NULLs
    # The test's own query says which column and how many rows.
    compiled = next(target.glob("compiled/**/not_null_columns_int_orders_*.sql")).read_text()
    assert query(warehouse, compiled) == [("shop_id", 5)]
