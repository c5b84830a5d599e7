"""Several shops in one warehouse (issue 15): exports/<shop_id>/<YYYY-MM>/, shop_id on every row,
per-shop, per-platform and company KPIs from the facts, buyer identity across shops.

The month: the real Taobao export as shop taobao_toyshop, a second Taobao shop (taobao_outlet)
whose buyers include one of the real export's, and a Pinduoduo shop (no buyers). The expected
figures are computed here with pandas over the three files, independently of the pipeline.
"""

from __future__ import annotations

import shutil
from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from tests.helpers import REAL_EXPORTS, dagster_home, materialize_month, query, read_real_orders, run_cli, store_kpis
from tests.test_layouts import PDD_HEADER, write_rows

MONTH = "2017-05"
OUTLET_HEADER = ["订单编号", "买家会员名", "总金额", "买家实际支付金额", "收货地址", "订单创建时间", "订单付款时间", "退款金额"]


def outlet_rows(shared_buyer: str) -> list[dict]:
    return [
        {"订单编号": "OUT1", "买家会员名": shared_buyer, "总金额": "100.00", "买家实际支付金额": "100.00",
         "收货地址": "浙江省 杭州市", "订单创建时间": "2017-05-10 10:00:00", "订单付款时间": "2017-05-10 10:05:00", "退款金额": "0"},
        {"订单编号": "OUT2", "买家会员名": "outlet_only_buyer", "总金额": "60.00", "买家实际支付金额": "50.00",
         "收货地址": "广东省 广州市", "订单创建时间": "2017-05-11 10:00:00", "订单付款时间": "2017-05-11 10:05:00", "退款金额": "10.00"},
        {"订单编号": "OUT3", "买家会员名": "outlet_only_buyer", "总金额": "30.00", "买家实际支付金额": "0.00",
         "收货地址": "广东省 广州市", "订单创建时间": "2017-05-12 10:00:00", "订单付款时间": "", "退款金额": "0"},
    ]


PDD_MAY = [
    {"订单号": "P-1", "商品总价(元)": "200.00", "用户实付金额(元)": "180.00", "售后状态": "无售后或售后取消",
     "订单成交时间": "2017-05-03 09:00:00"},
    {"订单号": "P-2", "商品总价(元)": "20.00", "用户实付金额(元)": "20.00", "售后状态": "退款成功",
     "订单成交时间": "2017-05-04 09:00:00"},
]


PDD_APRIL = [{"订单号": "P-0", "商品总价(元)": "170.00", "用户实付金额(元)": "160.00", "售后状态": "无售后或售后取消",
              "订单成交时间": "2017-04-20 09:00:00"}]
ROSTER_HEADER = ["工号", "姓名", "岗位", "团队", "入职日期", "离职日期", "负责店铺"]
ROSTER = [  # three channel managers: two Taobao shops; Pinduoduo and JD (no May orders); every shop (负责店铺 empty)
    {"工号": "G1", "姓名": "渠道-甲", "岗位": "渠道经理", "入职日期": "2016-01-01", "负责店铺": "taobao_toyshop、taobao_outlet"},
    {"工号": "G2", "姓名": "渠道-乙", "岗位": "渠道经理", "入职日期": "2016-01-01", "负责店铺": "pdd_shop, jd_shop"},
    {"工号": "G3", "姓名": "渠道-丙", "岗位": "渠道经理", "入职日期": "2016-01-01", "负责店铺": ""},
]

MARKET_HEADER = ["统计日期", "类目", "本店交易指数", "行业交易指数"]
TOYS = "玩具/童车/益智/积木/模型"
MARKET = {  # both shops sell in one category: its market counts once per day (100,000 + 200,000)
    "taobao_toyshop": [{"统计日期": "2017-05-01", "类目": TOYS, "本店交易指数": "1,000", "行业交易指数": "100,000"},
                       {"统计日期": "2017-05-02", "类目": TOYS, "本店交易指数": "1,500", "行业交易指数": "200,000"}],
    "taobao_outlet": [{"统计日期": "2017-05-01", "类目": TOYS, "本店交易指数": "500", "行业交易指数": "100,000"},
                      {"统计日期": "2017-05-02", "类目": TOYS, "本店交易指数": "0", "行业交易指数": "200,000"}],
}


