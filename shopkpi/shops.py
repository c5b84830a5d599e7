"""The shops a team sells through (`seeds/shops.csv`) and where each shop's downloads are.

Exports are laid out one folder per shop, `exports/<shop_id>/<YYYY-MM>/`, the shop ids
being those of `seeds/shops.csv`. An exports root that holds `YYYY-MM/` folders itself
(or is a single month's folder) is the single-shop layout: one shop, `default`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .config_files import ConfigFileError, config_rows
from .settings import SEEDS_DIR, month_folder, month_folders

DEFAULT_SHOP = "default"
COMPANY = "all"  # shop_id and platform of the company-wide rows of the KPI marts
SHOPS_FILE = SEEDS_DIR / "shops.csv"


class ShopsError(ValueError):
    """A problem with the shops' set-up, in one line: the run stops before writing anything."""


class ExportsLayoutError(ShopsError):
    """An exports root whose layout is ambiguous (one line, naming the folders)."""


class ShopsFileError(ShopsError):
    """A row of seeds/shops.csv that cannot be used (names file, row and column)."""


# A shop's platform decides which exports it may hold and is shown in every report and Data Docs page:
# only these values (seeds/shops.csv); `any` is the single-folder layout's shop.
SHOP_PLATFORMS = ("taobao", "tmall", "jd", "pinduoduo", "douyin", "any")
_SHOP_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


@dataclass(frozen=True)
class Shop:
    shop_id: str
    platform: str
    name_zh: str
    name_en: str
    # Other names of the shop in a download that covers several shops (聚水潭's 店铺名称), from the optional
    # `names` column, separated by |. Such a row goes to the shop whose shop_id, name_zh or one of these it names.
    names: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def shops() -> dict[str, Shop]:
    return read_shops(SHOPS_FILE)


def read_shops(path: Path) -> dict[str, Shop]:
    """seeds/shops.csv as Excel may save it (config_files.config_rows), each row checked."""
    try:
        _, rows = config_rows(path)
    except ConfigFileError as exc:
        raise ShopsFileError(str(exc)) from None
    found: dict[str, Shop] = {}
    named: dict[str, str] = {}  # a name a multi-shop download may use -> its shop
    for line, row in rows:
        names = tuple(n.strip() for n in (row.get("names") or "").split("|") if n.strip())
        shop = Shop(row.get("shop_id", ""), row.get("platform", ""), row.get("name_zh", ""), row.get("name_en", ""), names)
        _check_shop(shop, f"{path.name} row {line}")
        for name in names:
            if "," in name:  # the warehouse splits the list on | and commas alike
                raise ShopsFileError(f"{path.name} row {line}, column names: {_shown(name)} has a comma: "
                                     f"separate names with |")
            if named.setdefault(name, shop.shop_id) != shop.shop_id:
                raise ShopsFileError(f"{path.name} row {line}, column names: {_shown(name)} is also a name of "
                                     f"{named[name]}: a row naming it could go to either shop")
        found[shop.shop_id] = shop
    return found


def _check_shop(shop: Shop, where: str) -> None:
    """Ids and platforms are keys, folder names and labels: only the plain values they are documented as."""
    if not _SHOP_ID.fullmatch(shop.shop_id or ""):
        raise ShopsFileError(f"{where}, column shop_id: {_shown(shop.shop_id)} is not a shop id "
                             f"(lower-case letters, digits, _ and -, up to 64)")
    if shop.platform not in SHOP_PLATFORMS:
        raise ShopsFileError(f"{where}, column platform: {_shown(shop.platform)} is not a platform "
                             f"({', '.join(SHOP_PLATFORMS)})")


def _shown(value: str | None) -> str:
    """A configuration value in an error: printable characters only, cut short."""
    text = "".join(ch for ch in (value or "") if ch.isprintable())
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def shop_platform(shop_id: str, layout_platform: str) -> str:
    """The platform a shop's rows carry: the shop's (seeds/shops.csv), else its export layout's."""
    shop = shops().get(shop_id)
    return shop.platform if shop is not None and shop.platform != "any" else layout_platform or "any"


def shop_month_folders(root: Path, month: str) -> dict[str, Path]:
    """Each shop's folder for `month` (it may not exist: that shop has no downloads that month).

    One folder per shop when the root's sub-folders are shops (they hold YYYY-MM folders);
    otherwise the single-shop layout, one `default` shop (settings.month_folder).
    """
    root = Path(root)
    shop_folders = _shop_folders(root)
    if shop_folders:
        return {p.name: p / month for p in shop_folders}
    return {DEFAULT_SHOP: month_folder(root, month)}


def _shop_folders(root: Path) -> list[Path]:
    """The root's shop folders (sub-folders holding YYYY-MM folders), unless the root holds
    YYYY-MM folders itself (the single-shop layout)."""
    if not root.is_dir():
        return []
    shop_folders = [p for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith(".") and month_folders(p)]
    own_months = month_folders(root)
    if own_months and shop_folders:  # which layout? reading either would silently drop the other's files
        raise ExportsLayoutError(
            f"exports root {root} mixes month folders ({own_months[0].name}/) with shop folders "
            f"({', '.join(p.name + '/' for p in shop_folders)}): move the month folders into a shop folder "
            f"(e.g. {root}/<shop_id>/{own_months[0].name}/)")
    return shop_folders


def exported_months(root: Path) -> list[str]:
    """Every month some shop has a folder for, in either layout."""
    root = Path(root)
    folders = [f for shop in _shop_folders(root) for f in month_folders(shop)] or month_folders(root)
    return sorted({f.name for f in folders})


def describe(folders: dict[str, Path]) -> str:
    """How a run names the folders it reads: the folder itself for one shop, the root otherwise."""
    if list(folders) == [DEFAULT_SHOP]:
        return str(folders[DEFAULT_SHOP])
    first = next(iter(folders.values()))
    return f"{first.parent.parent}/<shop>/{first.name} ({', '.join(folders)})"
