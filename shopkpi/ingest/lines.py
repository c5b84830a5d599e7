"""The lines of a download, counted without the CSV reader: the count the load reconciles against.

A CSV reader's own row count cannot show what it swallowed: one unterminated quote at the start
of a cell (`"江苏省…`) makes the rest of the file a single unreadable row, and rows read = loaded +
quarantined still balances. The file's non-blank physical lines are counted here, by bytes, and
the loader holds its records (and the line breaks inside their cells) to that count
(`load.py` `_reconcile_lines`; the GX suite `load_reconciliation`).
"""

from __future__ import annotations

import re
from pathlib import Path

CHUNK = 8 * 1024 * 1024
# A line break followed by an empty line ("\n\n", "\n\r\n"): the CSV reader skips blank lines.
_BLANK_LINE = re.compile(rb"\n\r?(?=\n)")


def data_lines(path: Path, skip: int) -> int:
    """Non-blank lines of the file after its first `skip` lines (title and header rows).

    UTF-8, GBK and GB18030 never use byte 0x0A inside a character, so counting bytes is exact for
    every file the CSV reader reads (UTF-16 and XLSX are read from their UTF-8 copies)."""
    lines = blank = 0
    tail = b"\n"
    with Path(path).open("rb") as fh:
        for _ in range(skip):
            if not fh.readline():
                return 0
        carry = b"\n"  # the data starts right after a line break
        while chunk := fh.read(CHUNK):
            lines += chunk.count(b"\n")
            text = carry + chunk
            if b"\n\n" in text or b"\n\r\n" in text:
                blank += len(_BLANK_LINE.findall(text))  # one at the very end waits for the next chunk
            carry = b"\n\r" if text.endswith(b"\n\r") else b"\n" if text.endswith(b"\n") else b""
            tail = text[-2:]
    if not (tail.endswith(b"\n") or tail == b"\n\r"):
        lines += 1  # a last line without its line break (a lone CR after one is blank)
    return lines - blank
