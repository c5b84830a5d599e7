"""dbt keeps its partial parse across warehouse files of the same name (parse_state.py): a new
path alone must not cost a full parse, a different database name must."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from shopkpi.defs.transform.assets import DBT_PROJECT
from shopkpi.settings import WAREHOUSE_ENV, dbt_executable


def parse(warehouse: Path, target: Path) -> list[str]:
    """`dbt parse` as Dagster runs it; the reasons dbt gave for a full parse, if any."""
    project = str(DBT_PROJECT.project_dir)
    proc = subprocess.run(
        [dbt_executable(), "parse", "--log-format", "json", "--project-dir", project, "--profiles-dir", project,
         "--target-path", str(target)],
        env={**os.environ, WAREHOUSE_ENV: str(warehouse)}, capture_output=True, text=True, check=True)
    events = [json.loads(line)["info"] for line in proc.stdout.splitlines() if line.startswith("{")]
    return [e["msg"] for e in events if e["name"] == "UnableToPartialParse"]


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