@pytest.fixture(scope="module")
def shops_month(tmp_path_factory):
    root = tmp_path_factory.mktemp("shops")
    exports = root / "exports"
    toyshop = exports / "taobao_toyshop" / MONTH
    toyshop.mkdir(parents=True)
    for name in ("ExportOrderList.csv", "ExportOrderDetailList.csv"):
        shutil.copyfile(REAL_EXPORTS / name, toyshop / name)
    real = read_real_orders()
    shared = real[real["订单付款时间"] != ""]["买家会员名"].iloc[0]  # a paying buyer of the real shop
    write_rows(exports / "taobao_outlet" / MONTH / "订单报表.csv", OUTLET_HEADER, outlet_rows(shared))
    write_rows(exports / "pdd_shop" / MONTH / "拼多多订单.csv", PDD_HEADER, PDD_MAY)
    write_rows(exports / "taobao_toyshop" / MONTH / "员工花名册.csv", ROSTER_HEADER, ROSTER)  # the team's roster
    for shop_id, rows in MARKET.items():  # 生意参谋 市场 downloads of the two Taobao shops
        write_rows(exports / shop_id / MONTH / "市场交易指数.csv", MARKET_HEADER, rows)
    (exports / "jd_shop" / "2017-04").mkdir(parents=True)  # a shop with no downloads for May
    # April: the Pinduoduo shop only (the channel managers' growth compares May with it)
    write_rows(exports / "pdd_shop" / "2017-04" / "拼多多订单.csv", PDD_HEADER, PDD_APRIL)
    write_rows(exports / "pdd_shop" / "2017-04" / "员工花名册.csv", ROSTER_HEADER, ROSTER)
    warehouse = root / "warehouse.duckdb"
    assert materialize_month("2017-04", exports, warehouse).success
    result = materialize_month(MONTH, exports, warehouse)
    assert result.success
    return root, warehouse, real, shared


def expected(real: pd.DataFrame, shared: str) -> dict[tuple[str, str], dict]:
    """Independent figures per scope, with pandas: (shop_id, platform) -> KPI numerators."""
    outlet = pd.DataFrame(outlet_rows(shared))
    pdd = pd.DataFrame(PDD_MAY)
    frames = {
        "taobao_toyshop": pd.DataFrame({"total": real["总金额"].map(Decimal), "paid": real["买家实际支付金额"].map(Decimal),
                                        "is_paid": real["订单付款时间"] != "", "buyer": real["买家会员名"]}),
        "taobao_outlet": pd.DataFrame({"total": outlet["总金额"].map(Decimal), "paid": outlet["买家实际支付金额"].map(Decimal),
                                       "is_paid": outlet["订单付款时间"] != "", "buyer": outlet["买家会员名"]}),
        # Pinduoduo: what the buyer was charged is 用户实付金额; a 退款成功 order refunded it in full, so it
        # paid nothing net (docs/money.md), as Taobao's 买家实际支付金额 is net of refunds
        "pdd_shop": pd.DataFrame({"total": pdd["用户实付金额(元)"].map(Decimal),
                                  "paid": [Decimal(0) if state == "退款成功" else Decimal(amount)
                                           for amount, state in zip(pdd["用户实付金额(元)"], pdd["售后状态"])],
                                  "is_paid": True, "buyer": None}),
    }
    platforms = {"taobao_toyshop": "taobao", "taobao_outlet": "taobao", "pdd_shop": "pinduoduo"}

    def figures(parts: list[str]) -> dict:
        frame = pd.concat([frames[p].assign(domain=platforms[p]) for p in parts])
        paid = frame[frame["is_paid"] & frame["buyer"].notna()]
        per_buyer = paid.groupby(["domain", "buyer"]).size()
        return {"gmv": sum(frame["total"]), "net_sales": sum(frame["paid"]), "orders_paid": int(frame["is_paid"].sum()),
                "paid_buyers": len(per_buyer) if frame["buyer"].notna().any() else None,
                "repeat_buyers": int((per_buyer >= 2).sum()) if frame["buyer"].notna().any() else None}

    out = {(shop, platforms[shop]): figures([shop]) for shop in frames}
    out[("all", "taobao")] = figures(["taobao_toyshop", "taobao_outlet"])
    out[("all", "pinduoduo")] = figures(["pdd_shop"])
    out[("all", "all")] = figures(list(frames))
    return out


@pytest.mark.xdist_group("shops")
def test_per_shop_platform_and_company_kpis_match_pandas(shops_month):
    _, warehouse, real, shared = shops_month
    want = expected(real, shared)
    con = duckdb.connect(str(warehouse), read_only=True)
    got = {(s, p): dict(zip(["gmv", "net_sales", "orders_paid", "paid_buyers", "repeat_buyers"], rest))
           for s, p, *rest in con.execute(
               """select shop_id, platform, gmv, net_sales, orders_paid, paid_buyers, repeat_buyers
                  from intermediate.int_store_monthly_totals where month = ?""", [MONTH]).fetchall()}
    con.close()
    assert set(got) == set(want)
    for scope, figures in want.items():
        assert got[scope] == figures, scope
    # the shared buyer: once per shop, once (not twice) in the company's Taobao and company rows
    shops_sum = want[("taobao_toyshop", "taobao")]["paid_buyers"] + want[("taobao_outlet", "taobao")]["paid_buyers"]
    assert got[("all", "taobao")]["paid_buyers"] == shops_sum - 1 == got[("all", "all")]["paid_buyers"]


