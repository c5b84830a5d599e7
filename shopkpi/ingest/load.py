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
import functools
import hashlib
import hmac
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from .detect import XLSX, DetectedFile, scan_folder, xlsx_to_csv
from .layouts import normalise_header
from .lines import data_lines, lines_sha256_and_nul
from ..checksums import file_sha256, file_sha256_and_nul
from ..snapshot import mark_month_changed
from ..sql import sql_literal
from ..shops import DEFAULT_SHOP, SHOPS_FILE, describe, shop_platform, shops
from ..workfiles import work_dir
from .cell_sql import (OUTSIDE_MONTH, TYPED, cell_text, derived_amounts, header_row_condition, problem_exprs,
                       province_cut_expr, province_of_cut, select_expr, typed_expr, typed_ref)
from .specs import ORDERS, REPORT_SPECS, Column, ColumnType, Pii, ReportSpec

PII_KEY_ENV = "SHOPKPI_PII_KEY"
# The development key is public (it is in this file): loading with it needs an explicit opt-in.
ALLOW_DEV_KEY_ENV = "SHOPKPI_ALLOW_DEV_PII_KEY"
# Development default only; set SHOPKPI_PII_KEY in production (docs/configuration.md).
DEV_PII_KEY = "shopkpi-development-key-do-not-use-in-production"

TRANSCODE_CHUNK = 8 * 1024 * 1024
# Threads hash each file and count its lines while DuckDB stages it, off the load's critical path.
_checksums = ThreadPoolExecutor(max_workers=2, thread_name_prefix="shopkpi-sha256")
# Transcoding turns undecodable bytes into byte 0xFF ("\udcff" under surrogateescape), never valid UTF-8.
UNDECODABLE = "shopkpi-undecodable"
codecs.register_error(UNDECODABLE, lambda exc: ("\udcff", exc.end))
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GBK/GB18030", "utf-16": "UTF-16",
                  "utf-16-le": "UTF-16", "utf-16-be": "UTF-16"}


class IngestError(Exception):
    """A problem that stops the month from loading (nothing is written)."""


class MissingColumnError(IngestError):
    def __init__(self, file: str, column: Column, report: ReportSpec):
        self.file, self.column = file, column
        super().__init__(
            f"{file}: required column '{column.zh}' ({column.en}) is missing "
            f"from this {report.name_zh} ({report.report_type}) export"
        )


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


@dataclass
class MonthLoad:
    month: str
    folder: str
    files: list[FileLoad] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # file -> why not used
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


def pii_key() -> str:
    return os.environ.get(PII_KEY_ENV) or DEV_PII_KEY


def checked_pii_key() -> str:
    """The key to hash buyer ids with: a long random secret; the public development key only when
    opted in (demo, tests). The key is never echoed."""
    key, allowed = pii_key(), os.environ.get(ALLOW_DEV_KEY_ENV) == "1"
    if key == DEV_PII_KEY and not allowed:
        how = "is not set" if not os.environ.get(PII_KEY_ENV) else "is set to the public development key"
        raise IngestError(f"{PII_KEY_ENV} {how}: buyer ids would be hashed with a key anyone can read in the source "
                          f"and reverse by guessing. Set {PII_KEY_ENV} to a long random secret "
                          f"(`openssl rand -hex 32`), or {ALLOW_DEV_KEY_ENV}=1 for demo data")
    weakness = None if key == DEV_PII_KEY else pii_key_weakness(key)
    if weakness:
        raise IngestError(f"{PII_KEY_ENV} is too weak to protect buyer ids: {weakness}. "
                          f"Use a long random secret, e.g. `openssl rand -hex 32`")
    return key


MIN_KEY_CHARS, MIN_KEY_BITS = 32, 128


