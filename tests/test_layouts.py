"""Layouts declared as data (shopkpi/layouts/*.yaml): every platform's order export, clean-ups,
user layouts, bad layout files, `shopkpi inspect` and `shopkpi layouts`.

Fixtures are written here from the header lists of ../shared/docs/platform-layouts.md with the
quirks listed there; every expected number is worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from shopkpi.ingest.layouts import LAYOUTS_ENV, LayoutError, all_layouts, parse_layout
from shopkpi.ingest.load import load_month
from tests.helpers import REAL_EXPORTS, dagster_home, environment, materialize_month, run_cli, store_kpis

PDD_HEADER = ["商品", "订单号", "订单状态", "商品总价(元)", "邮费(元)", "店铺优惠折扣(元)", "平台优惠折扣(元)",
              "多多支付立减金额(元)", "用户实付金额(元)", "商家实收金额(元)", "商品数量(件)", "发货时间", "确认收货时间",
              "商品id", "商品规格", "样式ID", "商家编码-规格维度", "商家编码-商品维度", "商家备注", "售后状态", "快递单号",
              "快递公司", "订单成交时间", "是否分期", "分期期数", "手续费承担方", "分期方式"]
JD_HEADER = ["订单号", "商品ID", "商品名称", "订购数量", "下单时间", "京东价", "订单金额", "结算金额", "余额支付", "应付金额",
             "运费金额", "服务费", "订单状态", "订单类型", "订单渠道", "订单来源", "下单帐号", "客户姓名", "客户地址", "联系电话",
             "订单备注", "商家备注", "发票类型", "发票抬头", "付款确认时间", "订单完成时间", "货号", "仓库id", "仓库名称"]
DOUYIN_HEADER = ["主订单编号", "子订单编号", "选购商品", "商品规格", "商品数量", "商品ID", "商家编码", "商品单价", "订单应付金额",
                 "运费", "优惠总金额", "平台优惠", "商家优惠", "达人优惠", "商家改价", "支付优惠", "红包抵扣", "支付方式", "手续费",
                 "收件人", "收件人手机号", "省", "市", "区", "街道", "详细地址", "是否修改过地址", "买家留言", "订单提交时间",
                 "旗帜颜色", "商家备注", "订单完成时间", "支付完成时间", "APP渠道", "流量来源", "订单状态", "承诺发货时间",
                 "订单类型", "达人ID", "达人昵称", "售后状态", "取消原因", "仓库ID", "仓库名称"]


def write_rows(path: Path, header: list[str], rows: list[dict], encoding="utf-8-sig", title_rows: list[str] = ()) -> Path:
    """Rows given as {header: value}; every other cell is empty (as in real downloads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        for title in title_rows:
            fh.write(title + "\r\n")
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            unknown = set(row) - set(header)
            assert not unknown, unknown
            writer.writerow([row.get(h, "") for h in header])
    return path


# Pinduoduo, January 2024: four good orders and one with an unreadable amount.
PDD_ROWS = [
    {"订单号": "240105-001", "商品总价(元)": "1,200.00", "邮费(元)": "0.00", "用户实付金额(元)": "1,150.00",
     "商家实收金额(元)": "1,180.00", "售后状态": "无售后或售后取消", "订单成交时间": "2024-01-05 10:00:00", "商品数量(件)": "2"},
    {"订单号": "240106-002", "商品总价(元)": "80.00", "用户实付金额(元)": "75.50", "商家实收金额(元)": "78.00",
     "售后状态": "退款成功", "订单成交时间": "2024-01-06 11:00:00", "商家备注": "13812345678 张三"},
    {"订单号": "240107-003", "商品总价(元)": "30.00", "用户实付金额(元)": "30.00", "售后状态": "-",
     "订单成交时间": "2024-01-07 12:00:00"},
    {"订单号": '="240108-004"', "商品总价(元)": "40.00", "用户实付金额(元)": "40.00", "售后状态": "售后关闭",
     "订单成交时间": "2024-01-08 13:00:00"},
    {"订单号": "240109-005", "商品总价(元)": "10.00", "用户实付金额(元)": "abc", "订单成交时间": "2024-01-09 14:00:00"},
]
# JD, February 2024: order J1 has two lines (its order amounts repeated on each), J3 is unpaid.
JD_ROWS = [
    {"订单号": "J1", "商品ID": "A", "订购数量": "1", "下单时间": "2024-02-01 09:00:00", "订单金额": "300.00", "应付金额": "280.00",
     "付款确认时间": "2024-02-01 09:05:00", "下单帐号": "jd_buyer_y", "客户姓名": "李四", "客户地址": "北京市 朝阳区 某路1号",
     "联系电话": "13900000000"},
    {"订单号": "J1", "商品ID": "B", "订购数量": "2", "下单时间": "2024-02-01 09:00:00", "订单金额": "300.00", "应付金额": "280.00",
     "付款确认时间": "2024-02-01 09:05:00", "下单帐号": "jd_buyer_y", "客户地址": "北京市 朝阳区 某路1号"},
    {"订单号": "J2", "商品ID": "C", "订购数量": "1", "下单时间": "2024-02-10 20:00:00", "订单金额": "50.00", "应付金额": "50.00",
     "付款确认时间": "2024-02-10 20:01:00", "下单帐号": "jd_buyer_x", "客户地址": "广东省 深圳市"},
    {"订单号": "J3", "商品ID": "C", "订购数量": "1", "下单时间": "2024-02-11 20:00:00", "订单金额": "20.00", "应付金额": "20.00",
     "下单帐号": "jd_buyer_x"},
]
# Douyin, March 2024: D1 has two sub-orders (one refunded), ids carry a leading TAB, `-` is empty.
DOUYIN_ROWS = [
    {"主订单编号": "\t4900001", "子订单编号": "\t4900001-1", "商品数量": "1", "订单应付金额": "100.00", "运费": "0.00",
     "收件人": "张**", "收件人手机号": "138****5678", "省": "浙江省", "详细地址": "##", "订单提交时间": "2024-03-02 08:00:00",
     "支付完成时间": "2024-03-02 08:01:00", "订单状态": "已完成", "售后状态": "-"},
    {"主订单编号": "\t4900001", "子订单编号": "\t4900001-2", "商品数量": "2", "订单应付金额": "50.00", "运费": "0.00",
     "省": "浙江省", "订单提交时间": "2024-03-02 08:00:00", "支付完成时间": "2024-03-02 08:01:00", "订单状态": "已完成",
     "售后状态": "退款成功"},
    {"主订单编号": "\t4900002", "子订单编号": "\t4900002-1", "商品数量": "1", "订单应付金额": "1,000.00", "运费": "-",
     "省": "广东省", "订单提交时间": "2024-03-05 21:00:00", "支付完成时间": "2024-03-05 21:02:00", "订单状态": "已发货",
     "售后状态": "售后关闭"},
    {"主订单编号": "\t4900003", "子订单编号": "\t4900003-1", "商品数量": "1", "订单应付金额": "20.00", "运费": "-",
     "省": "-", "订单提交时间": "2024-03-09 10:00:00", "支付完成时间": "-", "订单状态": "已关闭", "售后状态": "-"},
]
# Taobao's newer order layout, April 2024: N3 unpaid; ids as Excel formulas, phones with a leading '.
TAOBAO_NEW_HEADER = ["订单编号", "买家下单时间", "买家付款时间", "发货时间", "确认收货时间", "买家实付金额", "买家应付货款", "买家会员名",
                     "联系手机", "收货地址", "宝贝标题", "宝贝规格", "宝贝总数量", "物流公司", "运单号", "订单状态"]
TAOBAO_NEW_ROWS = [
    {"订单编号": '="N1"', "买家下单时间": "2024-04-01 10:00:00", "买家付款时间": "2024-04-01 10:01:00", "买家实付金额": "95.00",
     "买家应付货款": "100.00元", "买家会员名": "alice", "联系手机": "'13800000000", "收货地址": "上海 上海市 浦东新区 ***",
     "宝贝总数量": "2", "订单状态": "交易成功"},
    {"订单编号": '="N2"', "买家下单时间": "2024-04-02 10:00:00", "买家付款时间": "2024-04-02 10:01:00", "买家实付金额": "50.00",
     "买家应付货款": "50.00", "买家会员名": "bob", "订单状态": "交易成功"},
    {"订单编号": '="N3"', "买家下单时间": "2024-04-03 10:00:00", "买家付款时间": "", "买家实付金额": "0.00",
     "买家应付货款": "30.00", "买家会员名": "alice", "订单状态": "交易关闭"},
]
PLATFORM_MONTHS = {  # layout: (platform, month, file, header, rows, rows read, loaded, merged, quarantined)
    "pinduoduo_orders": ("pinduoduo", "2024-01", "orders_pdd.csv", PDD_HEADER, PDD_ROWS, 5, 4, 0, 1),
    "jd_orders": ("jd", "2024-02", "京东订单.csv", JD_HEADER, JD_ROWS, 4, 3, 1, 0),
    "douyin_orders": ("douyin", "2024-03", "抖店订单.csv", DOUYIN_HEADER, DOUYIN_ROWS, 4, 3, 1, 0),
    "taobao_orders_new": ("taobao", "2024-04", "订单导出.csv", TAOBAO_NEW_HEADER, TAOBAO_NEW_ROWS, 3, 3, 0, 0),
}
# Store KPIs by hand, on one money basis (docs/money.md): GMV is what the buyer was charged, net
# sales what they paid net of refunds; a refund state without an amount refunds the whole payment.
# Pinduoduo: GMV = 用户实付金额 1150 + 75.50 + 30 + 40 (the 5th order is quarantined); 240106-002 is
#   退款成功: its 75.50 is refunded in full, so net sales = 1150 + 0 + 30 + 40 = 1220 and refund amount
#   75.50 (= paid GMV 1295.50 − net 1220); 4 paid orders; 240107-003 says `-` (no data for that order),
#   so refund rate 1/3 (of the paid orders that say); no buyer: NULL.
# JD: GMV = 应付金额 280 + 50 + 20 (J1 once; 订单金额 is before discounts and not the basis); net sales =
#   280 + 50 + 0 (J3 unpaid: payable is not paid); 2 paid of 3 created; buyers jd_buyer_y, jd_buyer_x
#   paid: 2; no refund data at all: NULL.
# Douyin: GMV = 150 (D1: 100 + 50) + 1000 + 20; D1's second sub-order (50) is 退款成功: refunded in full,
#   so net sales = 100 + 1000 + 0 (D3 unpaid) and refund amount 50; 2 paid of 3; refunded: D1 of the
#   2 paid -> 0.5; no buyer: NULL.
# Taobao newer layout: GMV = 买家实付金额 95 + 50 + 0 (N3 shows 0.00); net sales = 95 + 50 + 0; 2 paid;
#   paid buyers alice and bob (alice's N3 is unpaid): 2; no refund column: refund KPIs NULL.
EXPECTED_KPIS = {
    "taobao_orders_new": {"gmv": Decimal("145"), "net_sales": Decimal("145"), "orders_paid": 2, "refund_rate": None,
                          "refund_amount": None, "paid_buyers": 2},
    "pinduoduo_orders": {"gmv": Decimal("1295.50"), "net_sales": Decimal("1220"), "orders_paid": 4, "refund_rate": 0.333333,
                         "refund_amount": Decimal("75.50"), "paid_buyers": None},
    "jd_orders": {"gmv": Decimal("350"), "net_sales": Decimal("330"), "orders_paid": 2, "refund_rate": None,
                  "refund_amount": None, "paid_buyers": 2},
    "douyin_orders": {"gmv": Decimal("1170"), "net_sales": Decimal("1100"), "orders_paid": 2, "refund_rate": Decimal("0.5"),
                      "refund_amount": Decimal("50"), "paid_buyers": None},
}


def write_platform_month(root: Path, layout: str) -> Path:
    _, month, name, header, rows, *_ = PLATFORM_MONTHS[layout]
    write_rows(root / month / name, header, rows)
    return root / month


@pytest.mark.parametrize("layout", sorted(PLATFORM_MONTHS))
def test_each_platform_loads_with_its_layout_and_counts_reconcile(tmp_path, layout):
    platform, month, name, _, _, read, loaded, merged, quarantined = PLATFORM_MONTHS[layout]
    folder = write_platform_month(tmp_path, layout)
    con = duckdb.connect()
    result = load_month(con, month, folder)
    (stats,) = result.files
    assert (stats.layout, stats.platform) == (layout, platform)
    assert (stats.rows_read, stats.rows_loaded, stats.rows_merged, stats.rows_quarantined) == (read, loaded, merged, quarantined)
    assert con.execute("select count(*), min(platform), max(platform) from raw.orders").fetchone() == (loaded, platform, platform)
    assert con.execute("select count(*) from raw.quarantine").fetchone()[0] == quarantined
    assert con.execute("select rows_read, rows_loaded + rows_merged + rows_quarantined from raw.load_audit").fetchone() == (
        read, read)


def test_platform_mappings_in_the_raw_rows(tmp_path):
    con = duckdb.connect()
    load_month(con, "2024-01", write_platform_month(tmp_path, "pinduoduo_orders"))
    rows = con.execute("""select order_id, total_amount, paid_amount, refund_amount, refund_state, buyer_hash, created_at = paid_at
                          from raw.orders order by 1""").fetchall()
    assert rows == [
        ("240105-001", Decimal("1150.00"), Decimal("1150.00"), Decimal("0.00"), "none", None, True),  # thousands separators
        ("240106-002", Decimal("75.50"), Decimal("0.00"), Decimal("75.50"), "refunded", None, True),  # refunded in full
        ("240107-003", Decimal("30.00"), Decimal("30.00"), None, None, None, True),  # `-`: no data
        ("240108-004", Decimal("40.00"), Decimal("40.00"), Decimal("0.00"), "none", None, True),  # ="…" unwrapped
    ]
    assert con.execute("select column_name, reason from raw.quarantine").fetchall() == [
        ("用户实付金额", "用户实付金额: not an amount, shape 'aaa'")]
    con = duckdb.connect()
    load_month(con, "2024-03", write_platform_month(tmp_path, "douyin_orders"))
    rows = con.execute("""select order_id, total_amount, paid_amount, refund_amount, item_quantity, refund_state,
                                 ship_province, source_row
                          from raw.orders order by 1""").fetchall()
    assert rows == [
        # two sub-orders, TAB dropped; the second (50) 退款成功: refunded in full, 100 paid net
        ("4900001", Decimal("150.00"), Decimal("100.00"), Decimal("50.00"), 3, "refunded", "浙江省", 1),
        ("4900002", Decimal("1000.00"), Decimal("1000.00"), Decimal("0.00"), 1, "none", "广东省", 3),
        ("4900003", Decimal("20.00"), Decimal("0.00"), Decimal("0.00"), 1, "none", None, 4),  # unpaid: payable is not paid
    ]
    con = duckdb.connect()
    load_month(con, "2024-02", write_platform_month(tmp_path, "jd_orders"))
    rows = con.execute("select order_id, total_amount, paid_amount, item_quantity, ship_province, buyer_hash is not null "
                       "from raw.orders order by 1").fetchall()
    assert rows == [("J1", Decimal("280.00"), Decimal("280.00"), 3, "北京市", True),  # 应付金额, not 订单金额 300
                    ("J2", Decimal("50.00"), Decimal("50.00"), 1, "广东省", True),
                    ("J3", Decimal("20.00"), Decimal("0.00"), 1, None, True)]
    # PII: names, phones and notes never reach the warehouse
    everything = str(con.execute("select * from raw.orders").fetchall())
    assert "李四" not in everything and "13900000000" not in everything and "jd_buyer" not in everything


# The shop of seeds/shops.csv each platform's export goes to, in the one month the end-to-end test builds.
PLATFORM_SHOPS = {"pinduoduo_orders": "pdd_shop", "jd_orders": "jd_shop", "douyin_orders": "douyin_shop",
                  "taobao_orders_new": "taobao_toyshop"}


@pytest.mark.slow
def test_four_platforms_shops_materialise_in_one_month_with_their_store_kpis(tmp_path):
    """One month, 2024-01, with four shops on four platforms, each holding its platform's export (its rows
    moved into January): every shop's store KPIs are its platform's by hand (EXPECTED_KPIS above), and the
    company's are their sums: GMV 145 + 1295.50 + 350 + 1170 = 2960.50, net sales 145 + 1220 + 330 + 1100
    = 2795, paid orders 2 + 4 + 2 + 2 = 10. (One build instead of one per platform.)"""
    month = "2024-01"
    into_january = lambda cell: re.sub(r"^2024-0\d-", "2024-01-", cell)  # noqa: E731
    for layout, shop in PLATFORM_SHOPS.items():
        _, _, name, header, rows, *_ = PLATFORM_MONTHS[layout]
        write_rows(tmp_path / "exports" / shop / month / name, header,
                   [{k: into_january(v) for k, v in row.items()} for row in rows])
    warehouse = tmp_path / "warehouse.duckdb"
    assert materialize_month(month, tmp_path / "exports", warehouse).success
    con = duckdb.connect(str(warehouse), read_only=True)
    totals = dict(((shop, platform), (paid, buyers)) for shop, platform, paid, buyers in con.execute(
        "select shop_id, platform, orders_paid, paid_buyers from intermediate.int_store_monthly_totals where month = ?",
        [month]).fetchall())
    con.close()
    for layout, shop in PLATFORM_SHOPS.items():
        platform, want = PLATFORM_MONTHS[layout][0], EXPECTED_KPIS[layout]
        values = {k: v[0] for k, v in store_kpis(warehouse, month, shop_id=shop, platform=platform).items()}
        for kpi in ("gmv", "net_sales", "refund_rate", "refund_amount"):
            assert values[kpi] == (None if want[kpi] is None else pytest.approx(want[kpi])), (shop, kpi)
        assert totals[(shop, platform)] == (want["orders_paid"], want["paid_buyers"]), shop
    company = {k: v[0] for k, v in store_kpis(warehouse, month).items()}
    assert (company["gmv"], company["net_sales"]) == (pytest.approx(2960.50), pytest.approx(2795))
    assert totals[("all", "all")][0] == 10


def test_the_real_taobao_export_with_excel_formula_ids_loads_like_the_original(tmp_path):
    """Taobao's download writes ids as ="…" so Excel keeps them as text (every line was quarantined before)."""
    def formula_ids(name: str, id_column: str) -> None:
        text = (REAL_EXPORTS / name).read_bytes().decode("utf-8-sig").splitlines()
        header = text[0].split(",")
        index = [h.strip() for h in header].index(id_column)
        out = [text[0]]
        for line in text[1:]:
            cells = line.split(",")
            cells[index] = '"=""' + cells[index].strip() + '"""'  # the CSV spelling of ="…"
            out.append(",".join(cells))
        (tmp_path / name).write_bytes(("\ufeff" + "\n".join(out) + "\n").encode("utf-8"))
    formula_ids("ExportOrderList.csv", "订单编号")
    formula_ids("ExportOrderDetailList.csv", "订单编号")
    con = duckdb.connect()
    load_month(con, "2017-05", tmp_path)
    counts = con.execute("select (select count(*) from raw.orders), (select count(*) from raw.order_lines), "
                         "(select count(*) from raw.quarantine)").fetchone()
    assert counts == (3989, 21897, 0)  # the real export's orders and lines (tests/test_real_export.py)
    assert con.execute("select count(*) from raw.orders where order_id like '%=%' or order_id like '%\"%'").fetchone() == (0,)


def test_sycm_shop_overview_with_title_rows_thousands_and_percents(tmp_path):
    titles = ["生意参谋 店铺概况", "店铺名称：某某玩具旗舰店", "统计时间：2017-05-01 ~ 2017-05-31", "", "数据说明：按日", "", "导出时间：2017-06-01"]
    header = ["统计日期", "访客数", "浏览量", "支付金额", "支付买家数", "支付子订单数", "支付转化率"]
    rows = [{"统计日期": "2017-05-01", "访客数": "1,234", "浏览量": "5,000", "支付金额": "12,345.60", "支付买家数": "40",
             "支付子订单数": "45", "支付转化率": "3.24%"},
            {"统计日期": "2017-05-02", "访客数": "987", "浏览量": "-", "支付金额": "9,876.00", "支付买家数": "30",
             "支付子订单数": "31", "支付转化率": "3.04%"}]
    write_rows(tmp_path / "店铺概况_20170501.csv", header, rows, encoding="gbk", title_rows=titles)
    write_rows(tmp_path / "orders.csv", ["订单编号", "总金额", "买家实际支付金额", "收货地址", "订单创建时间", "订单付款时间", "退款金额"],
               [{"订单编号": "1", "总金额": "1", "买家实际支付金额": "1", "订单创建时间": "2017-05-01 10:00:00",
                 "订单付款时间": "2017-05-01 10:00:00", "退款金额": "0"}])
    con = duckdb.connect()
    result = load_month(con, "2017-05", tmp_path)
    assert {f.file: f.layout for f in result.files} == {"店铺概况_20170501.csv": "sycm_shop_overview",
                                                         "orders.csv": "tmall_orders_short"}
    assert con.execute("select visitors, paid_orders, paid_amount from raw.shop_overview order by day").fetchall() == [
        (1234, 45, Decimal("12345.60")), (987, 31, Decimal("9876.00"))]



@pytest.mark.slow
def test_a_failed_blocking_check_is_named_in_the_one_line_error(tmp_path):
    """生意参谋 says 76 paid sub-orders over two days; the month's order report has 1: the blocking check
    platform_summary_accuracy fails. The CLI's one line said "1 blocking asset check failed with ERROR
    severity:" and stopped; now it names the check and its asset."""
    month = tmp_path / "exports" / "2017-05"
    header = ["统计日期", "访客数", "浏览量", "支付金额", "支付买家数", "支付子订单数", "支付转化率"]
    write_rows(month / "店铺概况.csv", header, [
        {"统计日期": "2017-05-01", "访客数": "100", "浏览量": "200", "支付金额": "450.00", "支付买家数": "40", "支付子订单数": "45",
         "支付转化率": "3.24%"},
        {"统计日期": "2017-05-02", "访客数": "100", "浏览量": "200", "支付金额": "310.00", "支付买家数": "30", "支付子订单数": "31",
         "支付转化率": "3.04%"}])
    write_rows(month / "orders.csv", ["订单编号", "总金额", "买家实际支付金额", "收货地址", "订单创建时间", "订单付款时间", "退款金额"],
               [{"订单编号": "1", "总金额": "10", "买家实际支付金额": "10", "订单创建时间": "2017-05-01 10:00:00",
                 "订单付款时间": "2017-05-01 10:00:00", "退款金额": "0"}])
    result = run_cli("materialize", "--month", "2017-05", "--exports", str(tmp_path / "exports"),
                     "--warehouse", str(tmp_path / "warehouse.duckdb"), env=dagster_home(tmp_path / "home"))
    assert result.returncode == 1
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("shopkpi: error:")]
    assert "1 blocking asset check failed with ERROR severity: marts/kpi_store_monthly: gx_platform_summary_accuracy" in line