@pytest.mark.xdist_group("shops")
def test_company_kpis_come_from_the_facts_and_pinduoduo_buyers_are_no_data(shops_month):
    _, warehouse, real, shared = shops_month
    want = expected(real, shared)[("all", "all")]
    company = store_kpis(warehouse, MONTH)
    assert company["net_sales"][0] == pytest.approx(float(want["net_sales"]))
    assert company["repeat_rate"][0] == pytest.approx(round(want["repeat_buyers"] / want["paid_buyers"], 6))
    # 客单价 over the orders whose buyer is known: the Taobao shops' paid 总金额 (Pinduoduo's 200 has no buyer)
    paid = real[real["订单付款时间"] != ""]
    known = sum(paid["总金额"].map(Decimal)) + Decimal("160.00")  # outlet: OUT1 100 + OUT2 60 (OUT3 unpaid)
    assert company["aov"][0] == pytest.approx(round(float(known) / want["paid_buyers"], 6))
    pdd = store_kpis(warehouse, MONTH, "pdd_shop", "pinduoduo")
    assert pdd["paid_buyers"][0] is None and pdd["repeat_rate"][0] is None and pdd["aov"][0] is None
    assert pdd["net_sales"][0] == pytest.approx(180.0)  # 180 + 0: P-2's 20 was refunded (退款成功)
    assert pdd["refund_amount"][0] == pytest.approx(20.0)  # refunded in full: the export has no refund amount
    assert pdd["payment_rate"][0] is None  # the export lists paid orders only: unknown, not 100%
    assert pdd["refund_rate"][0] == pytest.approx(0.5)  # P-2 退款成功 of 2 paid
    # the company's refund rate: refunded orders / paid orders that carry refund data (every shop here does)
    refunded = int((paid["退款金额"].map(Decimal) > 0).sum()) + 1 + 1  # + OUT2 (退款金额 10) + P-2 (退款成功)
    assert company["refund_rate"][0] == pytest.approx(round(refunded / want["orders_paid"], 6))
    # the company's refund amount: the real shop's 1,355.49, the outlet's 10 and Pinduoduo's P-2 (20, in full)
    assert company["refund_amount"][0] == pytest.approx(float(sum(real.loc[real["订单付款时间"] != "", "退款金额"].map(Decimal)))
                                                        + 10.0 + 20.0)
    # Like with like: only the Pinduoduo shop sold in April (160) and May (180 net): the company's and
    # Pinduoduo's growth is 180 / 160 - 1 = 0.125 over 1 shop; Taobao's shops opened in May: no data.
    coverage = dict(((s, p, k), (c, n)) for s, p, k, c, n in query(
        warehouse, "select shop_id, platform, kpi_id, shops_counted, shops_in_scope from marts.kpi_store_monthly "
                   "where month = ?", [MONTH]))
    assert company["sales_growth"][0] == pytest.approx(0.125) and coverage[("all", "all", "sales_growth")] == (1, 3)
    assert store_kpis(warehouse, MONTH, "all", "taobao")["sales_growth"][0] is None
    assert coverage[("all", "taobao", "sales_growth")] == (0, 2)
    # the company's figures say how many shops they cover: buyers and 付款率 two of three (no Pinduoduo
    # buyers, paid orders only), refunds all three (Pinduoduo's refund state counts in full)
    assert coverage[("all", "all", "paid_buyers")] == (2, 3) and coverage[("all", "all", "payment_rate")] == (2, 3)
    assert coverage[("all", "all", "refund_amount")] == (3, 3) and coverage[("all", "all", "net_sales")] == (3, 3)
    assert coverage[("pdd_shop", "pinduoduo", "payment_rate")] == (0, 1)
    # 付款率 leaves Pinduoduo's paid-only export out: the two Taobao shops' paid / created orders
    taobao_paid = len(paid) + 2  # OUT1, OUT2 (OUT3 unpaid)
    assert company["payment_rate"][1:] == (taobao_paid, len(real) + 3)


@pytest.mark.xdist_group("shops")
def test_every_raw_row_carries_its_shop_and_a_missing_shop_is_reported(shops_month):
    root, warehouse, _, _ = shops_month
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("select shop_id, platform, count(*) from raw.orders where month = ? group by all order by 1",
                       [MONTH]).fetchall() == [
        ("pdd_shop", "pinduoduo", 2), ("taobao_outlet", "taobao", 3), ("taobao_toyshop", "taobao", 3989)]
    assert con.execute("select distinct shop_id from raw.order_lines where month = ?", [MONTH]).fetchall() == [
        ("taobao_toyshop",)]
    assert con.execute("select shop_id, status from raw.shop_months where month = ? order by 1", [MONTH]).fetchall() == [
        ("jd_shop", "no folder for this month"), ("pdd_shop", "loaded"), ("taobao_outlet", "loaded"),
        ("taobao_toyshop", "loaded")]
    assert con.execute("select count(*) from raw.quarantine where month = ?", [MONTH]).fetchone() == (0,)
    con.close()
    out = run_cli("query", "select shop_id, platform, value from kpi_store_monthly where kpi_id = 'net_sales' "
                  "and month = '2017-05' order by 1, 2",
                  "--warehouse", str(warehouse), "--format", "csv", env=dagster_home(root))
    assert out.returncode == 0, out.stderr
    assert [line.split(",")[:2] for line in out.stdout.splitlines()[1:]] == [
        ["all", "all"], ["all", "pinduoduo"], ["all", "taobao"], ["pdd_shop", "pinduoduo"], ["taobao_outlet", "taobao"],
        ["taobao_toyshop", "taobao"]]


