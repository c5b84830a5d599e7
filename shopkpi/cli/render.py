"""How the CLI prints: result rows as a table, CSV or JSON; wide tables through rich."""

from __future__ import annotations

import csv
import json
import re
import sys
from decimal import Decimal

from ..spreadsheets import neutralise_formula


def plain(value):
    """Decimals without trailing zeros (2.500000 -> 2.5), everything else as is."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value.normalize())
    return value


def console(min_width: int = 120):
    from rich.console import Console

    return Console(width=max(min_width, Console().width))


def json_value(value):
    """Numbers as JSON numbers (Decimal: int when whole, else float), dates as ISO text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


MAX_CELL = 40  # characters of a cell in the terminal table; csv and json are never cut
DEFAULT_LIMIT = 50  # rows the terminal table shows unless --limit says otherwise


# Control characters (ESC sequences recolour or rewrite the terminal) never reach it from data.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _cell(value, width: int) -> str:
    text = "NULL" if value is None else _CONTROL.sub("", str(plain(value)))
    return text if len(text) <= width else text[:width - 1] + "…"


def print_stream(columns: list[str], batches, fmt: str) -> None:
    """Every row as CSV or JSON, written batch by batch as the rows arrive (never held whole)."""
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        for rows in batches:
            writer.writerows([[neutralise_formula(plain(v)) for v in r] for r in rows])  # like every CSV we write
        return
    out, first = sys.stdout, True
    out.write("[")
    for rows in batches:
        for r in rows:
            item = json.dumps({c: json_value(v) for c, v in zip(columns, r)}, ensure_ascii=False, default=str, indent=1)
            out.write(("\n" if first else ",\n") + item)
            first = False
    out.write("]\n" if first else "\n]\n")


def print_rows(columns: list[str], rows: list[tuple], fmt: str, limit: int | None = None, max_cell: int = MAX_CELL,
               more: bool = False) -> None:
    """Rows as a table (wide results as one record per block), CSV or JSON. `limit` caps the rows
    the terminal shows (0: all); csv and json always carry every row. `more`: the result had rows
    after these, not fetched (`shopkpi query --limit`)."""
    if fmt in ("csv", "json"):
        print_stream(columns, [rows], fmt)
        return
    shown = rows if not limit else rows[:limit]
    cells = [[_cell(v, max_cell) for v in r] for r in shown]
    out = console()
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    if fmt == "records" or (fmt == "table" and sum(w + 3 for w in widths) + 1 > out.width):
        label = max((len(c) for c in columns), default=0)
        for number, r in enumerate(cells, start=1):
            print(f"-[ row {number} ]" + "-" * max(0, label - 6))
            for c, v in zip(columns, r):
                print(f"{c:<{label}} | {v}")
        if fmt == "table":
            print("(too wide for the terminal: one record per block; --format csv keeps every column on a line)")
    else:
        from rich.markup import escape
        from rich.table import Table

        table = Table(*(escape(c) for c in columns), show_lines=False)
        for r in cells:  # data is text, never rich markup ([/x] crashed, [link=…] made a hyperlink)
            table.add_row(*(escape(c) for c in r))
        out.print(table)
    if more:
        print(f"(the first {len(shown)} rows; more not shown: use --limit 0 for all, or --format csv)")
    elif len(shown) < len(rows):
        print(f"({len(rows)} rows; {len(rows) - len(shown)} more not shown: use --limit 0 for all, or --format csv)")
    else:
        print(f"({len(rows)} rows)")


def compact(value) -> str:
    """A finding's example rows on one line."""
    if isinstance(value, list):
        return "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) if isinstance(row, dict) else str(row)
                         for row in value[:5]) + (f" (+{len(value) - 5} more)" if len(value) > 5 else "")
    return str(value)