USER_LAYOUT = """
layout: my_erp_orders
report_type: orders
platform: any
name_zh: 自有ERP订单
columns:
  单号: {to: order_id, required: true, nullable: false}
  下单日期: {to: created_at, required: true, nullable: false}
  付款日期: {to: paid_at, required: true}
  应收: {to: total_amount, required: true, nullable: false, clean: [yuan]}
  实收: {to: paid_amount, required: true, nullable: false, clean: [yuan]}
  客户: {to: buyer, pii: hash}
"""


def test_a_user_layout_loads_with_no_code_change(tmp_path, monkeypatch):
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "erp.yaml").write_text(USER_LAYOUT, encoding="utf-8")
    write_rows(tmp_path / "m" / "erp.csv", ["单号", "下单日期", "付款日期", "应收", "实收", "客户"],
               [{"单号": "E1", "下单日期": "2024-04-01 10:00:00", "付款日期": "2024-04-01 10:10:00", "应收": "99.00元",
                 "实收": "89.00元", "客户": "老王"}])
    monkeypatch.setenv(LAYOUTS_ENV, str(tmp_path / "layouts"))
    assert "my_erp_orders" in {layout.name for layout in all_layouts()}
    con = duckdb.connect()
    result = load_month(con, "2024-04", tmp_path / "m")
    assert result.files[0].layout == "my_erp_orders"
    assert con.execute("select order_id, total_amount, paid_amount, platform, buyer_hash <> '老王' from raw.orders").fetchall() == [
        ("E1", Decimal("99.00"), Decimal("89.00"), "any", True)]
    listed = run_cli("layouts", "--format", "csv")
    assert "my_erp_orders" in listed.stdout and str(tmp_path / "layouts") in listed.stdout