def test_an_unknown_shop_folder_is_a_clear_error(tmp_path):
    from shopkpi.ingest.load import IngestError, load_month
    from shopkpi.shops import shop_month_folders

    write_rows(tmp_path / "not_a_shop" / MONTH / "orders.csv", OUTLET_HEADER, outlet_rows("x"))
    with pytest.raises(IngestError, match="not_a_shop is not a shop of shops.csv"):
        load_month(duckdb.connect(), MONTH, shop_month_folders(tmp_path, MONTH))



def test_an_exports_root_mixing_month_and_shop_folders_is_refused(tmp_path):
    """A root with its own 2017-05/ and a shop folder was read as single-shop: the shop's 3 orders were
    dropped and the run exited 0. Now the run stops before loading anything, naming both."""
    write_rows(tmp_path / "exports" / MONTH / "orders.csv", OUTLET_HEADER, outlet_rows("x"))
    write_rows(tmp_path / "exports" / "taobao_outlet" / MONTH / "orders.csv", OUTLET_HEADER, outlet_rows("y"))
    result = run_cli("materialize", "--month", MONTH, "--exports", str(tmp_path / "exports"),
                     "--warehouse", str(tmp_path / "warehouse.duckdb"), env=dagster_home(tmp_path / "home"))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "mixes month folders (2017-05/) with shop folders (taobao_outlet/)" in line
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_a_download_in_the_wrong_shops_folder_is_not_loaded_as_that_shops(tmp_path):
    """The demo's company orders went 5,139 -> 9,128 when one shop's report was saved into another's
    folder. Now: a copy with the same content, another platform's export and a link out of the
    exports root are each set aside with a reason; only the original 3 orders load."""
    import os

    from shopkpi.ingest.load import load_month
    from shopkpi.shops import shop_month_folders

    exports = tmp_path / "exports"
    original = write_rows(exports / "taobao_toyshop" / MONTH / "订单报表.csv", OUTLET_HEADER, outlet_rows("x"))
    copy = exports / "taobao_outlet" / MONTH / "订单报表(1).csv"
    copy.parent.mkdir(parents=True)
    shutil.copyfile(original, copy)
    os.utime(original, (1_000_000_000, 1_000_000_000))  # the original is the older file
    write_rows(exports / "pdd_shop" / MONTH / "淘宝订单.csv", OUTLET_HEADER, outlet_rows("z"))  # a Taobao report
    outside = write_rows(tmp_path / "elsewhere" / "订单.csv", OUTLET_HEADER, outlet_rows("w"))
    (exports / "taobao_outlet" / MONTH / "链接.csv").symlink_to(outside)
    con = duckdb.connect()
    result = load_month(con, MONTH, shop_month_folders(exports, MONTH))
    assert result.skipped == {
        "taobao_outlet/订单报表(1).csv": "same content as taobao_toyshop/订单报表.csv: not loaded twice",
        "pdd_shop/淘宝订单.csv": "a taobao export (taobao_orders) in the folder of pdd_shop, a pinduoduo shop in "
                                 "shops.csv: not loaded as that shop's",
        "taobao_outlet/链接.csv": "a link to a file outside the exports folder: not followed",
    }
    assert con.execute("select shop_id, count(*) from raw.orders group by 1").fetchall() == [("taobao_toyshop", 3)]

