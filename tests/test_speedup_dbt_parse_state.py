"""dbt keeps its partial parse across warehouse files of the same name (speedups/dbt_parse_state.py):
a new path alone must not cost a full parse, a different database name must. A canary of the
private dbt APIs it patches (docs/upgrading.md)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from shopkpi.dbt_process.parse_state import PROJECT_TARGET, SAVED_PARSE, save_parse
from shopkpi.defs.transform.assets import DBT_PROJECT
from shopkpi.settings import WAREHOUSE_ENV, dbt_executable


def parse(warehouse: Path, target: Path, env: dict | None = None) -> list[str]:
    """`dbt parse` as Dagster runs it; the reasons dbt gave for a full parse, if any."""
    project = str(DBT_PROJECT.project_dir)
    proc = subprocess.run(
        [dbt_executable(), "parse", "--log-format", "json", "--project-dir", project, "--profiles-dir", project,
         "--target-path", str(target)],
        env={**os.environ, WAREHOUSE_ENV: str(warehouse), **(env or {})}, capture_output=True, text=True, check=True)
    events = [json.loads(line)["info"] for line in proc.stdout.splitlines() if line.startswith("{")]
    return [e["msg"] for e in events if e["name"] == "UnableToPartialParse"]


@pytest.mark.slow
@pytest.mark.canary
def test_a_new_warehouse_path_keeps_partial_parsing_and_a_new_database_name_does_not(tmp_path):
    target = tmp_path / "target"
    assert parse(tmp_path / "a" / "warehouse.duckdb", target) == [
        "Unable to do partial parsing because saved manifest not found. Starting full parse."]
    # Same file name elsewhere: the parsed project is the same (database "warehouse"), so no re-parse.
    assert parse(tmp_path / "b" / "warehouse.duckdb", target) == []
    # Another file name is another database name, which the parsed nodes carry: dbt must re-parse.
    assert parse(tmp_path / "b" / "ledger.duckdb", target) == [
        "Unable to do partial parsing because profile has changed"]
    manifest = json.loads((target / "manifest.json").read_text())
    assert {n["database"] for n in manifest["nodes"].values() if n["resource_type"] == "model"} == {"ledger"}
    # Without the speed-ups, dbt's own rule: a new path is a changed profile.
    assert parse(tmp_path / "c" / "ledger.duckdb", target, {"SHOPKPI_SPEEDUPS": "0"}) == [
        "Unable to do partial parsing because profile has changed"]


@pytest.mark.slow
def test_each_warehouse_name_keeps_its_own_saved_parse(tmp_path):
    project_target = PROJECT_TARGET
    runs = {name: tmp_path / name for name in ("w-1", "ledger", "w-2")}
    for name in ("w-1", "ledger"):  # a run into w.duckdb, then one into ledger.duckdb
        warehouse = tmp_path / name / ("ledger.duckdb" if name == "ledger" else "w.duckdb")
        parse(warehouse, runs[name], {"DBT_TARGET_PATH": str(runs[name])})
        save_parse(runs[name], str(warehouse))
    # dagster-dbt seeds the next run with the project's parse, now ledger's ...
    runs["w-2"].mkdir()
    (runs["w-2"] / SAVED_PARSE).write_bytes((project_target / SAVED_PARSE).read_bytes())
    # ... and a run into another w.duckdb still partial-parses: shopkpi-dbt gave it w's own parse.
    assert parse(tmp_path / "w-2" / "w.duckdb", runs["w-2"], {"DBT_TARGET_PATH": str(runs["w-2"])}) == []