@pytest.mark.parametrize("change, key", [
    (("  客户: {to: buyer, pii: hash}", "  客户: {to: buyer}"), "columns.客户.pii"),  # clearer than the report type
    (("  应收: {to: total_amount,", "  应收: {to: total_amt,"), "columns.应收.to"),
    (("platform: any", "platform: amazon"), "platform"),
    (("report_type: orders", "report_type: invoices"), "report_type"),
    (("clean: [yuan]}\n  实收", "clean: [yen]}\n  实收"), "columns.应收.clean"),
    (("  单号: {to: order_id, required: true, nullable: false}\n", ""), "columns"),  # nothing maps the key
])
def test_a_bad_layout_file_fails_naming_the_file_and_the_key(tmp_path, change, key):
    path = tmp_path / "bad.yaml"
    path.write_text(USER_LAYOUT.replace(*change), encoding="utf-8")
    with pytest.raises(LayoutError) as error:
        parse_layout(path)
    assert str(error.value).startswith(f"{path}: {key}:"), str(error.value)


def test_a_layout_file_that_could_attack_is_refused_in_one_line(tmp_path):
    """An alias bomb (nine lines that expand to 10^9 strings: minutes and gigabytes before), a link to
    another file, an oversized file, and a file that is no layout: each refused at once by name,
    quoting none of the file's content."""
    import time

    bomb = tmp_path / "bomb.yaml"
    lines = ["layout: bomb", "report_type: orders", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(8)]
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(LayoutError, match=r"bomb.yaml: line 4: YAML aliases \(\*name\) are not allowed"):
        parse_layout(bomb)
    assert time.monotonic() - started < 1
    secret = tmp_path / "shadow"
    secret.write_text("root:$6$s3cr3tHASH:19000:0:99999:7:::\n", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(secret)
    with pytest.raises(LayoutError) as error:
        parse_layout(link)
    assert str(error.value) == f"{link}: a link; layouts are read from regular files only"
    for not_a_layout in (secret, tmp_path / "broken.yaml"):
        if not_a_layout.name == "broken.yaml":
            not_a_layout.write_text("root: [s3cr3tHASH\n", encoding="utf-8")  # not even valid YAML
        with pytest.raises(LayoutError) as error:
            parse_layout(not_a_layout)
        said = str(error.value).replace(str(not_a_layout), "")  # what it says beyond the file's name
        assert "s3cr3t" not in said and "root" not in said, said
    big = tmp_path / "big.yaml"
    big.write_text(USER_LAYOUT + "# " + "x" * 300_000 + "\n", encoding="utf-8")
    with pytest.raises(LayoutError, match="larger than 256 KB, not a layout"):
        parse_layout(big)

@pytest.mark.parametrize("header, column", [("联系手机", "order_status"), ("收货人姓名", "order_status"),
                                            ("买家支付宝账号", "item_quantity")])
def test_a_user_layout_never_loads_a_buyers_personal_data_in_clear(tmp_path, header, column):
    """Phone, receiver and Alipay account mapped to plain columns landed in clear in raw.orders,
    stg_orders and the readers' copy. Now the layout is refused, naming the header."""
    path = tmp_path / "leak.yaml"
    path.write_text(USER_LAYOUT + f"  {header}: {{to: {column}}}\n", encoding="utf-8")
    with pytest.raises(LayoutError) as error:
        parse_layout(path)
    assert str(error.value).startswith(f"{path}: columns.{header}.pii: {header} is personal data"), str(error.value)
    # the same header as an alias of a plain column is refused too
    path.write_text(USER_LAYOUT + f"  备注: {{to: {column}, aliases: [{header}]}}\n", encoding="utf-8")
    with pytest.raises(LayoutError, match=f"columns.备注.pii: {header} is personal data"):
        parse_layout(path)

def test_inspect_explains_a_known_and_an_unknown_file(tmp_path):
    known = run_cli("inspect", str(REAL_EXPORTS / "ExportOrderList.csv"))
    assert known.returncode == 0, known.stderr
    assert "layout        taobao_orders" in known.stdout and "coverage      23 of 23" in known.stdout
    assert "58.51 | 20.70 | 12.90" in known.stdout  # 总金额 of the first three orders, as exported
    assert "(keyed hash of the value)" in known.stdout
    write_rows(tmp_path / "平台导出.csv", ["订单号", "下单时间", "实付款", "收货人"],
               [{"订单号": "X1", "下单时间": "2024-01-01", "实付款": "1", "收货人": "张三"}])
    unknown = run_cli("inspect", str(tmp_path / "平台导出.csv"))
    assert unknown.returncode == 1
    assert "layout        none: header matches no known layout" in unknown.stdout
    assert "closest       jd_orders" in unknown.stdout
    skeleton = unknown.stdout.split("ready to edit:")[1]
    assert "订单号: {to: order_id, required: true}" in skeleton and "收货人: {pii: drop}" in skeleton
    assert "张三" not in unknown.stdout  # no cell value is shown for an unknown file
    # the skeleton, saved and edited where it says so, is a layout that loads the file
    edited = "\n".join(line.replace("实付款: {pii: drop}", "实付款: {to: [paid_amount, total_amount], required: true}")
                       .replace("下单时间: {to: created_at}", "下单时间: {to: [created_at, paid_at], required: true}")
                       for line in skeleton.splitlines())
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "edited.yaml").write_text(edited, encoding="utf-8")
    with environment({LAYOUTS_ENV: str(tmp_path / "mine")}):
        con = duckdb.connect()
        (stats,) = load_month(con, "2024-01", tmp_path).files
        assert (stats.layout, stats.rows_loaded) == ("my_平台导出", 1)