@pytest.mark.xdist_group("shops")
def test_the_channel_managers_kpis_by_hand(shops_month):
    _, warehouse, real, _ = shops_month
    real_net = sum(real["买家实际支付金额"].map(Decimal))  # 289,655.94
    company = real_net + Decimal("150.00") + Decimal("180.00")  # + outlet (100 + 50) + Pinduoduo (180; P-2's 20 refunded)
    con = duckdb.connect(str(warehouse), read_only=True)
    got = {(e, k): v for e, k, v in con.execute(
        """select employee_id, kpi_id, value from marts.kpi_employee_monthly
           where month = ? and role = 'channel_manager' and shop_id = 'all'""", [MONTH]).fetchall()}
    status = dict(((e, k), s) for e, k, s in con.execute(
        """select employee_id, kpi_id, status from marts.scorecard_employee_monthly
           where month = ? and role = 'channel_manager' and shop_id = 'all'""", [MONTH]).fetchall())
    per_shop = {(e, s, p, k): v for e, s, p, k, v in con.execute(
        """select employee_id, shop_id, platform, kpi_id, value from marts.kpi_employee_monthly
           where month = ? and role = 'channel_manager' and shop_id <> 'all'""", [MONTH]).fetchall()}
    con.close()
    assert got[("G1", "channel_net_sales")] == real_net + Decimal("150.00")
    assert got[("G1", "channel_sales_share")] == pytest.approx((real_net + 150) / company, abs=1e-6)
    assert got[("G1", "channel_sales_growth")] is None  # neither Taobao shop sold in April: no data
    assert got[("G2", "channel_net_sales")] == Decimal("180.00")
    assert got[("G2", "channel_sales_growth")] == pytest.approx(Decimal("180") / Decimal("160") - 1)  # 0.125
    assert got[("G3", "channel_net_sales")] == company and got[("G3", "channel_sales_share")] == 1
    assert got[("G3", "channel_sales_growth")] == pytest.approx(Decimal("0.125"))  # only PDD sold in both months
    # market share: the shops' 交易指数 over their category's, the category counted once per day
    assert float(got[("G1", "channel_market_share")]) == pytest.approx((1000 + 1500 + 500 + 0) / 300_000, abs=1e-6)
    assert got[("G3", "channel_market_share")] == got[("G1", "channel_market_share")]  # PDD has no market export
    assert got[("G2", "channel_market_share")] is None  # no market export for its shops: no data
    assert status[("G2", "channel_sales_growth")] == "pass" and status[("G1", "channel_sales_growth")] == "no_data"
    # per shop: one row per covered shop and KPI, with its platform
    assert {(e, s, p) for e, s, p, _ in per_shop} == {
        ("G1", "taobao_toyshop", "taobao"), ("G1", "taobao_outlet", "taobao"), ("G2", "pdd_shop", "pinduoduo"),
        ("G2", "jd_shop", "jd"), ("G3", "taobao_toyshop", "taobao"), ("G3", "taobao_outlet", "taobao"),
        ("G3", "pdd_shop", "pinduoduo")}  # G3 covers the shops with May sales
    assert per_shop[("G1", "taobao_toyshop", "taobao", "channel_net_sales")] == real_net
    assert per_shop[("G1", "taobao_outlet", "taobao", "channel_sales_share")] == pytest.approx(150 / company, abs=Decimal("1e-6"))
    assert float(per_shop[("G1", "taobao_toyshop", "taobao", "channel_market_share")]) == pytest.approx(2500 / 300_000, abs=1e-6)
    assert float(per_shop[("G1", "taobao_outlet", "taobao", "channel_market_share")]) == pytest.approx(500 / 300_000, abs=1e-6)
    assert per_shop[("G2", "pdd_shop", "pinduoduo", "channel_sales_growth")] == pytest.approx(Decimal("0.125"))
    assert per_shop[("G2", "jd_shop", "jd", "channel_net_sales")] is None  # no JD orders in May: no data, not 0
    assert per_shop[("G2", "jd_shop", "jd", "channel_sales_share")] is None


@pytest.mark.xdist_group("shops")
def test_scorecard_per_shop_in_the_cli(shops_month):
    root, warehouse, real, _ = shops_month
    out = run_cli("scorecard", "--month", MONTH, "--shop", "pdd_shop", "--format", "csv", "--warehouse", str(warehouse))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    # the shop's store KPIs, then the scorecards computed for that shop: G2 and G3 cover it
    scored = [line for line in lines if line.startswith("channel_manager,")]
    assert {line.split(",")[3] for line in scored} == {"G2", "G3"}
    growth = [line for line in scored if ",channel_sales_growth," in line]
    assert all(",pass," in line for line in growth)  # 180 / 160 - 1 = 0.125 >= 0


