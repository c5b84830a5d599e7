"""One .yml per folder documents every model and every column the warehouse really has."""

from __future__ import annotations

import json

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