def pii_key_weakness(key: str) -> str | None:
    """Why a key is too weak, or None. Its randomness is estimated generously, as length x log2(distinct
    characters): 64 hex digits are 256 bits, 32 repeated letters 0."""
    if len(key) < MIN_KEY_CHARS:
        return f"it has {len(key)} characters, at least {MIN_KEY_CHARS} are needed"
    bits = len(key) * math.log2(len(set(key))) if len(set(key)) > 1 else 0.0
    if bits < MIN_KEY_BITS:
        return f"it repeats a few characters (about {bits:.0f} bits of randomness, at least {MIN_KEY_BITS} are needed)"
    return None


@functools.lru_cache(maxsize=4)
def pii_hash_key(key: str) -> bytes:
    """The HMAC key buyer ids are hashed with: the secret stretched by scrypt, so that testing one guess of
    the secret against a buyer id or a fingerprint costs a scrypt (~50 ms, 16 MB), not a SHA-256."""
    return hashlib.scrypt(key.encode("utf-8"), salt=b"shopkpi pii-key v2", n=2**14, r=8, p=1, dklen=32)


def hmac_pads(key: str) -> tuple[bytes, bytes]:
    """HMAC-SHA256's inner and outer padded keys (RFC 2104), for the SQL in `select_expr`."""
    block = pii_hash_key(key).ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def key_fingerprint(key: str) -> str:
    """Identifies the key a month was hashed with, without revealing it (never the key itself)."""
    return hmac.new(pii_hash_key(key), b"shopkpi pii-key fingerprint", hashlib.sha256).hexdigest()[:16]


def _sql_type(column: Column) -> str:
    return {
        ColumnType.MONEY: "DECIMAL(18,2)",
        ColumnType.INT: "BIGINT",
        ColumnType.TIMESTAMP: "TIMESTAMP",
        ColumnType.RATE: "DECIMAL(18,6)",
    }.get(column.type, "VARCHAR")


def _stored_uncompressed(spec: ReportSpec, column: Column) -> bool:
    """Columns whose values are (nearly) all different: keyed hashes (hex digests) and the report's
    unique key. DuckDB's string compression (dictionary, FSST) would find no repeats and only halve
    the hex text, at the cost of most of the raw insert: 10M orders' order id and two hashes, 5.4 s
    compressed into 427 MB, 1.6 s uncompressed into 885 MB (DECISIONLOG "Performance")."""
    return _sql_type(column) == "VARCHAR" and (column.pii is Pii.HASH or column.en == spec.unique_key)


