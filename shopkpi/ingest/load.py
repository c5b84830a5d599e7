"""Load one month of platform exports into the warehouse's `raw` schema.

Every raw row ends up in exactly one place: the raw table, or
`raw.quarantine` with its file, row number, column and reason. `raw.load_audit`
holds, per file, rows read / loaded / quarantined and the file's checksum.

The work is set-based in DuckDB (its CSV reader parses, SQL types and
validates), so memory and time follow the file size, not Python loops.
Re-running a month first deletes that month's rows, inside one transaction:
two runs leave identical tables.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from .detect import XLS, XLSX, DetectedFile, scan_folder, xlsx_to_csv
from .lines import data_lines, lines_sha256_and_nul
from ..checksums import file_sha256, file_sha256_and_nul
from ..snapshot import mark_month_changed
from ..sql import sql_literal
from ..shops import DEFAULT_SHOP, SHOPS_FILE, describe, shop_platform, shops
from ..workfiles import work_dir
from .cell_sql import OUTSIDE_MONTH
from .errors import IngestError, MissingColumnError
from .pii_key import DEV_PII_KEY, checked_pii_key, hmac_pads, key_fingerprint
from .raw_schema import ensure_raw_schema
from .specs import ORDERS, REPORT_SPECS, Pii, ReportSpec
from .stage_sql import (FileColumns, RowChecks, checked_rows_sql, disagreeing_lines_sql, file_columns, numbered_sql,
                        quarantine_checked_sql, quarantine_rejected_sql, raw_insert_sql, rejected_sql, row_checks,
                        scan_sql, stage_sql)

TRANSCODE_CHUNK = 8 * 1024 * 1024
# Threads hash each file and count its lines while DuckDB stages it, off the load's critical path.
_checksums = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shopkpi-sha256")
# Transcoding turns undecodable bytes into byte 0xFF ("\udcff" under surrogateescape), never valid UTF-8.
UNDECODABLE = "shopkpi-undecodable"
codecs.register_error(UNDECODABLE, lambda exc: ("\udcff", exc.end))
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GBK/GB18030", "utf-16": "UTF-16",
                  "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}


@dataclass
class FileLoad:
    file: str
    report_type: str
    encoding: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    provinces_unrecognised: int = 0  # loaded rows whose address names no Chinese province (province NULL)
    rows_merged: int = 0  # order-line rows folded into their order's row (layouts with rows: order_line)
    file_lines: int = 0  # non-blank data lines, counted by bytes (lines.py), not by the CSV reader
    cell_line_breaks: int = 0  # line breaks inside cells: rows_read + these account for file_lines
    layout: str = ""
    platform: str = ""
    shop_id: str = "default"
    paid_orders_only: bool = False  # the layout lists paid orders only (its shop's payment rate is unknown)
    rows_summary: int = 0  # the report's own total or mean rows (汇总, 均值): read, neither loaded nor quarantined
    late_cells: int = 0  # loaded cells a tool marked as not final yet (延迟统计), NULL in the raw table
    rows_superseded: int = 0  # loaded, then replaced by a later download's rows of the same key (supersede_key)
    superseded_by: str | None = None  # the later download(s) that replaced them


@dataclass
class MonthLoad:
    month: str
    folder: str
    files: list[FileLoad] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # file -> why not used
    superseded: dict[str, str] = field(default_factory=dict)  # file -> which of its rows a later download replaced
    # report types an earlier load of this month had and this one lacks (raw.load_changes)
    missing_since_earlier_load: list[str] = field(default_factory=list)
    # other loaded months whose buyer ids were hashed with another key (raw.pii_key_fingerprints)
    months_with_another_key: list[str] = field(default_factory=list)
    # per shop of the multi-shop layout: loaded, or why not (raw.shop_months)
    shops: dict[str, str] = field(default_factory=dict)

    def totals(self, report_type: str) -> dict[str, int]:
        rows = [f for f in self.files if f.report_type == report_type]
        return {
            "files": len(rows),
            "rows_read": sum(f.rows_read for f in rows),
            "rows_loaded": sum(f.rows_loaded for f in rows),
            "rows_quarantined": sum(f.rows_quarantined for f in rows),
            "rows_merged": sum(f.rows_merged for f in rows),
        }


def missing_reports_warning(month: str, report_types: list[str]) -> str:
    """The run's, the CLI's and the audit's words for raw.load_changes."""
    return (f"{month} rebuilt without {', '.join(report_types)}, which an earlier load of this month had: "
            "their KPIs are now no data")


