"""Re-build a closed month when its platform downloads change (late or corrected files).

The sensor watches every shop's per-month folders (<shop_id>/YYYY-MM/, or YYYY-MM/ for one shop). Its first
tick records what is there; afterwards a month whose files were added, removed
or changed gets a run of `monthly_kpis` for that partition. The month still in
progress is left to the monthly schedule.
"""

import datetime as dt
import hashlib
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from dagster import DefaultSensorStatus, RunRequest, SensorEvaluationContext, SkipReason, sensor

from ...months import SHOP_TIMEZONE, partition_key_of
from ...shops import exported_months, shop_month_folders
from ..jobs import monthly_kpis_job
from ..resources import ExportsResource


def folder_fingerprint(folder: Path) -> str:
    """Names, sizes and modification times of the folder's files (cheap: no file is read)."""
    entries = sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file())
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:16]


def closed_month_fingerprints(root: Path, now: dt.datetime) -> dict[str, str]:
    """Per closed month, a fingerprint of every shop's folder for it (either exports layout)."""
    current = now.astimezone(ZoneInfo(SHOP_TIMEZONE)).strftime("%Y-%m")
    fingerprints = {}
    for month in (m for m in exported_months(root) if m < current):
        folders = {shop: folder_fingerprint(f) for shop, f in shop_month_folders(root, month).items() if f.is_dir()}
        fingerprints[month] = hashlib.sha256(json.dumps(folders, sort_keys=True).encode()).hexdigest()[:16]
    return fingerprints


@sensor(job=monthly_kpis_job, minimum_interval_seconds=300, default_status=DefaultSensorStatus.STOPPED,
        description="Re-materialise a closed month when files in its exports folder change.")
def late_exports_sensor(context: SensorEvaluationContext, exports: ExportsResource):
    seen = json.loads(context.cursor) if context.cursor else None
    now = dt.datetime.now(dt.timezone.utc)
    current = closed_month_fingerprints(Path(exports.directory), now)
    context.update_cursor(json.dumps(current, sort_keys=True))
    if seen is None:
        return SkipReason(f"baseline recorded for {len(current)} month folders")
    changed = [m for m, fp in current.items() if seen.get(m) != fp]
    if not changed:
        return SkipReason("no month folder changed")
    return [RunRequest(run_key=f"{m}:{current[m]}", partition_key=partition_key_of(m), tags={"shopkpi/trigger": "late-exports"})
            for m in changed]
