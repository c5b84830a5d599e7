"""The lines of a download, counted without the CSV reader: the count the load reconciles against.

A CSV reader's own row count cannot show what it swallowed: one unterminated quote at the start
of a cell (`"江苏省…`) makes the rest of the file a single unreadable row, and rows read = loaded +
quarantined still balances. The file's non-blank physical lines are counted here, by bytes, and
the loader holds its records (and the line breaks inside their cells) to that count
(`load.py` `_reconcile_lines`; the GX suite `load_reconciliation`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..checksums import CHUNK

# A line break followed by an empty line ("\n\n", "\n\r\n"): the CSV reader skips blank lines.
_BLANK_LINE = re.compile(rb"\n\r?(?=\n)")


def data_lines(path: Path, skip: int) -> int:
    """Non-blank lines of the file after its first `skip` lines (title and header rows).

    UTF-8, GBK and GB18030 never use byte 0x0A inside a character, so counting bytes is exact for
    every file the CSV reader reads (UTF-16 and XLSX are read from their UTF-8 copies)."""
    return _read(Path(path), skip, None)[0]


def lines_sha256_and_nul(path: Path, skip: int) -> tuple[int, str, bool]:
    """`data_lines`, the whole file's SHA-256 and whether it holds a NUL byte, in one pass over the file
    (for a download the CSV reader reads as it is: the load's one extra read of it)."""
    digest = hashlib.sha256()
    lines, has_nul = _read(Path(path), skip, digest)
    return lines, digest.hexdigest(), has_nul


def _read(path: Path, skip: int, digest) -> tuple[int, bool]:
    lines = blank = 0
    has_nul = False
    tail = b"\n"
    with path.open("rb") as fh:
        for _ in range(skip):
            line = fh.readline()
            if digest is not None:
                digest.update(line)
                has_nul = has_nul or b"\0" in line
        carry = b"\n"  # the data starts right after a line break
        while chunk := fh.read(CHUNK):
            if digest is not None:
                digest.update(chunk)
                has_nul = has_nul or b"\0" in chunk
            lines += chunk.count(b"\n")
            boundary = carry + chunk[:2]
            if b"\n\n" in chunk or b"\n\r\n" in chunk or b"\n\n" in boundary or b"\n\r\n" in boundary:
                blank += len(_BLANK_LINE.findall(carry + chunk))  # one at the very end waits for the next chunk
            tail = (carry + chunk[-2:])[-2:]
            carry = b"\n\r" if tail == b"\n\r" else b"\n" if tail.endswith(b"\n") else b""
    if not (tail.endswith(b"\n") or tail == b"\n\r"):
        lines += 1  # a last line without its line break (a lone CR after one is blank)
    return lines - blank, has_nul
