"""The role reports a multi-shop team downloads, written in their real layouts (shopkpi/layouts/).
Customer service: 千牛 客服绩效 for the Taobao shop (a download over the month: no date column, 汇总值
and 平均值 rows, 延迟统计 where a figure is not final), 多多客服 for Pinduoduo (平均 row, minutes), 京麦
for JD (GBK, durations as text) and 飞鸽 for Douyin. Promotion: 多多推广, 京准通 and 巨量千川 plans of the
platform shops. Logistics: one 聚水潭 order export for the platform shops (a title row above the header,
rows routed by 店铺名称; one name no shop has). With 账号归属, the team's sheet that says who holds which
account, plan and shop's shipping; one 飞鸽 account and one 千川 account are nobody's, for the audit to
list. Also 聚水潭's after-sales export, and the Pinduoduo shop's 商品操作记录 and 营销活动报名记录. Seeded: the same
seed gives the same bytes."""

from __future__ import annotations

import calendar
import datetime as dt
import random
import zlib
from pathlib import Path

from shopkpi.ingest.layouts import layout_named
from shopkpi.shops import shops

from .writers import write_rows

# The agent who answers the other platforms' buyers and the specialist who runs their ads; on the
# roster only in a multi-shop month.
PLATFORM_CS_AGENT = ("C04", "客服-小王", "客服专员", "客服部", None, None)
PLATFORM_PROMOTION_SPECIALIST = ("P03", "推广-阿明", "营销推广专员", "运营部", None, None)
PLATFORM_LOGISTICS_COORDINATOR = ("L03", "物流-小李", "物流协调员", "物流部", None, None)
# shop_id: (layout, file name, encoding, {account: employee_id or None (nobody's)})
CS_REPORTS = {
    "taobao_toyshop": ("qianniu_cs_performance", "客服绩效-业绩分析-汇总分析_全部.csv", "utf-8-sig",
                       {"玩具店:小美": "C01", "玩具店:阿强": "C02"}),
    "pdd_shop": ("pinduoduo_cs_data", "客服数据.csv", "utf-8-sig", {"pdd_kf01": "C04"}),
    "jd_shop": ("jd_dongdong_cs", "客服数据_整体数据.csv", "gbk", {"jd_kf01": "C04"}),
    "douyin_shop": ("doudian_feige_cs", "飞鸽客服数据.csv", "utf-8-sig", {"小王": "C04", "临时客服": None}),
}
# shop_id: (layout, file name, encoding, {plan or ad account: employee_id or None (nobody's)})
AD_REPORTS = {
    "pdd_shop": ("pinduoduo_ads_report", "推广中心报表.csv", "utf-8-sig", {"多多搜索-玩具": "P03", "多多场景-积木": "P03"}),
    "jd_shop": ("jingzhuntong_report", "京准通推广报表.csv", "gbk", {"京东快车-玩具": "P03"}),
    "douyin_shop": ("qianchuan_report", "千川推广报表.csv", "utf-8-sig", {"千川-小店": "P03", "千川-代投": None}),
}
ACCOUNTS_FILE = "账号归属.csv"
# The ERP serves the platform shops (by their 聚水潭 names, seeds/shops.csv `names`) and a closed shop no
# row of shops.csv names; its file sits in the main shop's folder. Hours a platform gives to ship.
ERP_FILE = "订单导出_聚水潭.csv"
ERP_SHOPS = {"tmall_flagship": 48, "pdd_shop": 48, "jd_shop": 24, "douyin_shop": 48}
ERP_CLOSED_SHOP = "淘宝-旧店(已关)"
ERP_ORDERS_PER_SHOP = 30
ERP_CASES_FILE = "售后单_聚水潭.csv"
# Pinduoduo's listing events and campaign registrations (read by the loader; the demo's listings and
# campaigns are the Taobao shop's, so these feed no KPI there).
GOODS_OPERATIONS_FILE, REGISTRATIONS_FILE = "商品操作记录.csv", "营销活动报名记录.csv"


def _day_rows(rng: random.Random, month: str, account: str) -> list[dict[str, str]]:
    year, mon = int(month[:4]), int(month[5:])
    rows = []
    for day in range(1, calendar.monthrange(year, mon)[1] + 1):
        served = rng.randint(15, 60)
        inquiries = rng.randint(5, served)
        paid = rng.randint(0, inquiries)
        rows.append({"day": f"{month}-{day:02d}", "account": account, "served": served, "consulted": served + rng.randint(0, 5),
                     "inquiries": inquiries, "paid": paid, "sales": round(paid * rng.uniform(40, 120), 2),
                     "first": rng.randint(5, 40), "avg": rng.randint(20, 90), "unreplied": rng.randint(0, 2),
                     "ratings": rng.randint(0, 6), "answered_30s": round(rng.uniform(0.9, 1.0), 4)})
    return rows


