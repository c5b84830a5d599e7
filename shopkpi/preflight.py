"""Pre-flight: what a month's build needs, checked in well under a second before Dagster starts, so a
missing PII key, month folder or a broken configuration file is one line at once, not a failed run
10-15 s later. `shopkpi check` runs it alone; materialize, publish and backfill run it first.

Each problem is one line naming the file (and row and column where there is one)."""

from __future__ import annotations

from pathlib import Path

from .config_files import ConfigFileError
from .ingest.errors import IngestError
from .ingest.layouts import LayoutError, all_layouts
from .ingest.pii_key import checked_pii_key
from .scoring.config import config_problems
from .settings import SEEDS_DIR
from .shops import DEFAULT_SHOP, SHOPS_FILE, ShopsError, read_shops, shop_month_folders


def preflight(exports: Path | None = None, month: str | None = None) -> list[str]:
    """The problems that would stop a build of `month` from `exports` (both optional), one line each."""
    problems: list[str] = []
    try:
        checked_pii_key()
    except IngestError as exc:
        problems.append(str(exc))
    known = {}
    try:
        known = read_shops(SHOPS_FILE)
    except ShopsError as exc:
        problems.append(f"seeds/{exc}")
    try:
        problems += config_problems(SEEDS_DIR)
    except ConfigFileError as exc:
        problems.append(f"seeds/{exc}")
    try:
        all_layouts()
    except LayoutError as exc:
        problems.append(str(exc))
    if exports is not None and month is not None:
        problems += _folder_problems(Path(exports), month, known)
    return problems


def _folder_problems(exports: Path, month: str, known: dict) -> list[str]:
    if not exports.is_dir():
        return [f"exports folder not found: {exports}"]
    try:
        folders = shop_month_folders(exports, month)
    except ShopsError as exc:
        return [str(exc)]
    if list(folders) == [DEFAULT_SHOP]:
        folder = folders[DEFAULT_SHOP]
        return [] if folder.is_dir() else [f"no folder for {month}: {folder} does not exist"]
    problems = [f"{folders[shop].parent}: a shop folder that is no shop of seeds/shops.csv (add a row: "
                f"shop_id,platform,name_zh,name_en)" for shop in sorted(set(folders) - set(known)) if known]
    if not any(folder.is_dir() for folder in folders.values()):
        problems.append(f"no shop has a folder for {month} in {exports} ({', '.join(sorted(folders))})")
    return problems
