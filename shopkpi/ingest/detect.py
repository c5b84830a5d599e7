"""Find the reports in a folder: encoding, header row and report type.

Only the first few KiB of each file are read here; the bulk of the file is
read by DuckDB's CSV reader in `load.py`.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from .layouts import Layout, all_layouts, normalise_header
from .specs import ReportSpec

SAMPLE_BYTES = 256 * 1024
HEADER_SEARCH_ROWS = 10  # title rows may stand above the header (生意参谋 downloads have 7)
_BOM = codecs.BOM_UTF8
_TRIM = " \t\r\n\u3000\ufeff\xa0"


def clean_header_cell(cell: str) -> str:
    """Header cells carry trailing spaces (`订单付款时间 `) and stray BOMs."""
    return cell.strip(_TRIM)


@dataclass
class DetectedFile:
    path: Path
    encoding: str | None = None  # "utf-8", "utf-8-sig", "gb18030", "utf-16[-le|-be]" or "xlsx"
    spec: ReportSpec | None = None  # the report type as this file's layout fills it
    layout: Layout | None = None
    header: list[str] = field(default_factory=list)  # cleaned cells
    header_row: int = 0  # 0-based index of the header line
    delimiter: str = ","
    shop_id: str = "default"  # the shop whose folder it is in (shops.py)
    converted: Path | None = None  # an XLSX's first sheet as UTF-8 CSV, written by a load's scan (parsed once)
    # CRLF, LF and lone CR line ends in one file (a team sheet edited in two editors): read from a copy with LF
    mixed_newlines: bool = False

    @property
    def source_name(self) -> str:
        """How the warehouse names the file: its name, prefixed with its shop outside the single-shop layout."""
        return self.path.name if self.shop_id == "default" else f"{self.shop_id}/{self.path.name}"
    problem: str | None = None  # why the file is not used

    @property
    def name(self) -> str:
        return self.path.name

    def missing_required(self) -> list[str]:
        assert self.spec is not None
        present = {normalise_header(h) for h in self.header}
        return [c.zh for c in self.spec.required if c.zh not in present]


# A file is refused, not loaded row by row, when more than this share of the sample's lines
# has bytes its best-guess encoding cannot decode: it is not text in a known encoding.
MAX_UNDECODABLE_LINE_SHARE = 0.10


class UnknownEncoding(ValueError):
    pass


def _undecodable_lines(sample: bytes, encoding: str) -> tuple[list[int], int]:
    """(indexes of the lines with undecodable bytes, number of complete lines) in the sample."""
    lines = sample.split(b"\n")
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may end in the middle of a line
    bad = []
    for index, line in enumerate(lines):
        try:
            line.decode(encoding)
        except UnicodeDecodeError:
            bad.append(index)
    return bad, len(lines)


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: every other byte of ASCII text is NUL."""
    head = sample[:4096]
    if len(head) < 64:
        return None
    odd_nuls = head[1::2].count(0) / len(head[1::2])
    even_nuls = head[0::2].count(0) / len(head[0::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or GB18030, the superset of GBK.

    A few lines with undecodable bytes do not decide against an encoding: they are
    quarantined row by row at load. A sample mostly undecodable raises UnknownEncoding.
    """
    if sample.startswith(_BOM):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    utf16 = _utf16_without_bom(sample)
    if utf16 is not None:
        return utf16
    shares = {}
    for encoding in ("utf-8", "gb18030"):  # UTF-8 first: GBK text is almost never valid UTF-8, not vice versa
        bad, lines = _undecodable_lines(sample, encoding)
        # The first line (the header, or the title above it) must decode: a GBK header over
        # ASCII-only rows is not UTF-8.
        if not bad or (len(bad) / lines <= MAX_UNDECODABLE_LINE_SHARE and bad[0] > 0):
            return encoding
        shares[encoding] = (len(bad), lines)
    best = min(shares, key=lambda e: shares[e][0])
    bad, lines = shares[best]
    raise UnknownEncoding(f"not text in a known encoding: {bad} of the first {lines} lines have bytes that are not "
                          f"valid {best.upper()} (the best guess) nor {'GB18030' if best == 'utf-8' else 'UTF-8'}; "
                          "save the export as UTF-8 or GBK CSV")


def sniff_delimiter(text: str) -> str:
    """Comma, or tab for tab-separated text (Excel's "Unicode text" and some back-ends' .txt/.xls)."""
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    return "\t" if head.count("\t") > head.count(",") else ","


def match_layout(header: list[str]) -> tuple[Layout | None, str | None]:
    """The layout that best covers a header, or (None, why not).

    A layout is a candidate when at least half (and at least two) of its required
    columns are present, so that a report missing one required column is still
    recognised and then rejected with a message naming that column. The candidate
    that reads the most of the file's columns wins (nothing the file holds is left
    unread when another layout would read it); on a tie, the one with the highest share
    of its own columns present (Tmall's 7-column file: the 7-column Tmall layout, not the
    classic Taobao one that also has those 7). Two layouts tied on both are ambiguous:
    the file is not used, and both are named.
    """
    scored = []
    for layout in all_layouts():
        required, present, share = layout.coverage(header)
        needed = min(layout.required_count(), max(2, (layout.required_count() + 1) // 2))
        if required >= needed:
            scored.append(((present, round(share, 6)), layout))
    if not scored:
        return None, None
    scored.sort(key=lambda item: item[0], reverse=True)
    best_score, best = scored[0]
    tied = [layout.name for score, layout in scored[1:] if score == best_score]
    if tied:
        return None, (f"header matches layouts {best.name} and {', '.join(tied)} equally "
                      f"({best_score[0]} columns, {best_score[1]:.0%} of each): make one layout's headers more specific "
                      "or remove one (shopkpi inspect FILE shows the coverage)")
    return best, None


XLSX = "xlsx"
# An XLSX is a zip of XML: limits on what it inflates to, checked from its directory before it is opened
# (a decompression bomb: DECISIONLOG, Ingestion). A platform's largest export
# (Excel's 1,048,576 rows) inflates to well under 1 GiB, and sheet XML compresses 5-30-fold.
XLSX_MAX_INFLATED_ENV, XLSX_MAX_INFLATED = "SHOPKPI_XLSX_MAX_INFLATED_MB", 1024
XLSX_MAX_RATIO, XLSX_RATIO_FROM = 100, 16 * 2**20  # the ratio counts for parts inflating to 16 MiB or more


def xlsx_problem(path: Path) -> str | None:
    """Why an XLSX is not opened (too large inflated, a decompression bomb, not a zip), or None."""
    import os
    import zipfile

    limit_mb = float(os.environ.get(XLSX_MAX_INFLATED_ENV) or XLSX_MAX_INFLATED)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        return f"unreadable XLSX: {getattr(exc, 'strerror', None) or exc}"
    inflated = sum(p.file_size for p in parts)  # zipfile never inflates a part beyond its declared size
    if inflated > limit_mb * 2**20:
        return (f"XLSX inflates to {inflated / 2**20:,.0f} MiB, more than the {limit_mb:,.0f} MiB allowed "
                f"({XLSX_MAX_INFLATED_ENV}); export it as CSV or in parts")
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size >= XLSX_RATIO_FROM and ratio > XLSX_MAX_RATIO:
            return (f"XLSX part {part.filename} inflates {ratio:,.0f}-fold ({part.compress_size / 2**10:,.0f} KiB to "
                    f"{part.file_size / 2**20:,.0f} MiB, more than {XLSX_MAX_RATIO}-fold): refused as a decompression bomb")
    return None


def xlsx_to_csv(path: Path, target: Path) -> Path:
    """The first sheet as a UTF-8 CSV at `target` (streamed); a legacy .xls's too."""
    with target.open("w", encoding="utf-8", newline="") as dst:
        csv.writer(dst, lineterminator="\n").writerows(spreadsheet_rows(path))
    return target


XLS = "xls"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a real (BIFF) .xls is an OLE2 compound file


def xls_kind(path: Path) -> str:
    """What a .xls download really is: `xls` (Excel 97-2003), `html` (a web table saved as .xls, which some
    back-ends send) or `text` (CSV or tab-separated text named .xls)."""
    with path.open("rb") as fh:
        head = fh.read(512)
    if head.startswith(_OLE2):
        return XLS
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith((b"<", b"\x00<")):
        return "html"
    return "text"


def xls_rows(path: Path):
    """Rows of a legacy .xls's first sheet as lists of strings (xlrd; dates as dates, whole numbers without .0).
    Empty rows after the last filled one are no rows, as in xlsx_rows."""
    import xlrd

    def text(cell) -> str:
        if cell.ctype == xlrd.XL_CELL_DATE:  # a date cell without a time is a day
            value = xlrd.xldate_as_datetime(cell.value, book.datemode)
            return xlsx_cell_text(value if value.time() != value.min.time() else value.date())
        return "" if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) else xlsx_cell_text(cell.value)

    book = xlrd.open_workbook(str(path), on_demand=True)
    try:
        sheet = book.sheet_by_index(0)
        yield from _without_trailing_empty([text(cell) for cell in sheet.row(i)] for i in range(sheet.nrows))
    finally:
        book.release_resources()


