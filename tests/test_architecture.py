"""docs/architecture.md stays true: every path its tree names exists, and the layering it states holds."""

from __future__ import annotations

import pytest

import ast
import re
import os
import subprocess
import sys

from shopkpi.settings import PROJECT_ROOT

DOC = PROJECT_ROOT / "docs" / "architecture.md"


TOKEN = re.compile(r"[\w-]+\.(?:py|md|yml|yaml|toml|json|sql)\b|[\w.-]+/(?=[\s,]|$)")


def tree_paths() -> list[str]:
    """Every file and folder the ``` block under "## The tree" names. A line's first name sits in
    the folder of the nearest less-indented folder line; when it is a folder, the line's other
    names are inside it, otherwise they are its siblings."""
    block = DOC.read_text(encoding="utf-8").split("## The tree", 1)[1].split("```")[1]
    paths, folders = [], []  # folders: (indent, path) of the enclosing folder lines
    for line in block.splitlines():
        names = TOKEN.findall(line)
        if not names:
            continue
        indent = len(line) - len(line.lstrip())
        folders = [(i, f) for i, f in folders if i < indent]
        parent = folders[-1][1] if folders else ""
        first = parent + names[0]
        inside = first if first.endswith("/") else parent
        paths += [first] + [inside + n for n in names[1:]]
        if first.endswith("/"):
            folders.append((indent, first))
    return paths


def test_every_path_in_the_architecture_tree_exists():
    paths = tree_paths()
    assert "shopkpi/defs/quality/" in paths and "shopkpi/quality/" in paths  # the parser sees nested folders
    missing = [p for p in paths if not (PROJECT_ROOT / p.rstrip("/")).exists()]
    assert missing == []


def imports_of(package: str) -> dict[str, set[str]]:
    found = {}
    for path in (PROJECT_ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = module.rsplit(".", node.level)[0] + "." if node.level else ""
                names.add(base + (node.module or ""))
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
        found[str(path.relative_to(PROJECT_ROOT))] = names
    return found


def test_libraries_never_import_dagster_code_or_the_simulator():
    for path, names in imports_of("shopkpi").items():
        if path == "shopkpi/definitions.py":  # the code location: Dagster and defs/, never the CLI
            assert not {n for n in names if n.startswith("shopkpi.cli")}, path
            continue
        if path.startswith(("shopkpi/defs/", "shopkpi/cli/")):
            continue
        if path == "shopkpi/speedups/dagster_storage.py":  # Dagster's instance storage, which dagster.yaml names
            continue
        bad = {n for n in names if n.startswith(("shopkpi.defs", "shopkpi.cli", "shopkpi.definitions", "shopkpi_simulator",
                                                 "dagster"))}
        assert bad == set(), path
    simulator_users = {p for p, names in imports_of("shopkpi").items() if any(n.startswith("shopkpi_simulator") for n in names)}
    assert simulator_users == {"shopkpi/cli/commands/tools.py"}


@pytest.mark.slow
def test_loading_the_definitions_does_not_import_pandas():
    # Every run and CLI command loads the definitions; only publishing needs pandas (~0.3 s to import).
    script = "import sys, shopkpi.definitions; print('pandas' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "False"


def test_importing_the_definitions_never_runs_dbt():
    """Importing ran `dbt parse` whenever the manifest looked older than a source (~5 s); the entry points
    prepare it now (dbt_process/manifest.py). A manifest that looks stale is left as it is by the import."""
    from shopkpi.dbt_process.manifest import MANIFEST, prepare_manifest

    prepare_manifest()
    stat = MANIFEST.stat()
    os.utime(MANIFEST, (1, 1))  # older than every source
    try:
        script = "import shopkpi.definitions"
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                       env={k: v for k, v in os.environ.items() if k != "DAGSTER_IS_DEV_CLI"})
        assert MANIFEST.stat().st_mtime == 1  # not parsed again
    finally:
        os.utime(MANIFEST, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_every_tested_pin_lies_in_the_compatible_range_pyproject_gives():
    """constraints.txt is the exact set CI tested, pyproject.toml the ranges users install from
    (docs/upgrading.md): a pin outside its range would test what no user gets."""
    import tomllib

    from packaging.requirements import Requirement
    from packaging.version import Version

    from shopkpi.settings import PROJECT_ROOT

    pins = {}
    for line in (PROJECT_ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower().replace("_", "-")] = version.split(";")[0].strip()
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [Requirement(r) for r in project["dependencies"] + sum(project["optional-dependencies"].values(), [])]
    outside = [f"{r} (pinned {pins.get(r.name.lower())})" for r in requirements
               if pins.get(r.name.lower()) is None or Version(pins[r.name.lower()]) not in r.specifier]
    assert outside == []


def test_private_imports_of_a_dependency_are_only_in_the_files_the_upgrade_register_lists():
    """A `from dagster._core …`-style import is a private API: docs/upgrading.md must list its file, so
    an upgrade knows what may break (issue 38)."""
    import re

    from shopkpi.settings import PROJECT_ROOT

    private_import = re.compile(r"^\s*(?:from|import)\s+(?:dagster|dagster_dbt|dbt|dbt_common|great_expectations|"
                                r"duckdb|pyspark|sqlalchemy)(?:\.\w+)*\._\w+", re.M)
    register = (PROJECT_ROOT / "docs" / "upgrading.md").read_text(encoding="utf-8")
    package = PROJECT_ROOT / "shopkpi"
    importing = sorted(str(p.relative_to(package)) for p in package.rglob("*.py")
                       if private_import.search(p.read_text(encoding="utf-8")))
    assert importing, "the pattern finds the known private imports"
    assert [f for f in importing if f"`{f}`" not in register] == []