def other_key_warning(month: str, months: list[str]) -> str:
    """The run's and the audit's words for months hashed with another PII key (raw.pii_key_fingerprints)."""
    return (f"{month}'s buyer ids are hashed with another PII key than {', '.join(months)}: buyers cannot be matched "
            "across those months until they are re-loaded with one key (docs/configuration.md: rotating the PII key)")


def _utf8_copy_needed(found: DetectedFile) -> bool:
    return found.encoding not in ("utf-8", "utf-8-sig") or found.mixed_newlines


def _utf8_copy(found: DetectedFile, workdir: Path) -> Path:
    """DuckDB reads UTF-8 CSV only: stream-transcode GBK/GB18030, stream-convert XLSX (once: the scan
    of a load converts it, `DetectedFile.converted`)."""
    target = workdir / f"{found.shop_id}-{found.path.name}.utf8.csv"
    if found.encoding in (XLSX, XLS):
        return found.converted or xlsx_to_csv(found.path, target)
    if not _utf8_copy_needed(found):
        return found.path  # DuckDB reads it as is, and rejects rows with invalid UTF-8 itself
    if found.mixed_newlines:  # a hand-edited sheet (small): every line end made LF
        text = found.path.read_bytes().decode(found.encoding, errors=UNDECODABLE)
        target.write_bytes(text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8", "surrogateescape"))
        return target
    # Undecodable bytes become byte 0xFF, never valid UTF-8: DuckDB rejects those rows, and they
    # are quarantined with file, row and column like any unreadable row; the rest loads.
    decoder = codecs.getincrementaldecoder(found.encoding)(errors=UNDECODABLE)
    with found.path.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(TRANSCODE_CHUNK):
            dst.write(decoder.decode(chunk).encode("utf-8", "surrogateescape"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8", "surrogateescape"))
    return target


def scan_export_sql(found: DetectedFile, workdir: Path, options: str = "ignore_errors=true") -> str:
    """read_csv(...) over a detected export, in UTF-8 (stage_sql.scan_sql)."""
    return _scan_sql(found, _utf8_copy(found, workdir), options)


def _scan_sql(found: DetectedFile, path: Path, options: str) -> str:
    return scan_sql(path, len(found.header), found.header_row, found.delimiter, options)


class MonthLoader:
    """Loads one monthly partition from every shop's folder for that month."""

    def __init__(self, con: duckdb.DuckDBPyConnection, month: str, folders: Path | dict[str, Path],
                 replace_shops: bool = False):
        self.con, self.month, self.replace_shops = con, month, replace_shops
        self.folders = {DEFAULT_SHOP: Path(folders)} if isinstance(folders, (str, Path)) else dict(folders)
        self.folder = describe(self.folders)
        self.result = MonthLoad(month=month, folder=self.folder)

    def _scan(self) -> list[DetectedFile]:
        """Every shop's files; a shop without a folder this month is recorded, not an error."""
        if list(self.folders) == [DEFAULT_SHOP]:
            return scan_folder(self.folders[DEFAULT_SHOP], self.workdir)  # one shop: a missing folder is an error
        known = shops()
        unknown = sorted(set(self.folders) - set(known))
        if unknown:
            raise IngestError(f"shop folder {self.folders[unknown[0]].parent} is not a shop of {SHOPS_FILE.name} "
                              f"(add a row: shop_id,platform,name_zh,name_en)")
        found = []
        for shop_id, folder in self.folders.items():
            if not folder.is_dir():
                self.result.shops[shop_id] = "no folder for this month"
                continue
            files = scan_folder(folder, self.workdir / shop_id)
            for f in files:
                f.shop_id = shop_id
            found += files
            has_orders = any(f.spec is not None and f.spec.report_type == ORDERS.report_type for f in files)
            self.result.shops[shop_id] = "loaded" if has_orders else f"no {ORDERS.name_zh} (order report)"
        if not found:
            raise IngestError(f"no shop has a folder for {self.month} in {self.folder}")
        return found

    # -- public -----------------------------------------------------------
    def run(self) -> MonthLoad:
        (database,) = self.con.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
        # Beside the warehouse: UTF-8 copies of GBK, UTF-16 and XLSX downloads hold the files' PII.
        with work_dir(database) as workdir:
            self.workdir = Path(workdir)
            return self._run()

    def _run(self) -> MonthLoad:
        found = self._scan()
        usable = [f for f in found if f.spec is not None]
        self.result.skipped = {f.source_name: f.problem or "" for f in found if f.spec is None}
        usable = self._set_aside(usable)
        for f in usable:  # fail before writing anything
            missing = f.missing_required()
            if missing:
                raise MissingColumnError(f.source_name, next(c for c in f.spec.required if c.zh == missing[0]), f.spec)
        if not any(f.spec.report_type == ORDERS.report_type for f in usable):
            seen = ", ".join([f"{f.source_name} ({f.spec.name_zh})" for f in usable]
                             + [f"{k} ({v})" if v else k for k, v in self.result.skipped.items()]) or "no files"
            raise IngestError(f"no {ORDERS.name_zh} (order report) in {self.folder} (found: {seen})")

        key = checked_pii_key()
        ensure_raw_schema(self.con)
        self._refuse_to_drop_shops(usable)
        inner, outer = hmac_pads(key)
        self.con.execute("SET VARIABLE pii_ipad = ?", [inner])
        self.con.execute("SET VARIABLE pii_opad = ?", [outer])
        # Shop time (Asia/Shanghai, naive like the exports): an order cannot be created or paid after it.
        now = dt.datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None, microsecond=0)
        self.con.execute("SET VARIABLE load_time = ?", [now])
        self.con.execute("BEGIN TRANSACTION")
        try:
            mark_month_changed(self.con, self.month)  # readers keep its last completed state until hand-off
            earlier = self._report_types_of_earlier_loads()
            self._delete_month()
            for spec in REPORT_SPECS:  # orders first: lines need the month's order ids
                files = [f for f in usable if f.spec.report_type == spec.report_type]
                for f in files:
                    self._load_file(f, self.workdir)
                self._supersede_earlier_downloads(spec, files)
                self._quarantine_duplicates(spec)
                self._write_audit(spec)
            self._record_missing_reports(earlier)
            self._record_key(key)
            self._record_shops()
            self._record_files_not_used()
            self.con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):  # a COMMIT that failed (a full disk) has rolled back already
                self.con.execute("ROLLBACK")
            raise
        return self.result

    # -- steps ------------------------------------------------------------
    def _refuse_to_drop_shops(self, usable: list[DetectedFile]) -> None:
        """A rebuild that would leave out a shop the month's last load had (an --exports pointed at one
        shop's folder makes `default` replace every named shop) stops here, before anything is written,
        unless `replace_shops` says so."""
        if self.replace_shops:
            return
        before = {shop for (shop,) in self.con.execute(
            "SELECT shop_id FROM raw.shop_months WHERE month = ? AND status = 'loaded'", [self.month]).fetchall()}
        now = {f.shop_id for f in usable if f.spec.report_type == ORDERS.report_type}
        if lost := sorted(before - now):
            raise IngestError(
                f"{self.month} was loaded with shops {', '.join(sorted(before))}; this run has {', '.join(sorted(now))} "
                f"only: it would drop {', '.join(lost)}. Point --exports at the folder holding each shop's folder "
                f"(<exports>/<shop_id>/{self.month}/), or rebuild {self.month} without them with --replace-shops")

    def _set_aside(self, usable: list[DetectedFile]) -> list[DetectedFile]:
        """Files not loaded as their folder's shop's, each with its reason in `skipped` (the run warns):
        a link to a file outside the exports root, an export of another platform than the shop's
        (seeds/shops.csv; Taobao and Tmall share theirs), and a second file with the same content
        as another of the month (a report saved into two shops' folders): the first stays, by
        modification time, then by name."""
        kept: list[DetectedFile] = []
        for f in usable:
            why = _outside_root(f, self.folders[f.shop_id]) or _other_platform(f)
            if why:
                self.result.skipped[f.source_name] = why
            else:
                kept.append(f)
        by_size: dict[int, list[DetectedFile]] = {}
        for f in kept:  # only files of equal size can have equal content: the others are not read here
            by_size.setdefault(f.path.stat().st_size, []).append(f)
        copies: set[str] = set()
        for same_size in (group for group in by_size.values() if len(group) > 1):
            first_of: dict[str, DetectedFile] = {}
            for f in sorted(same_size, key=lambda f: (f.path.stat().st_mtime_ns, f.source_name)):
                digest = file_sha256(f.path)
                if digest in first_of:
                    self.result.skipped[f.source_name] = (f"same content as {first_of[digest].source_name}: "
                                                          "not loaded twice")
                    copies.add(f.source_name)
                else:
                    first_of[digest] = f
        return [f for f in kept if f.source_name not in copies]

    def _report_types_of_earlier_loads(self) -> dict[str, dt.datetime | None]:
        """Report types this month had before: in its last load, or still missing since an earlier one."""
        rows = self.con.execute(
            """SELECT report_type, min(first_detected_at) FROM (
                   SELECT DISTINCT report_type, NULL::TIMESTAMP AS first_detected_at FROM raw.load_audit WHERE month = ?
                   UNION ALL
                   SELECT report_type, first_detected_at FROM raw.load_changes WHERE month = ?)
               GROUP BY report_type""", [self.month, self.month]).fetchall()
        return dict(rows)

    def _record_missing_reports(self, earlier: dict[str, dt.datetime | None]) -> None:
        """A rebuild with fewer report types than before: their KPIs turn into no data. Recorded in
        raw.load_changes until the export is back, so the run and the audit can say so."""
        loaded = {f.report_type for f in self.result.files}
        missing = sorted(set(earlier) - loaded)
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        self.con.execute("DELETE FROM raw.load_changes WHERE month = ?", [self.month])
        for report_type in missing:
            self.con.execute("INSERT INTO raw.load_changes VALUES (?, ?, ?, ?)",
                             [self.month, report_type, "missing since an earlier load", earlier[report_type] or now])
        self.result.missing_since_earlier_load = missing

    def _record_key(self, key: str) -> None:
        """Which key hashed this month's buyer ids; months hashed with different keys cannot be
        compared buyer by buyer, so the load names them."""
        fingerprint = key_fingerprint(key)
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
        self.con.execute("DELETE FROM raw.pii_key_fingerprints WHERE month = ?", [self.month])
        self.con.execute("INSERT INTO raw.pii_key_fingerprints VALUES (?, ?, ?, ?)",
                         [self.month, fingerprint, key == DEV_PII_KEY, now])
        self.result.months_with_another_key = [m for (m,) in self.con.execute(
            "SELECT month FROM raw.pii_key_fingerprints WHERE key_fingerprint <> ? ORDER BY month", [fingerprint]).fetchall()]

    def _record_shops(self) -> None:
        """Which shops this month has: loaded, or why not (a shop without downloads is reported,
        and has no KPI rows that month, never zeros)."""
        status = self.result.shops or {DEFAULT_SHOP: "loaded"}
        self.con.execute("DELETE FROM raw.shop_months WHERE month = ?", [self.month])
        self.con.executemany("INSERT INTO raw.shop_months VALUES (?, ?, ?, ?)",
                             [[self.month, shop, shop_platform(shop, ""), why] for shop, why in sorted(status.items())])

    def _record_files_not_used(self) -> None:
        """The month's files that were not loaded, and why (the audit and the run's warnings list them)."""
        self.con.execute("DELETE FROM raw.files_not_used WHERE month = ?", [self.month])
        rows = [[self.month, name, why or "not used"] for name, why in sorted(self.result.skipped.items())]
        if rows:
            self.con.executemany("INSERT INTO raw.files_not_used VALUES (?, ?, ?)", rows)

    def _delete_month(self) -> None:
        for table in [s.table for s in REPORT_SPECS] + ["quarantine", "load_audit"]:
            self.con.execute(f"DELETE FROM raw.{table} WHERE month = ?", [self.month])

    def _load_file(self, found: DetectedFile, workdir: Path) -> None:
        spec = found.spec
        stats = FileLoad(file=found.source_name, report_type=spec.report_type, encoding=found.encoding, sha256="",
                         layout=spec.layout, platform=shop_platform(found.shop_id, spec.platform), shop_id=found.shop_id,
                         paid_orders_only=spec.paid_orders_only)
        columns = file_columns(spec, found.header)
        # Beside the stage, which reads the file too: its SHA-256 and NUL test, and its lines counted by
        # bytes (what the reader must account for): one pass when DuckDB reads the download as it is.
        skip = found.header_row + 1
        if _utf8_copy_needed(found):
            original = _checksums.submit(file_sha256_and_nul, found.path)
            read_path = _utf8_copy(found, workdir)
            copied = _checksums.submit(data_lines, read_path, skip)
            scanned = lambda: (copied.result(), *original.result())  # noqa: E731
        else:
            read_path = found.path
            scanned = _checksums.submit(lines_sha256_and_nul, read_path, skip).result
        scan = _scan_sql(found, read_path, options=(
            "null_padding=false, strict_mode=true, ignore_errors=true, store_rejects=true, "
            "rejects_table='_rejects', rejects_scan='_reject_scans', max_line_size=4194304"))
        # Whether the file has a NUL byte is known when the stage is written (the thread's pass); a
        # file that has is staged again, checking every mapped cell (UTF-16 has NULs until decoded).
        checked_first = columns.nul_column is not None and found.encoding.startswith("utf-16")
        try:
            checks = self._write_stage(found, scan, columns, check_nul=checked_first)
        except duckdb.InvalidInputException as exc:  # the reader gave up on the file itself, not on a row
            reason = str(exc).splitlines()[0].removeprefix("Invalid Input Error: ")
            raise IngestError(f"{found.source_name}: the CSV reader could not read it ({reason}); open it in Excel "
                              f"and save it as CSV again") from None
        stats.file_lines, stats.sha256, has_nul = scanned()
        if has_nul and columns.nul_column is not None and not checked_first:
            checks = self._write_stage(found, scan, columns, check_nul=True)
        self._number_and_insert(found, columns.present, stats, checks, _scan_sql(found, read_path, "ignore_errors=true"))
        self.result.files.append(stats)

    def _write_stage(self, found: DetectedFile, scan: str, columns: FileColumns, check_nul: bool) -> RowChecks:
        """`_stage` (stage_sql.stage_sql); with `check_nul`, a row with a NUL in a mapped cell is bad too."""
        self.con.execute("DROP TABLE IF EXISTS _rejects; DROP TABLE IF EXISTS _reject_scans; DROP TABLE IF EXISTS _stage")
        checks = row_checks(found.spec, columns.present, self.month, found.shop_id, check_nul)
        self.con.execute(stage_sql(found.spec, columns, scan, checks, check_nul))
        return checks

    def _number_and_insert(self, found: DetectedFile, present: frozenset[str], stats: FileLoad, checks: RowChecks,
                           plain_scan: str) -> None:
        """Number the stage's rows as the file does, then quarantine the bad ones and insert the rest."""
        self.con.execute(rejected_sql(skip=found.header_row + 1))
        # Counted once, at the reader: the load-reconciliation check compares it with the rows that
        # actually landed in the raw table and in raw.quarantine, and `_reconcile_lines` with the file's lines.
        (stats.rows_read, rejected) = self.con.execute(
            "SELECT (SELECT count(*) FROM _stage) + (SELECT count(*) FROM _rejected), (SELECT count(*) FROM _rejected)"
        ).fetchone()
        self._reconcile_lines(found, stats, plain_scan)
        self.con.execute(numbered_sql(with_rejects=rejected > 0))
        self._validate_and_insert(found, present, stats, checks)
        self.con.execute(
            f"DROP {'TABLE' if rejected else 'VIEW'} _numbered; DROP TABLE _stage; DROP TABLE _rejected; "
            "DROP TABLE IF EXISTS _disagreeing; DROP TABLE IF EXISTS _rejects; DROP TABLE IF EXISTS _reject_scans"
        )

    def _reconcile_lines(self, found: DetectedFile, stats: FileLoad, plain_scan: str) -> None:
        """Refuse a file whose records do not account for its lines (`stats.file_lines`, counted by bytes):
        a quote that opens a cell and never closes makes the CSV reader take the following lines into
        one record, and rows would vanish while rows read = loaded + quarantined still balances."""
        skip = found.header_row + 1
        # An unreadable record spanning several lines is a quote that opened in it and closed later, or never.
        spanning = self.con.execute(
            """SELECT line, error_type, split_part(t, chr(10), 1), len(t) - len(replace(t, chr(10), ''))
            FROM (SELECT *, rtrim(csv_line, chr(13) || chr(10)) AS t FROM _rejects)
            WHERE contains(t, chr(10)) ORDER BY line LIMIT 1""").fetchone()
        if spanning:
            line, error_type, first_line, breaks = spanning
            # the cell whose quote opens and does not close on its line (its content is never shown)
            cells = first_line.split(found.delimiter)
            opened = next((i for i, cell in enumerate(cells) if cell.startswith('"') and not cell.rstrip().endswith('"')),
                          None)
            column = found.header[opened] if opened is not None and opened < len(found.header) else "unknown"
            raise IngestError(
                f"{found.source_name}: row {line - skip}, column {column}: a quote opens a cell and does not close "
                f"where the row ends, so the CSV reader takes the next {breaks} line(s) into this row "
                f"({error_type}); nothing of {self.month} was loaded (remove the stray quote, or quote the whole cell)")
        records = stats.rows_read
        if records >= stats.file_lines:
            return
        # Quoted cells may hold line breaks; those followed by a blank line are not counted (nor is the blank line).
        cells = [f"c{i}" for i in range(len(found.header))]
        collapsed = {c: f"regexp_replace({c}, '\\n[\\r\\n]*\\n', chr(10), 'g')" for c in cells}
        breaks = " + ".join(f"coalesce(len({x}) - len(replace({x}, chr(10), '')), 0)" for x in collapsed.values())
        (stats.cell_line_breaks,) = self.con.execute(
            f"SELECT coalesce(sum({breaks}), 0) FROM {plain_scan} WHERE {' OR '.join(f'contains({c}, chr(10))' for c in cells)}"
        ).fetchone()
        if records + stats.cell_line_breaks < stats.file_lines:
            raise IngestError(
                f"{found.source_name}: {stats.file_lines} lines of data, but the CSV reader's {records} rows and the "
                f"{stats.cell_line_breaks} line breaks inside their cells account for only "
                f"{records + stats.cell_line_breaks}: rows would be lost; nothing of {self.month} was loaded")

    def _validate_and_insert(self, found: DetectedFile, present: frozenset[str], stats: FileLoad,
                             checks: RowChecks) -> None:
        spec, con, month = found.spec, self.con, self.month
        encoding = ENCODING_NAMES.get(found.encoding, found.encoding)
        con.execute(quarantine_rejected_sql(month, spec.report_type, found.source_name, found.header, encoding))
        disagreeing = disagreeing_lines_sql(spec, present)
        if disagreeing:
            con.execute(disagreeing)
        con.execute(checked_rows_sql(spec, checks, with_disagreeing=disagreeing is not None))
        (quarantined,) = con.execute(quarantine_checked_sql(month, spec.report_type, found.source_name)).fetchone()
        (loaded,) = con.execute(
            raw_insert_sql(spec, present, month, found.source_name, stats.platform, found.shop_id)).fetchone()
        if spec.collapse_by:
            (valid,) = con.execute("SELECT count(*) FROM _checked WHERE NOT _bad AND NOT _summary").fetchone()
            stats.rows_merged = valid - loaded
        if spec.summary_values:
            (stats.rows_summary,) = con.execute("SELECT count(*) FROM _checked WHERE _summary").fetchone()
        if spec.late_values and present:
            (stats.late_cells,) = con.execute(
                "SELECT coalesce(sum(_late_cells), 0) FROM _checked WHERE NOT _bad AND NOT _summary").fetchone()
        quarantined += con.execute("SELECT count(*) FROM _rejected").fetchone()[0]
        if any(c.pii is Pii.PROVINCE and c.en in present for c in spec.loaded_columns):
            (stats.provinces_unrecognised,) = con.execute(
                "SELECT count(*) FROM _checked WHERE NOT _bad AND NOT _summary AND _province_unrecognised").fetchone()
        con.execute("DROP VIEW _checked")
        stats.rows_loaded, stats.rows_quarantined = loaded, quarantined
        if loaded == 0 and quarantined > 0 and spec.month_column:
            self._refuse_a_file_of_another_month(found.source_name, quarantined)

    def _refuse_a_file_of_another_month(self, file: str, quarantined: int) -> None:
        """A download whose every row is dated in another month sits in the wrong month folder:
        one clear error instead of a month of quarantined rows."""
        months = self.con.execute(
            f"""SELECT regexp_extract(reason, '([0-9]{{4}}-[0-9]{{2}})-[0-9]{{2}}[^;]*{OUTSIDE_MONTH}', 1) AS m,
                      count(*) FROM raw.quarantine WHERE month = ? AND source_file = ? GROUP BY m ORDER BY 2 DESC, 1""",
            [self.month, file]).fetchall()
        if sum(n for m, n in months if m) == quarantined:
            dated = " and ".join(m for m, _ in months[:2]) + (" …" if len(months) > 2 else "")
            raise IngestError(f"every row of {file} is dated {dated}, not {self.month}: wrong folder?")

    def _supersede_earlier_downloads(self, spec: ReportSpec, files: list[DetectedFile]) -> None:
        """A report downloaded twice (a re-download with late cells filled in, a week exported twice with a
        day in common): per shop (unless the key is company-wide) and key of `spec.download_key`, the
        rows of the latest download stay and the earlier downloads' rows are removed, counted per file
        (rows_superseded, superseded_by). Rows of one file never replace each other."""
        if not spec.download_key or len(files) < 2:
            return
        ranked = sorted(files, key=download_order)
        self.con.execute("CREATE TEMP TABLE _downloads (source_file VARCHAR, download INTEGER)")
        self.con.executemany("INSERT INTO _downloads VALUES (?, ?)", [[f.source_name, n] for n, f in enumerate(ranked)])
        month_lit = sql_literal(self.month)
        keys = ", ".join((["t.shop_id"] if spec.key_per_shop else []) + [f"t.{c}" for c in spec.download_key])
        self.con.execute(
            f"""CREATE TEMP TABLE _superseded AS
            SELECT source_file, source_row, winner FROM (
                SELECT t.source_file, t.source_row, d.download,
                       max(d.download) OVER w AS latest,
                       arg_max(t.source_file, d.download) OVER w AS winner
                FROM raw.{spec.table} t JOIN _downloads d ON t.source_file = d.source_file
                WHERE t.month = {month_lit}
                WINDOW w AS (PARTITION BY {keys})
            ) WHERE download < latest""")
        self.con.execute(
            f"""DELETE FROM raw.{spec.table} t USING _superseded s
            WHERE t.month = {month_lit} AND t.source_file = s.source_file AND t.source_row = s.source_row""")
        replaced = {file: (count, winners) for file, count, winners in self.con.execute(
            "SELECT source_file, count(*), string_agg(DISTINCT winner, ', ' ORDER BY winner) FROM _superseded GROUP BY 1"
        ).fetchall()}
        self.con.execute("DROP TABLE _superseded; DROP TABLE _downloads")
        for stats in self.result.files:
            if stats.report_type == spec.report_type and stats.file in replaced:
                count, winners = replaced[stats.file]
                stats.rows_loaded -= count
                stats.rows_superseded, stats.superseded_by = count, winners
                if stats.rows_loaded == 0:  # its late cells are no longer in the month
                    stats.late_cells = 0
                self.result.superseded[stats.file] = f"{count} rows replaced by the later download {winners}"

    def _quarantine_duplicates(self, spec: ReportSpec) -> None:
        """Keep the first row of a key within the month; quarantine the others."""
        if not spec.unique_key:
            return
        key, zh = spec.unique_key, spec.column(spec.unique_key).zh
        month_lit = sql_literal(self.month)
        keys = ", ".join(["shop_id", key] if spec.key_per_shop else [key])
        # The hashes of the keys that occur more than once (an aggregate of fixed-width values), then the
        # window, by the keys themselves, over those rows only: a hash two keys share just makes both
        # candidates; sorting every row of the month by key, or grouping by the key's text, cost more
        # (DECISIONLOG, Performance). A NULL key part is a value here.
        self.con.execute(
            f"""CREATE TEMP TABLE _dupes AS
            SELECT source_file, source_row, first_file, first_row FROM (
                SELECT source_file, source_row,
                       first_value(source_file) OVER w AS first_file, first_value(source_row) OVER w AS first_row,
                       row_number() OVER w AS n
                FROM raw.{spec.table}
                WHERE month = {month_lit} AND hash({keys}) IN (
                    SELECT hash({keys}) FROM raw.{spec.table} WHERE month = {month_lit} GROUP BY 1 HAVING count(*) > 1)
                WINDOW w AS (PARTITION BY {keys} ORDER BY source_file, source_row)
            ) WHERE n > 1"""
        )
        self.con.execute(
            f"""INSERT INTO raw.quarantine
            SELECT {month_lit}, {sql_literal(spec.report_type)}, source_file, source_row, {sql_literal(zh)},
                   {sql_literal(zh + ': duplicate of ')} || first_file || ' row ' || first_row
            FROM _dupes"""
        )
        self.con.execute(
            f"""DELETE FROM raw.{spec.table} t USING _dupes d
            WHERE t.month = {month_lit} AND t.source_file = d.source_file AND t.source_row = d.source_row"""
        )
        moved = dict(self.con.execute("SELECT source_file, count(*) FROM _dupes GROUP BY 1").fetchall())
        self.con.execute("DROP TABLE _dupes")
        for stats in self.result.files:
            if stats.report_type == spec.report_type and stats.file in moved:
                stats.rows_loaded -= moved[stats.file]
                stats.rows_quarantined += moved[stats.file]

    def _write_audit(self, spec: ReportSpec) -> None:
        for s in (s for s in self.result.files if s.report_type == spec.report_type):
            self.con.execute(
                "INSERT INTO raw.load_audit (month, report_type, source_file, file_sha256, encoding, rows_read, rows_loaded, "
                "rows_quarantined, provinces_unrecognised, rows_merged, layout, platform, shop_id, paid_orders_only, "
                "file_lines, cell_line_breaks, rows_summary, late_cells, rows_superseded, superseded_by) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [self.month, s.report_type, s.file, s.sha256, s.encoding, s.rows_read, s.rows_loaded, s.rows_quarantined,
                 s.provinces_unrecognised, s.rows_merged, s.layout, s.platform, s.shop_id, s.paid_orders_only,
                 s.file_lines, s.cell_line_breaks, s.rows_summary, s.late_cells, s.rows_superseded, s.superseded_by],
            )


