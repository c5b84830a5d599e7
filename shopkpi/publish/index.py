"""`published/index.json`: each published version's manifest digest, outside the version folders, chained.

A version's files are checked against its manifest; the manifest itself (reason, time, checks marked
passed) is checked against its digest here. Each entry carries the digest of the entry before it and
its own, so editing, removing or reordering an entry breaks the chain from there on; `publish` prints
the chain's head, which Dagster also keeps in the publication's metadata (a copy outside the folder).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

INDEX_FILE = "index.json"


def index_path(root: Path) -> Path:
    return Path(root) / INDEX_FILE


def _entry_digest(entry: dict) -> str:
    body = {k: v for k, v in entry.items() if k != "entry_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def read_chain(root: Path) -> tuple[list[dict], str | None]:
    """The index's entries and, when it was edited or cannot be read, why (its first broken entry)."""
    path = index_path(root)
    if not path.exists():
        return [], None
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["versions"]
    except (OSError, ValueError, KeyError, TypeError):
        return [], f"{INDEX_FILE} is unreadable"
    previous = None
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or entry.get("previous") != previous or entry.get("entry_sha256") != _entry_digest(entry):
            return entries, f"{INDEX_FILE} was edited: its chain breaks at entry {number}"
        previous = entry["entry_sha256"]
    return entries, None


def manifest_problems(root: Path, month: str, version: int, manifest_bytes: bytes) -> list[str]:
    """[] when the version's manifest is the one the index recorded when it was published."""
    entries, broken = read_chain(root)
    if broken:
        return [broken]
    recorded = [e for e in entries if e["month"] == month and e["version"] == version]
    if not recorded:
        return [f"manifest.json is not recorded in {INDEX_FILE}"]
    if hashlib.sha256(manifest_bytes).hexdigest() != recorded[-1]["manifest_sha256"]:
        return [f"manifest.json changed (its digest in {INDEX_FILE} differs)"]
    return []


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    """One publisher at a time appends (two months published at once must not lose an entry)."""
    with open(Path(root) / f".{INDEX_FILE}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record(root: Path, month: str, version: int, manifest_bytes: bytes, published_at: str) -> str:
    """Append the version's manifest digest to the chain; returns the chain's new head."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    with _locked(root):
        entries, broken = read_chain(root)
        if broken:
            raise ValueError(f"{index_path(root)}: {broken}; restore it before publishing (`shopkpi verify`)")
        entry = {"month": month, "version": version, "published_at": published_at,
                 "manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest(),
                 "previous": entries[-1]["entry_sha256"] if entries else None}
        entry["entry_sha256"] = _entry_digest(entry)
        tmp = index_path(root).with_name(f".{INDEX_FILE}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"versions": [*entries, entry]}, ensure_ascii=False, indent=1), encoding="utf-8")
        os.chmod(tmp, 0o644)
        os.replace(tmp, index_path(root))
    return entry["entry_sha256"]