def test_every_built_in_layout_is_valid_and_the_ambiguous_case_is_named(tmp_path, monkeypatch):
    names = {layout.name for layout in all_layouts()}
    assert {"taobao_orders", "taobao_orders_new", "taobao_order_lines", "tmall_orders_short", "pinduoduo_orders",
            "jd_orders", "douyin_orders", "sycm_shop_overview"} <= names
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "copy.yaml").write_text(USER_LAYOUT, encoding="utf-8")
    (tmp_path / "layouts" / "copy2.yaml").write_text(USER_LAYOUT.replace("my_erp_orders", "my_erp_orders_2"),
                                                     encoding="utf-8")
    monkeypatch.setenv(LAYOUTS_ENV, str(tmp_path / "layouts"))
    write_rows(tmp_path / "m" / "erp.csv", ["单号", "下单日期", "付款日期", "应收", "实收", "客户"], [])
    from shopkpi.ingest.detect import detect_file

    found = detect_file(tmp_path / "m" / "erp.csv")
    assert found.spec is None
    assert found.problem.startswith("header matches layouts my_erp_orders and my_erp_orders_2 equally")


SYCM_MEASURES = ["访客数", "下单金额", "下单买家数", "下单转化率", "支付金额", "支付买家数", "支付转化率", "客单价", "UV价值",
                 "关注店铺买家数", "收藏商品买家数", "加购人数", "新访客"]


