"""KPI rules at the month's edges, on a copy of the hand-made month (tests/role_month.py):
a campaign running past the month end, and what a month without an export of a type says."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers import materialize_month, query, write_csv
from tests.role_month import MONTH, ORDER_HEADER, TRAFFIC

# The shared hand-made month is built once, on one worker (see pytest -n in pyproject.toml).
pytestmark = pytest.mark.xdist_group("role_month")

SESSION_HEADER = ["会话ID", "客服工号", "买家", "首条消息时间", "首次回复时间", "消息数", "违规用语数", "转化订单编号",
                  "满意度评价", "是否投诉", "投诉是否解决"]
TRAFFIC_HEADER = ["访客ID", "访问日期", "来源渠道", "着陆页", "浏览量", "新老访客", "是否跳失", "成交订单编号"]


def march_marts(warehouse):
    employees = query(warehouse, "select employee_id, kpi_id, value, numerator, denominator from marts.kpi_employee_monthly "
                                 "where month = ? and shop_id = 'all' order by 1, 2", [MONTH])
    campaigns = query(warehouse, "select * from marts.kpi_campaign where month = ? order by campaign_id", [MONTH])
    return employees, campaigns


@pytest.fixture(scope="module")
def march_then_april(role_month, tmp_path_factory):
    """March built, then April's files arrive: April is built and March rebuilt, in a warehouse of its own.
    March's visitor log gains v9 on 31 March through 直通车 (a paid channel that month) buying A1, an order
    created at 09:00 on 1 April (the evening visit, paid after midnight)."""
    root, _, _ = role_month
    work = tmp_path_factory.mktemp("edges")
    exports, warehouse = work / "exports", work / "warehouse.duckdb"
    shutil.copytree(root / "exports", exports / MONTH)
    write_csv(exports / MONTH / "traffic.csv", TRAFFIC_HEADER,
              TRAFFIC + [["v9", "2022-03-31", "直通车", "item/I1", "2", "新访客", "否", "A1"]])
    assert materialize_month(MONTH, exports, warehouse).success
    before = march_marts(warehouse)
    april = exports / "2022-04"
    # 1 April: order A1 bought through HD4 (a March campaign running to 2 April), listed in April's 活动订单,
    # and a visitor that day. April's folder has the roster but no campaign, design, analyst or market export.
    write_csv(april / "orders.csv", ORDER_HEADER,
              [["A1", "b5", "60", "60", "浙江省 杭州市", "2022-04-01 09:00:00", "2022-04-01 09:05:00", "0"]])
    write_csv(april / "campaign_orders.csv", ["活动ID", "订单编号"], [["HD4", "A1"]])
    write_csv(april / "traffic.csv", TRAFFIC_HEADER, [["v10", "2022-04-01", "自然搜索", "home", "1", "新访客", "是", ""]])
    shutil.copy(root / "exports" / "staff.xlsx", april / "staff.xlsx")
    # C1 chats in April too; a 差评 about service arrives on 2 April for O1, which C1 converted in March (S1).
    write_csv(april / "sessions.csv", SESSION_HEADER,
              [["S9", "C1", "b7", "2022-04-03 10:00:00", "2022-04-03 10:00:05", "2", "0", "", "", "否", ""]])
    write_csv(april / "reviews.csv", ["订单编号", "评价", "评价标签", "评价时间", "评价内容"],
              [["O1", "差评", "服务态度", "2022-04-02 10:00:00", "慢"]])
    assert materialize_month("2022-04", exports, warehouse).success
    assert materialize_month(MONTH, exports, warehouse).success  # March rebuilt after April arrived
    return warehouse, before


def test_a_campaign_past_the_month_end_never_changes_its_month(march_then_april):
    warehouse, before = march_then_april
    after = march_marts(warehouse)
    assert after == before
    (hd4,) = query(warehouse, "select month, window_orders, campaign_orders from marts.kpi_campaign where campaign_id = 'HD4'")
    # HD4 runs 30 March - 2 April: credited to April, the month it ends, over all four days. The shop's paid
    # orders on those days: A1 (1 April; March has none after the 15th), listed in April's 活动订单 -> 1 and 1.
    # (The test asserted ('2022-03', 0, 0) before: April's days were counted nowhere.)
    assert hd4 == ("2022-04", 1, 1)


def test_deliverable_counts_are_no_data_in_a_month_without_that_export(march_then_april):
    warehouse, _ = march_then_april
    april = {(e, k): v for e, k, v in query(
        warehouse, "select employee_id, kpi_id, value from marts.kpi_employee_monthly where month = '2022-04' and shop_id = 'all'")}
    # No 活动列表 / 美工任务 / 数据分析周报 / 市场报告 in April: nobody is failed for not delivering.
    for key in (("K2", "campaigns_per_quarter"), ("D1", "design_output"), ("A1", "reports_on_time"), ("M1", "market_reports")):
        assert april[key] is None, key
    march = {(e, k): v for e, k, v in query(
        warehouse, "select employee_id, kpi_id, value from marts.kpi_employee_monthly where month = ? and shop_id = 'all'", [MONTH])}
    assert float(march[("M3", "market_reports")]) == 0.0  # loaded in March, nothing delivered
    assert ("M3", "market_reports") not in april  # left on 31 March: not on April's roster


def test_a_visit_on_the_last_evening_is_attributed_once_in_the_orders_month(march_then_april):
    warehouse, _ = march_then_april
    rows = query(warehouse, "select month, order_id, channel, owner_id, paid_amount from intermediate.int_paid_channel_orders "
                            "where order_id = 'A1'")
    # v9's visit (31 March, 直通车 owned by P1 in March's ad report) bought A1 (1 April, 60.00): April, once.
    assert [(m, o, c, p, float(a)) for m, o, c, p, a in rows] == [("2022-04", "A1", "直通车", "P1", 60.0)]


def test_a_bad_review_after_the_month_counts_once_in_the_month_it_arrives(march_then_april):
    warehouse, _ = march_then_april
    counts = dict(query(warehouse, "select month, value from marts.kpi_employee_monthly "
                                   "where employee_id = 'C1' and kpi_id = 'bad_reviews' and shop_id = 'all'"))
    # O1's 服务态度 差评 arrives in April's review sheet; C1 converted O1 in March (S1): it counts in April, once,
    # and March keeps its own (O2's, 1). (The test asserted April 0 before: the review was counted nowhere.)
    assert {m: float(v) for m, v in counts.items()} == {"2022-03": 1.0, "2022-04": 1.0}


def _scans(node):
    """Every table scan of a DuckDB JSON plan: (table, filters)."""
    info = node.get("extra_info", {})
    if isinstance(info, dict) and "Table" in info:
        yield info["Table"], str(info.get("Filters", ""))
    for child in node.get("children", []):
        yield from _scans(child)


def test_the_promotion_facts_of_a_build_read_int_orders_of_its_month_only(march_then_april):
    """kpi_employee_monthly reads int_promotion_kpis for the build month, but its orders are the right
    side of a left join, which that filter never reaches: every build scanned every month's int_orders
    (10M orders a month: 249 of 331 row groups in month 4). The other role views probe int_orders with
    a join on a month-filtered side, whose join filter prunes it at run time. (int_orders is now a view
    of raw.orders on DuckDB: the filter must reach that scan.)"""
    import json

    import duckdb

    warehouse, _ = march_then_april
    con = duckdb.connect(str(warehouse), read_only=True)
    plan = json.loads(con.execute("explain (format json) select * from intermediate.int_promotion_kpis where month = ?",
                                  [MONTH]).fetchall()[0][1])
    con.close()
    filters = [f for root in plan for table, f in _scans(root) if table.endswith((".int_orders", ".raw.orders"))]
    assert filters and all("month" in f for f in filters), filters
