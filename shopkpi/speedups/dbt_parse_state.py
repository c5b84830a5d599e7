"""dbt's partial parse, kept across warehouse files of the same name (a private-API speed-up).

dbt re-parses the whole project (~3-6 s) when the profile's "connection info" differs from the one
the saved parse was made with, and dbt-duckdb counts the warehouse file's path in it. Every new
warehouse path (a benchmark's, a test's, a second deployment's) therefore paid a full parse,
although the path never reaches the parsed project: what does, the `database` name (the file's
stem), stays in the comparison. Private: `ManifestLoader.build_manifest_state_check`,
`DuckDBCredentials._connection_keys` (docs/upgrading.md).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

IGNORED_KEYS = ("path",)


@contextmanager
def _connection_keys_without(credentials_class, ignored: tuple[str, ...]) -> Iterator[None]:
    keys = credentials_class._connection_keys
    credentials_class._connection_keys = lambda self: tuple(k for k in keys(self) if k not in ignored)
    try:
        yield
    finally:
        credentials_class._connection_keys = keys


def ignore_warehouse_path_in_parse_state() -> None:
    """Make dbt's parse-state check (ManifestLoader.build_manifest_state_check) leave the DuckDB
    file's path out of the profile hash; everything else dbt compares is unchanged."""
    from dbt.adapters.duckdb.credentials import DuckDBCredentials
    from dbt.parser.manifest import ManifestLoader

    build_state_check = ManifestLoader.build_manifest_state_check
    if getattr(build_state_check, "ignores_warehouse_path", False):
        return

    def build_manifest_state_check(self):
        if not isinstance(self.root_project.credentials, DuckDBCredentials):
            return build_state_check(self)
        with _connection_keys_without(DuckDBCredentials, IGNORED_KEYS):
            return build_state_check(self)

    build_manifest_state_check.ignores_warehouse_path = True
    ManifestLoader.build_manifest_state_check = build_manifest_state_check
