"""What a person must know after a build, printed after the run summary: files not used and why, rows a
later download replaced, shops without data, figures not final yet, another PII key, report types gone
since an earlier load. The same facts are in the audit (`shopkpi audit`) and the run's metadata."""

from __future__ import annotations

from pathlib import Path

from ..ingest.load import missing_reports_warning, other_key_warning
from .commands.read import query

# Metadata the load step puts on every raw asset (shopkpi/defs/ingest/assets.py).
FILE_NOTES = {"unrecognised_files": "not used", "replaced_by_later_downloads": "replaced"}


def run_warnings(result, warehouse: Path, month: str) -> list[tuple[str, str]]:
    """(kind, one line) per warning of the month's build, from the run's load metadata and the warehouse."""
    lines: list[tuple[str, str]] = []
    files: dict[str, dict[str, str]] = {}
    for event in result.get_asset_materialization_events():
        metadata = event.materialization.metadata
        for key in FILE_NOTES:
            if key in metadata:
                files.setdefault(key, {}).update(metadata[key].value or {})
    for key, kind in FILE_NOTES.items():
        lines += [(kind, f"{name}: {why}") for name, why in sorted(files.get(key, {}).items())]
    lines += [("shop", f"{shop} has no data for {month}: {status} (its KPIs are absent, not zero)")
              for shop, status in _rows(warehouse, "select shop_id, status from raw.shop_months "
                                                   "where month = ? and status <> 'loaded' order by 1", [month])]
    lines += [("late cells", f"{file}: {cells} figure(s) not final when downloaded (延迟统计): download it again later "
                             "and publish with --reason")
              for file, cells in _rows(warehouse, "select source_file, late_cells from raw.load_audit "
                                                  "where month = ? and late_cells > 0 order by 1", [month])]
    other_keys = [m for (m,) in _rows(warehouse, """select other.month from raw.pii_key_fingerprints other,
        raw.pii_key_fingerprints this where this.month = ? and other.key_fingerprint <> this.key_fingerprint
        order by 1""", [month])]
    if other_keys:
        lines.append(("pii key", other_key_warning(month, other_keys)))
    missing = [r for (r,) in _rows(warehouse, "select report_type from raw.load_changes where month = ? order by 1",
                                   [month])]
    if missing:
        lines.append(("missing", missing_reports_warning(month, missing)))
    return lines


def _rows(warehouse: Path, sql: str, params: list) -> list[tuple]:
    return query(warehouse, sql, params)[1]
