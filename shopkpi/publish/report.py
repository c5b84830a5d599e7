"""A static HTML scorecard report with inline SVG charts: opens from disk, no server, no scripts."""

from __future__ import annotations

import html
from collections import defaultdict

import pandas as pd

from ..scoring.config import STATUS_LABELS, VALUE_BASIS_LABELS

ROLE_COLORS = ["#2f6fb0", "#d9822b", "#3a9b5c", "#b03a48", "#7b5ea7", "#8c6d46", "#c25f9f", "#6b7b8c", "#a7a23a", "#2aa3a3"]
STATUS_CLASS = {"pass": "pass", "fail": "fail", "no_data": "nodata", "unscored": "unscored", "progress": "unscored"}
HOUSE_MARK = "†"  # a target or weight that is a house default, not the handbooks' (kpi_targets.csv, kpi_weights.csv)
APPROXIMATE_MARK = "≈"  # a value the reports give only approximately (seeds/kpi_sources.csv)

CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",Arial,sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}
h3{font-size:15px;margin:16px 0 4px}table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f2f2f2}td.l,th.l{text-align:left}
td.pass{background:#d8f0dc}td.fail{background:#f8d7da}td.nodata{background:#e9e9e9;color:#666}td.unscored{color:#888}
.charts{display:flex;flex-wrap:wrap;gap:24px}.note{color:#666;font-size:12px}
"""


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value))


def _fmt(value, digits: int = 2) -> str:
    if _missing(value):
        return "—"
    number = float(value)
    if number.is_integer():
        return f"{number:,.0f}"
    return f"{number:,.{digits}f}" if abs(number) >= 1 else f"{number:.4f}"


# How each kpi_registry.unit prints (a number in, text out)
UNIT_FORMATS = {
    "ratio": lambda n: f"{n * 100:,.2f}%",
    "cny": lambda n: f"¥{n:,.2f}",
    "count": lambda n: f"{n:,.0f}",
    "multiple": lambda n: f"{n:,.2f}×",
    "seconds": lambda n: f"{n:,.1f} s",
    "hours": lambda n: f"{n:,.1f} h",
}


def fmt_unit(value, unit: str | None) -> str:
    """A KPI value as people read it: ratios as percentages, money with separators and ¥,
    ROI-like multiples with ×, durations with their unit."""
    if _missing(value):
        return "—"
    return UNIT_FORMATS[unit](float(value)) if unit in UNIT_FORMATS else _fmt(value)


def _change(value) -> str:
    """Month-over-month change: ▲ 12.3% / ▼ 4.0%, or — without a previous month."""
    if _missing(value):
        return "—"
    number = float(value) * 100
    arrow = "▲" if number > 0 else "▼" if number < 0 else "="
    return f"{arrow} {abs(number):,.1f}%"


def _coverage(counted, in_scope) -> str:
    """Shops a company figure covers: '3 / 5 店' when it is summed over part of them, else '' (also
    when over none: the figure is then no data, shown as —)."""
    if _missing(counted) or _missing(in_scope) or int(counted) in (0, int(in_scope)):
        return ""
    return f"{int(counted)} / {int(in_scope)} 店 shops"


def store_kpi_table(store: pd.DataFrame) -> list[str]:
    """The company's store KPIs against last month: what a manager reads first. A figure summed over
    part of the shops (a platform's exports lack refunds, visitors …) says how many it covers."""
    if store is None or store.empty:
        return []
    out = ["<h2>店铺核心指标 Store KPIs · 全公司 whole company</h2><table class='store-kpis'><tr>"
           "<th class='l'>指标 KPI</th><th>本月 This month</th><th>上月 Last month</th><th>环比 Change</th>"
           "<th>覆盖 Covers</th></tr>"]
    for _, r in store.iterrows():
        out.append(f"<tr class='store-kpi' data-kpi='{html.escape(r['kpi_id'])}'><td class='l'>{html.escape(r['name_zh'])} "
                   f"{html.escape(r['name_en'])}</td><td>{fmt_unit(r['value'], r['unit'])}</td>"
                   f"<td>{fmt_unit(r['previous'], r['unit'])}</td><td>{_change(r['change'])}</td>"
                   f"<td class='coverage'>{_coverage(r.get('shops_counted'), r.get('shops_in_scope'))}</td></tr>")
    out.append("</table><p class='note'>覆盖：只有部分店铺的导出含此数据时，公司数值仅汇总这些店铺。"
               "Covers: where only some shops' exports carry a figure, the company's is summed over those shops.</p>")
    return out


def _basis_text(r) -> str:
    """'近似 approximate ≈ (cs_daily)': how close the value is to the handbook's formula, and its report."""
    basis = r.get("basis")
    if basis is None or pd.isna(basis):
        return ""
    mark = f" {APPROXIMATE_MARK}" if basis == "approximate" else ""
    return f"{VALUE_BASIS_LABELS.get(basis, basis)}{mark} ({r.get('source')})"


def _target_text(r, unit: str | None) -> str:
    """'>= 3', with † when the target is a house default rather than a handbook's."""
    if pd.isna(r["target"]):
        return ""
    mark = f" {HOUSE_MARK}" if r.get("target_basis") == "house" else ""
    return f"{r['comparator']} {fmt_unit(r['target'], unit)}{mark}"


def bar_chart(title: str, labels: list[str], values: list[float | None], target: float | None = None,
              width: int = 420, max_value: float | None = None, unit: str | None = None) -> str:
    """Horizontal bars, with an optional dashed target line."""
    row, left, right = 24, 110, 60
    height = 30 + row * max(1, len(labels))
    known = [v for v in values if v is not None]
    top = max([*known, target or 0, max_value or 0, 1e-9])
    scale = (width - left - right) / top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="{html.escape(title)}">',
             f'<text x="0" y="14" font-size="13" font-weight="bold">{html.escape(title)}</text>']
    for i, (label, value) in enumerate(zip(labels, values)):
        y = 24 + i * row
        parts.append(f'<text x="{left - 6}" y="{y + 14}" font-size="12" text-anchor="end">{html.escape(label)}</text>')
        if value is None:
            parts.append(f'<text x="{left + 4}" y="{y + 14}" font-size="12" fill="#888">无数据 no data</text>')
            continue
        w = max(1.0, value * scale)
        parts.append(f'<rect class="bar" x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 8}" fill="#2f6fb0"/>')
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 14}" font-size="11">{fmt_unit(value, unit)}</text>')
    if target is not None:
        x = left + target * scale
        parts.append(f'<line class="target" x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height}" stroke="#b03a48" stroke-dasharray="4 3"/>')
        anchor, dx = ("end", -3) if x > width - 90 else ("start", 3)  # keep the label inside the chart
        parts.append(f'<text x="{x + dx:.1f}" y="{height - 2}" font-size="10" fill="#b03a48" text-anchor="{anchor}">'
                     f'目标 target {fmt_unit(target, unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def line_chart(title: str, series: dict[str, list[tuple[str, float | None]]], width: int = 560, height: int = 220,
               unit: str | None = None) -> str:
    """Month-over-month lines, one per series, with a y axis and each point's value; a single month
    is one labelled point in the middle of the chart."""
    months = sorted({m for points in series.values() for m, _ in points})
    values = [v for points in series.values() for _, v in points if v is not None]
    left, bottom, top_pad = 80, 40, 24
    top = max(values) if values else 1.0
    step = (width - left - 20) / max(1, len(months) - 1)
    # one month: its point in the middle of the chart, not on the y axis
    x_of = (lambda i: left + i * step) if len(months) > 1 else (lambda i: left + (width - left - 20) / 2)  # noqa: E731
    y_of = lambda v: top_pad + (height - bottom - top_pad) * (1 - v / top if top else 1)  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 20 * len(series)}" role="img" aria-label="{html.escape(title)}">',
             f'<text x="0" y="14" font-size="13" font-weight="bold">{html.escape(title)}</text>',
             f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#999"/>']
    for i, month in enumerate(months):
        parts.append(f'<text x="{x_of(i):.1f}" y="{height - bottom + 16}" font-size="11" text-anchor="middle">{month}</text>')
    parts.append(f'<line class="axis" x1="{left}" y1="{top_pad}" x2="{left}" y2="{height - bottom}" stroke="#999"/>')
    for tick in (0, top / 2, top):  # the y axis: zero, half and the top, in the series' unit
        parts.append(f'<text class="tick" x="{left - 4}" y="{y_of(tick) + 4:.1f}" font-size="10" text-anchor="end">'
                     f'{fmt_unit(tick, unit)}</text>')
    for n, (name, points) in enumerate(sorted(series.items())):
        color = ROLE_COLORS[n % len(ROLE_COLORS)]
        coords = [(x_of(months.index(m)), y_of(v), v) for m, v in points if v is not None]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in coords)
            parts.append(f'<polyline class="trend" points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y, v in coords:
            parts.append(f'<circle class="trend" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>')
            parts.append(f'<text class="point" x="{x + 5:.1f}" y="{y - 5:.1f}" font-size="10" fill="{color}">'
                         f'{fmt_unit(v, unit)}</text>')
        legend_y = height + 14 + 20 * n
        parts.append(f'<rect x="{left}" y="{legend_y - 9}" width="10" height="10" fill="{color}"/>'
                     f'<text x="{left + 16}" y="{legend_y}" font-size="11">{html.escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _person(employee_id: str, name) -> str:
    """工号 and display name, or the 工号 alone when names are hidden (SHOPKPI_HIDE_EMPLOYEE_NAMES)."""
    return employee_id if _missing(name) else f"{employee_id} {name}"


def _per_shop_table(rows: pd.DataFrame) -> list[str]:
    """A role's KPIs per shop (the channel manager's 渠道 figures), scored against the same targets."""
    if rows.empty:
        return []
    out = ["<h3>按店铺 Per shop</h3><p class='note'>市场份额按生意参谋交易指数计算，交易指数是指数而非金额，仅供参考。"
           "Market share is computed from 生意参谋's 交易指数, an index and not money: indicative only.</p>",
           "<table><tr><th class='l'>员工 Employee</th><th class='l'>店铺 Shop</th><th class='l'>平台 Platform</th>"
           "<th class='l'>指标 KPI</th><th>数值 Value</th><th>目标 Target</th><th class='l'>状态 Status</th><th>总分 Total</th></tr>"]
    for _, r in rows.sort_values(["employee_id", "shop_id", "kpi_id"]).iterrows():
        target = _target_text(r, None)
        out.append(f"<tr class='per-shop'><td class='l'>{html.escape(r['employee_id'])}</td><td class='l'>{html.escape(r['shop_id'])}</td>"
                   f"<td class='l'>{html.escape(r['platform'])}</td><td class='l'>{html.escape(r['name_zh'])} {html.escape(r['name_en'])}</td>"
                   f"<td>{_fmt(r['value'], 4)}</td><td>{html.escape(target)}</td>"
                   f"<td class='l {STATUS_CLASS[r['status']]}'>{STATUS_LABELS[r['status']]}</td><td>{_fmt(r['weighted_total'])}</td></tr>")
    out.append("</table>")
    return out


CHANGES_SHOWN = 30


def _changes_section(changes) -> list[str]:
    """Why this version exists and what moved since the previous one (publish/changes.py)."""
    esc = html.escape
    num = lambda v: "—" if v is None else f"{v:,.6g}"  # noqa: E731
    out = [f"<h2>本版变更 What changed in v{changes.version} (since v{changes.previous})</h2>",
           f"<p class='note'>原因 Reason: <b>{esc(changes.reason)}</b></p>",
           "<ul>" + "".join(f"<li>{esc(c)}</li>" for c in changes.inputs) + "</ul>" if changes.inputs else ""]
    if changes.figures:
        out.append("<table><tr><th class='l'>范围 Scope</th><th class='l'>指标 Figure</th><th>之前 Before</th>"
                   "<th>之后 After</th><th>变化 Change</th></tr>")
        for row in changes.figures[:CHANGES_SHOWN]:
            delta = "" if row["change"] is None else f"{row['change']:+,.6g}"
            out.append(f"<tr><td class='l'>{esc(row['scope'])}</td><td class='l'>{esc(row['figure'])}</td>"
                       f"<td>{num(row['before'])}</td><td>{num(row['after'])}</td><td>{delta}</td></tr>")
        out.append("</table>")
        if len(changes.figures) > CHANGES_SHOWN:
            out.append(f"<p class='note'>…{len(changes.figures) - CHANGES_SHOWN} more in the workbook's 变更 Changes sheet.</p>")
    else:
        out.append("<p class='note'>没有已发布的数字变化 No published number changed.</p>")
    return out


def render_report(month: str, version: int, employees: pd.DataFrame, team: pd.DataFrame, trend: pd.DataFrame,
                  roles: dict[str, tuple[str, str]], store_kpis: pd.DataFrame, shops: pd.DataFrame | None = None,
                  store: pd.DataFrame | None = None, units: dict[str, str] | None = None, late_cells: int = 0,
                  changes=None) -> str:
    """employees: scorecard_employee_monthly rows of the month; trend: scorecard_team_monthly of all months;
    store_kpis: the company's net sales by month (the trend chart); store: the company's store KPIs
    this month and last (the lead table); units: each KPI's unit (kpi_registry.unit).
    Ranks, charts and the team overview are the company scope (shop_id 'all', everyone's own scorecard);
    a role scored per shop as well (the channel manager) gets a per-shop table under its section."""
    per_shop = employees[employees["shop_id"] != "all"]
    employees = employees[employees["shop_id"] == "all"]
    team = team[team["shop_id"] == "all"]
    trend = trend[trend["shop_id"] == "all"]
    out = [f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>绩效考核 Scorecard {month} v{version}</title>",
           f"<style>{CSS}</style></head><body>",
           f"<h1>店铺团队月度绩效考核 · Team scorecard {month} <small>v{version}</small></h1>",
           "<p class='note'>得分规则 Scoring: 达标 = 100（有挑战值时目标处 80、挑战值处 100）；未达标 = 80 × 目标完成比例；"
           "无数据不计为 0 (no data is never a zero). 加权总分按有数据的指标加权平均。"
           f"{HOUSE_MARK} 自定默认值：考核手册未给出，由本项目设定（权重均为自定）。{HOUSE_MARK} house default: not from the "
           "handbooks (every weight is one); edit seeds/kpi_targets.csv and kpi_weights.csv. "
           "季度进度 progress: a quarterly target before the quarter's last month, shown, not scored.</p>"]
    if late_cells:
        out.append(f"<p class='note late'>⚠ 本月有 {late_cells} 个数值在下载时尚未最终确定（延迟统计），按无数据计算；"
                   f"补齐后重新下载并发布新版本。{late_cells} figure(s) were not final when downloaded (延迟统计) and count "
                   "as no data; download them again once filled in and publish a new version.</p>")
    if changes is not None:
        out.extend(_changes_section(changes))
    units = units or {}
    out.extend(store_kpi_table(store))
    out.append("<h2>团队概览 Team overview</h2><table><tr><th class='l'>岗位 Role</th><th>人数 People</th><th>部分月份 Part-month</th>"
               "<th>平均总分 Avg total</th><th>达标率 Pass share</th><th>无数据 No-data KPIs</th></tr>")
    for _, r in team.iterrows():
        # the 'store' row counts everyone on the roster: it is the whole team, not a role
        zh, en = ("全店团队", "Whole team") if r["role"] == "store" else roles.get(r["role"], (r["role"], r["role"]))
        out.append(f"<tr><td class='l'>{html.escape(zh)} {html.escape(en)}</td><td>{_fmt(r['employees'])}</td>"
                   f"<td>{_fmt(r['part_month_employees'])}</td><td>{_fmt(r['avg_weighted_total'])}</td>"
                   f"<td>{fmt_unit(r['pass_share'], 'ratio')}</td><td>{_fmt(r['kpis_no_data'])}</td></tr>")
    out.append("</table>")
    if shops is not None and not shops.empty:
        out.append("<h2>店铺与渠道 Shops and channels</h2><p class='note'>公司行由订单事实汇总，不是各店比率的平均；"
                   "不同平台的买家不合并。Company rows are summed from the orders, never averaged from shops' ratios; "
                   "buyers of different platforms are never merged.</p><table><tr><th class='l'>店铺 Shop</th>"
                   "<th class='l'>平台 Platform</th><th>实际成交额 Net sales</th><th>成交总额 GMV</th><th>付款订单数 Paid orders</th>"
                   "<th>支付买家数 Paid buyers</th><th>退款率 Refund rate</th><th>销售增长率 Sales growth</th></tr>")
        for _, r in shops.iterrows():
            covers = {k: _coverage(r.get(f"{k}_shops"), r.get("shops_in_scope")) for k in ("paid_buyers", "refund_rate", "sales_growth")}
            covers = {k: f"<br><small class='coverage'>{v}</small>" if v else "" for k, v in covers.items()}
            out.append(f"<tr class='shop'><td class='l'>{html.escape(str(r['name']))}</td><td class='l'>{html.escape(r['platform'])}</td>"
                       f"<td>{_fmt(r['net_sales'])}</td><td>{_fmt(r['gmv'])}</td><td>{_fmt(r['orders_paid'])}</td>"
                       f"<td>{_fmt(r['paid_buyers'])}{covers['paid_buyers']}</td><td>{fmt_unit(r['refund_rate'], 'ratio')}"
                       f"{covers['refund_rate']}</td><td>{fmt_unit(r['sales_growth'], 'ratio')}{covers['sales_growth']}</td></tr>")
        out.append("</table>")
    series = defaultdict(list)
    for _, r in trend[trend["role"] != "store"].iterrows():
        series[roles.get(r["role"], (r["role"], ""))[0]].append((r["month"], None if pd.isna(r["avg_weighted_total"]) else float(r["avg_weighted_total"])))
    out.append("<h2>环比趋势 Month-over-month trend</h2><div class='charts'>")
    out.append(line_chart("各岗位平均总分 Average total by role", dict(series)))
    if not store_kpis.empty:
        out.append(line_chart("实际成交额 Net sales", {"net_sales": [(m, float(v)) for m, v in store_kpis[["month", "value"]].itertuples(index=False)]},
                              unit="cny"))
    out.append("</div>")
    for role, frame in employees.groupby("role", sort=True):
        zh, en = roles.get(role, (role, role))
        out.append(f"<h2 class='role' id='{html.escape(role)}'>{html.escape(zh)} · {html.escape(en)}</h2><div class='charts'>")
        people = frame.drop_duplicates("employee_id").sort_values(["rank_in_role", "employee_id"], na_position="last")
        ids = [f"{_person(e, n)}{' *' if p else ''}"
               for e, n, p in zip(people["employee_id"], people["employee_name"], people["is_part_month"])]
        totals = [None if pd.isna(v) else float(v) for v in people["weighted_total"]]
        if (frame["status"] == "unscored").all():
            out.append("<p class='note'>本岗位指标在考核手册中无目标值，仅展示不计分。"
                       "No catalog thresholds for this role: KPIs are reported, not scored.</p>")
        else:
            out.append(bar_chart("排名 Ranking (加权总分 weighted total)", ids, totals, max_value=100))
        for kpi_id, rows in frame[frame["status"] != "unscored"].groupby("kpi_id", sort=True):
            rows = rows.set_index("employee_id").reindex(people["employee_id"])
            vals = [None if pd.isna(v) else float(v) for v in rows["value"]]
            target = float(rows["target"].dropna().iloc[0]) if rows["target"].notna().any() else None
            out.append(bar_chart(f"{rows['name_zh'].iloc[0]} {kpi_id} vs 目标", ids, vals, target=target, unit=units.get(kpi_id)))
        out.append("</div><table><tr><th class='l'>员工 Employee</th><th class='l'>指标 KPI</th><th>数值 Value</th>"
                   "<th>目标 Target</th><th class='l'>状态 Status</th><th>得分 Score</th><th>总分 Total</th><th>排名 Rank</th>"
                   "<th class='l'>依据 Basis</th></tr>")
        for _, r in frame.sort_values(["employee_id", "kpi_id"]).iterrows():
            unit = units.get(r["kpi_id"])
            target = _target_text(r, unit)
            out.append(f"<tr><td class='l'>{html.escape(_person(r['employee_id'], r['employee_name']))}{' *' if r['is_part_month'] else ''}</td>"
                       f"<td class='l'>{html.escape(r['name_zh'])} {html.escape(r['name_en'])}</td><td>{fmt_unit(r['value'], unit)}</td>"
                       f"<td>{html.escape(target)}</td><td class='l {STATUS_CLASS[r['status']]}'>{STATUS_LABELS[r['status']]}</td>"
                       f"<td>{_fmt(r['score'])}</td><td>{_fmt(r['weighted_total'])}</td><td>{_fmt(r['rank_in_role'])}</td>"
                       f"<td class='l'>{html.escape(_basis_text(r))}</td></tr>")
        out.append("</table>")
        out.extend(_per_shop_table(per_shop[per_shop["role"] == role]))
    out.append("<p class='note'>* 本月入职或离职 joined or left during the month. "
               f"{APPROXIMATE_MARK} 近似：平台报表只能近似给出（如按接待人数加权的平均首次响应，而非中位数）。"
               f"{APPROXIMATE_MARK} approximate: the nearest the platform's report allows (e.g. a mean first response "
               "weighted by customers served, not a median).</p></body></html>")
    return "\n".join(out)
