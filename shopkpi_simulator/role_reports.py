"""The role reports a multi-shop team downloads, written in their real layouts (shopkpi/layouts/).
Customer service: 千牛 客服绩效 for the Taobao shop (a download over the month: no date column, 汇总值
and 平均值 rows, 延迟统计 where a figure is not final), 多多客服 for Pinduoduo (平均 row, minutes), 京麦
for JD (GBK, durations as text) and 飞鸽 for Douyin. Promotion: 多多推广, 京准通 and 巨量千川 plans of the
platform shops. With 账号归属, the team's sheet that says who holds which account and plan; one 飞鸽
account and one 千川 account are nobody's, for the audit to list. Seeded: the same seed gives the same
bytes."""

from __future__ import annotations

import calendar
import random
import zlib
from pathlib import Path

from shopkpi.ingest.layouts import layout_named

from .writers import write_rows

# The agent who answers the other platforms' buyers and the specialist who runs their ads; on the
# roster only in a multi-shop month.
PLATFORM_CS_AGENT = ("C04", "客服-小王", "客服专员", "客服部", None, None)
PLATFORM_PROMOTION_SPECIALIST = ("P03", "推广-阿明", "营销推广专员", "运营部", None, None)
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
    mapping = [[employee, account, shop_id, "", ""]
               for shop_id, (_, _, _, accounts) in [*CS_REPORTS.items(), *AD_REPORTS.items()]
               for account, employee in accounts.items() if employee]
    header = layout_named("shopkpi_staff_accounts").headers
    target = exports_root / main_shop / month / ACCOUNTS_FILE
    written[f"{main_shop}/{ACCOUNTS_FILE}"] = write_rows(target, header, mapping, "utf-8-sig")
    return written
