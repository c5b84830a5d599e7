"""Work files of a run beside its warehouse, never in the system's temp folder, and what a killed
run left behind removed by the next run.

A GBK or XLSX download is transcoded to UTF-8 before DuckDB reads it: that copy holds every phone
and address of the file, so it lives in `<warehouse folder>/.<warehouse>.work/<pid>-…/` (0700) and
is removed when the load ends. A run killed with `kill -9` cannot remove it, nor its readers' copy
in progress (`.<warehouse>.snapshot.duckdb.<pid>.<n>.early.tmp`, a whole copy of the warehouse):
`remove_orphans`, called when a run begins, removes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

# .<name>.<pid>.tmp (state files) and .<name>.<pid>.<n>.early.tmp (readers' copies in progress)
_TEMP_FILE = re.compile(r"^\..+\.(?P<pid>\d+)(\.\d+\.early)?\.tmp$")
_WORK_DIR = re.compile(r"^(?P<pid>\d+)-")


def work_root(warehouse: str | Path) -> Path:
    path = Path(warehouse)
    return path.with_name(f".{path.stem}.work")


def process_alive(pid: int) -> bool:
    """Whether a process of this machine with this id is running (another user's counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_orphans(warehouse: str | Path) -> list[Path]:
    """Remove the work folders and temporary files of runs whose process is gone; returns them."""
    removed = []
    folder = Path(warehouse).parent
    root = work_root(warehouse)
    candidates = [(p, _TEMP_FILE.match(p.name)) for p in folder.iterdir()] if folder.is_dir() else []
    candidates += [(p, _WORK_DIR.match(p.name)) for p in root.iterdir()] if root.is_dir() else []
    for path, match in candidates:
        if match and not process_alive(int(match["pid"])):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextlib.contextmanager
def work_dir(warehouse: str | Path | None) -> Iterator[Path]:
    """A private folder for one load's work files, beside the warehouse (the system's temp folder
    for an in-memory database), removed afterwards."""
    if warehouse is None:
        with tempfile.TemporaryDirectory(prefix="shopkpi-") as folder:
            yield Path(folder)
        return
    root = work_root(warehouse)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    remove_orphans(warehouse)
    folder = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))  # mkdtemp: 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