def test_sycm_traffic_sources_download_loads(tmp_path):
    """生意参谋 流量来源: header on row 5, every measure followed by its …变化 column, percents, thousands."""
    header = ["来源", "来源明细"] + [h for m in SYCM_MEASURES for h in (m, m + "变化")]
    search = {"来源": "淘内免费", "来源明细": "手淘搜索", "访客数": "12,345", "下单金额": "23,456.70", "下单买家数": "400",
              "下单转化率": "3.24%", "支付金额": "21,000.00", "支付买家数": "380", "支付转化率": "3.08%", "客单价": "55.26",
              "UV价值": "1.70", "关注店铺买家数": "12", "收藏商品买家数": "88", "加购人数": "500", "新访客": "9,000",
              "访客数变化": "+5.2%"}
    paid = {"来源": "付费流量", "来源明细": "直通车", "访客数": "2,000", "下单金额": "-", "下单买家数": "-", "下单转化率": "-",
            "支付金额": "3,000.00", "支付买家数": "50", "支付转化率": "2.50%", "客单价": "60.00", "UV价值": "1.50",
            "关注店铺买家数": "1", "收藏商品买家数": "2", "加购人数": "30", "新访客": "1,500"}
    write_rows(tmp_path / "流量来源.csv", header, [search, paid],
               title_rows=["生意参谋 流量来源", "统计时间：2017-05-01 ~ 2017-05-31", "终端：所有终端", ""])
    write_rows(tmp_path / "orders.csv", ["订单编号", "总金额", "买家实际支付金额", "收货地址", "订单创建时间", "订单付款时间", "退款金额"],
               [{"订单编号": "1", "总金额": "1", "买家实际支付金额": "1", "订单创建时间": "2017-05-01 10:00:00",
                 "订单付款时间": "2017-05-01 10:00:00", "退款金额": "0"}])
    con = duckdb.connect()
    result = load_month(con, "2017-05", tmp_path)
    (sources,) = [f for f in result.files if f.report_type == "traffic_sources"]
    assert (sources.layout, sources.rows_read, sources.rows_loaded) == ("sycm_traffic_sources", 2, 2)
    assert con.execute("""select source_detail, visitors, order_amount, order_conversion, paid_amount, paid_conversion,
                                 new_visitors, platform from raw.traffic_sources order by visitors desc""").fetchall() == [
        ("手淘搜索", 12345, Decimal("23456.70"), Decimal("0.032400"), Decimal("21000.00"), Decimal("0.030800"), 9000, "sycm"),
        ("直通车", 2000, None, None, Decimal("3000.00"), Decimal("0.025000"), 1500, "sycm")]