@pytest.mark.xdist_group("shops")
def test_the_simulated_five_shop_month_materialises_end_to_end(tmp_path):
    """`shopkpi simulate --shops` (the README's demo month): the real Taobao orders plus Tmall, Pinduoduo,
    JD and Douyin shops, each in its platform's layout and quirks."""
    from shopkpi_simulator import simulate_shops

    rows = simulate_shops(REAL_EXPORTS, tmp_path / "exports", MONTH, seed=42)
    warehouse = tmp_path / "warehouse.duckdb"
    assert materialize_month(MONTH, tmp_path / "exports", warehouse).success
    con = duckdb.connect(str(warehouse), read_only=True)
    shops = dict(con.execute("select shop_id, status from raw.shop_months where month = ?", [MONTH]).fetchall())
    assert shops == {s: "loaded" for s in ("taobao_toyshop", "tmall_flagship", "pdd_shop", "jd_shop", "douyin_shop")}
    audit = con.execute("select sum(rows_read), sum(rows_loaded + rows_merged + rows_summary + rows_quarantined), "
                        "sum(rows_quarantined), sum(rows_summary) from raw.load_audit where month = ?", [MONTH]).fetchone()
    # the CS reports' own summary rows: 千牛's 汇总值 and 平均值, 多多客服's 平均
    assert audit[0] == audit[1] and audit[2] == 0 and audit[3] == 3
    net = dict(con.execute("""select shop_id, value from marts.kpi_store_monthly
                              where month = ? and kpi_id = 'net_sales' and (shop_id <> 'all' or platform = 'all')""",
                           [MONTH]).fetchall())
    shares = [v for (v,) in con.execute("""select value from marts.kpi_employee_monthly
                                           where month = ? and kpi_id = 'channel_sales_share' and shop_id = 'all'""",
                                        [MONTH]).fetchall()]
    market = con.execute("""select count(*), count(value) from marts.kpi_employee_monthly
                            where month = ? and kpi_id = 'channel_market_share'""", [MONTH]).fetchone()
    con.close()
    # The CS reports in their real layouts (shopkpi_simulator/role_reports.py): C04 answers Pinduoduo, JD and
    # Douyin buyers and has no sessions. Worked out with pandas on the files: Σ paid / Σ 询单人数 over
    # 多多客服's pdd_kf01 (not its 平均 row) and 飞鸽's 小王 (临时客服 is nobody's); JD gives 促成下单人数
    # (ordered, not paid), so its rows stay out of a rate the other reports give exactly.
    cs = lambda shop, name: pd.read_csv(tmp_path / "exports" / shop / MONTH / name, dtype=str, encoding="utf-8-sig")  # noqa: E731
    pdd_cs = cs("pdd_shop", "客服数据.csv").query("客服账号 == 'pdd_kf01'")
    feige = cs("douyin_shop", "飞鸽客服数据.csv").query("客服昵称 == '小王'")
    paid = pdd_cs["最终成团人数"].astype(int).sum() + feige["支付人数"].astype(int).sum()
    inquiries = pdd_cs["询单人数"].astype(int).sum() + feige["询单人数"].astype(int).sum()
    con = duckdb.connect(str(warehouse), read_only=True)
    (conversion, basis), = con.execute("""select value, basis from marts.kpi_employee_monthly where month = ?
                                           and employee_id = 'C04' and kpi_id = 'consult_conversion' and shop_id = 'all'""",
                                        [MONTH]).fetchall()
    assert (round(float(conversion), 6), basis) == (round(paid / inquiries, 6), "exact")
    assert con.execute("select distinct account from intermediate.int_cs_account_days where employee_id is null"
                       ).fetchall() == [("临时客服",)]
    # P03 runs the platform shops' ads: spend_roi is the platforms' attributed sales over spend, summed over
    # P03's plans in 多多推广 (both plans), 京准通 (GBK, 1,234.56 amounts) and 千川 (千川-代投 is nobody's)
    pdd_ads = pd.read_csv(tmp_path / "exports" / "pdd_shop" / MONTH / "推广中心报表.csv", dtype=str, encoding="utf-8-sig")
    jd_ads = pd.read_csv(tmp_path / "exports" / "jd_shop" / MONTH / "京准通推广报表.csv", dtype=str, encoding="gbk")
    qc = cs("douyin_shop", "千川推广报表.csv").query("账户 == '千川-小店'")
    cny = lambda column: column.str.replace(",", "").map(Decimal).sum()  # noqa: E731
    sales = cny(pdd_ads["交易额(元)"]) + cny(jd_ads["总订单金额"]) + cny(qc["7日总成交金额(元)"])
    spend = cny(pdd_ads["总花费(元)"]) + cny(jd_ads["总费用"]) + cny(qc["消耗(元)"])
    (roi, basis), = con.execute("""select value, basis from marts.kpi_employee_monthly where month = ?
                                    and employee_id = 'P03' and kpi_id = 'spend_roi' and shop_id = 'all'""", [MONTH]).fetchall()
    assert (round(float(roi), 6), basis) == (round(float(sales / spend), 6), "exact")
    # L03 ships for the platform shops, from the 聚水潭 export in the Taobao shop's folder (a title row, one
    # row per line): orders of the four platform shops' ERP names (seeds/shops.csv), once each; the closed
    # shop's orders go to nobody. ship_hours: median hours 付款日期 → 发货日期 of the shipped ones.
    erp = pd.read_csv(tmp_path / "exports" / "taobao_toyshop" / MONTH / "订单导出_聚水潭.csv", dtype=str,
                      encoding="utf-8-sig", skiprows=1).drop_duplicates("内部订单号")
    erp = erp[erp["店铺名称"].isin(["天猫-旗舰店", "拼多多-玩具店", "京东-自营店", "抖店-玩具店"])]
    shipped = erp.dropna(subset=["发货日期"])
    hours = (pd.to_datetime(shipped["发货日期"]) - pd.to_datetime(shipped["付款日期"])).dt.total_seconds() / 3600
    on_time = (pd.to_datetime(shipped["发货日期"]) <= pd.to_datetime(shipped["计划发货时间"])).sum() / len(shipped)
    got = dict(((k, (round(float(v), 6), b)) for k, v, b in con.execute(
        """select kpi_id, value, basis from marts.kpi_employee_monthly where month = ? and employee_id = 'L03'
           and shop_id = 'all'""", [MONTH]).fetchall()))
    assert got["ship_hours"] == (round(hours.median(), 6), "exact")
    assert got["on_time_shipment"] == (round(on_time, 6), "exact")
    assert len(erp) == 4 * 30
    con.close()
    # Independent sums over the exports themselves (pandas): every shop's net sales, what buyers paid
    # net of refunds (docs/money.md). Tmall: 买家实际支付金额 is already net. Pinduoduo: 用户实付金额 of the
    # orders not 退款成功 (a refunded order gave back its whole payment). JD: 应付金额 once per paid order
    # (lines repeat it). Douyin: 订单应付金额 of the paid sub-orders not 退款成功.
    folder = tmp_path / "exports"
    amount = lambda column: column.str.replace(",", "").map(Decimal)  # noqa: E731
    tmall = pd.read_csv(folder / "tmall_flagship" / MONTH / "ExportOrderList_tmall.csv", dtype=str)
    pdd = pd.read_csv(folder / "pdd_shop" / MONTH / "拼多多订单导出.csv", dtype=str, encoding="utf-8-sig")
    jd = pd.read_csv(folder / "jd_shop" / MONTH / "京东订单导出.csv", dtype=str, encoding="gbk", keep_default_na=False)
    douyin = pd.read_csv(folder / "douyin_shop" / MONTH / "抖店订单导出.csv", dtype=str, encoding="utf-8-sig")
    expected_net = {
        "taobao_toyshop": sum(read_real_orders()["买家实际支付金额"].map(Decimal)),
        "tmall_flagship": sum(tmall["买家实际支付金额"].map(Decimal)),
        "pdd_shop": sum(amount(pdd.loc[pdd["售后状态"] != "退款成功", "用户实付金额(元)"])),
        "jd_shop": sum(amount(jd.loc[jd["付款确认时间"] != ""].drop_duplicates("订单号")["应付金额"])),
        "douyin_shop": sum(amount(douyin.loc[(douyin["支付完成时间"] != "-") & (douyin["售后状态"] != "退款成功"), "订单应付金额"])),
    }
    assert (pdd["售后状态"] == "退款成功").any() and (douyin["售后状态"] == "退款成功").any()  # refunds to net out
    for shop, want in expected_net.items():
        assert net[shop] == want, shop
    assert net["all"] == sum(expected_net.values())  # the company is the sum of its shops' net-of-refund sales
    # The Taobao platform's traffic and spend are its one shop's: the same conversion rate and ROI
    taobao, toyshop = store_kpis(warehouse, MONTH, "all", "taobao"), store_kpis(warehouse, MONTH, "taobao_toyshop", "taobao")
    for kpi in ("conversion_rate", "marketing_roi"):
        assert toyshop[kpi][0] is not None and taobao[kpi] == toyshop[kpi], kpi
    assert len(shares) == 2 and sum(shares) == pytest.approx(1)  # G01 and G02 split the five shops
    assert rows["pdd_shop/orders"] == len(pdd)
    # the simulated 生意参谋 market export is the Taobao shop's: its manager's rows (all, taobao_toyshop) have a share
    assert market[1] == 2 and market[0] > market[1]


