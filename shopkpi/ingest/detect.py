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

from .specs import REPORT_SPECS, ReportSpec

SAMPLE_BYTES = 256 * 1024
HEADER_SEARCH_ROWS = 5  # a title row may stand above the header
_BOM = codecs.BOM_UTF8
_TRIM = " \t\r\n\u3000\ufeff\xa0"


def clean_header_cell(cell: str) -> str:
    """Header cells carry trailing spaces (`订单付款时间 `) and stray BOMs."""
    return cell.strip(_TRIM)


@dataclass
class DetectedFile:
    path: Path
    encoding: str | None = None  # "utf-8", "utf-8-sig" or "gb18030"
    spec: ReportSpec | None = None
    header: list[str] = field(default_factory=list)  # cleaned cells
    header_row: int = 0  # 0-based index of the header line
    problem: str | None = None  # why the file is not used

    @property
    def name(self) -> str:
        return self.path.name

    def missing_required(self) -> list[str]:
        assert self.spec is not None
        return [c.zh for c in self.spec.required if c.zh not in self.header]


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) or GB18030, the superset of GBK."""
    if sample.startswith(_BOM):
        return "utf-8-sig"
    try:
        # final=False: the sample may end in the middle of a character
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    codecs.getincrementaldecoder("gb18030")().decode(sample, final=False)
    return "gb18030"


def _score(spec: ReportSpec, header: set[str]) -> tuple[int, int]:
    required = sum(c.zh in header for c in spec.required)
    optional = sum(c.zh in header for c in spec.columns if not c.required)
    return required, optional


def match_spec(header: list[str]) -> ReportSpec | None:
    """Best report type for a header, or None.

    A type matches when at least half (and at least two) of its required
    columns are present, so that a report missing one required column is
    still recognised and then rejected with a message naming that column.
    """
    cells = set(header)
    best, best_score = None, (0, 0)
    for spec in REPORT_SPECS:
        required, optional = _score(spec, cells)
        if required < max(2, (len(spec.required) + 1) // 2):
            continue
        if (required + optional, required) > (sum(best_score), best_score[0]):
            best, best_score = spec, (required, optional)
    return best


XLSX = "xlsx"


def xlsx_rows(path: Path):
    """Rows of the first sheet as lists of strings (streamed, read-only)."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield ["" if v is None else xlsx_cell_text(v) for v in row]
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
    for index in range(HEADER_SEARCH_ROWS):
        try:
            row = next(rows)
        except (StopIteration, csv.Error):
            break
        header = [clean_header_cell(c) for c in row]
        spec = match_spec(header)
        if spec is not None:
            found.spec, found.header, found.header_row = spec, header, index
            return found
    found.problem = "header matches no known report type"
    return found


def detect_file(path: Path) -> DetectedFile:
    found = DetectedFile(path=path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        found.encoding = XLSX
        try:
            return _find_header(found, xlsx_rows(path))
        except Exception as exc:  # a corrupt workbook is reported, not fatal
            found.encoding, found.problem = None, f"unreadable XLSX: {exc}"
            return found
    if suffix not in {".csv", ".txt"}:
        found.problem = f"not a CSV or XLSX export ({path.suffix or 'no extension'})"
        return found
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if not sample.strip():
        found.problem = "empty file"
        return found
    try:
        found.encoding = detect_encoding(sample)
    except UnicodeDecodeError as exc:
        found.problem = f"unknown text encoding (neither UTF-8 nor GBK/GB18030): {exc.reason}"
        return found
    text = codecs.getincrementaldecoder(found.encoding)(errors="replace").decode(sample)
    text = text.lstrip("\ufeff")
    return _find_header(found, csv.reader(io.StringIO(text)))


def scan_folder(folder: Path) -> list[DetectedFile]:
    if not folder.is_dir():
        raise FileNotFoundError(f"exports folder not found: {folder}")
    return [detect_file(p) for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith(".")]
