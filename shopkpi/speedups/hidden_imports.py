"""Importing a library with one of its optional dependencies hidden, for a process that never
uses what the dependency enables: the library then skips importing it.

- The Dagster process imports dagster-dbt with dbt-core hidden (defs/dagster_dbt_import.py):
  dbt runs in its own process.
- GX's DuckDB worker processes import GX with pyspark hidden (quality/gx_worker_imports.py):
  they validate in DuckDB only.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator


class _Hide:
    """A meta path finder that makes the named packages and their submodules unimportable."""

    def __init__(self, packages: tuple[str, ...]):
        self.packages = packages

    def find_spec(self, name, path=None, target=None):
        if name.split(".", 1)[0] in self.packages:
            raise ModuleNotFoundError(f"No module named {name!r} (hidden while importing)", name=name)
        return None


@contextmanager
def packages_hidden(*packages: str) -> Iterator[None]:
    """Within the block, importing any of `packages` fails as if it were not installed; afterwards
    they import as usual. If the process has imported one of them already, nothing is hidden: a
    library that finds half of a package fails its own import."""
    if any(p in sys.modules for p in packages):
        yield
        return
    finder = _Hide(packages)
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