@pytest.mark.ui
@pytest.mark.xdist_group("shops")
def test_the_report_and_workbook_show_every_shop_and_the_company(shops_month, tmp_path):
    import io
    import subprocess

    from openpyxl import load_workbook

    from shopkpi.publish.publisher import build_artifacts
    from tests.helpers import chromium

    _, warehouse, real, shared = shops_month
    files, _, _ = build_artifacts(str(warehouse), MONTH, 1)
    want = expected(real, shared)
    sheet = load_workbook(io.BytesIO(files["scorecard.xlsx"]), read_only=True)["店铺 Shops"]
    rows = [r for r in sheet.iter_rows(values_only=True)][1:]  # row 1 is the sheet's title
    by_scope = {(r[1], r[2]): r for r in rows[1:]}
    assert rows[1][0] == "公司 Company" and set(by_scope) == set(want)  # the company first, then every scope
    for scope, figures in want.items():
        assert Decimal(str(by_scope[scope][3])) == figures["net_sales"], scope
    assert by_scope[("pdd_shop", "pinduoduo")][6] is None  # Pinduoduo: no buyers, no data (not 0)
    report = tmp_path / "report.html"
    report.write_bytes(files["report.html"])
    browser = chromium()
    dom = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'p'}",
                          "--dump-dom", report.as_uri()], check=True, capture_output=True, text=True, timeout=120).stdout
    assert "店铺与渠道 Shops and channels" in dom and dom.count("<tr class=\"shop\">") == len(want)
    # the channel managers' per-shop KPIs: 7 (manager, shop) pairs x 4 KPIs, with the index caveat
    assert dom.count("<tr class=\"per-shop\">") == 7 * 4 and "交易指数是指数而非金额" in dom
    assert "淘宝折扣店 Taobao outlet shop" in dom and "拼多多店 Pinduoduo shop" in dom


