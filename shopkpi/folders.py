"""Folders that readers must see whole: built beside, then swapped in."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replaced_folder(target: Path) -> Iterator[Path]:
    """Yield an empty folder beside `target` to build in; on success it replaces `target` (the old
    one is moved aside, then deleted), readable by other users. On error the build is removed and
    `target` stays as it was."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        yield staged
        os.chmod(staged, 0o755)  # mkdtemp makes it 0700
        if target.exists():
            trash = Path(tempfile.mkdtemp(prefix=f".old-{target.name}-", dir=target.parent))
            target.rename(trash / target.name)
            shutil.rmtree(trash, ignore_errors=True)
        staged.rename(target)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