@pytest.mark.parametrize("platform, bad", [
    ("jd_orders", {"订单号": "J9", "商品ID": "Z", "订购数量": "1", "下单时间": "昨天", "订单金额": "1.00", "应付金额": "1.00"}),
    ("douyin_orders", {"主订单编号": "\t4900009", "订单应付金额": "abc", "订单提交时间": "2024-03-09 10:00:00",
                "支付完成时间": "2024-03-09 10:01:00", "订单状态": "已完成"}),
    ("pinduoduo_orders", {"订单号": "", "商品总价(元)": "1.00", "用户实付金额(元)": "1.00", "订单成交时间": "2024-01-09 14:00:00"}),
])
def test_bad_rows_of_each_platform_are_quarantined_and_counts_reconcile(tmp_path, platform, bad):
    _, month, name, header, rows, read, loaded, merged, quarantined = PLATFORM_MONTHS[platform]
    write_rows(tmp_path / name, header, [*rows, bad])
    con = duckdb.connect()
    (stats,) = load_month(con, month, tmp_path).files
    assert stats.rows_read == read + 1 and stats.rows_quarantined == quarantined + 1
    assert stats.rows_loaded + stats.rows_merged + stats.rows_quarantined == stats.rows_read
    reasons = [r for (r,) in con.execute("select reason from raw.quarantine order by source_row").fetchall()]
    expected = {"jd_orders": "下单时间: not a date-time, shape '字字'",
                "douyin_orders": "订单应付金额: not an amount, shape 'aaa'", "pinduoduo_orders": "订单号: empty value"}[platform]
    assert any(expected in r for r in reasons), reasons