@pytest.mark.xdist_group("shops")
def test_scorecard_shop_shows_one_shop_or_the_company(shops_month):
    root, warehouse, _, _ = shops_month
    pdd = run_cli("scorecard", "--month", MONTH, "--shop", "pdd_shop", "--warehouse", str(warehouse), "--format", "csv",
                  env=dagster_home(root))
    assert pdd.returncode == 0, pdd.stderr
    rows = {line.split(",")[2]: line.split(",")[5] for line in pdd.stdout.splitlines()[1:]}
    assert rows["net_sales"] == "180" and rows["paid_buyers"] == ""  # 180 + 0 (P-2 refunded); no buyers: no data
    table = run_cli("scorecard", "--month", MONTH, "--shop", "all", "--warehouse", str(warehouse), env=dagster_home(root))
    assert "公司 Company" in table.stdout and "公司·pinduoduo" in table.stdout and "公司·taobao" in table.stdout
    unknown = run_cli("scorecard", "--month", MONTH, "--shop", "nope", "--warehouse", str(warehouse), env=dagster_home(root))
    assert unknown.returncode == 2 and "shops that month: all, pdd_shop, taobao_outlet, taobao_toyshop" in unknown.stderr


@pytest.mark.xdist_group("shops")
def test_the_audit_lists_every_shop_with_its_rows(shops_month, tmp_path):
    import json

    _, warehouse, real, _ = shops_month
    out = run_cli("audit", "--month", MONTH, "--warehouse", str(warehouse), "--published", str(tmp_path / "pub"),
                  "--format", "json")
    assert out.returncode == 0, out.stderr
    shops = {r["shop_id"]: r for r in json.loads(out.stdout)["shops"]}
    assert set(shops) == {"taobao_toyshop", "taobao_outlet", "pdd_shop", "jd_shop"}
    assert shops["jd_shop"]["status"] != "loaded" and shops["jd_shop"]["files"] == 0  # reported, not silently zero
    details = pd.read_csv(REAL_EXPORTS / "ExportOrderDetailList.csv", dtype=str, encoding="utf-8-sig")
    # rows read per shop, counted from the files written above: orders + order lines + roster + market
    assert shops["taobao_toyshop"]["rows_read"] == len(real) + len(details) + len(ROSTER) + len(MARKET["taobao_toyshop"])
    assert shops["taobao_outlet"]["rows_read"] == 3 + len(MARKET["taobao_outlet"])
    assert shops["pdd_shop"]["rows_read"] == len(PDD_MAY)
    assert all(r["reconciles"] for r in shops.values())
    assert "Shops 店铺" in (tmp_path / "pub" / MONTH / "data-docs" / "audit.html").read_text(encoding="utf-8")


def test_a_shops_file_with_an_unknown_platform_or_a_markup_id_is_refused_in_one_line(tmp_path):
    """A platform of `<img src=x onerror=…>` in seeds/shops.csv reached GX's result pages as markup (stored XSS)."""
    from shopkpi.shops import SHOPS_FILE, ShopsFileError, read_shops

    assert set(read_shops(SHOPS_FILE)) >= {"taobao_toyshop", "jd_shop"}  # the project's own file passes
    bad = tmp_path / "shops.csv"
    bad.write_text("shop_id,platform,name_zh,name_en\njd_shop,jd,京东店,JD\n"
                   "evil,<img src=x onerror=alert(1)>,店,Shop\n", encoding="utf-8")
    with pytest.raises(ShopsFileError) as raised:
        read_shops(bad)
    assert str(raised.value).startswith("shops.csv row 3, column platform: '<img src=x onerror=alert(1)>' is not a platform")
    bad.write_text("shop_id,platform,name_zh,name_en\n<b>x\x1b[31m,jd,京东店,JD\n", encoding="utf-8")
    with pytest.raises(ShopsFileError, match=r"shops.csv row 2, column shop_id: '<b>x\[31m' is not a shop id"):
        read_shops(bad)


def test_a_name_two_shops_share_in_shops_csv_is_refused_naming_the_row(tmp_path):
    """聚水潭's 店铺名称 routes an order to the shop with that name (`names`): a name of two shops could go to either."""
    from shopkpi.shops import ShopsFileError, read_shops

    bad = tmp_path / "shops.csv"
    bad.write_text("shop_id,platform,name_zh,name_en,names\r\njd_shop,jd,京东店,JD,京东-自营店|京东店铺\r\n"
                   "jd_outlet,jd,京东折扣店,JD outlet,京东店铺\r\n", encoding="utf-8")
    with pytest.raises(ShopsFileError, match=r"^shops.csv row 3, column names: '京东店铺' is also a name of jd_shop"):
        read_shops(bad)
    bad.write_text('shop_id,platform,name_zh,name_en,names\njd_shop,jd,京东店,JD,"京东,自营店"\n', encoding="utf-8")
    with pytest.raises(ShopsFileError, match=r"row 2, column names: '京东,自营店' has a comma: separate names with \|"):
        read_shops(bad)
    bad.write_text("shop_id,platform,name_zh,name_en,names\njd_shop,jd,京东店,JD,京东-自营店 | 京东店铺\n", encoding="utf-8")
    assert read_shops(bad)["jd_shop"].names == ("京东-自营店", "京东店铺")
