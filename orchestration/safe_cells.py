"""Spreadsheet-formula neutralisation for every CSV/XLSX the project writes.

A cell that starts with = + - @ (or a tab/CR) is run as a formula by Excel and
WPS (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). Such text is written with a
leading apostrophe, so it shows as text; numbers like -5.00 stay numbers.
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def neutralise_formula(value):
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _is_number(value):
        return "'" + value
    return value
