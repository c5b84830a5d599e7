"""Explaining downloads: `shopkpi layouts` (what the loader knows) and `shopkpi inspect FILE…` (what it makes of a file)."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from ..errors import CliError
from ..render import print_rows

SAMPLE_ROWS = 3


def cmd_layouts(args: argparse.Namespace) -> int:
    from ...ingest.layouts import BUILT_IN_DIR, LayoutError, all_layouts

    try:
        layouts = all_layouts()
    except LayoutError as exc:
        raise CliError(str(exc)) from None
    rows = [(layout.name, layout.platform, layout.report_type, layout.name_zh, len(layout.columns),
             ", ".join(c.header for c in layout.columns if c.required),
             "built-in" if layout.path.parent == BUILT_IN_DIR else str(layout.path))
            for layout in sorted(layouts, key=lambda x: (x.report_type, x.platform, x.name))]
    print_rows(["layout", "platform", "report_type", "name_zh", "columns", "required", "source"], rows, fmt=args.format)
    return 0


def _candidates(header: list[str]) -> list[tuple]:
    from ...ingest.layouts import all_layouts

    scored = []
    for layout in all_layouts():
        required, present, share = layout.coverage(header)
        if present:
            scored.append((present, share, required, layout))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    return scored[:3]


def _samples(found) -> list[tuple[str, str, str]]:
    """(header, canonical column, first values after the layout's clean-ups and typing); PII never shown."""
    import tempfile

    import duckdb

    from ...ingest.layouts import normalise_header
    from ...ingest.cell_sql import select_expr, typed_expr
    from ...ingest.load import scan_export_sql
    from ...ingest.specs import Pii

    spec, header = found.spec, [normalise_header(h) for h in found.header]
    out = []
    with tempfile.TemporaryDirectory(prefix="shopkpi-inspect-") as workdir:
        con = duckdb.connect()
        scan = scan_export_sql(found, Path(workdir), options="ignore_errors=true")
        for column in spec.columns:
            if column.zh not in header:
                continue
            if column.pii is Pii.DROP:
                out.append((column.zh, "(dropped: never read)", ""))
                continue
            if column.pii is Pii.HASH:
                out.append((column.zh, column.loaded_name, "(keyed hash of the value)"))
                continue
            cell = f"c{header.index(column.zh)}"
            expr = typed_expr(column, f"({select_expr(column, cell)})")
            values = [v for (v,) in con.execute(f"SELECT CAST({expr} AS VARCHAR) FROM {scan} LIMIT {SAMPLE_ROWS}").fetchall()]
            out.append((column.zh, column.loaded_name, " | ".join("NULL" if v is None else v for v in values)))
        con.close()
    return out


def skeleton(path: Path, header: list[str]) -> str:
    """A layout file for an unknown export, from its header: every header a known layout has is
    mapped as that layout maps it; the rest are dropped until someone maps them."""
    from ...ingest.layouts import all_layouts, normalise_header
    from ...ingest.specs import spec_for

    known: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for layout in all_layouts():
        for column in layout.columns:
            for name in column.names:
                known.setdefault(normalise_header(name), (layout.report_type, column.pii.value, column.to))
    votes: dict[str, int] = {}
    for cell in header:
        if (hit := known.get(normalise_header(cell))) and hit[2]:
            votes[hit[0]] = votes.get(hit[0], 0) + 1
    report_type = max(votes, key=votes.get) if votes else "orders"
    report = spec_for(report_type)
    stem = "".join(ch if ch.isalnum() else "_" for ch in path.stem).strip("_").lower() or "export"
    lines = [f"# Layout skeleton for {path.name}, written by `shopkpi inspect`. Edit it, save it as",
             "# <your layouts folder>/<name>.yaml and point SHOPKPI_LAYOUTS at that folder.",
             "# Every header is listed; one a known layout has is mapped as there, the others are",
             "# dropped (never read) until you map them: {to: COLUMN}. Mark the columns without which the",
             "# file is unusable `required: true`. Keys: shopkpi/layouts/README.md.",
             f"layout: my_{stem}", f"report_type: {report_type}  # guessed from the headers",
             "platform: any  # taobao, tmall, jd, pinduoduo, douyin, sycm or any", "columns:"]
    seen = set()
    for cell in header:
        name = normalise_header(cell)
        if not name or name in seen:
            continue
        seen.add(name)
        hit = known.get(name)
        if hit and hit[0] == report_type and hit[2]:
            to = hit[2][0] if len(hit[2]) == 1 else "[" + ", ".join(hit[2]) + "]"
            pii = f", pii: {hit[1]}" if hit[1] != "none" else ""
            # the row's key and month decide where it goes: a file without them is unusable
            required = ", required: true" if set(hit[2]) & {report.month_column, report.unique_key} else ""
            lines.append(f"  {yaml_key(name)}: {{to: {to}{pii}{required}}}")
        else:
            lines.append(f"  {yaml_key(name)}: {{pii: drop}}  # not read: map it with to: COLUMN")
    return "\n".join(lines) + "\n"


def yaml_key(name: str) -> str:
    return name if all(ch not in name for ch in ':#{}[],&*!|>\'"%@`') else '"' + name.replace('"', '\\"') + '"'


def _header_guess(path: Path, found) -> list[str]:
    """The likeliest header row of a file no layout matches: the widest of its first rows."""
    from ...ingest.detect import HEADER_SEARCH_ROWS, XLS, XLSX, clean_header_cell, spreadsheet_rows

    if found.encoding in (XLSX, XLS):
        rows = []
        for i, row in enumerate(spreadsheet_rows(path)):
            if i >= HEADER_SEARCH_ROWS:
                break
            rows.append(row)
    else:
        with path.open("rb") as fh:
            text = fh.read(64 * 1024).decode(found.encoding or "utf-8", errors="replace").lstrip("\ufeff")
        rows = list(csv.reader(io.StringIO(text), delimiter=found.delimiter))[:HEADER_SEARCH_ROWS]
    rows = [[clean_header_cell(c) for c in r] for r in rows]
    return max(rows, key=lambda r: sum(1 for c in r if c), default=[])


def cmd_inspect(args: argparse.Namespace) -> int:
    from ...ingest.detect import detect_file
    from ...ingest.layouts import LayoutError, normalise_header

    unknown = 0
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            raise CliError(f"file not found: {path}")
        try:
            found = detect_file(path)
        except LayoutError as exc:
            raise CliError(str(exc)) from None
        print(f"== {path}")
        print(f"  encoding      {found.encoding or 'unknown'}" + (f", delimiter {found.delimiter!r}" if found.encoding != "xlsx" else ""))
        if found.spec is None:
            unknown += 1
            print(f"  layout        none: {found.problem}")
            if found.encoding is None:
                continue
            header = _header_guess(path, found)
            for present, share, required, layout in _candidates(header):
                print(f"  closest       {layout.name} ({layout.platform}, {layout.report_type}): {present} of its "
                      f"{len(layout.columns)} columns ({share:.0%}), {required} of {layout.required_count()} required")
            print("  skeleton      a layout for this file, ready to edit:\n")
            print("    " + skeleton(path, header).replace("\n", "\n    ").rstrip())
            print()
            continue
        layout = found.layout
        required, present, share = layout.coverage(found.header)
        print(f"  header row    {found.header_row + 1} (of the file's first {layout.header_search_rows} rows)")
        print(f"  layout        {layout.name}: {layout.name_zh} · platform {layout.platform} · report type "
              f"{layout.report_type} (raw.{layout.report.table})")
        print(f"  coverage      {present} of {len(layout.columns)} layout columns ({share:.0%}); "
              f"required {required} of {layout.required_count()}")
        missing = found.missing_required()
        print(f"  missing       {', '.join(missing) if missing else 'no required column is missing'}")
        read = {c.zh for c in found.spec.columns}
        unread = [h for h in found.header if h and normalise_header(h) not in read]
        if unread:
            print(f"  not read      {', '.join(unread[:15])}{' …' if len(unread) > 15 else ''}")
        if layout.collapse_by:
            print(f"  rows          one per order line: one order per {layout.collapse_by}"
                  + (f"; summed: {', '.join(layout.collapse_sum)}" if layout.collapse_sum else ""))
        if not missing:
            print(f"  samples       first {SAMPLE_ROWS} rows after clean-up (PII never shown):")
            print_rows(["header", "column", "values"], _samples(found), fmt="table")
    return 1 if unknown else 0
