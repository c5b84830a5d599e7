"""Report layouts, declared as data: how one platform's download maps onto a report type.

A report type (`specs.py`) is a raw table: its canonical columns, types and month
rules, which the dbt models build on. A layout (`shopkpi/layouts/*.yaml`, and any
folder named in SHOPKPI_LAYOUTS) says how one export fills it: the platform, each
header with its aliases, whether the file is unusable without it, PII treatment,
value clean-ups and, for exports with one row per order line, how rows become
orders. Adding a layout for a new download needs no Python. See
`shopkpi/layouts/README.md` for the format.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .specs import REPORT_SPECS, Column, ColumnType, Pii, ReportSpec

BUILT_IN_DIR = Path(__file__).resolve().parent.parent / "layouts"
LAYOUTS_ENV = "SHOPKPI_LAYOUTS"  # folders of the user's own layouts, separated by os.pathsep

# Clean-ups a layout can ask for, per column (`clean:`) or for every column (`clean_all:`).
CLEANUPS = {
    "excel_text": 'an id written as an Excel formula, ="2140730062701490", keeps its digits',
    "leading_quote": "a leading ' (Excel's text marker, e.g. on phone numbers) is dropped",
    "tab": "TAB characters around the value are dropped (Douyin prefixes ids with one)",
    "yuan": "a trailing 元 and a leading ¥/￥ are dropped from amounts (0元 -> 0)",
    "thousands": "thousands separators are dropped from numbers (1,258 -> 1258)",
    "percent": "a percent string becomes a ratio (3.25% -> 0.0325)",
    "percent_points": "a column whose header says %: 98.5 and 98.5% are both the ratio 0.985",
    "duration": "a duration becomes seconds (8分48秒 -> 528, 1小时2分 -> 3720, 00:08:35 -> 515, 08:35 -> 515)",
    "duration_minutes": "as duration, and a plain number is minutes (Pinduoduo's 平均人工响应时长（分钟）: 1.5 -> 90)",
    "wan": "万 and 亿 units of weekly and monthly downloads are multiplied out (1.2万 -> 12000)",
}
LAYOUT_KEYS = {"layout", "report_type", "platform", "name_zh", "description", "columns", "clean_all", "null_values",
               "rows", "collapse", "notes", "header_search_rows", "refund_in_full", "paid_orders_only",
               "summary_values", "late_values"}
COLUMN_KEYS = {"to", "type", "required", "nullable", "pii", "aliases", "clean", "values", "zero_unless", "note"}
PLATFORMS = {"taobao", "tmall", "jd", "pinduoduo", "douyin", "sycm", "any"}
ROWS = {"order", "order_line", "row"}
# Units in headers: 商品总价(元), 商品数量(件), 首次响应（秒）. Compared without them, and with full-width
# brackets as half-width ones, so 30秒应答率（8-23点） is 30秒应答率(8-23点) and either spelling matches.
_UNIT = re.compile(r"\((元|件|%|个|秒|次|人)\)$")
_FULL_WIDTH_BRACKETS = str.maketrans("（）", "()")


class LayoutError(ValueError):
    """A layout file that cannot be used: the message names the file and the key."""


def normalise_header(cell: str) -> str:
    return _UNIT.sub("", cell.strip(" \t\r\n\u3000\ufeff\xa0").translate(_FULL_WIDTH_BRACKETS)).strip()


@dataclass(frozen=True)
class LayoutColumn:
    header: str
    aliases: tuple[str, ...]
    to: tuple[str, ...]  # canonical column(s) it fills (none: dropped, never read)
    required: bool
    nullable: bool | None  # None: the report type's rule
    pii: Pii
    clean: tuple[str, ...]
    values: tuple[tuple[str, str | None], ...]  # exact cell -> replacement (None: empty)
    zero_unless: str | None = None  # the value is 0 when this column is empty (payable, never paid)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class Layout:
    name: str
    report: ReportSpec
    platform: str
    path: Path
    name_zh: str
    description: str
    columns: tuple[LayoutColumn, ...]
    clean_all: tuple[str, ...] = ()
    null_values: tuple[str, ...] = ()
    rows: str = "order"  # what one row is: an order, or an order line (collapsed to orders)
    collapse_by: str | None = None
    collapse_sum: tuple[str, ...] = ()
    collapse_max: tuple[str, ...] = ()
    collapse_same: tuple[str, ...] = ()
    header_search_rows: int = 10
    refund_in_full: bool = False
    paid_orders_only: bool = False
    summary_values: tuple[str, ...] = ()  # a row whose account or date cell says 汇总 … is the report's total
    late_values: tuple[str, ...] = ()  # 延迟统计: a figure not final yet (NULL, counted as late)

    @property
    def report_type(self) -> str:
        return self.report.report_type

    @property
    def headers(self) -> list[str]:
        """The headers an export of this layout carries, in order (what the simulator writes)."""
        return [c.header for c in self.columns]

    def _found(self, header: list[str]) -> dict[LayoutColumn, str]:
        """Which of the layout's columns the header has, and under which name."""
        cells = {normalise_header(h): h for h in header}
        found = {}
        for column in self.columns:
            for name in column.names:
                if normalise_header(name) in cells:
                    found[column] = cells[normalise_header(name)]
                    break
        return found

    def coverage(self, header: list[str]) -> tuple[int, int, float]:
        """(required columns present, columns present, share of the layout's columns present)."""
        found = self._found(header)
        required = sum(1 for c in found if c.required)
        return required, len(found), len(found) / len(self.columns)

    def required_count(self) -> int:
        return sum(1 for c in self.columns if c.required)

    def spec_for(self, header: list[str]) -> ReportSpec:
        """The report type as this file fills it: one Column per layout column, named as in the file."""
        found = self._found(header)
        columns = []
        for i, column in enumerate(self.columns):
            zh = normalise_header(found.get(column, column.header))
            if not column.to:
                columns.append(Column(zh, f"_dropped_{i}", pii=Pii.DROP))
            for to in column.to:
                canonical = self.report.column(to)
                columns.append(dataclasses.replace(
                    canonical, zh=zh, required=column.required,
                    nullable=canonical.nullable if column.nullable is None else column.nullable,
                    clean=tuple(dict.fromkeys((*self.clean_all, *column.clean))), zero_unless=column.zero_unless,
                    values=column.values + tuple((v, None) for v in (*self.null_values, *self.late_values)
                                                 if v not in dict(column.values))))
        return dataclasses.replace(self.report, columns=tuple(columns), layout=self.name, platform=self.platform,
                                   collapse_by=self.collapse_by, collapse_sum=self.collapse_sum,
                                   collapse_max=self.collapse_max, collapse_same=self.collapse_same,
                                   refund_in_full=self.refund_in_full, paid_orders_only=self.paid_orders_only,
                                   summary_values=self.summary_values, late_values=self.late_values)


