"""Every kpi_id of the KPI catalog is in the registry and has rows for the demo month."""

from __future__ import annotations

import re

import pytest

from shopkpi.settings import PROJECT_ROOT
from tests.helpers import query

# One worker builds the shared demo month once (see pytest -n in pyproject.toml).
pytestmark = pytest.mark.xdist_group("demo")


CATALOG = PROJECT_ROOT.parent / "shared" / "docs" / "kpi-catalog.md"


def catalog_kpi_ids() -> set[str]:
    ids = set()
    for line in CATALOG.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*([a-z][a-z0-9_]*)\s*\|", line)
        if match and match.group(1) != "kpi_id":
            ids.add(match.group(1))
    return ids


def test_catalog_parses_to_all_sections():
    assert len(catalog_kpi_ids()) == 56


def test_registry_holds_every_catalog_kpi(demo_run):
    _, warehouse = demo_run
    registry = {k for (k,) in query(warehouse, "select kpi_id from reference.kpi_registry")}
    assert catalog_kpi_ids() - registry == set()


def test_every_catalog_kpi_has_rows_after_the_demo(demo_run):
    _, warehouse = demo_run
    rows = query(
        warehouse,
        "select kpi_id, count(*), count(value) from marts.kpi_store_monthly where month = '2017-05' "
        "and shop_id = 'all' and platform = 'all' group by 1 "
        "union all select kpi_id, count(*), count(value) from marts.kpi_employee_monthly where month = '2017-05' group by 1",
    )
    counts = {k: (n, with_value) for k, n, with_value in rows}
    assert catalog_kpi_ids() - set(counts) == set()
    # Every KPI is computable on the demo, except month-over-month growth (no April 2017 loaded),
    # market share (no 生意参谋 market export) and on-time shipment (no ERP export in this single-shop month).
    assert {k for k, (_, with_value) in counts.items() if with_value == 0} == {
        "sales_growth", "channel_sales_growth", "channel_market_share", "on_time_shipment"}