def test_taobao_sub_order_report_newer_spelling_and_no_refund_text(tmp_path):
    """宝贝报表 with 主订单编号 / 商品标题 / 商品价格 (aliases) and 无退款申请 (a refund of 0)."""
    write_platform_month(tmp_path, "taobao_orders_new")
    header = ["子订单编号", "主订单编号", "商品标题", "商品价格", "购买数量", "外部系统编号", "商品属性", "套餐信息", "备注", "订单状态",
              "商家编码", "支付单号", "买家应付货款", "买家实付金额", "退款状态", "退款金额", "订单创建时间", "订单付款时间", "商品ID", "商家备注"]
    write_rows(tmp_path / "2024-04" / "宝贝报表.csv", header, [
        {"子订单编号": "N1-1", "主订单编号": '="N1"', "商品标题": "积木", "商品价格": "50.00", "购买数量": "2", "退款金额": "无退款申请"},
        {"子订单编号": "N2-1", "主订单编号": '="N2"', "商品标题": "拼图", "商品价格": "50.00", "购买数量": "1", "退款金额": "5.00元"},
        {"子订单编号": "X-1", "主订单编号": "NOPE", "商品标题": "拼图", "商品价格": "50.00", "购买数量": "1", "退款金额": "0"}])
    con = duckdb.connect()
    load_month(con, "2024-04", tmp_path / "2024-04")
    assert con.execute("select order_id, sub_order_id, item_title, quantity, refund_amount from raw.order_lines order by 1").fetchall() == [
        ("N1", "N1-1", "积木", 2, Decimal("0.00")), ("N2", "N2-1", "拼图", 1, Decimal("5.00"))]
    assert con.execute("select source_row, reason from raw.quarantine").fetchall() == [
        (3, "主订单编号: no loaded order with this id in the 2024-04 order report")]