def _fail(path: Path, key: str, message: str) -> LayoutError:
    return LayoutError(f"{path}: {key}: {message}")


def _strings(path: Path, key: str, value, allowed: set[str] | None = None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, key, "must be a list of strings")
    if allowed is not None and (bad := [v for v in value if v not in allowed]):
        raise _fail(path, key, f"unknown {', '.join(bad)} (known: {', '.join(sorted(allowed))})")
    return tuple(value)


# Words that make a header a buyer's personal data whatever column a layout maps it to (a phone mapped
# to a plain column would land in clear in raw, staging and the readers' copy): such a header is hashed,
# cut to its province or dropped. Applies to every layout, built in or a user's (SHOPKPI_LAYOUTS), of a
# report type that holds buyers' data (one with a PII column; not the team's roster, whose 姓名 is staff).
PII_HEADER_WORDS = ("手机号", "联系手机", "电话", "姓名", "收货人", "收件人", "收货地址", "详细地址", "客户地址", "支付宝",
                    "身份证", "会员名", "帐号", "账号", "昵称", "旺旺", "邮箱")


def _column(path: Path, report: ReportSpec, header: str, raw) -> LayoutColumn:
    key = f"columns.{header}"
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise _fail(path, key, "must be a mapping such as {to: order_id, required: true}")
    if unknown := set(raw) - COLUMN_KEYS:
        raise _fail(path, f"{key}.{sorted(unknown)[0]}", f"unknown key (known: {', '.join(sorted(COLUMN_KEYS))})")
    try:
        pii = Pii(raw.get("pii", "none"))
    except ValueError:
        raise _fail(path, f"{key}.pii", f"must be one of {', '.join(p.value for p in Pii)}") from None
    to = raw.get("to")
    targets = tuple(to) if isinstance(to, list) else (to,) if to else ()
    if pii is Pii.DROP:
        if targets:
            raise _fail(path, f"{key}.to", "a dropped column (pii: drop) is never read, so it maps to nothing")
    elif not targets:
        raise _fail(path, f"{key}.to", f"missing: which {report.report_type} column it fills, or pii: drop")
    for to in targets:
        if not isinstance(to, str):
            raise _fail(path, f"{key}.to", "must be a column name or a list of them")
        canonical = next((c for c in report.columns if c.en == to and c.pii is not Pii.DROP), None)
        if canonical is None:
            known = ", ".join(c.en for c in report.loaded_columns)
            raise _fail(path, f"{key}.to", f"{to!r} is no column of report type {report.report_type} (columns: {known})")
        if "type" in raw and raw["type"] != canonical.type.value:
            raise _fail(path, f"{key}.type", f"{raw['type']!r}: {report.report_type}.{to} is {canonical.type.value}")
        if pii is not canonical.pii:
            raise _fail(path, f"{key}.pii", f"{report.report_type}.{to} is {canonical.pii.value}: a layout may only drop "
                                            "it (pii: drop), never keep it clearer than the report type does")
    if pii is Pii.NONE and any(c.pii is not Pii.NONE for c in report.columns):
        for name in (str(header), *_strings(path, f"{key}.aliases", raw.get("aliases"))):
            if word := next((w for w in PII_HEADER_WORDS if w in name), None):
                raise _fail(path, f"{key}.pii", f"{name} is personal data ({word}): hash it (pii: hash), keep its "
                                                "province (pii: province) or drop it (pii: drop), never load it in clear")
    for flag in ("required", "nullable"):
        if flag in raw and not isinstance(raw[flag], bool):
            raise _fail(path, f"{key}.{flag}", "must be true or false")
    values = raw.get("values") or {}
    if not isinstance(values, dict):
        raise _fail(path, f"{key}.values", "must be a mapping of exact cell text to its replacement (null: empty)")
    return LayoutColumn(
        header=str(header), aliases=_strings(path, f"{key}.aliases", raw.get("aliases")), to=targets,
        required=bool(raw.get("required", False)), nullable=raw.get("nullable"), pii=pii,
        clean=_strings(path, f"{key}.clean", raw.get("clean"), set(CLEANUPS)), zero_unless=raw.get("zero_unless"),
        values=tuple((str(k), None if v is None else str(v)) for k, v in values.items()))


