"""KPI rules at the month's edges, on a copy of the hand-made month (tests/role_month.py):
a campaign running past the month end, and what a month without an export of a type says."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers import materialize_month, query, write_csv
from tests.role_month import MONTH, ORDER_HEADER

# The shared hand-made month is built once, on one worker (see pytest -n in pyproject.toml).
pytestmark = pytest.mark.xdist_group("role_month")

TRAFFIC_HEADER = ["访客ID", "访问日期", "来源渠道", "着陆页", "浏览量", "新老访客", "是否跳失", "成交订单编号"]


def march_marts(warehouse):
    employees = query(warehouse, "select employee_id, kpi_id, value, numerator, denominator from marts.kpi_employee_monthly "
                                 "where month = ? order by 1, 2", [MONTH])
    campaigns = query(warehouse, "select * from marts.kpi_campaign where month = ? order by campaign_id", [MONTH])
    return employees, campaigns


@pytest.fixture(scope="module")
def march_then_april(role_month, tmp_path_factory):
    """March as built, then April's files arrive and both months are (re)built on a copy."""
    root, built, _ = role_month
    work = tmp_path_factory.mktemp("edges")
    exports, warehouse = work / "exports", work / "warehouse.duckdb"
    shutil.copytree(root / "exports", exports / MONTH)
    shutil.copy(built, warehouse)
    before = march_marts(warehouse)
    april = exports / "2022-04"
    # 1 April: order A1 bought through HD4 (a March campaign running to 2 April), listed in April's 活动订单,
    # and its visitor. April's folder has the roster but no campaign, design, analyst or market export.
    write_csv(april / "orders.csv", ORDER_HEADER,
              [["A1", "b5", "60", "60", "浙江省 杭州市", "2022-04-01 09:00:00", "2022-04-01 09:05:00", "0"]])
    write_csv(april / "campaign_orders.csv", ["活动ID", "订单编号"], [["HD4", "A1"]])
    write_csv(april / "traffic.csv", TRAFFIC_HEADER, [["v9", "2022-04-01", "直通车", "item/I1", "2", "新访客", "否", "A1"]])
    shutil.copy(root / "exports" / "staff.xlsx", april / "staff.xlsx")
    assert materialize_month("2022-04", exports, warehouse).success
    assert materialize_month(MONTH, exports, warehouse).success  # March rebuilt after April arrived
    return warehouse, before


def test_a_campaign_past_the_month_end_never_changes_its_month(march_then_april):
    warehouse, before = march_then_april
    after = march_marts(warehouse)
    assert after == before
    (hd4,) = query(warehouse, "select month, window_orders, campaign_orders from marts.kpi_campaign where campaign_id = 'HD4'")
    assert hd4 == ("2022-03", 0, 0)  # its window is 30-31 March: A1 (1 April) counts on neither side


def test_deliverable_counts_are_no_data_in_a_month_without_that_export(march_then_april):
    warehouse, _ = march_then_april
    april = {(e, k): v for e, k, v in query(
        warehouse, "select employee_id, kpi_id, value from marts.kpi_employee_monthly where month = '2022-04'")}
    # No 活动列表 / 美工任务 / 数据分析周报 / 市场报告 in April: nobody is failed for not delivering.
    for key in (("K2", "campaigns_per_quarter"), ("D1", "design_output"), ("A1", "reports_on_time"), ("M1", "market_reports")):
        assert april[key] is None, key
    march = {(e, k): v for e, k, v in query(
        warehouse, "select employee_id, kpi_id, value from marts.kpi_employee_monthly where month = ?", [MONTH])}
    assert float(march[("M3", "market_reports")]) == 0.0  # loaded in March, nothing delivered
    assert ("M3", "market_reports") not in april  # left on 31 March: not on April's roster