def test_order_lines_that_disagree_on_an_order_value_quarantine_the_order_naming_it(tmp_path):
    """JD repeats 应付金额 and the times on each line of an order, Douyin the times, 订单状态 and 运费 on
    each sub-order (collapse.same): lines that disagree are never folded by keeping the first."""
    jd = [dict(row) for row in JD_ROWS]
    jd[1]["应付金额"] = "290.00"  # J1's second line says 290, its first 280: which one was charged?
    con = duckdb.connect()
    load_month(con, "2024-02", write_rows(tmp_path / "jd" / "2024-02" / "京东订单.csv", JD_HEADER, jd).parent)
    # J1's two lines are quarantined (rows 1 and 2); J2 and J3 load: 4 read = 2 loaded + 2 quarantined
    assert con.execute("select order_id from raw.orders order by 1").fetchall() == [("J2",), ("J3",)]
    assert con.execute("select source_row, column_name, reason from raw.quarantine order by 1").fetchall() == [
        (1, "应付金额", "订单号 J1: its lines disagree on 应付金额 (one value per order expected)"),
        (2, "应付金额", "订单号 J1: its lines disagree on 应付金额 (one value per order expected)")]
    assert con.execute("select rows_read, rows_loaded, rows_merged, rows_quarantined from raw.load_audit").fetchall() == [
        (4, 2, 0, 2)]

    douyin = [dict(row) for row in DOUYIN_ROWS]
    douyin[1]["订单提交时间"] = "2024-03-02 09:00:00"  # D1's second sub-order: another order time
    con = duckdb.connect()
    load_month(con, "2024-03", write_rows(tmp_path / "dy" / "2024-03" / "抖店订单.csv", DOUYIN_HEADER, douyin).parent)
    assert con.execute("select order_id from raw.orders order by 1").fetchall() == [("4900002",), ("4900003",)]
    assert con.execute("select distinct reason from raw.quarantine").fetchall() == [
        ("主订单编号 4900001: its lines disagree on 订单提交时间 (one value per order expected)",)]
