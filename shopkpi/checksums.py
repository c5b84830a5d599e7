"""Files' SHA-256, streamed (GBs at 大促 sizes): the load audit, the publish fingerprint, the lake."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK = 8 * 1024 * 1024


def file_sha256(path: Path) -> str:
    return file_sha256_and_nul(path)[0]


def file_sha256_and_nul(path: Path) -> tuple[str, bool]:
    """The file's SHA-256 and whether it holds a NUL byte (never part of a text export), in one streamed
    pass. hashlib releases the GIL on large chunks, so the loader runs this in a thread while DuckDB
    stages the same file; the NUL test is a memchr over chunks already read."""
    digest, has_nul = hashlib.sha256(), False
    with Path(path).open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            has_nul = has_nul or b"\0" in chunk
    return digest.hexdigest(), has_nul
