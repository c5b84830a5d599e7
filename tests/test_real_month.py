"""One month built only from what a real team has: the platforms' and tools' downloads in their real
layouts (the real Taobao order export, 赤兔, 多多客服, 万相台, 多多推广, 聚水潭, 生意参谋 商品效果, 拼多多
商品操作记录 and 报名记录) and the templates `shopkpi template all` writes, filled in as a team would
(美工任务, 上新记录, 数据分析周报, 市场报告, 活动列表, the roster and 账号归属). No sheet of this project's own
invention: every role gets a scorecard, and every value says its basis. Values worked out by hand below;
each report's quirks are tested in test_role_reports.py."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from openpyxl import load_workbook

from shopkpi.ingest.layouts import all_layouts
from shopkpi.templates import write_templates
from tests.helpers import REAL_EXPORTS, materialize_month, query, write_csv
from tests.test_role_reports import (ACCOUNTS, CHITU, CHITU_HEADER, ERP, ERP_HEADER, PDD_ADS, PDD_ADS_HEADER, PDD_CS,
                                     PDD_CS_HEADER, PDD_ORDER_HEADER, WANXIANGTAI, WANXIANGTAI_HEADER)

MAY = "2017-05"
T = dt.datetime
ROSTER = [  # 工号, 姓名, 岗位, 团队, 入职日期, 离职日期, 负责店铺
    ("C01", "客服C01", "客服专员"), ("C02", "客服C02", "客服专员"), ("P01", "推广P01", "营销推广专员"),
    ("K1", "策划K1", "策划专员"), ("D1", "美工D1", "美工"), ("E1", "编辑E1", "产品编辑"), ("E2", "编辑E2", "产品编辑"),
    ("W1", "文案W1", "文案"), ("A1", "分析A1", "数据分析师"), ("L01", "物流L01", "物流协调员"), ("M1", "市场M1", "市场分析"),
    ("H1", "渠道H1", "渠道经理")]
LISTING = ["宝贝ID", "编辑", "文案", "计划上架时间", "实际上架时间", "是否抽检", "描述错误", "前台库存", "仓库库存", "检查链接数",
           "失效链接数"]


def fill(templates: dict, layout: str, rows: list[dict], target) -> None:
    """A template as a team fills it: typed cells (dates as dates) in the first sheet, saved as XLSX."""
    book = load_workbook(templates[layout])
    sheet = book.active
    header = [c.value for c in sheet[1]]
    for at, row in enumerate(rows, start=2):
        for name, value in row.items():
            sheet.cell(row=at, column=header.index(name) + 1, value=value)
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)


@pytest.fixture(scope="module")
def real_month(tmp_path_factory):
    root = tmp_path_factory.mktemp("real_month")
    templates = {t.layout.name: t.path for t in write_templates("all", root / "templates", [r[0] for r in ROSTER])}
    exports = root / "exports"
    toyshop, pdd = exports / "taobao_toyshop" / MAY, exports / "pdd_shop" / MAY
    toyshop.mkdir(parents=True)
    for name in ("ExportOrderList.csv", "ExportOrderDetailList.csv"):  # the real shop's order and line exports
        shutil.copy(REAL_EXPORTS / name, toyshop / name)
    write_csv(toyshop / "自定义报表_客服.csv", CHITU_HEADER, CHITU, encoding="gbk")
    write_csv(toyshop / "万相台报表.csv", WANXIANGTAI_HEADER, WANXIANGTAI, encoding="gbk")
    write_csv(toyshop / "订单导出_聚水潭.csv", ["名称：订单导出 2017-05"], [ERP_HEADER, *ERP])
    write_csv(toyshop / "商品效果.csv", ["统计日期", "商品ID", "商品名称", "商品访客数", "商品浏览量"],
              [["2017-05-03", "501", "小车", "40", "120"], ["2017-05-04", "501", "小车", "10", "30"]])
    write_csv(pdd / "订单.csv", [*PDD_ORDER_HEADER, "商品id"], [
        ["P1", "50", "50", "2017-05-20 09:00:00", "无售后或售后取消", "88"],
        ["P2", "30", "30", "2017-05-21 09:00:00", "无售后或售后取消", "99"]])
    write_csv(pdd / "客服数据.csv", PDD_CS_HEADER, PDD_CS)
    write_csv(pdd / "推广中心报表.csv", PDD_ADS_HEADER, PDD_ADS)
    write_csv(pdd / "商品操作记录.csv", ["商品ID", "商品名称", "操作类型", "审核状态", "提交时间", "审核时间"], [
        ["88", "积木", "发布", "审核通过", "2017-05-10 08:00:00", "2017-05-10 09:30:00"],
        ["89", "小车", "发布", "审核通过", "2017-05-10 09:00:00", "2017-05-10 11:00:00"]])
    write_csv(pdd / "报名记录.csv", ["活动ID", "活动名称", "活动类型", "商品ID", "商品名称", "报名时间", "活动商品开始时间",
                                  "活动商品结束时间", "状态"],
              [["B1", "限时秒杀", "限时秒杀", "88", "积木", "2017-05-15 10:00:00", "2017-05-20 00:00:00",
                "2017-05-21 23:59:59", "活动中"]])

    fill(templates, "shopkpi_staff", [{"工号": e, "姓名": n, "岗位": role, "团队": "运营", "入职日期": T(2016, 1, 1)}
                                      for e, n, role in ROSTER], toyshop / "员工花名册.xlsx")
    fill(templates, "shopkpi_staff_accounts", [dict(zip(["工号", "账号", "店铺", "开始日期", "结束日期"],
                                                        [v or None for v in row])) for row in ACCOUNTS],
         toyshop / "账号归属.xlsx")
    fill(templates, "shopkpi_design_tasks", [
        {"任务ID": "T1", "设计师": "D1", "分配时间": T(2017, 5, 2, 9), "截止时间": T(2017, 5, 5, 18),
         "交付时间": T(2017, 5, 5, 17, 30), "审核结果": "通过", "页面数": 2, "图片数": 10},
        {"任务ID": "T2", "设计师": "D1", "分配时间": T(2017, 5, 6, 9), "截止时间": T(2017, 5, 9, 18),
         "交付时间": T(2017, 5, 10, 10), "审核结果": "通过", "页面数": 1, "图片数": 4}], toyshop / "美工任务.xlsx")
    fill(templates, "shopkpi_listings", [
        {"宝贝ID": "501", "编辑": "E2", "文案": "W1", "计划上架时间": T(2017, 5, 2, 10), "实际上架时间": T(2017, 5, 2, 9),
         "是否抽检": "是", "描述错误": "否", "前台库存": 10, "仓库库存": 10, "检查链接数": 4, "失效链接数": 1}],
         toyshop / "上新记录.xlsx")
    fill(templates, "shopkpi_listings", [
        {"宝贝ID": item, "编辑": "E1", "计划上架时间": T(2017, 5, 10, 10), "实际上架时间": T(2017, 5, 10, 9)}
        for item in ("88", "89")], pdd / "上新记录.xlsx")
    fill(templates, "shopkpi_analyst_reports", [
        {"报告ID": "R1", "分析师": "A1", "周开始日期": T(2017, 5, 8), "提交时间": T(2017, 5, 15, 9), "截止时间": T(2017, 5, 15, 12),
         "指标": "订单数", "报告值": 100}], toyshop / "数据分析周报.xlsx")
    fill(templates, "shopkpi_market_reports", [
        {"报告编号": "M-1", "作者": "M1", "报告类型": "市场调研", "提交时间": T(2017, 5, 10, 9), "截止时间": T(2017, 5, 12)},
        {"报告编号": "M-2", "作者": "M1", "报告类型": "竞品分析", "提交时间": T(2017, 5, 5, 9), "截止时间": T(2017, 5, 6)}],
         toyshop / "市场报告.xlsx")
    fill(templates, "shopkpi_campaigns", [
        {"活动ID": "B1", "活动名称": "限时秒杀", "策划人": "K1", "开始时间": T(2017, 5, 20), "结束时间": T(2017, 5, 21, 23, 59, 59),
         "活动成本": 50, "活动页UV": 20, "活动页点击量": 5, "店铺": "pdd_shop"}], toyshop / "活动列表.xlsx")
    warehouse = root / "warehouse.duckdb"
    result = materialize_month(MAY, exports, warehouse, published=root / "published")
    assert result.success
    return warehouse, set(templates)


def test_only_real_layouts_and_the_templates_were_loaded(real_month):
    warehouse, template_layouts = real_month
    own_sheets = {layout.name for layout in all_layouts() if layout.name.startswith("shopkpi_")}
    loaded = {layout for (layout,) in query(warehouse, "select distinct layout from raw.load_audit where month = ?", [MAY])}
    assert loaded & own_sheets <= template_layouts  # every sheet of the team's is one `shopkpi template` writes
    assert query(warehouse, "select count(*) from raw.quarantine where month = ?", [MAY]) == [(0,)]


def test_every_role_has_a_scorecard_and_every_value_its_basis(real_month):
    warehouse, _ = real_month
    roles = {role for (role,) in query(warehouse, "select role from reference.role_catalog where subject = 'employee'")}
    card = query(warehouse, """select role, employee_id, count(value), count(*) filter (where value is not null and basis is null)
                               from marts.scorecard_employee_monthly where month = ? and shop_id = 'all'
                               group by all""", [MAY])
    card += query(warehouse, """select role, employee_id, count(value), 0 from marts.scorecard_employee_monthly
                                where month = ? and role = 'channel_manager' group by all""", [MAY])
    assert {role for role, *_ in card} == roles
    assert all(with_value > 0 for _, _, with_value, _ in card), card
    assert all(unlabelled == 0 for *_, unlabelled in card)


def test_the_values_fed_by_real_reports_worked_out_by_hand(real_month):
    warehouse, _ = real_month
    got = {(e, k): (round(float(v), 6), b) for e, k, v, b in query(
        warehouse, """select employee_id, kpi_id, value, basis from marts.kpi_employee_monthly
                      where month = ? and shop_id = 'all' and value is not null""", [MAY])}
    # 聚水潭: L01's shipped orders J1001 24 h, J1002 60 h, J1003 12 h: median 24 (test_role_reports)
    assert got[("L01", "ship_hours")] == (24.0, "exact")
    # 赤兔 + 多多客服: C01's (4 + 6) / (10 + 12), 小美's 6th still 延迟统计
    assert got[("C01", "consult_conversion")] == (round(10 / 22, 6), "exact")
    # 万相台 + 多多推广: P01's attributed sales 2,100 / spend 600
    assert got[("P01", "spend_roi")] == (3.5, "exact")
    # 商品操作记录: 88 live 09:30 (by 10:00), 89 at 11:00 (late): 1 / 2
    assert got[("E1", "listing_on_time")] == (0.5, "exact")
    # 商品效果 of item 501 (W1's copy): (120 + 30) / (40 + 10)
    assert got[("W1", "pv_per_uv")] == (3.0, "approximate")
    # 报名记录: B1's days 05-20 … 05-21: P1 has goods 88, P2 does not: 1 / 2
    assert got[("K1", "campaign_order_share")] == (0.5, "approximate")
    # templates: D1's T1 by its due time, T2 a day late: 1 / 2; M1's competitor report before its deadline
    assert got[("D1", "design_on_time")] == (0.5, "team sheet")
    assert got[("M1", "competitor_report_on_time")] == (1.0, "team sheet")
