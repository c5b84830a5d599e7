"""How the CLI prints: result rows as a table, CSV or JSON; wide tables through rich."""

from __future__ import annotations

import csv
import json
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


def print_rows(columns: list[str], rows: list[tuple], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps([{c: plain(v) for c, v in zip(columns, r)} for r in rows], ensure_ascii=False, default=str, indent=1))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(columns)
        writer.writerows([[neutralise_formula(plain(v)) for v in r] for r in rows])  # like every CSV we write
    else:
        from rich.table import Table

        table = Table(*columns, show_lines=False)
        for r in rows:
            table.add_row(*["NULL" if v is None else str(plain(v)) for v in r])
        console().print(table)
        print(f"({len(rows)} rows)")


def compact(value) -> str:
    """A finding's example rows on one line."""
    if isinstance(value, list):
        return "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) if isinstance(row, dict) else str(row)
                         for row in value[:5]) + (f" (+{len(value) - 5} more)" if len(value) > 5 else "")
    return str(value)
