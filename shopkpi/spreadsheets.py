"""Files people open in a spreadsheet: formula neutralisation for every CSV/XLSX the project
writes, and XLSX bytes that do not change with the time they were saved.

A cell that starts with = + - @ (or a tab/CR) is run as a formula by Excel and
WPS (`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). Such text is written with a
leading apostrophe, so it shows as text; numbers like -5.00 stay numbers.
"""

from __future__ import annotations

import io
import re
import zipfile

FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)

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


def rezip_with_fixed_times(data: bytes, path) -> None:
    """openpyxl stamps the save time into the zip entries and docProps/core.xml."""
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>2020-01-01T00:00:00Z\g<2>", content)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, content)
