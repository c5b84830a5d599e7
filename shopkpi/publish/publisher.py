"""Immutable, versioned monthly scorecard publications: published/YYYY-MM/vN/.

A version is never rewritten. Publishing again with the same fingerprint
(input file checksums, scorecard configuration, scorecard content) writes
nothing; with a different fingerprint it needs a reason and writes vN+1.

`input_changes` answers before anything runs: when the month's download folder,
the code, the package versions and the settings that change what is published
are those of the last version, the pipeline would rebuild the same scorecards, so
nothing is run or written; when they differ and no reason is given, `shopkpi
publish` refuses before it builds anything.

Each version's manifest digest is chained in `published/index.json` (index.py):
`verify` and `publish` catch an edited manifest too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd

from .. import warehouse as warehouse_db
from ..checksums import file_sha256
from ..settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR, PROJECT_ROOT, SEEDS_DIR
from ..spreadsheets import neutralise_formula
from . import index
from .changes import VersionChanges, figure_changes, read_version
from .report import render_report
from .workbook import write_workbook

ARTIFACTS = ("scorecard_employee.parquet", "scorecard_team.parquet", "scorecard_employee.csv", "scorecard_team.csv",
             "scorecard.xlsx", "report.html", "manifest.json")
CONFIG_SEEDS = ("kpi_registry.csv", "role_catalog.csv", "kpi_targets.csv", "kpi_weights.csv")
PACKAGES = ("dagster", "dagster-dbt", "dbt-core", "dbt-duckdb", "duckdb", "great-expectations", "pandas", "pyarrow", "openpyxl")


class PublishRefused(Exception):
    """Inputs changed since the last version and no reason was given."""


@dataclass
class PublishOutcome:
    month: str
    version: int
    path: Path
    written: bool
    message: str
    changes: list[str] = field(default_factory=list)
    index_head: str | None = None  # published/index.json's newest entry digest after this version


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_version() -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# What decides the scorecards besides the downloads: the package, the dbt project, seeds and suites.
CODE_ROOTS = (Path(__file__).resolve().parent.parent, DBT_PROJECT_DIR / "models", DBT_PROJECT_DIR / "macros",
              DBT_PROJECT_DIR / "tests", SEEDS_DIR, EXPECTATIONS_DIR)
CODE_FILES = (DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml")
CODE_SUFFIXES = {".py", ".sql", ".yml", ".yaml", ".csv", ".json"}


def code_fingerprint() -> str:
    """SHA-256 over every file that shapes the scorecards (a clean or dirty tree alike)."""
    files = sorted({p for root in CODE_ROOTS for p in root.rglob("*") if p.is_file() and p.suffix in CODE_SUFFIXES}
                   | set(CODE_FILES))
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def folder_checksums(folder: Path | dict[str, Path]) -> dict[str, str]:
    """SHA-256 of every file in a month's download folder, or in each shop's ({shop: folder}:
    keys are shop/file, the default shop's files keep their bare names)."""
    if isinstance(folder, dict):
        return {(name if shop == "default" else f"{shop}/{name}"): sha
                for shop, path in sorted(folder.items()) for name, sha in folder_checksums(path).items()}
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    return {p.name: _checksum_or_why(p) for p in sorted(folder.iterdir()) if p.is_file()}


def _checksum_or_why(path: Path) -> str:
    try:
        return file_sha256(path)  # streamed: GBs at 大促 sizes
    except OSError as exc:  # the loader lists such a file as not used; so does the fingerprint
        return f"unreadable: {exc.strerror or exc}"


def input_changes(manifest: dict, folder: Path | dict[str, Path]) -> list[str]:
    """What differs between a published version's inputs and today's: downloads added, removed or
    replaced (by name), the code, the packages, the settings. Empty: the same inputs."""
    changes = download_changes(manifest.get("source_folder") or {}, folder_checksums(folder))
    if manifest.get("code_fingerprint") != code_fingerprint():
        changes.append("the code changed")
    if manifest.get("packages") != package_versions():
        changes.append("the packages changed")
    changes += _setting_changes(manifest.get("settings") or {}, publish_settings())
    return changes


def download_changes(before: dict[str, str], now: dict[str, str]) -> list[str]:
    """Downloads added, removed or replaced between two folders' checksums (folder_checksums)."""
    return [f"download {name} {'added' if name not in before else 'removed' if name not in now else 'replaced'}"
            for name in sorted(before.keys() | now.keys()) if before.get(name) != now.get(name)]


def _setting_changes(old: dict, new: dict) -> list[str]:
    return [f"setting {'SHOPKPI_LAYOUTS (user layouts)' if name == 'user_layouts' else name} changed"
            for name, value in new.items() if old.get(name) != value]


HIDE_NAMES_ENV = "SHOPKPI_HIDE_EMPLOYEE_NAMES"


def publish_settings() -> dict:
    """The settings outside the code and the downloads that change what is published: hidden employee
    names, and the user's own layouts (SHOPKPI_LAYOUTS), by content."""
    from ..ingest.layouts import layout_dirs

    layouts = {f"{folder}/{p.name}": file_sha256(p) for folder in layout_dirs()[1:]
               for p in sorted(folder.glob("*.y*ml")) if p.is_file()}
    return {HIDE_NAMES_ENV: os.environ.get(HIDE_NAMES_ENV, "0") == "1", "user_layouts": layouts}


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


# The month's store KPIs per shop, per platform across the shops, and for the company (first).
SHOPS_SQL = """
    select k.shop_id, k.platform,
           case when k.shop_id <> 'all' then coalesce(s.name_zh || ' ' || s.name_en, k.shop_id)
                when k.platform = 'all' then '公司 Company'
                else '公司·' || k.platform || ' Company on ' || k.platform end as name,
           max(case when k.kpi_id = 'net_sales' then k.value end) as net_sales,
           max(case when k.kpi_id = 'gmv' then k.value end) as gmv,
           max(case when k.kpi_id = 'orders_paid' then k.value end) as orders_paid,
           max(case when k.kpi_id = 'paid_buyers' then k.value end) as paid_buyers,
           max(case when k.kpi_id = 'refund_rate' then k.value end) as refund_rate,
           max(case when k.kpi_id = 'sales_growth' then k.value end) as sales_growth,
           -- coverage: of the shops in the row's scope, how many the figure sums (kpi_store_monthly)
           max(k.shops_in_scope) as shops_in_scope,
           max(case when k.kpi_id = 'paid_buyers' then k.shops_counted end) as paid_buyers_shops,
           max(case when k.kpi_id = 'refund_rate' then k.shops_counted end) as refund_rate_shops,
           max(case when k.kpi_id = 'sales_growth' then k.shops_counted end) as sales_growth_shops
    from marts.kpi_store_monthly as k
    left join reference.shops as s on k.shop_id = s.shop_id
    where k.month = ?
    group by k.shop_id, k.platform, s.name_zh, s.name_en
    order by k.shop_id <> 'all', k.platform <> 'all', k.shop_id, k.platform"""


# The company's store KPIs this month beside the month before (the report's and workbook's lead):
# change is relative (this / last - 1), NULL without a previous month or from zero.
STORE_KPIS_SQL = """
    with this as (
        select * from marts.kpi_store_monthly where month = ? and shop_id = 'all' and platform = 'all'
    ), previous as (
        select kpi_id, value from marts.kpi_store_monthly
        where shop_id = 'all' and platform = 'all'
          and month = strftime(cast((select any_value(month) from this) || '-01' as date) - interval 1 month, '%Y-%m')
    )
    select r.name_zh, r.name_en, this.kpi_id, r.unit, this.value, previous.value as previous,
           case when previous.value <> 0 then this.value / previous.value - 1 end as change,
           this.numerator, this.denominator, this.shops_counted, this.shops_in_scope
    from this join reference.kpi_registry r on r.kpi_id = this.kpi_id
    left join previous on previous.kpi_id = this.kpi_id
    order by case this.kpi_id when 'net_sales' then 0 when 'orders_paid' then 1 when 'refund_rate' then 2
                              when 'conversion_rate' then 3 when 'aov' then 4 else 5 end, this.kpi_id"""


def _frames(warehouse: str, month: str) -> dict[str, pd.DataFrame]:
    con = duckdb.connect(warehouse, read_only=True)
    try:
        q = lambda sql: con.execute(sql, [month]).df()  # noqa: E731
        return {
            "employees": q("select * from marts.scorecard_employee_monthly where month = ? "
                           "order by role, employee_id, shop_id <> 'all', shop_id, kpi_id"),
            "team": q("select * from marts.scorecard_team_monthly where month = ? order by shop_id <> 'all', shop_id, role"),
            "trend": q("select * from marts.scorecard_team_monthly where month <= ? order by month, shop_id, role"),
            "store": q("select month, value from marts.kpi_store_monthly where kpi_id = 'net_sales' and month <= ? "
                       "and shop_id = 'all' and platform = 'all' order by month"),
            "inputs": q("select report_type, source_file, file_sha256, rows_read, rows_loaded, rows_quarantined "
                        "from raw.load_audit where month = ? order by report_type, source_file"),
            "roles": con.execute("select role, name_zh, name_en from reference.role_catalog").df(),
            "shops": q(SHOPS_SQL),
            "store_kpis": q(STORE_KPIS_SQL),
            "units": con.execute("select kpi_id, unit from reference.kpi_registry").df(),
            # cells a tool marked as not final yet (延迟统计): the month may be published again when they are
            "late_cells": q("select report_type, source_file, late_cells from raw.load_audit where month = ? "
                            "and late_cells > 0 order by report_type, source_file")
                          if warehouse_db.column_exists(con, "raw", "load_audit", "late_cells") else pd.DataFrame(),
        }
    finally:
        con.close()


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.map(neutralise_formula).to_csv(buffer, index=False, lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel shows the Chinese


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False, engine="pyarrow", compression="zstd")
    return buffer.getvalue()


def build_artifacts(warehouse: str, month: str, version: int,
                    changes: VersionChanges | None = None) -> tuple[dict[str, bytes], dict, list[dict]]:
    """Every artefact except the manifest, as bytes, the inputs for the manifest, and the exports' cells
    that were not final yet (延迟统计), which the manifest and the report name. `changes`: what changed
    since the previous version, shown in the workbook and the report."""
    f = _frames(warehouse, month)
    late = f["late_cells"].to_dict(orient="records")
    if f["employees"].empty:
        raise ValueError(f"no scorecard rows for {month} in {warehouse}: materialise the month first")
    roles = {r.role: (r.name_zh, r.name_en) for r in f["roles"].itertuples()}
    units = dict(zip(f["units"]["kpi_id"], f["units"]["unit"]))
    files = {
        "scorecard_employee.parquet": _parquet_bytes(f["employees"]),
        "scorecard_team.parquet": _parquet_bytes(f["team"]),
        "scorecard_employee.csv": _csv_bytes(f["employees"]),
        "scorecard_team.csv": _csv_bytes(f["team"]),
        "store_shops.parquet": _parquet_bytes(f["shops"]),
        "store_shops.csv": _csv_bytes(f["shops"]),
        "scorecard.xlsx": write_workbook(f["employees"], f["team"], roles, month, f["shops"], store=f["store_kpis"],
                                         version=version, units=units, changes=changes),
        "report.html": render_report(month, version, f["employees"], f["team"], f["trend"], roles, f["store"],
                                     f["shops"], store=f["store_kpis"], units=units,
                                     late_cells=sum(int(r["late_cells"]) for r in late), changes=changes).encode("utf-8"),
    }
    inputs = {
        "exports": f["inputs"].to_dict(orient="records"),
        "config": {name: sha256_bytes((SEEDS_DIR / name).read_bytes()) for name in CONFIG_SEEDS},
    }
    return files, inputs, late


def fingerprint(inputs: dict, files: dict[str, bytes]) -> str:
    content = {name: sha256_bytes(data) for name, data in files.items() if name.endswith(".parquet")}
    return sha256_bytes(json.dumps({"inputs": inputs, "content": content}, sort_keys=True, default=str).encode())


def _point_latest(month_dir: Path, version: int) -> None:
    """published/YYYY-MM/latest → vN (a relative link, replaced atomically). A `latest` that is no link (a
    copy made without links) is left alone: it is the user's."""
    link = month_dir / "latest"
    if link.exists() and not link.is_symlink():
        return
    staged = month_dir / f".latest-{version}"
    staged.unlink(missing_ok=True)
    staged.symlink_to(f"v{version}")
    os.replace(staged, link)


def latest_version(root: Path, month: str) -> tuple[int, dict | None]:
    folder = Path(root) / month
    versions = versions_of(root, month)
    if not versions:
        return 0, None
    return versions[-1], json.loads((folder / f"v{versions[-1]}" / "manifest.json").read_text(encoding="utf-8"))


def _tree_checksums(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): file_sha256(p) for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def verify_version(folder: Path) -> list[str]:
    """What in a published version differs from its manifest: files changed, missing or added
    (the artefacts, and the frozen Data Docs where the manifest lists them). [] when intact."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        expected = dict(manifest["outputs"])
    except (OSError, ValueError, KeyError):
        return ["manifest.json missing or unreadable"]
    problems = index.manifest_problems(folder.parent.parent, folder.parent.name, int(folder.name[1:]),
                                       (folder / "manifest.json").read_bytes())
    docs = manifest.get("data_docs_files")
    if docs is not None:
        expected.update({f"data-docs/{name}": digest for name, digest in docs.items()})
    actual = {name: digest for name, digest in _tree_checksums(folder).items()
              if name != "manifest.json" and (docs is not None or not name.startswith("data-docs/"))}
    for name in sorted(expected.keys() | actual.keys()):
        if name not in actual:
            problems.append(f"{name} missing")
        elif name not in expected:
            problems.append(f"{name} added")
        elif actual[name] != expected[name]:
            problems.append(f"{name} changed")
    return problems


def versions_of(root: Path, month: str) -> list[int]:
    folder = Path(root) / month
    return sorted(int(p.name[1:]) for p in folder.glob("v*") if p.name[1:].isdigit()) if folder.is_dir() else []


def refuse_if_tampered(root: Path, month: str, version: int) -> None:
    problems = verify_version(Path(root) / month / f"v{version}")
    if problems:
        raise PublishRefused(f"{month}: published v{version} does not match its manifest ({'; '.join(problems)}); "
                             "restore it before publishing again (`shopkpi verify`)")


def _changes(old: dict, inputs: dict, new_fingerprint: str, settings: dict) -> list[str]:
    changes = []
    before = {(e["report_type"], e["source_file"]): e["file_sha256"] for e in old["inputs"]["exports"]}
    after = {(e["report_type"], e["source_file"]): e["file_sha256"] for e in inputs["exports"]}
    for key in sorted(before.keys() | after.keys()):
        if before.get(key) != after.get(key):
            state = "added" if key not in before else "removed" if key not in after else "changed"
            changes.append(f"export {key[1]} ({key[0]}) {state}")
    for name, digest in inputs["config"].items():
        if old["inputs"]["config"].get(name) != digest:
            changes.append(f"config seeds/{name} changed")
    changes += _setting_changes(old.get("settings") or {}, settings)
    if not changes and old["fingerprint"] != new_fingerprint:
        changes.append("scorecard content changed (code or upstream data)")
    return changes


def _audit_summary(audit_dir: Path | None) -> dict | None:
    if audit_dir is None:
        return None
    summary = json.loads((Path(audit_dir) / "audit.json").read_text(encoding="utf-8"))
    return {"ok": summary["ok"], "audited_at": summary["audited_at"], "severities": summary["severities"],
            "findings": summary["findings"], "data_docs": "data-docs/index.html", "summary": "data-docs/audit.html"}


def publish(warehouse: str, month: str, root: Path, reason: str | None = None, checks: list[dict] | None = None,
            audit: Callable[[], Path] | None = None, source_folder: Path | dict[str, Path] | None = None) -> PublishOutcome:
    """Write vN+1 when the scorecards' fingerprint changed. `audit` is called only then: it
    builds the month's Data Docs and audit summary, frozen into the version as `data-docs/`.
    `source_folder` is the month's download folder, whose checksums the manifest records."""
    root = Path(root)
    last, last_manifest = latest_version(root, month)
    files, inputs, late_cells = build_artifacts(warehouse, month, last + 1)
    new_fingerprint, settings = fingerprint(inputs, files), publish_settings()
    if last_manifest is not None:
        refuse_if_tampered(root, month, last)
        if last_manifest["fingerprint"] == new_fingerprint:
            return PublishOutcome(month, last, root / month / f"v{last}", False, f"{month} already published as v{last}; nothing written")
        changes = _changes(last_manifest, inputs, new_fingerprint, settings)
        if not reason:
            raise PublishRefused(f"{month} was published as v{last} and its inputs changed ({'; '.join(changes)}); "
                                 f"publish again with a reason (--reason) to write v{last + 1}")
    else:
        changes = []
    version = last + 1
    version_changes = None
    if last_manifest is not None:  # vN+1 says why it exists and which numbers moved (report, workbook, manifest)
        version_changes = VersionChanges(version, last, reason, changes,
                                         figure_changes(read_version(root / month / f"v{last}"), files))
        files, _, _ = build_artifacts(warehouse, month, version, changes=version_changes)
    audit_dir = audit() if audit is not None else None
    manifest = {
        "month": month,
        "version": version,
        "published_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "reason": reason or "first publication",
        "supersedes": f"v{last}" if last else None,
        "changes": changes,
        "figure_changes": version_changes.figures if version_changes else [],
        "code_version": code_version(),
        "code_fingerprint": code_fingerprint(),
        "source_folder": folder_checksums(source_folder) if source_folder is not None else None,
        "packages": package_versions(),
        "settings": settings,
        "fingerprint": new_fingerprint,
        "inputs": inputs,
        # exports whose tool marked figures as not final yet (延迟统计): filled in by a later download
        "late_cells": late_cells,
        "outputs": {name: sha256_bytes(data) for name, data in sorted(files.items())},
        "checks": checks or [],
        "audit": _audit_summary(audit_dir),
        "data_docs_files": _tree_checksums(audit_dir) if audit_dir is not None else None,
    }
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    target = root / month / f"v{version}"
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".v{version}-", dir=target.parent))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
            os.chmod(staging / name, 0o444)  # published files are read-only
        if audit_dir is not None:
            shutil.copytree(audit_dir, staging / "data-docs")
            for path in (staging / "data-docs").rglob("*"):
                os.chmod(path, 0o555 if path.is_dir() else 0o444)
        os.chmod(staging, 0o755)
        # the manifest's digest first: a version is never there without it (a dangling entry is harmless)
        head = index.record(root, month, version, files["manifest.json"], manifest["published_at"])
        staging.rename(target)  # atomic: a version appears whole or not at all
        _point_latest(root / month, version)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return PublishOutcome(month, version, target, True, f"published {month} as v{version} in {target}", changes,
                          index_head=head)