def _cells(layout: str, r: dict) -> dict[str, str]:
    """One report row in the layout's own headers and cell formats."""
    seconds = lambda s: f"{s // 60}分{s % 60:02d}秒" if s >= 60 else f"{s}秒"  # noqa: E731
    satisfied = max(0, r["ratings"] - 1)
    if layout == "qianniu_cs_performance":
        return {"旺旺昵称": r["account"], "咨询人数": r["consulted"], "有效接待人数": r["served"], "询单人数": r["inquiries"],
                "销售人数": r["paid"], "销售额": f"{r['sales']:,.2f}", "首次响应(秒)": r["first"], "平均响应(秒)": r["avg"],
                "未回复人数": r["unreplied"], "旺旺回复率(%)": f"{100 * (1 - r['unreplied'] / r['consulted']):.2f}",
                "旺旺评价量": r["ratings"], "满意评价量": satisfied}
    if layout == "pinduoduo_cs_data":
        return {"日期": r["day"], "客服账号": r["account"], "咨询人数": r["consulted"], "人工接待人数": r["served"],
                "询单人数": r["inquiries"], "最终成团人数": r["paid"], "客服销售额(元)": f"{r['sales']:.2f}",
                "3分钟未回复人数": r["unreplied"], "30秒应答率(8-23点)": f"{100 * r['answered_30s']:.2f}%",
                "平均人工响应时长(分钟)": f"{r['avg'] / 60:.2f}", "评分数": r["ratings"], "评分≤3订单数": r["ratings"] - satisfied}
    if layout == "jd_dongdong_cs":
        return {"日期": r["day"], "客服": r["account"], "接待量": r["served"], "售前接待人数": r["inquiries"],
                "促成下单人数": r["paid"], "促成下单商品金额": f"{r['sales']:.2f}", "平均响应时长(新)": seconds(r["avg"]),
                "30s应答率": f"{100 * r['answered_30s']:.2f}%", "好评量": satisfied, "评价量": r["ratings"],
                "差评量": r["ratings"] - satisfied}
    return {"日期": r["day"], "店铺名称": "抖音小店", "客服昵称": r["account"], "人工已接待人数": r["served"],
            "询单人数": r["inquiries"], "支付人数": r["paid"], "客服销售额(元)": f"{r['sales']:.2f}",
            "首次响应时长(秒)": r["first"], "平均响应时长(秒)": r["avg"], "3分钟人工回复率": f"{100 * (1 - r['unreplied'] / r['consulted']):.1f}%"}


