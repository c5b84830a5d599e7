"""The simulator: same seed same bytes, and exports consistent with the orders they follow."""

from __future__ import annotations

import filecmp
from collections import Counter

import duckdb
import pandas as pd
import pytest

from shopkpi.ingest.load import load_month
from shopkpi_simulator import simulate
from tests.helpers import REAL_EXPORTS, read_real_orders


def read(folder, name, **kw):
    if name.endswith(".xlsx"):
        return pd.read_excel(folder / name, dtype=str, keep_default_na=False)
    encoding = "gbk" if name in ("客服接待明细.csv", "售后记录.csv", "市场报告.csv") else "utf-8-sig"
    return pd.read_csv(folder / name, encoding=encoding, dtype=str, keep_default_na=False, **kw)


def test_same_seed_same_bytes_other_seed_other_data(demo_exports, tmp_path):
    again = tmp_path / "again"
    simulate(REAL_EXPORTS, again, month="2017-05", seed=42, copy_orders=True)
    names = sorted(p.name for p in demo_exports.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(demo_exports, again, names, shallow=False)
    assert mismatch == [] and errors == [] and len(match) == 17
    other = tmp_path / "other"
    simulate(REAL_EXPORTS, other, month="2017-05", seed=7)
    assert (other / "访客明细.csv").read_bytes() != (demo_exports / "访客明细.csv").read_bytes()


def test_formats_are_mixed_like_the_platforms(demo_exports):
    starts = {p.name: p.read_bytes()[:3] for p in demo_exports.iterdir()}
    assert starts["访客明细.csv"] == b"\xef\xbb\xbf"  # UTF-8 with BOM
    assert starts["客服接待明细.csv"] != b"\xef\xbb\xbf"
    (demo_exports / "客服接待明细.csv").read_bytes().decode("gbk")  # GBK
    assert starts["员工花名册.xlsx"] == b"PK\x03"  # XLSX


def test_references_point_at_real_orders_and_buyers(demo_exports):
    orders = read_real_orders()
    order_ids, buyers = set(orders["订单编号"]), set(orders["买家会员名"])
    paid_ids = set(orders.loc[orders["订单付款时间"] != "", "订单编号"])
    for name, column in [("物流跟踪.csv", "订单编号"), ("售后记录.csv", "订单编号"), ("评价记录.csv", "订单编号"),
                         ("活动订单.csv", "订单编号")]:
        assert set(read(demo_exports, name)[column]) <= order_ids, name
    sessions = read(demo_exports, "客服接待明细.csv")
    converted = set(sessions["转化订单编号"]) - {""}
    assert converted and converted <= order_ids
    assert set(sessions["买家"]) & buyers  # sessions are held with real (pseudonymised) buyers
    traffic = read(demo_exports, "访客明细.csv")
    assert paid_ids <= set(traffic["成交订单编号"])  # every paying buyer appears among the visitors
    assert set(read(demo_exports, "物流跟踪.csv")["订单编号"]) == paid_ids


def test_campaigns_fall_inside_the_month(demo_exports):
    campaigns = read(demo_exports, "活动列表.xlsx")
    assert (campaigns["开始时间"].str[:7] == "2017-05").all() and (campaigns["结束时间"].str[:7] == "2017-05").all()
    assert (campaigns["开始时间"] <= campaigns["结束时间"]).all()


def test_roster_and_controlled_edge_cases(demo_exports):
    staff = read(demo_exports, "员工花名册.xlsx")
    assert min(Counter(staff["岗位"]).values()) >= 2 and len(Counter(staff["岗位"])) == 10  # 9 catalog roles + 渠道经理
    assert (staff["入职日期"].str[:7] == "2017-05").sum() == 1  # joins mid-month
    assert (staff["离职日期"].str[:7] == "2017-05").sum() == 1  # leaves mid-month
    sessions = read(demo_exports, "客服接待明细.csv")
    agents = set(staff.loc[staff["岗位"] == "客服专员", "工号"])
    assert agents - set(sessions["客服工号"])  # an agent with no sessions
    thirty = pd.to_datetime(sessions["首次回复时间"]) - pd.to_datetime(sessions["首条消息时间"])
    assert (thirty == pd.Timedelta(seconds=30)).any()  # a first reply at exactly 30 s
    assert (read(demo_exports, "活动列表.xlsx")["活动成本"].astype(float) == 0).any()  # a free campaign
    design = read(demo_exports, "美工任务.xlsx")
    assert ((design["交付时间"] != "") & (design["审核时间"] == "")).any()  # delivered, never reviewed


def test_analyst_figures_off_by_4_9_and_5_1_percent(demo_exports):
    orders = read_real_orders()
    orders["created"] = pd.to_datetime(orders["订单创建时间"], format="%Y/%m/%d %H:%M")
    orders["paid"] = pd.to_numeric(orders["买家实际支付金额"])
    figures = read(demo_exports, "数据分析周报.xlsx")
    errors = []
    for _, f in figures[figures["指标"] == "实际成交额"].iterrows():
        start = pd.Timestamp(f["周开始日期"])
        window = orders[(orders["created"] >= start) & (orders["created"] < min(start + pd.Timedelta(days=7), pd.Timestamp("2017-06-01")))]
        errors.append(round(abs(float(f["报告值"]) - window["paid"].sum()) / window["paid"].sum(), 4))
    assert sorted(e for e in errors if e) == [0.049, 0.051]


@pytest.mark.slow
def test_synthesised_orders_load_completely(tmp_path):
    result = simulate(REAL_EXPORTS, tmp_path / "big", month="2019-11", seed=1, orders_per_month=5000)
    assert result.rows["logistics"] > 4000
    con = duckdb.connect()
    loaded = load_month(con, "2019-11", tmp_path / "big")
    stats = {f.report_type: (f.rows_read, f.rows_loaded) for f in loaded.files}
    assert stats["orders"] == (5000, 5000)
    assert all(read == ok for read, ok in stats.values()), stats
    (buyers,) = con.execute("select count(distinct buyer_hash) from raw.orders").fetchone()
    assert 3000 < buyers < 5000  # some buyers order twice


@pytest.mark.parametrize("bad", ["2019-13"])
def test_cli_rejects_bad_month(bad):
    from shopkpi.cli import main

    assert main(["simulate", "--out", "/tmp/x", "--month", bad]) == 2


def test_platform_summary_agrees_with_the_real_orders(demo_exports):
    """店铺概况 is the platform's own count: exact in orders, within 0.3% in money (its own clock)."""
    orders = pd.read_csv(REAL_EXPORTS / "ExportOrderList.csv", encoding="utf-8-sig", dtype=str)
    orders.columns = [c.strip() for c in orders.columns]
    paid = orders[orders["订单付款时间"].fillna("").str.strip() != ""]
    overview = read(demo_exports, "店铺概况.csv")
    assert len(overview) == 31  # one row per day of May
    assert overview["支付订单数"].astype(int).sum() == len(paid) == 3989
    platform_amount = overview["支付金额"].astype(float).sum()
    orders_amount = paid["总金额"].astype(float).sum()  # 291,011.43
    assert abs(platform_amount - orders_amount) / orders_amount < 0.003
    assert platform_amount != round(orders_amount, 2)  # the platform is not a copy of the order report
