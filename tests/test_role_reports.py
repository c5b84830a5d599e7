"""The real reports behind the roles (../shared/docs/role-sources.md), loaded from fixtures written by
hand from their headers, with their quirks: summary rows, late cells, GBK, durations as text, a
renamed column, percents either way, minutes. Every expected value is worked out in the comments."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from shopkpi.ingest.load import load_month
from tests.helpers import write_csv

MAY = "2017-05"
ORDER_HEADER = ["订单编号", "买家会员名", "总金额", "买家实际支付金额", "订单创建时间", "订单付款时间", "退款金额"]
PDD_ORDER_HEADER = ["订单号", "商品总价(元)", "用户实付金额(元)", "订单成交时间", "售后状态"]

# 赤兔 custom report of the Taobao shop, saved in GBK: the shop chose 咨询人数 (the older name of 聊天人数),
# and left out 慢接待人数. 小美's 6th: 询单->最终付款人数 still 延迟统计 (the payment window is open).
CHITU_HEADER = ["日期", "客服昵称", "咨询人数", "接待人数", "询单人数", "询单->最终付款人数", "销售额", "首次响应(秒)",
                "平均响应(秒)", "回复率", "服务满意度评价很满意", "服务满意度评价满意", "服务满意度评价一般",
                "服务满意度评价不满", "服务满意度评价很不满"]
CHITU = [
    ["2017-05-05", "玩具店:小美", "20", "18", "10", "4", "￥1,200.50", "12", "1分05秒", "95%", "3", "1", "1", "0", "0"],
    ["2017-05-06", "玩具店:小美", "10", "9", "5", "延迟统计", "300", "00:00:20", "00:01:10", "0.9", "1", "0", "0", "1", "0"],
    ["2017-05-05", "玩具店:阿强", "8", "8", "4", "1", "1.2万", "40", "2分", "100%", "0", "1", "0", "0", "1"],
    ["", "汇总", "38", "35", "19", "5", "13500.50", "", "", "", "4", "2", "1", "1", "1"],
    ["", "均值", "12.7", "11.7", "6.3", "1.7", "4500.17", "24", "85", "95%", "1.3", "0.7", "0.3", "0.3", "0.3"],
]
# 多多客服 of the Pinduoduo shop: 平均人工响应时长（分钟） in minutes, a 平均 row, percents as 98.5%.
PDD_CS_HEADER = ["日期", "客服账号", "咨询人数", "人工接待人数", "询单人数", "最终成团人数", "客服销售额（元）",
                 "3分钟未回复人数", "30秒应答率（8-23点）", "平均人工响应时长（分钟）", "评分数", "评分≤3订单数"]
PDD_CS = [
    ["2017-05-07", "pdd_kf01", "30", "28", "12", "6", "560.00", "1", "98.5%", "1.5", "10", "1"],
    ["2017-05-08", "pdd_kf01", "-", "20", "8", "2", "--", "0", "100%", "0:45", "5", "0"],
    ["", "平均", "25", "24", "10", "4", "280", "0.5", "99%", "1.1", "7.5", "0.5"],
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("role_reports")
    toyshop, pdd = root / "taobao_toyshop" / MAY, root / "pdd_shop" / MAY
    write_csv(toyshop / "订单报表.csv", ORDER_HEADER,
              [["T1", "b1", "100", "100", "2017-05-03 10:00:00", "2017-05-03 10:05:00", "0"]])
    write_csv(toyshop / "自定义报表_客服_下单优先判定_20170501至20170531.csv", CHITU_HEADER, CHITU, encoding="gbk")
    write_csv(pdd / "订单.csv", PDD_ORDER_HEADER, [["P1", "50", "50", "2017-05-04 09:00:00", "无售后或售后取消"]])
    write_csv(pdd / "客服数据.csv", PDD_CS_HEADER, PDD_CS)
    con = duckdb.connect()
    result = load_month(con, MAY, {"taobao_toyshop": toyshop, "pdd_shop": pdd})
    yield con, result
    con.close()


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_every_cs_row_is_an_account_the_summary_rows_are_counted_and_nothing_is_lost(loaded):
    con, _ = loaded
    # 3 accounts' rows of 赤兔 + 2 of 多多客服; 汇总 and 均值 (赤兔) and 平均 (多多客服) are no account
    assert rows(con, "select shop_id, account from raw.cs_daily order by shop_id, source_row") == [
        ("pdd_shop", "pdd_kf01"), ("pdd_shop", "pdd_kf01"),
        ("taobao_toyshop", "玩具店:小美"), ("taobao_toyshop", "玩具店:小美"), ("taobao_toyshop", "玩具店:阿强")]
    audit = {r[0]: r[1:] for r in rows(con, """select layout, rows_read, rows_loaded, rows_quarantined, rows_summary,
                                                      late_cells from raw.load_audit where report_type = 'cs_daily'""")}
    # read 5 = loaded 3 + summary 2; read 3 = loaded 2 + summary 1; the one late cell is 小美's 6th
    assert audit == {"chitu_cs_report": (5, 3, 0, 2, 1), "pinduoduo_cs_data": (3, 2, 0, 1, 0)}
    assert rows(con, "select count(*) from raw.quarantine") == [(0,)]


def test_cell_formats_become_numbers_seconds_and_ratios(loaded):
    con, _ = loaded
    got = rows(con, """select account, strftime(day, '%d'), consulted, served, inquiries, inquiries_paid, sales_amount,
                              first_response_s, avg_response_s, reply_rate, ratings_very_satisfied, ratings_dissatisfied
                       from raw.cs_daily where shop_id = 'taobao_toyshop' order by source_row""")
    D = Decimal
    assert got == [
        # ￥1,200.50 -> 1200.50; 1分05秒 -> 65 s; 95% -> 0.95
        ("玩具店:小美", "05", 20, 18, 10, 4, D("1200.50"), D("12"), D("65"), D("0.95"), 3, 0),
        # 延迟统计 -> NULL (late); 00:00:20 -> 20 s; 00:01:10 -> 70 s; 0.9 stays 0.9
        ("玩具店:小美", "06", 10, 9, 5, None, D("300.00"), D("20"), D("70"), D("0.9"), 1, 1),
        # 1.2万 -> 12000; 2分 -> 120 s; 100% -> 1
        ("玩具店:阿强", "05", 8, 8, 4, 1, D("12000.00"), D("40"), D("120"), D("1"), 0, 0),
    ]
    got = rows(con, """select consulted, sales_amount, unreplied, answered_30s_rate, avg_response_s, ratings, bad_ratings
                       from raw.cs_daily where shop_id = 'pdd_shop' order by source_row""")
    assert got == [
        # 98.5% -> 0.985; 1.5 minutes -> 90 s
        (30, D("560.00"), 1, D("0.985"), D("90"), 10, 1),
        # - and -- are empty; 0:45 (minutes:seconds) -> 45 s
        (None, None, 0, D("1"), D("45"), 5, 0),
    ]


def test_a_later_download_of_the_same_days_replaces_the_earlier_and_fills_its_late_cell(tmp_path):
    """The 赤兔 report downloaded on the 7th (小美's 6th still 延迟统计) and again on the 20th as
    `… (1).csv` (the 6th now final: 2 paid), and a second 多多客服 download covering the 8th and 9th (a day in
    common with the first). Per shop and account-day the later download wins: nothing counted twice, the
    earlier file's replaced rows are counted in raw.load_audit with the file that replaced them."""
    import os

    toyshop, pdd = tmp_path / "taobao_toyshop" / MAY, tmp_path / "pdd_shop" / MAY
    write_csv(toyshop / "订单报表.csv", ORDER_HEADER, [["T1", "b1", "100", "100", "2017-05-03 10:00:00", "2017-05-03 10:05:00", "0"]])
    early = write_csv(toyshop / "自定义报表_客服.csv", CHITU_HEADER, CHITU, encoding="gbk")
    refilled = [row[:5] + ["2"] + row[6:] if row[1] == "玩具店:小美" and row[0] == "2017-05-06" else row for row in CHITU]
    late = write_csv(toyshop / "自定义报表_客服 (1).csv", CHITU_HEADER, refilled, encoding="gbk")
    # copied without their times (cp, unzip): the browser's (1) says which download is later
    os.utime(early, ns=(2_000_000_000_000_000_000, 2_000_000_000_000_000_000))
    os.utime(late, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    write_csv(pdd / "订单.csv", PDD_ORDER_HEADER, [["P1", "50", "50", "2017-05-04 09:00:00", "无售后或售后取消"]])
    first = write_csv(pdd / "客服数据_0507-0508.csv", PDD_CS_HEADER, PDD_CS)
    second = write_csv(pdd / "客服数据_0508-0509.csv", PDD_CS_HEADER, [
        ["2017-05-08", "pdd_kf01", "22", "21", "9", "3", "600.00", "0", "100%", "0:45", "5", "0"],
        ["2017-05-09", "pdd_kf01", "12", "12", "4", "1", "100.00", "0", "100%", "0:30", "2", "0"]])
    os.utime(first, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    os.utime(second, ns=(1_000_000_001_000_000_000, 1_000_000_001_000_000_000))
    con = duckdb.connect()
    load_month(con, MAY, {"taobao_toyshop": toyshop, "pdd_shop": pdd})
    # one row per shop, account and day: 赤兔's 3 account-days (from the (1) download), 多多客服's 7th (first file
    # only), 8th (the second file's 9 inquiries, not the first's 8) and 9th
    assert rows(con, """select account, strftime(day, '%d'), inquiries, inquiries_paid, source_file from raw.cs_daily
                        order by account, day""") == [
        ("pdd_kf01", "07", 12, 6, "pdd_shop/客服数据_0507-0508.csv"),
        ("pdd_kf01", "08", 9, 3, "pdd_shop/客服数据_0508-0509.csv"),
        ("pdd_kf01", "09", 4, 1, "pdd_shop/客服数据_0508-0509.csv"),
        ("玩具店:小美", "05", 10, 4, "taobao_toyshop/自定义报表_客服 (1).csv"),
        ("玩具店:小美", "06", 5, 2, "taobao_toyshop/自定义报表_客服 (1).csv"),
        ("玩具店:阿强", "05", 4, 1, "taobao_toyshop/自定义报表_客服 (1).csv")]
    audit = rows(con, """select source_file, rows_read, rows_loaded, rows_summary, rows_superseded, superseded_by, late_cells
                         from raw.load_audit where report_type = 'cs_daily' order by source_file""")
    assert audit == [
        ("pdd_shop/客服数据_0507-0508.csv", 3, 1, 1, 1, "pdd_shop/客服数据_0508-0509.csv", 0),
        ("pdd_shop/客服数据_0508-0509.csv", 2, 2, 0, 0, None, 0),
        # every row of the first download was replaced: its late cell is no longer in the month
        ("taobao_toyshop/自定义报表_客服 (1).csv", 5, 3, 2, 0, None, 0),
        ("taobao_toyshop/自定义报表_客服.csv", 5, 0, 2, 3, "taobao_toyshop/自定义报表_客服 (1).csv", 0)]


def test_a_legacy_xls_download_loads_and_a_web_page_named_xls_is_refused_in_one_line(tmp_path):
    """生意参谋 商品效果 as the legacy .xls it downloads (tests/fixtures, written by xlwt from role-sources.md's
    headers): title rows above the header, dates as date cells, counts as numbers, 1分05秒 as text. Read
    like an XLSX. A web page saved as .xls (some back-ends send one) is listed as not used, with why."""
    from pathlib import Path

    folder = tmp_path / "taobao_toyshop" / MAY
    write_csv(folder / "订单报表.csv", ORDER_HEADER, [["T1", "b1", "100", "100", "2017-05-03 10:00:00", "2017-05-03 10:05:00", "0"]])
    (folder / "商品效果.xls").write_bytes((Path(__file__).parent / "fixtures" / "生意参谋_商品效果.xls").read_bytes())
    (folder / "商品排行.xls").write_text("<html><table><tr><td>商品ID</td></tr></table></html>", encoding="utf-8")
    con = duckdb.connect()
    result = load_month(con, MAY, {"taobao_toyshop": folder})
    D = Decimal
    assert rows(con, """select strftime(day, '%m-%d'), item_id, item_uv, item_pv, avg_stay_s, bounce_rate, paid_amount
                        from raw.item_daily order by day""") == [
        ("05-03", "501", 40, 120, D("65"), D("0.455"), D("300.50")), ("05-04", "501", 10, 30, D("50"), D("0.4"), D("1000.00"))]
    assert rows(con, "select encoding, rows_read, rows_loaded from raw.load_audit where report_type = 'item_daily'") == [
        ("xls", 2, 2)]
    assert result.skipped == {"taobao_toyshop/商品排行.xls": "a web page saved as .xls, not a spreadsheet: open it in "
                                                             "Excel or WPS and save it as XLSX"}


def test_a_header_in_full_width_brackets_matches_its_half_width_spelling():
    from shopkpi.ingest.layouts import normalise_header

    assert normalise_header("30秒应答率（8-23点）") == normalise_header("30秒应答率(8-23点)") == "30秒应答率(8-23点)"
    assert normalise_header("客服销售额（元）") == normalise_header("客服销售额(元)") == "客服销售额"
    assert normalise_header("首次响应（秒）") == "首次响应"


# -- one month scored from the CS reports only, through Dagster, dbt and GX ----------------------------
STAFF_HEADER = ["工号", "姓名", "岗位", "团队", "入职日期", "离职日期", "负责店铺"]
STAFF = [["C01", "员工C01", "客服专员", "客服", "2016-01-01", "", ""],
         ["C02", "员工C02", "客服专员", "客服", "2016-01-01", "", ""],
         ["P01", "员工P01", "营销推广专员", "推广", "2016-01-01", "", ""],
         ["L01", "员工L01", "物流协调员", "物流", "2016-01-01", "", ""]]
# 账号归属: C01 holds 小美 (named without its shop prefix) all month and pdd_kf01 until the 7th; C02 takes
# pdd_kf01 over on the 8th. 玩具店:阿强 is nobody's: kept, listed, never credited.
ACCOUNTS_HEADER = ["工号", "账号", "店铺", "开始日期", "结束日期"]
ACCOUNTS = [["C01", "小美", "taobao_toyshop", "", ""],
            ["C01", "pdd_kf01", "pdd_shop", "2017-05-01", "2017-05-07"],
            ["C02", "pdd_kf01", "pdd_shop", "2017-05-08", ""],
            # P01 holds a 万相台 plan of the Taobao shop and a 多多推广 plan; 积木计划 is nobody's
            ["P01", "玩具车计划", "taobao_toyshop", "", ""],
            ["P01", "拼多多玩具计划", "pdd_shop", "", ""],
            # L01 ships for both shops: the Taobao shop by its 聚水潭 name, the Pinduoduo shop by its shop_id. P01
            # also "holds" the ERP name (say, an ad account named like the shop): not a coordinator, so no rival
            ["L01", "淘宝-玩具店", "", "", ""],
            ["L01", "pdd_shop", "", "", ""],
            ["P01", "淘宝-玩具店", "", "", ""]]
# 聚水潭 order export, one file for both shops (in the Taobao shop's folder), a title row above the header,
# one row per order line (J1001 has two), 商品编码/数量 not read. 店铺名称: 淘宝-玩具店 is taobao_toyshop's
# name in seeds/shops.csv `names`, 拼多多店 pdd_shop's name_zh; 旧店铺 is no shop's: kept, listed, not credited.
ERP_HEADER = ["内部订单号", "线上订单号", "店铺名称", "付款日期", "计划发货时间", "发货日期", "承诺送达时间", "确认收货时间",
              "快递公司", "商品编码", "数量"]
ERP = [["J1001", "T1", "淘宝-玩具店", "2017-05-03 10:05:00", "2017-05-05 10:05:00", "2017-05-04 10:05:00",
        "2017-05-07", "2017-05-06 12:00:00", "中通", "SKU1", "1"],
       ["J1001", "T1", "淘宝-玩具店", "2017-05-03 10:05:00", "2017-05-05 10:05:00", "2017-05-04 10:05:00",
        "2017-05-07", "2017-05-06 12:00:00", "中通", "SKU2", "2"],
       ["J1002", "T2", "淘宝-玩具店", "2017-05-10 08:00:00", "2017-05-11 08:00:00", "2017-05-12 20:00:00",
        "2017-05-15", "2017-05-16 09:00:00", "圆通", "SKU1", "1"],
       ["J1003", "P1", "拼多多店", "2017-05-04 09:00:00", "2017-05-06 09:00:00", "2017-05-04 21:00:00",
        "", "2017-05-07 10:00:00", "韵达", "SKU3", "1"],
       ["J1004", "P2", "拼多多店", "2017-05-20 09:00:00", "2017-05-22 09:00:00", "", "", "", "", "SKU3", "1"],
       ["J1005", "X9", "旧店铺", "2017-05-08 09:00:00", "2017-05-10 09:00:00", "2017-05-09 09:00:00",
        "", "", "申通", "SKU9", "1"]]
# 聚水潭 售后单 for both shops: a Taobao return, a Pinduoduo exchange, a closed shop's refund (no shop: listed)
ERP_CASES_HEADER = ["售后单号", "内部订单号", "店铺名称", "线上订单号", "售后类型", "状态", "登记时间", "商品编码", "申请数量"]
ERP_CASES = [["S1", "J1001", "淘宝-玩具店", "T1", "退货退款", "已确认", "2017-05-08 10:00:00", "SKU1", "1"],
             ["S2", "J1003", "拼多多店", "P1", "换货", "已确认", "2017-05-09 10:00:00", "SKU3", "1"],
             ["S3", "J1005", "旧店铺", "X9", "仅退款", "已确认", "2017-05-10 10:00:00", "SKU9", "1"]]
# 万相台 in GBK, amounts with ￥ and separators, 展现量 in 万
WANXIANGTAI_HEADER = ["日期", "场景名字", "主体ID", "主体名称", "展现量", "点击量", "花费", "总成交笔数", "总成交金额", "引导访问量",
                      "引导访问人数", "成交人数", "成交新客数"]
WANXIANGTAI = [["2017-05-03", "关键词推广", "1001", "玩具车计划", "10,000", "300", "￥150.00", "3", "600.00", "200", "180", "3", "1"],
               ["2017-05-04", "关键词推广", "1001", "玩具车计划", "1.2万", "400", "250.00", "5", "1,000.00", "300", "250", "5", "2"],
               ["2017-05-04", "人群推广", "1002", "积木计划", "5000", "100", "100.00", "0", "0", "-", "-", "0", "0"]]
PDD_ADS_HEADER = ["日期", "推广场景", "推广名称", "商品ID", "总花费(元)", "交易额(元)", "成交笔数", "曝光量", "点击量"]
PDD_ADS = [["2017-05-05", "全站推广", "拼多多玩具计划", "88", "200.00", "500.00", "4", "8000", "200"]]


@pytest.fixture(scope="module")
def reports_month(tmp_path_factory):
    from tests.helpers import materialize_month

    root = tmp_path_factory.mktemp("reports_month")
    exports, toyshop, pdd = root / "exports", root / "exports" / "taobao_toyshop" / MAY, root / "exports" / "pdd_shop" / MAY
    write_csv(toyshop / "订单报表.csv", ORDER_HEADER,
              [["T1", "b1", "100", "100", "2017-05-03 10:00:00", "2017-05-03 10:05:00", "0"]])
    write_csv(toyshop / "自定义报表_客服_下单优先判定_20170501至20170531.csv", CHITU_HEADER, CHITU, encoding="gbk")
    write_csv(toyshop / "员工花名册.csv", STAFF_HEADER, STAFF)
    write_csv(toyshop / "账号归属.csv", ACCOUNTS_HEADER, ACCOUNTS)
    write_csv(toyshop / "万相台报表.csv", WANXIANGTAI_HEADER, WANXIANGTAI, encoding="gbk")
    write_csv(pdd / "推广中心报表.csv", PDD_ADS_HEADER, PDD_ADS)
    write_csv(pdd / "订单.csv", PDD_ORDER_HEADER, [["P1", "50", "50", "2017-05-04 09:00:00", "无售后或售后取消"]])
    write_csv(pdd / "客服数据.csv", PDD_CS_HEADER, PDD_CS)
    write_csv(toyshop / "订单导出_聚水潭.csv", ["名称：订单导出 2017-05"], [ERP_HEADER, *ERP])
    write_csv(toyshop / "售后单_聚水潭.csv", ERP_CASES_HEADER, ERP_CASES)
    warehouse = root / "warehouse.duckdb"
    result = materialize_month(MAY, exports, warehouse, published=root / "published")
    assert result.success
    return warehouse


def kpis(warehouse, employee: str) -> dict[str, tuple]:
    from tests.helpers import query

    return {k: (None if v is None else round(float(v), 6), basis) for k, v, basis in query(
        warehouse, """select kpi_id, value, basis from marts.kpi_employee_monthly
                      where month = ? and employee_id = ? and shop_id = 'all'""", [MAY, employee])}


def test_cs_kpis_from_the_reports_sum_numerators_and_denominators_across_shops_and_accounts(reports_month):
    c01 = kpis(reports_month, "C01")
    # C01's rows: 小美 5th (询单 10, paid 4), 小美 6th (询单 5, paid 延迟统计: out of the rate), pdd_kf01 7th (12, 6):
    # (4 + 6) / (10 + 12) = 10 / 22, not a mean of daily rates
    assert c01["consult_conversion"] == (round(10 / 22, 6), "exact")
    # first response weighted by customers served: 12 s × 18, 20 s × 9, and pdd_kf01's mean response 90 s × 28
    # (no first-response column): (216 + 180 + 2520) / (18 + 9 + 28) = 2916 / 55
    assert c01["first_response_s"] == (round(2916 / 55, 6), "approximate")
    # (很满意 + 满意) / ratings over the rows that give both: 小美 5th 4 of 5, 6th 1 of 2 (多多客服 gives no
    # satisfied count): 5 / 7
    assert c01["satisfaction"] == (round(5 / 7, 6), "exact")
    # 不满 + 很不满: 0 + 1 (小美), and 评分≤3订单数 1 (pdd_kf01 on the 7th)
    assert c01["bad_reviews"] == (2.0, "approximate")
    # answered: (咨询人数 − 3分钟未回复人数) / 咨询人数 on the one row giving both: (30 − 1) / 30
    assert c01["reply_within_24h"] == (round(29 / 30, 6), "approximate")
    # no row gives a refund amount; no report counts violations: no data, never 0
    assert c01["cs_refund_rate"] == (None, None) and c01["violations"] == (None, None)
    c02 = kpis(reports_month, "C02")
    # pdd_kf01 from the 8th: 2 / 8; its mean response 0:45 = 45 s over 20 served
    assert c02["consult_conversion"] == (0.25, "exact")
    assert c02["first_response_s"] == (45.0, "approximate")
    # 30秒应答率 100% of 20 served: round(20 × 0) = 0 slow
    assert c02["slow_responses"] == (0.0, "approximate")
    # gmv_index: C01's sales 1,200.50 + 300 + 560 = 2,060.50; C02's only row says -- (no data): the mean over the
    # agents with sales is C01's own, so 1.0; C02 has none
    assert c01["gmv_index"] == (1.0, "exact") and c02["gmv_index"] == (None, None)


def test_an_account_nobody_holds_is_kept_listed_by_the_audit_and_credited_to_nobody(reports_month):
    from tests.helpers import query

    unmapped = query(reports_month, """select shop_id, account, unmapped_reason, sum(served) from intermediate.int_cs_account_days
                                  where month = ? and employee_id is null group by all""", [MAY])
    assert unmapped == [("taobao_toyshop", "玩具店:阿强", "no account mapping covers it", 8)]
    unheld_plans = query(reports_month, """select shop_id, plan_name, unmapped_reason, sum(spend) from intermediate.int_ad_plan_days
                                           where month = ? and employee_id is null group by all""", [MAY])
    assert unheld_plans == [("taobao_toyshop", "积木计划", "no account mapping covers it", Decimal("100.00"))]
    # the audit names it with its volume (8 customers served, sales 1.2万 = 12,000.00)
    from shopkpi.quality.audit import audit_month

    report = audit_month(reports_month, MAY, reports_month.parent / "published")
    assert [(a["report"], a["account"], a["customers_served"], float(a["sales_amount"]), a["spend"])
            for a in report.unmapped_accounts if not a["report"].endswith("(ERP)")] == [
                ("customer service", "玩具店:阿强", 8, 12000.0, None),
                                                   ("promotion", "积木计划", None, 0.0, Decimal("100.00"))]
    assert "玩具店:阿强" in (report.data_docs / "audit.html").read_text(encoding="utf-8")


def test_the_workbook_and_the_report_say_what_each_value_was_computed_from(reports_month):
    from openpyxl import load_workbook

    published = reports_month.parent / "published" / MAY / "v1"
    sheet = load_workbook(published / "scorecard.xlsx")["客服专员 customer_service"]
    header = [c.value for c in sheet[2]]
    value_from = header.index("数值依据 Value from (exact 精确 / approximate 近似 / team sheet 团队表)")
    source, kpi = header.index("来源报表 Source report"), header.index("KPI (English)")
    employee = header.index("员工 Employee")
    rows = {(r[employee], r[kpi]): (r[value_from], r[source]) for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows[("C01", "Consultation conversion")] == ("exact", "cs_daily")
    assert rows[("C01", "First response time (s)")] == ("approximate", "cs_daily")
    assert rows[("C01", "Forbidden-phrase violations")] == (None, None)  # no report counts them: no data, no basis
    page = (published / "report.html").read_text(encoding="utf-8")
    assert "近似 approximate ≈ (cs_daily)" in page and "精确 exact (cs_daily)" in page
    # 小美's 延迟统计 on the 6th: the month says it had a figure that was not final, and where
    import json

    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["late_cells"] == [{"report_type": "cs_daily", "source_file":
                                       "taobao_toyshop/自定义报表_客服_下单优先判定_20170501至20170531.csv", "late_cells": 1}]
    assert "本月有 1 个数值在下载时尚未最终确定" in page



@pytest.mark.slow
def test_a_redownload_that_fills_a_late_cell_is_published_as_v2_with_its_reason(reports_month, tmp_path):
    """v1 of May was published with 小美's 6th still 延迟统计 (its manifest says so). The team downloads the
    赤兔 report again (`… (1).csv`, the 6th now final: 2 paid) and publishes with a reason: v2 is built on the
    later download (the earlier file's rows are replaced, not added), its manifest has no late cells, and
    C01's consult_conversion takes the 6th in: (4 + 2 + 6) / (10 + 5 + 12) = 12 / 27 (v1: 10 / 22)."""
    import json
    import shutil

    from tests.helpers import copy_warehouse, materialize_month, query

    warehouse = copy_warehouse(reports_month, tmp_path / "warehouse.duckdb")
    shutil.copytree(reports_month.parent / "exports", tmp_path / "exports")
    shutil.copytree(reports_month.parent / "published", tmp_path / "published", symlinks=True)
    refilled = [row[:5] + ["2"] + row[6:] if row[:2] == ["2017-05-06", "玩具店:小美"] else row for row in CHITU]
    write_csv(tmp_path / "exports" / "taobao_toyshop" / MAY / "自定义报表_客服_下单优先判定_20170501至20170531 (1).csv",
              CHITU_HEADER, refilled, encoding="gbk")
    assert materialize_month(MAY, tmp_path / "exports", warehouse, published=tmp_path / "published",
                             reason="赤兔 延迟统计 filled in by a second download").success
    v1, v2 = (json.loads((tmp_path / "published" / MAY / v / "manifest.json").read_text(encoding="utf-8"))
              for v in ("v1", "v2"))
    assert len(v1["late_cells"]) == 1 and v2["late_cells"] == []
    assert v2["reason"] == "赤兔 延迟统计 filled in by a second download"
    assert kpis(warehouse, "C01")["consult_conversion"] == (round(12 / 27, 6), "exact")
    assert query(warehouse, """select rows_superseded, superseded_by from raw.load_audit where month = ?
                               and source_file = 'taobao_toyshop/自定义报表_客服_下单优先判定_20170501至20170531.csv'""",
                 [MAY]) == [(3, "taobao_toyshop/自定义报表_客服_下单优先判定_20170501至20170531 (1).csv")]
    # v2 says why it exists and what moved: manifest, report, workbook, `shopkpi diff`; latest → v2
    published = tmp_path / "published" / MAY
    moved = {(r["scope"], r["figure"]): (r["before"], r["after"]) for r in v2["figure_changes"]}
    assert moved[("C01", "consult_conversion")] == (round(10 / 22, 6), round(12 / 27, 6))
    assert v2["changes"] == ["export taobao_toyshop/自定义报表_客服_下单优先判定_20170501至20170531 (1).csv (cs_daily) added"]
    report = (published / "v2" / "report.html").read_text(encoding="utf-8")
    assert "本版变更 What changed in v2 (since v1)" in report and "赤兔 延迟统计 filled in by a second download" in report
    from openpyxl import load_workbook

    sheet = load_workbook(published / "v2" / "scorecard.xlsx")["变更 Changes"]
    assert sheet["A1"].value == "v1 → v2 变更原因 Reason: 赤兔 延迟统计 filled in by a second download"
    assert (published / "latest").resolve() == (published / "v2").resolve()
    from tests.helpers import run_cli

    diff = run_cli("diff", "--month", MAY, "--published", str(tmp_path / "published"))
    assert diff.returncode == 0, diff.stderr
    assert diff.stdout.splitlines()[0] == "v1 → v2: 赤兔 延迟统计 filled in by a second download"
    assert "  figure  C01 · consult_conversion: 0.454545 → 0.444444 (-0.010101)" in diff.stdout.splitlines()
    print(diff.stdout)


def test_promotion_kpis_from_the_ad_platforms_reports_across_shops(reports_month):
    p01 = kpis(reports_month, "P01")
    # P01's plans: 玩具车计划 on 万相台 (the 3rd: spend 150, 3 orders, sales 600; the 4th: 250, 5, 1,000) and
    # 拼多多玩具计划 on 多多推广 (200, 4, 500). The platforms' attribution: sales / spend = 2,100 / 600
    assert p01["spend_roi"] == (3.5, "exact")
    # spend / orders = 600 / 12
    assert p01["cost_per_order"] == (50.0, "exact")
    # 引导访问人数 (万相台 only): 180 + 250; spend over the rows giving visitors: (150 + 250) / 430
    assert p01["promo_uv"] == (430.0, "approximate")
    assert p01["cost_per_uv"] == (round(400 / 430, 6), "approximate")
    # 引导访问量 / 展现量 (1.2万 = 12,000): (200 + 300) / (10,000 + 12,000)
    assert p01["arrival_rate"] == (round(500 / 22000, 6), "approximate")
    # 成交新客数 / 成交人数: (1 + 2) / (3 + 5)
    assert p01["new_uv_share"] == (0.375, "approximate")
    assert p01["bounce_rate"] == (None, None)  # no platform report gives landing-page bounces


def test_logistics_kpis_from_the_erp_export_of_several_shops(reports_month):
    from tests.helpers import query

    # read 6 rows under the title row: J1001's two lines fold into one order, 5 orders loaded, nothing lost
    assert query(reports_month, """select layout, rows_read, rows_loaded, rows_merged, rows_quarantined from raw.load_audit
                                   where month = ? and report_type = 'shipments'""", [MAY]) == [
        ("jushuitan_orders", 6, 5, 1, 0)]
    routed = query(reports_month, "select erp_order_id, shop_id, platform, unrouted_reason from staging.stg_shipments "
                                  "where month = ? order by 1", [MAY])
    assert routed == [("J1001", "taobao_toyshop", "taobao", None), ("J1002", "taobao_toyshop", "taobao", None),
                      ("J1003", "pdd_shop", "pinduoduo", None), ("J1004", "pdd_shop", "pinduoduo", None),
                      ("J1005", None, None, "no shop of shops.csv has this name")]
    l01 = kpis(reports_month, "L01")
    # L01's shipped orders, paid → shipped: J1001 24 h, J1002 60 h, J1003 12 h (J1004 not shipped): median 24
    assert l01["ship_hours"] == (24.0, "exact")
    # shipped by 计划发货时间: J1001 (4th ≤ 5th) and J1003 (4th 21:00 ≤ 6th), not J1002 (12th > 11th): 2 / 3
    assert l01["on_time_shipment"] == (round(2 / 3, 6), "exact")
    # 确认收货时间 by 承诺送达时间, over the orders giving both: J1001 (6th ≤ 7th) yes, J1002 (16th > 15th) no: 1 / 2
    assert l01["on_time_delivery"] == (0.5, "approximate")
    from shopkpi.quality.audit import audit_month

    report = audit_month(reports_month, MAY, reports_month.parent / "published")
    assert [(a["report"], a["account"], a["unmapped_reason"], a["report_rows"]) for a in report.unmapped_accounts
            if a["report"].endswith("(ERP)")] == [("logistics (ERP)", "旧店铺", "no shop of shops.csv has this name", 1),
                                                   ("after-sales (ERP)", "旧店铺", "no shop of shops.csv has this name", 1)]


def test_the_erps_after_sales_export_routes_each_case_to_its_shop(reports_month):
    from tests.helpers import query

    assert query(reports_month, """select case_id, shop_id, platform, file_shop_id, case_kind, unrouted_reason
                                   from staging.stg_after_sales where month = ? order by 1""", [MAY]) == [
        ("S1", "taobao_toyshop", "taobao", "taobao_toyshop", "return", None),
        ("S2", "pdd_shop", "pinduoduo", "taobao_toyshop", "exchange", None),
        ("S3", None, None, "taobao_toyshop", "refund", "no shop of shops.csv has this name")]


def test_taobao_refund_management_exports_load_as_after_sales_cases(tmp_path):
    """淘宝 退款管理 (role-sources.md "After-sales"): a return is 是否需要退货 = 是, a refund only 否; the
    seller's real name and the buyer's explanation are never read. Two shops, Taobao and Tmall."""
    header = ["订单编号", "退款编号", "支付宝交易号", "订单付款时间", "买家实际支付金额", "买家退款金额", "是否需要退货",
              "退款的申请时间", "退款状态", "卖家真实姓名", "买家退款说明", "退款操作人"]
    toyshop, flagship = tmp_path / "taobao_toyshop" / MAY, tmp_path / "tmall_flagship" / MAY
    write_csv(toyshop / "订单报表.csv", ORDER_HEADER,
              [["T1", "b1", "100", "100", "2017-05-03 10:00:00", "2017-05-03 10:05:00", "100"]])
    write_csv(toyshop / "退款管理.csv", header, [
        ["T1", "R1", "2017050300001", "2017-05-03 10:05:00", "100", "100", "是", "2017-05-06 09:00:00", "退款成功",
         "张三", "尺寸不对 电话13800000000", "玩具店:售后"]], encoding="gbk")
    write_csv(flagship / "订单报表.csv", ORDER_HEADER,
              [["M1", "b2", "80", "80", "2017-05-04 10:00:00", "2017-05-04 10:05:00", "0"]])
    write_csv(flagship / "退款管理.csv", header, [
        ["M1", "R2", "2017050400002", "2017-05-04 10:05:00", "80", "80", "否", "2017-05-07 11:00:00", "退款关闭",
         "李四", "不想要了", "旗舰店:售后"]])
    con = duckdb.connect()
    load_month(con, MAY, {"taobao_toyshop": toyshop, "tmall_flagship": flagship})
    assert rows(con, "select shop_id, case_id, order_id, case_type, case_status from raw.after_sales order by case_id") == [
        ("taobao_toyshop", "R1", "T1", "退货", "退款成功"), ("tmall_flagship", "R2", "M1", "仅退款", "退款关闭")]
    assert rows(con, "select distinct layout from raw.load_audit where report_type = 'after_sales'") == [("taobao_refunds",)]
    everything = str(rows(con, "select * from raw.after_sales"))
    assert "张三" not in everything and "13800000000" not in everything and "售后" not in everything


@pytest.mark.slow
def test_pv_per_uv_from_the_item_report_when_the_visitor_log_has_no_visits_to_the_pages(tmp_path):
    """文案 W1 wrote items 501 (the Taobao shop) and 601 (the Tmall shop); no visitor log, so 生意参谋 商品效果
    of each shop gives the views and visitors: (120 + 30 + 60) / (40 + 10 + 20) = 210 / 70 = 3.0. Item 501 of the
    Tmall shop is another item (not W1's listing there): its row is left out."""
    from tests.helpers import materialize_month, query

    listings_header = ["宝贝ID", "编辑", "文案", "计划上架时间", "实际上架时间", "是否抽检", "描述错误", "前台库存", "仓库库存",
                       "检查链接数", "失效链接数"]
    items_header = ["统计日期", "商品ID", "商品名称", "商品访客数", "商品浏览量", "平均停留时长", "支付金额"]
    root = tmp_path / "exports"
    toyshop, flagship = root / "taobao_toyshop" / MAY, root / "tmall_flagship" / MAY
    write_csv(toyshop / "订单报表.csv", ORDER_HEADER, [["T1", "b1", "100", "100", "2017-05-03 10:00:00", "2017-05-03 10:05:00", "0"]])
    write_csv(flagship / "订单报表.csv", ORDER_HEADER, [["M1", "b2", "80", "80", "2017-05-04 10:00:00", "2017-05-04 10:05:00", "0"]])
    write_csv(toyshop / "员工花名册.csv", STAFF_HEADER, [["W1", "员工W1", "文案", "商品", "2016-01-01", "", ""],
                                                      ["E1", "员工E1", "产品编辑", "商品", "2016-01-01", "", ""]])
    write_csv(toyshop / "上新记录.csv", listings_header,
              [["501", "E1", "W1", "2017-05-02 10:00:00", "2017-05-02 09:00:00", "否", "", "", "", "2", "0"]])
    write_csv(flagship / "上新记录.csv", listings_header,
              [["601", "E1", "W1", "2017-05-02 10:00:00", "2017-05-02 09:00:00", "否", "", "", "", "1", "0"]])
    write_csv(toyshop / "商品效果.csv", items_header, [["2017-05-03", "501", "小车", "40", "120", "1分05秒", "100.00"],
                                                     ["2017-05-04", "501", "小车", "10", "30", "00:00:50", "0"],
                                                     ["2017-05-04", "502", "积木", "99", "999", "10", "0"]])
    write_csv(flagship / "商品效果.csv", items_header, [["2017-05-03", "601", "娃娃", "20", "60", "30", "80.00"],
                                                      ["2017-05-03", "501", "别的", "500", "500", "30", "0"]])
    warehouse = tmp_path / "warehouse.duckdb"
    assert materialize_month(MAY, root, warehouse).success
    got = query(warehouse, """select value, basis, source from marts.kpi_employee_monthly
                              where month = ? and employee_id = 'W1' and kpi_id = 'pv_per_uv' and shop_id = 'all'""", [MAY])
    assert [(float(v), b, s) for v, b, s in got] == [(3.0, "approximate", "item_daily")]


@pytest.mark.slow
def test_listing_on_time_from_pinduoduos_goods_operations_record(tmp_path):
    """产品编辑 E1 listed items 88 and 89 of the Pinduoduo shop, planned for 05-10 10:00; the sheet says both
    went live at 09:00. 商品操作记录 says otherwise: 88's first 发布 was 驳回, its second approved at 09:30 (on
    time); 89's 发布 approved at 11:00 (late); 89's later 编辑 is no listing. E1: 1 / 2 from the platform's
    record (exact). E2's Taobao listing has no platform record: the sheet's time, 1 / 1 (team sheet)."""
    from tests.helpers import materialize_month, query

    listings_header = ["宝贝ID", "编辑", "文案", "计划上架时间", "实际上架时间", "是否抽检", "描述错误", "前台库存", "仓库库存",
                       "检查链接数", "失效链接数"]
    ops_header = ["商品ID", "商品名称", "操作类型", "审核状态", "提交时间", "审核时间", "操作账号", "驳回原因"]
    root = tmp_path / "exports"
    toyshop, pdd = root / "taobao_toyshop" / MAY, root / "pdd_shop" / MAY
    write_csv(toyshop / "订单报表.csv", ORDER_HEADER, [["T1", "b1", "100", "100", "2017-05-03 10:00:00", "2017-05-03 10:05:00", "0"]])
    write_csv(toyshop / "员工花名册.csv", STAFF_HEADER, [["E1", "员工E1", "产品编辑", "商品", "2016-01-01", "", ""],
                                                      ["E2", "员工E2", "产品编辑", "商品", "2016-01-01", "", ""]])
    write_csv(toyshop / "上新记录.csv", listings_header,
              [["501", "E2", "", "2017-05-02 10:00:00", "2017-05-02 09:00:00", "否", "", "", "", "", ""]])
    write_csv(pdd / "订单.csv", PDD_ORDER_HEADER, [["P1", "50", "50", "2017-05-04 09:00:00", "无售后或售后取消"]])
    write_csv(pdd / "上新记录.csv", listings_header,
              [["88", "E1", "", "2017-05-10 10:00:00", "2017-05-10 09:00:00", "否", "", "", "", "", ""],
               ["89", "E1", "", "2017-05-10 10:00:00", "2017-05-10 09:00:00", "否", "", "", "", "", ""]])
    write_csv(pdd / "商品操作记录.csv", ops_header, [
        ["88", "积木", "发布", "审核驳回", "2017-05-09 20:00:00", "2017-05-09 22:00:00", "pdd_op1", "主图不清晰"],
        ["88", "积木", "发布", "审核通过", "2017-05-10 08:00:00", "2017-05-10 09:30:00", "pdd_op1", ""],
        ["89", "小车", "发布", "审核通过", "2017-05-10 09:00:00", "2017-05-10 11:00:00", "pdd_op1", ""],
        ["89", "小车", "编辑", "审核通过", "2017-05-12 09:00:00", "2017-05-12 09:10:00", "pdd_op1", ""]])
    warehouse = tmp_path / "warehouse.duckdb"
    assert materialize_month(MAY, root, warehouse).success
    got = query(warehouse, """select employee_id, value, basis, source from marts.kpi_employee_monthly
                              where month = ? and kpi_id = 'listing_on_time' and shop_id = 'all' order by 1""", [MAY])
    assert [(e, float(v), b, s) for e, v, b, s in got] == [("E1", 0.5, "exact", "goods_operations"),
                                                           ("E2", 1.0, "team sheet", "listings")]


@pytest.mark.slow
def test_campaign_orders_from_the_platforms_registrations_across_two_platforms(tmp_path):
    """策划 K1 ran A1 in the Taobao shop (05-10 … 05-12, cost 100) and B1 in the Pinduoduo shop (05-20 … 05-21,
    cost 50); the team's 活动订单 lists no order, so each campaign's orders are its shop's paid orders on its
    days with an item its registrations say takes part (千牛 已报商品: 501 活动中, 502 清退; 拼多多: 88).
    A1's days: T1 (501, 100.00), T2 (502 only, 80.00), T3 (501 and 503, 60.00); T4 (501) is after them.
    Campaign orders T1, T3: 2 of 3, 160.00 of 240.00. B1's days: P1 (88, 50.00), P2 (99, 30.00); P3 (88) after.
    Campaign P1: 1 of 2, 50.00 of 80.00. K1: orders 3 / 5; paid 210 / 320; ROI 210 / 150, approximate."""
    from tests.helpers import materialize_month, query

    root = tmp_path / "exports"
    toyshop, pdd = root / "taobao_toyshop" / MAY, root / "pdd_shop" / MAY
    write_csv(toyshop / "订单报表.csv", ORDER_HEADER, [
        ["T1", "b1", "100", "100", "2017-05-10 10:00:00", "2017-05-10 10:05:00", "0"],
        ["T2", "b2", "80", "80", "2017-05-11 10:00:00", "2017-05-11 10:05:00", "0"],
        ["T3", "b3", "60", "60", "2017-05-11 11:00:00", "2017-05-11 11:05:00", "0"],
        ["T4", "b4", "40", "40", "2017-05-15 10:00:00", "2017-05-15 10:05:00", "0"]])
    write_csv(toyshop / "宝贝报表.csv", ["订单编号", "标题", "价格", "购买数量", "商品ID"], [
        ["T1", "小车", "100", "1", "501"], ["T2", "积木", "80", "1", "502"], ["T3", "小车", "30", "1", "501"],
        ["T3", "娃娃", "30", "1", "503"], ["T4", "小车", "40", "1", "501"]])
    campaigns_header = ["活动ID", "活动名称", "策划人", "开始时间", "结束时间", "活动成本", "活动页UV", "活动页点击量", "店铺"]
    write_csv(toyshop / "活动列表.csv", campaigns_header, [
        ["A1", "618预热", "K1", "2017-05-10 00:00:00", "2017-05-12 23:59:59", "100", "50", "10", ""],
        ["B1", "限时秒杀", "K1", "2017-05-20 00:00:00", "2017-05-21 23:59:59", "50", "20", "5", "pdd_shop"]])
    write_csv(toyshop / "员工花名册.csv", STAFF_HEADER, [["K1", "员工K1", "策划专员", "运营", "2016-01-01", "", ""]])
    write_csv(toyshop / "活动报名_已报商品.csv", ["活动名称", "活动ID", "商品ID", "商品名称", "报名时间", "活动开始时间",
                                            "活动结束时间", "商品报名状态", "原价"], [
        ["618预热", "A1", "501", "小车", "2017-05-01 10:00:00", "2017-05-10 00:00:00", "2017-05-12 23:59:59", "活动中", "120"],
        ["618预热", "A1", "502", "积木", "2017-05-01 10:00:00", "2017-05-10 00:00:00", "2017-05-12 23:59:59", "清退", "90"]])
    write_csv(pdd / "订单.csv", [*PDD_ORDER_HEADER, "商品id"], [
        ["P1", "50", "50", "2017-05-20 09:00:00", "无售后或售后取消", "88"],
        ["P2", "30", "30", "2017-05-21 09:00:00", "无售后或售后取消", "99"],
        ["P3", "20", "20", "2017-05-22 09:00:00", "无售后或售后取消", "88"]])
    write_csv(pdd / "报名记录.csv", ["活动ID", "活动名称", "活动类型", "商品ID", "商品名称", "报名时间", "活动商品开始时间",
                                  "活动商品结束时间", "活动已售", "状态"], [
        ["B1", "限时秒杀", "限时秒杀", "88", "积木", "2017-05-15 10:00:00", "2017-05-20 00:00:00", "2017-05-21 23:59:59",
         "1", "活动中"]])
    warehouse = tmp_path / "warehouse.duckdb"
    assert materialize_month(MAY, root, warehouse).success
    assert query(warehouse, """select campaign_id, campaign_orders, campaign_paid_amount, window_orders, window_paid_amount,
                                      orders_from from intermediate.int_campaign_performance where month = ? order by 1""",
                 [MAY]) == [("A1", 2, Decimal("160.00"), 3, Decimal("240.00"), "campaign_items"),
                            ("B1", 1, Decimal("50.00"), 2, Decimal("80.00"), "campaign_items")]
    k1 = kpis(warehouse, "K1")
    assert k1["campaign_order_share"] == (0.6, "approximate")
    assert k1["campaign_gmv_share"] == (round(210 / 320, 6), "approximate")
    assert k1["campaign_roi"] == (1.4, "approximate")
    assert k1["campaign_ctr"] == (round(15 / 70, 6), "team sheet")


@pytest.mark.parametrize("layout", [pytest.param(layout, id=layout.name) for layout in __import__(
    "shopkpi.ingest.layouts", fromlist=["all_layouts"]).all_layouts()])
def test_every_layout_recognises_its_own_header_and_only_it(layout):
    """What `shopkpi inspect` and the loader do with a download: a file with exactly a layout's headers
    (and, separately, with only its required ones) is that layout's, never another's or ambiguous."""
    from shopkpi.ingest.detect import match_layout

    assert match_layout(layout.headers) == (layout, None)
    required = [c.header for c in layout.columns if c.required]
    # a classic Taobao export cut to its required columns is Tmall's 7-column layout, by design (detect.py)
    if len(required) >= 2 and layout.name != "taobao_orders":
        matched, why = match_layout(required)
        assert (matched.name if matched else why) == layout.name


def test_an_earlier_months_unheld_accounts_stay_listed_after_the_next_month_is_built(reports_month, tmp_path):
    """int_cs_account_days is a view: it must hold every month, not only the last one built, or the audit
    of May (the unheld 玩具店:阿强, 8 served) comes out empty once June is built."""
    from tests.helpers import copy_warehouse, materialize_month, query

    warehouse = copy_warehouse(reports_month, tmp_path / "warehouse.duckdb")
    june = tmp_path / "exports" / "taobao_toyshop" / "2017-06"
    write_csv(june / "订单报表.csv", ORDER_HEADER, [["J1", "b1", "50", "50", "2017-06-03 10:00:00", "2017-06-03 10:05:00", "0"]])
    write_csv(june / "员工花名册.csv", STAFF_HEADER, STAFF)
    assert materialize_month("2017-06", tmp_path / "exports", warehouse).success
    assert query(warehouse, """select account, sum(served) from intermediate.int_cs_account_days
                               where month = ? and employee_id is null group by all""", [MAY]) == [("玩具店:阿强", 8)]