def _ad_days(rng: random.Random, month: str) -> list[dict]:
    year, mon = int(month[:4]), int(month[5:])
    days = []
    for day in range(1, calendar.monthrange(year, mon)[1] + 1):
        impressions = rng.randint(2000, 20000)
        clicks = rng.randint(impressions // 100, impressions // 20)
        orders = rng.randint(0, max(1, clicks // 20))
        days.append({"day": f"{month}-{day:02d}", "impressions": impressions, "clicks": clicks,
                     "spend": round(clicks * rng.uniform(0.3, 1.2), 2), "orders": orders,
                     "gmv": round(orders * rng.uniform(40, 150), 2), "new": rng.randint(0, orders)})
    return days


def _ad_cells(layout: str, plan: str, d: dict) -> dict:
    """One ad report row in the layout's own headers and cell formats."""
    if layout == "pinduoduo_ads_report":
        return {"日期": d["day"], "推广场景": "全站推广", "推广名称": plan, "商品ID": str(zlib.crc32(plan.encode()) % 10**8),
                "总花费(元)": f"{d['spend']:.2f}", "交易额(元)": f"{d['gmv']:.2f}", "成交笔数": d["orders"],
                "曝光量": d["impressions"], "点击量": d["clicks"]}
    if layout == "jingzhuntong_report":
        return {"日期": d["day"], "账户名称": "京东玩具店", "计划类型": "快车", "计划ID": str(zlib.crc32(plan.encode()) % 10**6),
                "推广计划": plan, "展现数": f"{d['impressions']:,}", "点击数": d["clicks"], "总费用": f"{d['spend']:.2f}",
                "总订单行": d["orders"], "总订单金额": f"{d['gmv']:,.2f}", "下单新客数": d["new"], "口径": "点击口径 15天"}
    return {"日期": d["day"], "账户": plan, "账户ID": str(zlib.crc32(plan.encode()) % 10**9),
            "消耗(元)": f"{d['spend']:.2f}", "展示次数": d["impressions"], "点击次数": d["clicks"],
            "7日总成交金额(元)": f"{d['gmv']:.2f}", "7日总成交订单数": d["orders"]}


def _erp_rows(rng: random.Random, month: str) -> list[list[str]]:
    """聚水潭 orders of the platform shops, one row per line (some orders have two), in the export's columns."""
    year, mon = int(month[:4]), int(month[5:])
    last_day = calendar.monthrange(year, mon)[1]
    when = lambda t: t.strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
    names = {**{shop: shops()[shop].names[0] for shop in ERP_SHOPS}, None: ERP_CLOSED_SHOP}
    rows, number = [], 0
    for shop, ship_within in [*ERP_SHOPS.items(), (None, 48)]:
        for _ in range(ERP_ORDERS_PER_SHOP if shop else 2):
            number += 1
            paid = dt.datetime(year, mon, rng.randint(1, last_day), rng.randint(0, 23), rng.randint(0, 59))
            promised = paid + dt.timedelta(hours=ship_within)
            shipped = None if rng.random() < 0.1 else paid + dt.timedelta(hours=rng.uniform(2, ship_within * 1.3))
            received = shipped + dt.timedelta(hours=rng.uniform(24, 120)) if shipped and rng.random() < 0.8 else None
            order = [f"JST{number:06d}", f"{9000000 + number}", names[shop], when(paid), when(promised),
                     when(shipped) if shipped else "", (paid + dt.timedelta(days=5)).strftime("%Y-%m-%d"),
                     when(received) if received else "", rng.choice(["中通快递", "圆通速递", "韵达快递"]),
                     "已发货" if shipped else "已付款待审核", "普通订单"]
            for line in range(1 if rng.random() < 0.7 else 2):
                rows.append([*order, f"SKU{rng.randint(1, 40):03d}", "1"])
    return rows


def _pinduoduo_listing_and_campaign_records(folder: Path, month: str, seed: int) -> dict[str, int]:
    """拼多多 商品操作记录 (发布 and 编辑 events, one 驳回) and 营销活动报名记录 of the Pinduoduo shop."""
    rng = random.Random(zlib.crc32(f"{seed}:pdd_records".encode()))
    year, mon = int(month[:4]), int(month[5:])
    when = lambda t: t.strftime("%Y-%m-%d %H:%M:%S")  # noqa: E731
    operations = []
    for goods in range(1, 9):
        submitted = dt.datetime(year, mon, rng.randint(1, 25), rng.randint(8, 20))
        if goods == 3:  # refused once, approved on the second try
            operations.append([f"6{goods:04d}", f"商品{goods}", "发布", "审核驳回", when(submitted),
                               when(submitted + dt.timedelta(hours=2)), "pdd_op1", "主图不清晰"])
            submitted += dt.timedelta(hours=5)
        operations.append([f"6{goods:04d}", f"商品{goods}", "发布", "审核通过", when(submitted),
                           when(submitted + dt.timedelta(minutes=rng.randint(10, 300))), "pdd_op1", ""])
        operations.append([f"6{goods:04d}", f"商品{goods}", "编辑", "审核通过", when(submitted + dt.timedelta(days=2)),
                           when(submitted + dt.timedelta(days=2, hours=1)), "pdd_op1", ""])
    first = dt.datetime(year, mon, 20)
    registrations = [["PDD-SK-01", "限时秒杀", "限时秒杀", f"6{goods:04d}", f"商品{goods}", when(first - dt.timedelta(days=7)),
                      when(first), when(first + dt.timedelta(days=1, hours=23, minutes=59)),
                      str(rng.randint(0, 40)), "活动结束" if goods != 4 else "清退"] for goods in (1, 2, 4)]
    return {
        f"pdd_shop/{GOODS_OPERATIONS_FILE}": write_rows(
            folder / GOODS_OPERATIONS_FILE, ["商品ID", "商品名称", "操作类型", "审核状态", "提交时间", "审核时间", "操作账号", "驳回原因"],
            operations, "utf-8-sig"),
        f"pdd_shop/{REGISTRATIONS_FILE}": write_rows(
            folder / REGISTRATIONS_FILE, ["活动ID", "活动名称", "活动类型", "商品ID", "商品名称", "报名时间", "活动商品开始时间",
                                          "活动商品结束时间", "活动已售", "状态"], registrations, "utf-8-sig"),
    }


def write_role_reports(exports_root: Path, month: str, main_shop: str, seed: int = 42) -> dict[str, int]:
    """Each shop's CS and ad reports into `exports_root/<shop>/<month>/`, and 账号归属 into the main shop's
    folder. Returns rows written per file."""
    written = {}
    for shop_id, (layout_name, filename, encoding, accounts) in CS_REPORTS.items():
        rng = random.Random(zlib.crc32(f"{seed}:{shop_id}:cs".encode()))
        rows = []
        for account in accounts:
            days = _day_rows(rng, month, account)
            if layout_name == "qianniu_cs_performance":  # a download over the month: one row per account
                total = {k: sum(d[k] for d in days) for k in ("served", "consulted", "inquiries", "paid", "unreplied", "ratings")}
                total.update(account=account, day="", sales=round(sum(d["sales"] for d in days), 2),
                             first=round(sum(d["first"] * d["served"] for d in days) / total["served"]),
                             avg=round(sum(d["avg"] * d["served"] for d in days) / total["served"]), answered_30s=1.0)
                days = [total]
            rows += [_cells(layout_name, d) for d in days]
        header = [h for h in layout_named(layout_name).headers if h in rows[0]]  # the columns this tool writes
        if layout_name == "qianniu_cs_performance":
            rows[-1]["销售人数"] = "延迟统计"  # the payment window of the period's last days is still open
            rows += [{h: ("汇总值" if h == "旺旺昵称" else "") for h in header}, {h: ("平均值" if h == "旺旺昵称" else "") for h in header}]
        elif layout_name == "pinduoduo_cs_data":
            rows.append({h: ("平均" if h == "客服账号" else "") for h in header})
        target = exports_root / shop_id / month / filename
        written[f"{shop_id}/{filename}"] = write_rows(target, header, [[r.get(h, "") for h in header] for r in rows], encoding)
    for shop_id, (layout_name, filename, encoding, plans) in AD_REPORTS.items():
        rng = random.Random(zlib.crc32(f"{seed}:{shop_id}:ads".encode()))
        header = layout_named(layout_name).headers
        rows = [_ad_cells(layout_name, plan, day) for plan in plans for day in _ad_days(rng, month)]
        target = exports_root / shop_id / month / filename
        written[f"{shop_id}/{filename}"] = write_rows(target, header, [[r.get(h, "") for h in header] for r in rows], encoding)
    erp_header = ["内部订单号", "线上订单号", "店铺名称", "付款日期", "计划发货时间", "发货日期", "承诺送达时间", "确认收货时间",
                  "快递公司", "状态", "订单类型", "商品编码", "数量"]
    rows = _erp_rows(random.Random(zlib.crc32(f"{seed}:erp".encode())), month)
    target = exports_root / main_shop / month / ERP_FILE
    written[f"{main_shop}/{ERP_FILE}"] = write_rows(target, [f"名称：订单导出 {month}"], [erp_header, *rows], "utf-8-sig") - 1
    # 聚水潭 售后单 for some of those orders (a return, an exchange or a refund), one per order
    cases = [[f"SH{n:05d}", order[0], order[2], order[1], rng_case.choice(["退货退款", "换货", "仅退款"]), "已确认",
              order[3], order[11], "1"]
             for rng_case in [random.Random(zlib.crc32(f"{seed}:erp_cases".encode()))]
             for n, order in enumerate({r[0]: r for r in rows}.values(), start=1) if rng_case.random() < 0.08]
    target = exports_root / main_shop / month / ERP_CASES_FILE
    written[f"{main_shop}/{ERP_CASES_FILE}"] = write_rows(
        target, ["售后单号", "内部订单号", "店铺名称", "线上订单号", "售后类型", "状态", "登记时间", "商品编码", "申请数量"], cases,
        "utf-8-sig")
    written.update(_pinduoduo_listing_and_campaign_records(exports_root / "pdd_shop" / month, month, seed))
    mapping = [[employee, account, shop_id, "", ""]
               for shop_id, (_, _, _, accounts) in [*CS_REPORTS.items(), *AD_REPORTS.items()]
               for account, employee in accounts.items() if employee]
    # L03 holds the platform shops' shipping, by their ERP names
    mapping += [[PLATFORM_LOGISTICS_COORDINATOR[0], shops()[shop].names[0], "", "", ""] for shop in ERP_SHOPS]
    header = layout_named("shopkpi_staff_accounts").headers
    target = exports_root / main_shop / month / ACCOUNTS_FILE
    written[f"{main_shop}/{ACCOUNTS_FILE}"] = write_rows(target, header, mapping, "utf-8-sig")
    return written
