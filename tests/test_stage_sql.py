"""The statements that load a file, one golden file per built-in layout (tests/golden_sql/<layout>.sql),
so a change to the loader's SQL shows in review as a diff of the statements it writes.

After an intended change: `SHOPKPI_UPDATE_GOLDEN_SQL=1 pytest tests/test_stage_sql.py`, then read the diff.
What the statements do is tested by the loads themselves (test_bad_input_corpus, test_layouts, …)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shopkpi.ingest.layouts import BUILT_IN_DIR, all_layouts
from shopkpi.ingest.stage_sql import (checked_rows_sql, disagreeing_lines_sql, file_columns, numbered_sql,
                                      quarantine_checked_sql, quarantine_rejected_sql, raw_insert_sql, rejected_sql,
                                      row_checks, scan_sql, stage_sql)

GOLDEN = Path(__file__).parent / "golden_sql"
BUILT_IN = sorted((layout for layout in all_layouts() if layout.path.parent == BUILT_IN_DIR), key=lambda l: l.name)
UPDATE = os.environ.get("SHOPKPI_UPDATE_GOLDEN_SQL") == "1"


def statements(layout) -> str:
    """Every statement the loader runs for a file of this layout that has all its columns, in order."""
    header = layout.headers
    spec = layout.spec_for(header)
    month, shop, source_file = "2024-03", "shop_a", "shop_a/export.csv"
    columns = file_columns(spec, header)
    checks = row_checks(spec, columns.present, month, shop, check_nul=columns.nul_column is not None)
    scan = scan_sql(Path("/exports/shop_a/2024-03/export.csv"), len(header), header_row=0, delimiter=",",
                    options="ignore_errors=true")
    disagreeing = disagreeing_lines_sql(spec, columns.present)
    parts = [
        ("stage", stage_sql(spec, columns, scan, checks, check_nul=columns.nul_column is not None)),
        ("rejected", rejected_sql(skip=1)),
        ("quarantine of the rejected", quarantine_rejected_sql(month, spec.report_type, source_file, header, "UTF-8")),
        ("numbered, without rejects", numbered_sql(with_rejects=False)),
        ("numbered, with rejects", numbered_sql(with_rejects=True)),
        *([("disagreeing lines", disagreeing)] if disagreeing else []),
        ("checked", checked_rows_sql(spec, checks, with_disagreeing=disagreeing is not None)),
        ("quarantine of the checked", quarantine_checked_sql(month, spec.report_type, source_file)),
        ("raw insert", raw_insert_sql(spec, columns.present, month, source_file, layout.platform, shop)),
    ]
    return "".join(f"-- {name}\n{sql};\n\n" for name, sql in parts)


@pytest.mark.parametrize("layout", BUILT_IN, ids=lambda layout: layout.name)
def test_the_statements_of_a_layout_match_its_golden_file(layout):
    golden = GOLDEN / f"{layout.name}.sql"
    written = statements(layout)
    if UPDATE:
        golden.write_text(written, encoding="utf-8")
    assert golden.exists(), f"no {golden.name}: run with SHOPKPI_UPDATE_GOLDEN_SQL=1 and review it"
    assert written == golden.read_text(encoding="utf-8"), (
        f"the statements for {layout.name} changed: rerun with SHOPKPI_UPDATE_GOLDEN_SQL=1 and review the diff")


def test_every_golden_file_belongs_to_a_built_in_layout():
    assert sorted(p.stem for p in GOLDEN.glob("*.sql")) == [layout.name for layout in BUILT_IN]