def _column_ddl(spec: ReportSpec, column: Column) -> str:
    storage = " USING COMPRESSION uncompressed" if _stored_uncompressed(spec, column) else ""
    return f"{column.loaded_name} {_sql_type(column)}{storage}"


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for spec in REPORT_SPECS:
        cols = ", ".join(_column_ddl(spec, c) for c in spec.loaded_columns)
        con.execute(
            f"CREATE TABLE IF NOT EXISTS raw.{spec.table} "
            f"(month VARCHAR NOT NULL, source_file VARCHAR NOT NULL, source_row BIGINT NOT NULL, "
            f"platform VARCHAR NOT NULL, shop_id VARCHAR NOT NULL, {cols})"
        )
        # Warehouses built before a column was added (platform, shop_id, refund_state) gain it.
        for c in ("platform VARCHAR", "shop_id VARCHAR DEFAULT 'default'",
                  *(_column_ddl(spec, c) for c in spec.loaded_columns)):
            con.execute(f"ALTER TABLE raw.{spec.table} ADD COLUMN IF NOT EXISTS {c}")
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.quarantine (
            month VARCHAR NOT NULL, report_type VARCHAR NOT NULL, source_file VARCHAR NOT NULL,
            source_row BIGINT NOT NULL, column_name VARCHAR, reason VARCHAR NOT NULL)"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.pii_key_fingerprints (
            month VARCHAR NOT NULL, key_fingerprint VARCHAR NOT NULL, is_development_key BOOLEAN NOT NULL,
            loaded_at TIMESTAMP NOT NULL)"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.shop_months (
            month VARCHAR NOT NULL, shop_id VARCHAR NOT NULL, platform VARCHAR NOT NULL, status VARCHAR NOT NULL)"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.load_changes (
            month VARCHAR NOT NULL, report_type VARCHAR NOT NULL, change VARCHAR NOT NULL,
            first_detected_at TIMESTAMP NOT NULL)"""
    )
    con.execute(
        """CREATE TABLE IF NOT EXISTS raw.load_audit (
            month VARCHAR NOT NULL, report_type VARCHAR NOT NULL, source_file VARCHAR NOT NULL,
            file_sha256 VARCHAR NOT NULL, encoding VARCHAR NOT NULL, rows_read BIGINT NOT NULL,
            rows_loaded BIGINT NOT NULL, rows_quarantined BIGINT NOT NULL)"""
    )
    con.execute("ALTER TABLE raw.load_audit ADD COLUMN IF NOT EXISTS provinces_unrecognised BIGINT DEFAULT 0")
    for column, kind in (("rows_merged", "BIGINT DEFAULT 0"), ("layout", "VARCHAR"), ("platform", "VARCHAR"),
                         ("shop_id", "VARCHAR DEFAULT 'default'"), ("paid_orders_only", "BOOLEAN DEFAULT false"),
                         ("file_lines", "BIGINT"), ("cell_line_breaks", "BIGINT DEFAULT 0")):
        con.execute(f"ALTER TABLE raw.load_audit ADD COLUMN IF NOT EXISTS {column} {kind}")


def _utf8_copy_needed(found: DetectedFile) -> bool:
    return found.encoding not in ("utf-8", "utf-8-sig")


def _utf8_copy(found: DetectedFile, workdir: Path) -> Path:
    """DuckDB reads UTF-8 CSV only: stream-transcode GBK/GB18030, stream-convert XLSX (once: the scan
    of a load converts it, `DetectedFile.converted`)."""
    target = workdir / f"{found.shop_id}-{found.path.name}.utf8.csv"
    if found.encoding == XLSX:
        return found.converted or xlsx_to_csv(found.path, target)
    if not _utf8_copy_needed(found):
        return found.path  # DuckDB reads it as is, and rejects rows with invalid UTF-8 itself
    # Undecodable bytes become byte 0xFF, never valid UTF-8: DuckDB rejects those rows, and they
    # are quarantined with file, row and column like any unreadable row; the rest loads.
    decoder = codecs.getincrementaldecoder(found.encoding)(errors=UNDECODABLE)
    with found.path.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(TRANSCODE_CHUNK):
            dst.write(decoder.decode(chunk).encode("utf-8", "surrogateescape"))
        dst.write(decoder.decode(b"", final=True).encode("utf-8", "surrogateescape"))
    return target


def scan_export_sql(found: DetectedFile, workdir: Path, options: str = "ignore_errors=true") -> str:
    """read_csv(...) over a detected export: columns c0..cN as VARCHAR, header rows skipped,
    no sniffing (the platforms' dialect is fixed; sniffing fails on header-only files)."""
    return _scan_sql(found, _utf8_copy(found, workdir), options)


def _scan_sql(found: DetectedFile, path: Path, options: str) -> str:
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(found.header))) + "}"
    return (f"read_csv({sql_literal(str(path))}, header=false, skip={found.header_row + 1}, columns={columns}, "
            f"auto_detect=false, delim={sql_literal(found.delimiter)}, quote='\"', escape='\"', {options})")


@dataclass(frozen=True)
class RowChecks:
    """A file's per-row checks as SQL: whether a row is bad, its first failing column, every reason."""
    bad: str
    first_col: str
    reason: str


