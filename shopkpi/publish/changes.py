"""What changed between two published versions of a month: why (the reason), which inputs (downloads
added, removed or replaced; code, packages, settings) and which numbers (the store KPIs of every shop and
the company, each person's KPI values and weighted total). Shown in vN's report, its workbook's
"变更 Changes" sheet and manifest, and by `shopkpi diff`."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

# The store figures compared per shop (store_shops.parquet's columns).
STORE_FIGURES = ("net_sales", "gmv", "orders_paid", "paid_buyers", "refund_rate", "sales_growth")
CHANGE_COLUMNS = ["scope", "figure", "before", "after", "change"]


@dataclass
class VersionChanges:
    version: int
    previous: int
    reason: str
    inputs: list[str] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)  # rows of CHANGE_COLUMNS

    def as_manifest(self) -> dict:
        return {"reason": self.reason, "since": f"v{self.previous}", "inputs": self.inputs, "figures": self.figures}


def read_version(folder: Path) -> dict[str, bytes]:
    """The files of a published version that hold its numbers."""
    return {name: (Path(folder) / name).read_bytes() for name in ("store_shops.parquet", "scorecard_employee.parquet")}


def figure_changes(before: dict[str, bytes], after: dict[str, bytes]) -> list[dict]:
    """Every published number that differs: store figures per shop and company, then each person's KPI
    values and weighted totals. A number that appears or disappears counts as a change."""
    rows: list[dict] = []
    old, new = (_frame(files, "store_shops.parquet") for files in (before, after))
    store = old.merge(new, on=["shop_id", "platform"], how="outer", suffixes=("_before", "_after"))
    for row in store.itertuples(index=False):
        scope = getattr(row, "name_after") if isinstance(getattr(row, "name_after"), str) else getattr(row, "name_before")
        for figure in STORE_FIGURES:
            rows += _changed(scope, figure, getattr(row, f"{figure}_before", None), getattr(row, f"{figure}_after", None))
    old, new = (_frame(files, "scorecard_employee.parquet") for files in (before, after))
    keys = ["employee_id", "role", "shop_id", "kpi_id"]
    people = old[keys + ["value", "weighted_total"]].merge(new[keys + ["value", "weighted_total"]], on=keys, how="outer",
                                                             suffixes=("_before", "_after"))
    for row in people.itertuples(index=False):
        scope = row.employee_id + ("" if row.shop_id == "all" else f" @ {row.shop_id}")
        rows += _changed(scope, row.kpi_id, row.value_before, row.value_after)
    totals = people.drop_duplicates(["employee_id", "shop_id"])
    for row in totals.itertuples(index=False):
        scope = row.employee_id + ("" if row.shop_id == "all" else f" @ {row.shop_id}")
        rows += _changed(scope, "weighted_total 加权总分", row.weighted_total_before, row.weighted_total_after)
    return rows


def _frame(files: dict[str, bytes], name: str) -> pd.DataFrame:
    return pd.read_parquet(io.BytesIO(files[name]))


def _number(value) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else round(number, 6)


def _changed(scope: str, figure: str, before, after) -> list[dict]:
    b, a = _number(before), _number(after)
    if b == a:
        return []
    change = None if a is None or b is None else round(a - b, 6)
    return [{"scope": scope, "figure": figure, "before": b, "after": a, "change": change}]


def changes_text(changes: VersionChanges, limit: int = 40) -> list[str]:
    """The changes as lines for the terminal (`shopkpi diff`)."""
    lines = [f"v{changes.previous} → v{changes.version}: {changes.reason}"]
    lines += [f"  input   {c}" for c in changes.inputs] or ["  input   (none recorded)"]
    shown = changes.figures[:limit]
    for row in shown:
        fmt = lambda v: "—" if v is None else f"{v:,.6g}"  # noqa: E731
        delta = "" if row["change"] is None else f" ({row['change']:+,.6g})"
        lines.append(f"  figure  {row['scope']} · {row['figure']}: {fmt(row['before'])} → {fmt(row['after'])}{delta}")
    if len(changes.figures) > limit:
        lines.append(f"  …and {len(changes.figures) - limit} more changed figures (the version's manifest lists them all)")
    if not changes.figures:
        lines.append("  figure  no published number changed")
    return lines