def _without_trailing_empty(rows):
    """The rows, less the empty ones after the last filled row (held back until a filled row follows)."""
    empty_run = []
    for cells in rows:
        if any(cells):
            yield from empty_run
            empty_run = []
            yield cells
        else:
            empty_run.append(cells)


def spreadsheet_rows(path: Path):
    """Rows of the first sheet of an XLSX or a legacy .xls."""
    return xls_rows(path) if path.suffix.lower() == ".xls" else xlsx_rows(path)


def xlsx_rows(path: Path):
    """Rows of the first sheet as lists of strings (streamed, read-only). Empty rows after the last
    filled one are no rows: a sheet formatted or validated below its data (a template) lists them."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        yield from _without_trailing_empty(["" if v is None else xlsx_cell_text(v) for v in row]
                                           for row in workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def xlsx_cell_text(value) -> str:
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _find_header(found: DetectedFile, rows) -> DetectedFile:
    ambiguous = None
    for index in range(HEADER_SEARCH_ROWS):
        try:
            row = next(rows)
        except (StopIteration, csv.Error):
            break
        header = [clean_header_cell(c) for c in row]
        layout, ambiguous = match_layout(header)
        if layout is not None and index < layout.header_search_rows:
            found.layout, found.spec, found.header, found.header_row = layout, layout.spec_for(header), header, index
            return found
        if ambiguous:
            break
    found.problem = ambiguous or "header matches no known layout"
    return found


def detect_file(path: Path, workdir: Path | None = None) -> DetectedFile:
    """The file's encoding, layout and header. With a load's private `workdir`, an XLSX is converted
    to CSV there once, and its header is found in the CSV (its sheet is parsed once, not twice)."""
    found = DetectedFile(path=path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        try:
            kind = xls_kind(path)
        except OSError as exc:
            found.problem = f"unreadable: {exc.strerror or exc}"
            return found
        if kind == "html":
            found.problem = "a web page saved as .xls, not a spreadsheet: open it in Excel or WPS and save it as XLSX"
            return found
        if kind == XLS:
            return _detect_sheet(found, XLS, workdir)
        suffix = ".txt"  # text named .xls: read as CSV or tab-separated text below
    if suffix == ".xlsx":
        found.problem = xlsx_problem(path)
        return found if found.problem else _detect_sheet(found, XLSX, workdir)
    if suffix not in {".csv", ".txt"}:
        found.problem = f"not a CSV, XLS or XLSX export ({path.suffix or 'no extension'})"
        return found
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
    except OSError as exc:  # permission denied, a broken link: listed as not used, the month goes on
        found.problem = f"unreadable: {exc.strerror or exc}"
        return found
    if not sample.strip():
        found.problem = "empty file"
        return found
    try:
        found.encoding = detect_encoding(sample)
    except UnknownEncoding as exc:
        found.problem = str(exc)
        return found
    found.mixed_newlines = mixed_newlines(sample)
    text = codecs.getincrementaldecoder(found.encoding)(errors="replace").decode(sample)
    text = text.lstrip("\ufeff")
    found.delimiter = sniff_delimiter(text)
    return _find_header(found, csv.reader(io.StringIO(text), delimiter=found.delimiter))


def _detect_sheet(found: DetectedFile, kind: str, workdir: Path | None) -> DetectedFile:
    """The header of a workbook's first sheet (XLSX or XLS). With a load's `workdir`, the sheet is converted
    to CSV there once and the header found in the CSV (the sheet is parsed once, not twice)."""
    found.encoding = kind
    try:
        if workdir is None:
            return _find_header(found, spreadsheet_rows(found.path))
        workdir.mkdir(mode=0o700, exist_ok=True)
        found.converted = xlsx_to_csv(found.path, workdir / (found.path.name + ".utf8.csv"))
        with found.converted.open(encoding="utf-8", newline="") as fh:
            return _find_header(found, csv.reader(fh))
    except Exception as exc:  # a corrupt or unreadable workbook is reported, not fatal
        found.encoding, found.problem = None, f"unreadable {kind.upper()}: {getattr(exc, 'strerror', None) or exc}"
        return found


def mixed_newlines(sample: bytes) -> bool:
    """More than one kind of line end (CRLF, LF, a lone CR), or lone CRs only: DuckDB's reader takes one."""
    crlf = sample.count(b"\r\n")
    lf, cr = sample.count(b"\n") - crlf, sample.count(b"\r") - crlf
    return sum(1 for n in (crlf, lf, cr) if n) > 1 or (cr > 0 and not crlf and not lf)


def scan_folder(folder: Path, workdir: Path | None = None) -> list[DetectedFile]:
    if not folder.is_dir():
        raise FileNotFoundError(f"exports folder not found: {folder}")
    return [detect_file(p, workdir) for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")]