MAX_LAYOUT_BYTES = 256 * 1024  # the largest built-in layout is ~4 KB


def _read_layout_yaml(path: Path):
    """A layout file's YAML, refusing what a layout never needs: a link (it could point at any file),
    more than MAX_LAYOUT_BYTES, and aliases (a few lines of them expand to gigabytes). Errors give
    the line, never the file's content: a file that is no layout may hold anything."""
    if path.is_symlink():
        raise LayoutError(f"{path}: a link; layouts are read from regular files only")
    try:
        if path.stat().st_size > MAX_LAYOUT_BYTES:
            raise LayoutError(f"{path}: larger than {MAX_LAYOUT_BYTES // 1024} KB, not a layout")
        text = path.read_text(encoding="utf-8")
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise LayoutError(f"{path}: line {event.start_mark.line + 1}: YAML aliases (*name) are not allowed in a layout")
        return yaml.safe_load(text)
    except (OSError, UnicodeDecodeError):
        raise LayoutError(f"{path}: not a readable UTF-8 text file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise LayoutError(f"{path}: not valid YAML{where}") from None


def parse_layout(path: Path) -> Layout:
    doc = _read_layout_yaml(path)
    if not isinstance(doc, dict) or "layout" not in doc or "report_type" not in doc:
        raise LayoutError(f"{path}: not a layout (a mapping with layout, report_type, platform and columns)")
    if unknown := set(doc) - LAYOUT_KEYS:
        raise _fail(path, sorted(unknown)[0], f"unknown key (known: {', '.join(sorted(LAYOUT_KEYS))})")
    for key in ("layout", "report_type", "platform", "columns"):
        if not doc.get(key):
            raise _fail(path, key, "missing")
    report = next((s for s in REPORT_SPECS if s.report_type == doc["report_type"]), None)
    if report is None:
        raise _fail(path, "report_type", f"unknown {doc['report_type']!r} (known: "
                                         f"{', '.join(s.report_type for s in REPORT_SPECS)})")
    if doc["platform"] not in PLATFORMS:
        raise _fail(path, "platform", f"unknown {doc['platform']!r} (known: {', '.join(sorted(PLATFORMS))})")
    if not isinstance(doc["columns"], dict):
        raise _fail(path, "columns", "must map each header to what it fills")
    columns = tuple(_column(path, report, header, raw) for header, raw in doc["columns"].items())
    targets = [to for c in columns for to in c.to]
    mapped = set(targets)
    for column in columns:
        if column.zero_unless is not None and column.zero_unless not in mapped:
            raise _fail(path, f"columns.{column.header}.zero_unless", f"{column.zero_unless!r} is no column this layout maps")
    if len(mapped) < len(targets):
        twice = sorted({to for to in targets if targets.count(to) > 1})
        raise _fail(path, "columns", f"{twice[0]} is filled by two headers: give one of them as an alias instead")
    for en in filter(None, (None if report.period_files else report.month_column, report.unique_key)):
        if en not in mapped:
            raise _fail(path, "columns", f"no column maps to {en}, which {report.report_type} needs "
                                         "(the row's month or key)")
    if not any(c.required for c in columns):
        raise _fail(path, "columns", "at least one column must be required: true (that is how files are recognised)")
    rows = doc.get("rows", "order")
    if rows not in ROWS:
        raise _fail(path, "rows", f"must be one of {', '.join(sorted(ROWS))}")
    collapse = doc.get("collapse") or {}
    if rows == "order_line" and report.report_type == "orders" and not collapse.get("by"):
        raise _fail(path, "collapse.by", "an order export with one row per order line must say which column "
                                         "identifies the order (collapse: {by: order_id, sum: [...]})")
    if unknown := set(collapse) - {"by", "sum", "max", "same"}:
        raise _fail(path, f"collapse.{sorted(unknown)[0]}", "unknown key (known: by, sum, max, same)")
    refund_in_full = _flag(path, doc, "refund_in_full")
    if refund_in_full and ("refund_state" not in mapped or "paid_amount" not in mapped or "refund_amount" in mapped):
        raise _fail(path, "refund_in_full", "needs a refund_state and a paid_amount column and no refund_amount "
                                            "(it derives the refund amount from the state)")
    collapse_sum = _strings(path, "collapse.sum", collapse.get("sum"))
    for en in collapse_sum:
        derived = refund_in_full and en == "refund_amount"
        if not derived and (en not in mapped or report.column(en).type not in (ColumnType.MONEY, ColumnType.INT)):
            raise _fail(path, "collapse.sum", f"{en!r} is not an amount or count column this layout maps")
    collapse_max = _strings(path, "collapse.max", collapse.get("max"))
    for en in collapse_max:
        if en not in mapped:
            raise _fail(path, "collapse.max", f"{en!r} is no column this layout maps")
    collapse_same = _strings(path, "collapse.same", collapse.get("same"))
    for en in collapse_same:
        if en not in mapped or en in collapse_sum or en in collapse_max:
            raise _fail(path, "collapse.same", f"{en!r} is no column this layout maps, or is summed or maxed")
    if collapse and collapse.get("by") not in mapped:
        raise _fail(path, "collapse.by", f"{collapse.get('by')!r} is no column this layout maps")
    search = doc.get("header_search_rows", 10)
    if not isinstance(search, int) or not 1 <= search <= 50:
        raise _fail(path, "header_search_rows", "must be a whole number from 1 to 50")
    return Layout(
        name=str(doc["layout"]), report=report, platform=doc["platform"], path=path,
        name_zh=str(doc.get("name_zh") or report.name_zh), description=str(doc.get("description") or ""),
        columns=columns, clean_all=_strings(path, "clean_all", doc.get("clean_all"), set(CLEANUPS)),
        null_values=_strings(path, "null_values", doc.get("null_values")), rows=rows,
        collapse_by=collapse.get("by"), collapse_sum=collapse_sum, collapse_max=collapse_max,
        collapse_same=collapse_same, header_search_rows=search, refund_in_full=refund_in_full,
        paid_orders_only=_flag(path, doc, "paid_orders_only"),
        summary_values=_strings(path, "summary_values", doc.get("summary_values")),
        late_values=_strings(path, "late_values", doc.get("late_values")))


def _flag(path: Path, doc: dict, key: str) -> bool:
    value = doc.get(key, False)
    if not isinstance(value, bool):
        raise _fail(path, key, "must be true or false")
    return value


def layout_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get(LAYOUTS_ENV, "").split(os.pathsep) if p.strip()]
    for folder in extra:
        if not folder.is_dir():
            raise LayoutError(f"{LAYOUTS_ENV}: {folder} is not a folder")
    return [BUILT_IN_DIR, *extra]


@lru_cache(maxsize=8)
def _load(dirs: tuple[Path, ...]) -> tuple[Layout, ...]:
    by_name: dict[str, Layout] = {}
    for folder in dirs:
        for path in sorted(folder.glob("*.y*ml")):
            layout = parse_layout(path)
            if layout.name in by_name and by_name[layout.name].path.parent == path.parent:
                raise _fail(path, "layout", f"{layout.name!r} is also declared in {by_name[layout.name].path.name}")
            by_name[layout.name] = layout  # a user's layout of the same name replaces the built-in one
    return tuple(by_name.values())


def all_layouts() -> tuple[Layout, ...]:
    """Built-in layouts, then the user's (SHOPKPI_LAYOUTS); read once per set of folders."""
    return _load(tuple(layout_dirs()))


def layout_named(name: str) -> Layout:
    return next(layout for layout in all_layouts() if layout.name == name)