class MonthLoader:
    """Loads one monthly partition from every shop's folder for that month."""

    def __init__(self, con: duckdb.DuckDBPyConnection, month: str, folders: Path | dict[str, Path]):
        self.con, self.month = con, month
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
                for f in (f for f in usable if f.spec.report_type == spec.report_type):
                    self._load_file(f, self.workdir)
                self._quarantine_duplicates(spec)
                self._write_audit(spec)
            self._record_missing_reports(earlier)
            self._record_key(key)
            self._record_shops()
            self.con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):  # a COMMIT that failed (a full disk) has rolled back already
                self.con.execute("ROLLBACK")
            raise
        return self.result

    # -- steps ------------------------------------------------------------
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

    def _delete_month(self) -> None:
        for table in [s.table for s in REPORT_SPECS] + ["quarantine", "load_audit"]:
            self.con.execute(f"DELETE FROM raw.{table} WHERE month = ?", [self.month])

    def _load_file(self, found: DetectedFile, workdir: Path) -> None:
        spec = found.spec
        stats = FileLoad(file=found.source_name, report_type=spec.report_type, encoding=found.encoding, sha256="",
                         layout=spec.layout, platform=shop_platform(found.shop_id, spec.platform), shop_id=found.shop_id,
                         paid_orders_only=spec.paid_orders_only)
        by_zh: dict[str, list[Column]] = {}
        for c in spec.loaded_columns:  # one header may fill several columns (Pinduoduo's 订单成交时间)
            by_zh.setdefault(c.zh, []).append(c)
        dropped = {c.zh for c in spec.columns if c.pii is Pii.DROP}
        selects, present = [], set()
        addresses: dict[int, str] = {}  # cell -> the cleaned address its province is cut from
        header = [normalise_header(cell) for cell in found.header]  # 商品总价(元) is 商品总价
        cell_of = {c.en: (c, f"c{header.index(c.zh)}") for c in spec.loaded_columns if c.zh in header}
        for i, cell in enumerate(header):
            for column in by_zh.get(cell, []) if cell not in dropped else []:
                if column.en in present:
                    continue
                present.add(column.en)
                if column.pii is Pii.PROVINCE:  # the address and its cut are computed once, in layers below
                    addresses[i] = cell_text(column, f"c{i}")
                    expr = f"_province_{i}"
                else:
                    expr = select_expr(column, f'c{i}')
                if column.zero_unless in cell_of:  # an amount payable is no payment while the order is unpaid
                    other, other_cell = cell_of[column.zero_unless]
                    expr = f"CASE WHEN {cell_text(other, other_cell)} IS NULL THEN '0' ELSE {expr} END"
                selects.append(f"{expr} AS {column.loaded_name}")
                if column.pii is Pii.PROVINCE:  # an address given whose province is not a Chinese one
                    selects.append(f"(_address_{i} IS NOT NULL AND _province_{i} IS NULL) AS _province_unrecognised")
        # A NUL byte is never part of a text export (a damaged download): its row is quarantined,
        # so a NUL never becomes a value (a phantom province, an order id that matches nothing).
        # Whether the file has one is known when the stage is written (the thread's pass); a file
        # that has is staged again, checking every mapped cell (UTF-16 has NULs until decoded).
        mapped = [(i, cell) for i, cell in enumerate(header) if cell in by_zh and cell not in dropped]
        nul_column = ("CASE " + " ".join(f"WHEN contains(c{i}, chr(0)) THEN {sql_literal(cell)}" for i, cell in mapped)
                      + " END AS _nul_column")
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
        checked_first = bool(mapped) and found.encoding.startswith("utf-16")
        checks = self._write_stage(found, scan, selects, present, addresses, nul_column if checked_first else None)
        stats.file_lines, stats.sha256, has_nul = scanned()
        if mapped and has_nul and not checked_first:
            checks = self._write_stage(found, scan, selects, present, addresses, nul_column)
        self._number_and_insert(found, present, stats, checks, _scan_sql(found, read_path, "ignore_errors=true"))
        self.result.files.append(stats)

    def _write_stage(self, found: DetectedFile, scan: str, selects: list[str], present: set[str],
                     addresses: dict[int, str], nul_column: str | None) -> RowChecks:
        """`_stage`: the file's rows, cleaned and typed, each with whether it is bad (`_bad`); with
        `nul_column`, a row with a NUL in a mapped cell is bad too."""
        spec = found.spec
        if nul_column is not None:
            selects = [*selects, nul_column]
        self.con.execute("DROP TABLE IF EXISTS _rejects; DROP TABLE IF EXISTS _reject_scans; DROP TABLE IF EXISTS _stage")
        checks = self._row_checks(found, present, check_nul=nul_column is not None)
        # The stage is written in layers, each computing once what the next reads by name (an expression
        # written twice is computed twice, or for every row ahead of a CASE that would skip it): the
        # addresses, their province cuts and provinces, the cleaned cells, their typed values
        # (`typed_ref`), and whether the row is bad, which the quarantine and the raw insert filter on.
        # (DECISIONLOG "The stage in layers".)
        source = scan
        if addresses:
            named_addresses = [f"{address} AS _address_{i}" for i, address in addresses.items()]
            cuts = [f"{province_cut_expr('_address_' + str(i))} AS _cut_{i}" for i in addresses]
            provinces = [f"{province_of_cut('_cut_' + str(i))} AS _province_{i}" for i in addresses]
            source = f"(SELECT *, {', '.join(named_addresses)} FROM {source})"
            source = f"(SELECT *, {', '.join(cuts)} FROM {source})"
            source = f"(SELECT *, {', '.join(provinces)} FROM {source})"
        source = f"(SELECT {', '.join(selects)} FROM {source})"
        typed = [f"{typed_expr(c, c.loaded_name)} AS {typed_ref(c)}" for c in spec.loaded_columns
                 if c.en in present and c.type in TYPED]
        if typed:
            source = f"(SELECT *, {', '.join(typed)} FROM {source})"
            # A typed column's text is read only where its cast failed (the quarantine shows its shape, a
            # header row repeats its name): elsewhere it is NULL, and the stage does not hold it twice
            # (DECISIONLOG "The stage keeps a typed column's text only where its cast failed").
            kept = [f"CASE WHEN {typed_ref(c)} IS NULL THEN {c.loaded_name} END AS {c.loaded_name}"
                    for c in spec.loaded_columns if c.en in present and c.type in TYPED]
            source = f"(SELECT * REPLACE ({', '.join(kept)}) FROM {source})"
        self.con.execute(f"CREATE TEMP TABLE _stage AS SELECT *, ({checks.bad}) AS _bad FROM {source}")
        return checks

    def _number_and_insert(self, found: DetectedFile, present: set[str], stats: FileLoad, checks: RowChecks,
                           plain_scan: str) -> None:
        """Number the stage's rows as the file does, then quarantine the bad ones and insert the rest."""
        skip = found.header_row + 1
        # Rows the CSV parser could not read at all (wrong field count, bad UTF-8).
        # DuckDB numbers records from the file start; data row 1 follows the header.
        self.con.execute(
            f"""CREATE TEMP TABLE _rejected AS
            SELECT line - {skip} AS data_row, min(column_name) AS column_name,
                   string_agg(DISTINCT error_type, ', ') AS error_type, min(error_message) AS message
            FROM _rejects GROUP BY line"""
        )
        # Counted once, at the reader: the load-reconciliation check compares it with the rows that
        # actually landed in the raw table and in raw.quarantine, and `_reconcile_lines` with the file's lines.
        stats.rows_read = self.con.execute("SELECT (SELECT count(*) FROM _stage) + (SELECT count(*) FROM _rejected)").fetchone()[0]
        self._reconcile_lines(found, stats, plain_scan)
        # Row numbers of parsed rows: the data rows not rejected, in file order (the stage
        # keeps the file's order, so its rowid counts parsed rows). Without rejects that is
        # the row number itself, and no copy is made.
        self.con.execute(
            """CREATE TEMP TABLE _rejected_gaps AS
            SELECT data_row - row_number() OVER (ORDER BY data_row) AS parsed_before,
                   row_number() OVER (ORDER BY data_row) AS rejected_so_far FROM _rejected"""
        )
        # (Rows written inside a transaction have rowids offset by 2^55: count from the first.)
        self.con.execute("SET VARIABLE stage_first_rowid = (SELECT coalesce(min(rowid), 0) FROM _stage)")
        numbered_kind = "VIEW" if self.con.execute("SELECT count(*) FROM _rejected").fetchone()[0] == 0 else "TABLE"
        if numbered_kind == "VIEW":
            self.con.execute("CREATE TEMP VIEW _numbered AS "
                             "SELECT *, rowid - getvariable('stage_first_rowid') + 1 AS source_row FROM _stage")
        else:
            self.con.execute(
                """CREATE TEMP TABLE _numbered AS
                WITH parsed AS (SELECT s.*, s.rowid - getvariable('stage_first_rowid') + 1 AS parsed_row FROM _stage s)
                SELECT p.* EXCLUDE (parsed_row), p.parsed_row + coalesce((SELECT max(g.rejected_so_far)
                       FROM _rejected_gaps g WHERE g.parsed_before < p.parsed_row), 0) AS source_row
                FROM parsed p"""
            )
        self._validate_and_insert(found, present, stats, checks)
        self.con.execute(
            f"DROP {numbered_kind} _numbered; DROP TABLE _stage; DROP TABLE _rejected; "
            "DROP TABLE _rejected_gaps; DROP TABLE IF EXISTS _disagreeing; "
            "DROP TABLE IF EXISTS _rejects; DROP TABLE IF EXISTS _reject_scans"
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

    def _row_checks(self, found: DetectedFile, present: set[str], check_nul: bool) -> RowChecks:
        """The per-row checks of a file as SQL over the stage's columns."""
        spec, month = found.spec, self.month
        month_lit, shop_lit = sql_literal(month), sql_literal(found.shop_id)
        zh_of = {c.en: c.zh for c in spec.columns}
        checks = problem_exprs(spec, present, month)
        if spec.order_scoped and "order_id" in present:
            if spec.team_sheet_orders:  # the named shop's order, else any shop's of the month
                any_shop = f"order_id NOT IN (SELECT order_id FROM raw.orders WHERE month = {month_lit})"
                condition = any_shop
                if spec.order_shop_column in present:
                    # uncorrelated subqueries only: a correlated one made DuckDB number the stage's rows
                    # (rowid, hence source_row) out of file order
                    named = f"nullif(trim({spec.order_shop_column}), '')"
                    condition = (f"CASE WHEN {named} IS NULL THEN {any_shop} ELSE ({named} || chr(31) || order_id) NOT IN "
                                 f"(SELECT shop_id || chr(31) || order_id FROM raw.orders WHERE month = {month_lit}) END")
                why = f"{zh_of['order_id']}: no loaded order with this id in the {month} order reports of the shops"
            else:
                condition = (f"order_id NOT IN "
                             f"(SELECT order_id FROM raw.orders WHERE month = {month_lit} AND shop_id = {shop_lit})")
                why = f"{zh_of['order_id']}: no loaded order with this id in the {month} order report"
            checks.append((zh_of["order_id"], f"order_id IS NOT NULL AND {condition}", sql_literal(why)))
        checks = [(sql_literal(zh), cond, why) for zh, cond, why in checks]  # the column as SQL from here
        if check_nul:
            checks.insert(0, ("_nul_column", "_nul_column IS NOT NULL", "_nul_column || ': NUL byte in the cell'"))
        if checks:
            first_col = "CASE " + " ".join(f"WHEN {cond} THEN {zh}" for zh, cond, _ in checks) + " END"
            reason = "concat_ws('; ', " + ", ".join(f"CASE WHEN {cond} THEN {r} END" for _, cond, r in checks) + ")"
            # coalesce: a check that evaluates to NULL must not drop a row from both tables
            bad = " OR ".join(f"coalesce(({cond}), false)" for _, cond, _ in checks)
        else:
            first_col, reason, bad = "NULL", "''", "false"
        # A copy of the header inside the data (two downloads pasted together) gets one plain reason.
        header_row = header_row_condition(spec, present)
        first_col = f"CASE WHEN {header_row} THEN {sql_literal(spec.loaded_columns[0].zh)} ELSE {first_col} END"
        reason = f"CASE WHEN {header_row} THEN 'repeated header row (the header appears again inside the data)' ELSE {reason} END"
        bad = f"({header_row}) OR ({bad})"
        return RowChecks(bad, first_col, reason)

    def _validate_and_insert(self, found: DetectedFile, present: set[str], stats: FileLoad, checks: RowChecks) -> None:
        spec, con, month = found.spec, self.con, self.month
        file_lit, month_lit, type_lit = sql_literal(found.source_name), sql_literal(month), sql_literal(spec.report_type)
        shop_lit = sql_literal(found.shop_id)
        # Parser rejects -> quarantine
        undecodable = sql_literal(f"undecodable bytes: not valid {ENCODING_NAMES.get(found.encoding, found.encoding)}")
        con.execute(
            f"""INSERT INTO raw.quarantine
            SELECT {month_lit}, {type_lit}, {file_lit}, data_row,
                   coalesce(CASE {' '.join(f"WHEN column_name = 'c{i}' THEN {sql_literal(h)}" for i, h in enumerate(found.header)) or 'WHEN false THEN NULL'} END, column_name),
                   CASE WHEN contains(error_type, 'INVALID ENCODING') THEN {undecodable}
                        ELSE 'unreadable row (' || error_type || '): ' || message END
            FROM _rejected"""
        )
        # Which column and why are worked out only for the rows the quarantine takes.
        con.execute(f"CREATE TEMP VIEW _checked AS {self._checked_rows(spec, present, checks)}")
        (quarantined,) = con.execute(
            f"""INSERT INTO raw.quarantine
            SELECT {month_lit}, {type_lit}, {file_lit}, source_row, _bad_column, _reason FROM _checked WHERE _bad"""
        ).fetchone()
        derived = derived_amounts(spec, present)
        target_cols = [*spec.loaded_columns, *(ORDERS.column(en) for en in derived if en not in
                                               {c.en for c in spec.loaded_columns})]
        line_value = lambda c: derived.get(c.en) or typed_ref(c)  # noqa: E731
        platform_lit = sql_literal(stats.platform)
        insert = f"INSERT INTO raw.{spec.table} (month, source_file, source_row, platform, shop_id, " \
                 f"{', '.join(c.loaded_name for c in target_cols)})"
        if spec.collapse_by:
            # One row per order line: one order per key, its amounts summed over its lines where the
            # layout says so, every other value from its first line, which the layout's `same` columns
            # were checked to repeat (_checked_rows; DECISIONLOG "Platform layouts").
            key = spec.column(spec.collapse_by)
            values = ", ".join(
                f"sum({line_value(c)})" if c.en in spec.collapse_sum and (c.en in present or c.en in derived)
                else f"max({typed_ref(c)})" if c.en in spec.collapse_max
                else f"arg_min({typed_ref(c)}, source_row)" if c.en in present
                else f"CAST(NULL AS {_sql_type(c)})" for c in target_cols)
            (loaded,) = con.execute(
                f"""{insert} SELECT {month_lit}, {file_lit}, min(source_row), {platform_lit}, {shop_lit}, {values}
                FROM _checked WHERE NOT _bad GROUP BY {typed_ref(key)}""").fetchone()
            (valid,) = con.execute("SELECT count(*) FROM _checked WHERE NOT _bad").fetchone()
            stats.rows_merged = valid - loaded
        else:
            values = ", ".join(
                line_value(c) if c.en in present or c.en in derived else f"CAST(NULL AS {_sql_type(c)})"
                for c in target_cols
            )
            (loaded,) = con.execute(
                f"""{insert} SELECT {month_lit}, {file_lit}, source_row, {platform_lit}, {shop_lit}, {values}
                FROM _checked WHERE NOT _bad"""
            ).fetchone()
        quarantined += con.execute("SELECT count(*) FROM _rejected").fetchone()[0]
        if any(c.pii is Pii.PROVINCE and c.en in present for c in spec.loaded_columns):
            (stats.provinces_unrecognised,) = con.execute(
                "SELECT count(*) FROM _checked WHERE NOT _bad AND _province_unrecognised").fetchone()
        con.execute("DROP VIEW _checked")
        stats.rows_loaded, stats.rows_quarantined = loaded, quarantined
        if loaded == 0 and quarantined > 0 and spec.month_column:
            self._refuse_a_file_of_another_month(found.source_name, quarantined)

    def _checked_rows(self, spec: ReportSpec, present: set[str], checks: RowChecks) -> str:
        """The staged rows with `_bad`, `_bad_column` and `_reason`. For a layout of order lines, the
        lines of an order that disagree on a value the layout says repeats per order (collapse.same)
        are bad too, all of them: which line is right is unknown, and keeping the first would be a
        silent choice."""
        same = [spec.column(en) for en in spec.collapse_same if en in present]
        if not (spec.collapse_by and same):
            return f"SELECT *, {checks.first_col} AS _bad_column, {checks.reason} AS _reason FROM _numbered"
        key = spec.column(spec.collapse_by)
        differs_by_header: dict[str, list[str]] = {}  # one header may fill two columns (JD's 应付金额)
        for c in same:
            differs_by_header.setdefault(c.zh, []).append(
                f"count(DISTINCT coalesce(CAST({typed_ref(c)} AS VARCHAR), chr(1))) > 1")
        differs = [(zh, " OR ".join(conds)) for zh, conds in differs_by_header.items()]
        self.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE _disagreeing AS
            SELECT {typed_ref(key)} AS _order_key,
                   concat_ws(', ', {', '.join(f"CASE WHEN {cond} THEN {sql_literal(zh)} END" for zh, cond in differs)})
                       AS _columns
            FROM _numbered WHERE NOT _bad GROUP BY {typed_ref(key)}
            HAVING {' OR '.join(cond for _, cond in differs)}""")
        disagree = (f"{sql_literal(key.zh)} || ' ' || d._order_key || ': its lines disagree on ' || d._columns || "
                    "' (one value per order expected)'")
        return (f"SELECT n.* REPLACE (n._bad OR d._order_key IS NOT NULL AS _bad), "
                f"CASE WHEN n._bad THEN {checks.first_col} ELSE split_part(d._columns, ', ', 1) END AS _bad_column, "
                f"CASE WHEN n._bad THEN {checks.reason} ELSE {disagree} END AS _reason "
                f"FROM _numbered AS n LEFT JOIN _disagreeing AS d ON n.{typed_ref(key)} = d._order_key")

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
                "file_lines, cell_line_breaks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [self.month, s.report_type, s.file, s.sha256, s.encoding, s.rows_read, s.rows_loaded, s.rows_quarantined,
                 s.provinces_unrecognised, s.rows_merged, s.layout, s.platform, s.shop_id, s.paid_orders_only,
                 s.file_lines, s.cell_line_breaks],
            )


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


def load_month(con: duckdb.DuckDBPyConnection, month: str, folder: Path | dict[str, Path]) -> MonthLoad:
    """Load `month` from one folder (the single-shop layout) or from each shop's folder
    ({shop_id: folder}, shops.shop_month_folders)."""
    return MonthLoader(con, month, folder).run()
