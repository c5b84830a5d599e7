"""Tmall's 7-column order report: ISO timestamps, no BOM, unpaid orders, no buyer column.

Expected values are worked out by hand below, not read from the pipeline.
"""

from __future__ import annotations

import pytest

from tests.helpers import query, store_kpis

# One worker builds the two Tmall months once (see pytest -n in pyproject.toml).
pytestmark = pytest.mark.xdist_group("tmall")


@pytest.fixture(scope="module")
def tmall_warehouse(tmall_months):
    """January and February 2020 built by `shopkpi backfill` (tests/tmall_months.py)."""
    return tmall_months[1]


def test_february_kpis_by_hand(tmall_warehouse):
    k = {kpi: v[0] for kpi, v in store_kpis(tmall_warehouse, "2020-02").items()}
    assert k["orders_created"] == 5
    assert k["orders_paid"] == 4  # F1 F2 F4 F5
    assert k["gmv"] == 410.00  # 200 + 80 + 40 + 60 + 30
    assert k["paid_gmv"] == 370.00  # 200 + 80 + 60 + 30
    assert k["refund_amount"] == 80.00  # 20 + 60
    assert k["net_sales"] == 290.00  # 180 + 80 + 0 + 0 + 30
    assert k["payment_rate"] == pytest.approx(4 / 5)
    assert k["refund_rate"] == pytest.approx(2 / 4)  # F1 and F4 refunded
    assert k["lost_order_rate"] == pytest.approx(2 / 5)  # F3 unpaid, F4 fully refunded
    assert k["avg_order_value"] == pytest.approx(370 / 4)
    assert k["sales_growth"] == pytest.approx(290 / 100 - 1)  # January's net sales: 100
    # No buyer column in Tmall's layout: buyer-based KPIs are NULL, not 0 and not errors.
    for kpi in ("paid_buyers", "aov", "repeat_rate", "conversion_rate"):
        assert k[kpi] is None, kpi


def test_january_kpis_by_hand(tmall_warehouse):
    k = {kpi: v[0] for kpi, v in store_kpis(tmall_warehouse, "2020-01").items()}
    assert (k["orders_created"], k["orders_paid"], k["gmv"], k["net_sales"]) == (2, 1, 150.00, 100.00)
    assert k["refund_rate"] == 0.0  # one paid order, no refund: 0 / 1
    assert k["lost_order_rate"] == pytest.approx(0.5)
    assert k["sales_growth"] is None  # no December 2019 in the warehouse


def test_province_is_cut_from_unspaced_addresses(tmall_warehouse):
    rows = query(
        tmall_warehouse,
        "select province, net_sales, orders_paid, refund_rate from marts.kpi_store_province_monthly "
        "where month = '2020-02' and shop_id = 'all' and platform = 'all' order by province",
    )
    got = {p: (float(n), o, None if r is None else float(r)) for p, n, o, r in rows}
    assert got == {
        "上海市": (0.0, 1, 1.0),  # F3 unpaid, F4 paid and refunded
        "广东省": (260.0, 2, 0.5),
        "新疆维吾尔自治区": (30.0, 1, 0.0),
    }


def test_months_are_partitions_not_overwrites(tmall_warehouse):
    assert query(tmall_warehouse, "select month, count(*) from marts.fct_orders group by 1 order by 1") == [
        ("2020-01", 2),
        ("2020-02", 5),
    ]


def test_orders_without_a_line_report_have_no_line_summary(tmall_warehouse):
    """Neither Tmall month has a 宝贝报表: fct_orders' line columns are NULL (no data), not 0."""
    assert query(tmall_warehouse, "select count(*), count(line_count), count(line_quantity), count(line_amount), "
                                  "count(closed_line_count) from marts.fct_orders") == [(7, 0, 0, 0, 0)]