# A browser's second download of a file is `name (1).csv` (Chrome, Edge), `name(1).csv` or `name（1）.csv`.
_COPY_NUMBER = re.compile(r"\s?[(（](\d{1,3})[)）](?=\.[^.]+$)")


def download_order(found: DetectedFile) -> tuple:
    """Which of two downloads of a report is the later: the browser's copy number in the name, then the
    file's modification time (a copy or an unzip may reset it, a copy number stays), then the name."""
    copy = _COPY_NUMBER.search(found.path.name)
    return (int(copy.group(1)) if copy else 0, found.path.stat().st_mtime_ns, found.source_name)


# Platforms whose exports a shop of the other may hold: Tmall's full order report is Taobao's layout,
# and 生意参谋 (layouts of platform sycm) serves Taobao and Tmall shops.
_PLATFORM_FAMILIES = {"tmall": "taobao", "sycm": "taobao"}


def _other_platform(found: DetectedFile) -> str | None:
    """Why a file is another platform's export than its folder's shop's, or None."""
    layout_platform = found.layout.platform if found.layout is not None else "any"
    shop = shops().get(found.shop_id)
    if shop is None or "any" in (shop.platform, layout_platform):
        return None
    family = lambda p: _PLATFORM_FAMILIES.get(p, p)  # noqa: E731
    if family(layout_platform) == family(shop.platform):
        return None
    return (f"a {layout_platform} export ({found.layout.name}) in the folder of {found.shop_id}, "
            f"a {shop.platform} shop in {SHOPS_FILE.name}: not loaded as that shop's")


def _outside_root(found: DetectedFile, month_folder: Path) -> str | None:
    """Why a file is a link out of the exports root, or None (a link inside it is followed)."""
    if not found.path.is_symlink():
        return None
    # the root: <root>/<shop>/<YYYY-MM>/ or <root>/<YYYY-MM>/ (or the month's folder itself)
    root = month_folder.parent.parent if found.shop_id != DEFAULT_SHOP else month_folder.parent
    target = found.path.resolve()
    if target.is_relative_to(root.resolve()):
        return None
    return "a link to a file outside the exports folder: not followed"


def load_month(con: duckdb.DuckDBPyConnection, month: str, folder: Path | dict[str, Path],
               replace_shops: bool = False) -> MonthLoad:
    """Load `month` from one folder (the single-shop layout) or from each shop's folder
    ({shop_id: folder}, shops.shop_month_folders). A shop the month's last load had and this one lacks
    stops the load before it writes, unless `replace_shops`."""
    return MonthLoader(con, month, folder, replace_shops).run()
