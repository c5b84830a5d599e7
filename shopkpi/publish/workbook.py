"""The scorecard workbook: a summary sheet and one sheet per role, bilingual headers,
pass/fail colours as conditional formats (so they follow edits), fixed timestamps."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..scoring.config import STATUS_LABELS
from ..spreadsheets import rezip_with_fixed_times

EMPLOYEE_COLUMNS = [
    ("employee_id", "员工 Employee"), ("employee_name", "姓名 Name"), ("shop_id", "店铺 Shop (all = 全部)"), ("name_zh", "指标 KPI (中文)"), ("name_en", "KPI (English)"), ("value", "数值 Value"),
    ("comparator", "比较 Comparator"), ("target", "目标 Target"), ("status", "状态 Status"), ("score", "得分 Score"),
    ("weight", "权重 Weight"), ("weighted_total", "加权总分 Weighted total"), ("rank_in_role", "岗位排名 Rank"),
    ("is_part_month", "部分月份 Part month"), ("target_basis", "目标来源 Target from (handbook 手册 / house 自定)"),
    ("weight_basis", "权重来源 Weight from"),
    ("basis", "数值依据 Value from (exact 精确 / approximate 近似 / team sheet 团队表)"), ("source", "来源报表 Source report"),
]
TEAM_COLUMNS = [
    ("role_zh", "岗位 Role"), ("role", "Role id"), ("shop_id", "店铺 Shop (all = 全部)"), ("employees", "人数 People"), ("part_month_employees", "部分月份 Part month"),
    ("employees_scored", "计分人数 Scored"), ("avg_weighted_total", "平均总分 Avg total"), ("pass_share", "达标率 Pass share"),
    ("kpis_passed", "达标 Passed"), ("kpis_failed", "未达标 Failed"), ("kpis_no_data", "无数据 No data"),
]
FILLS = {"pass": "D8F0DC", "fail": "F8D7DA", "no_data": "E9E9E9", "unscored": "F3F3F3", "progress": "F3F3F3"}
STORE_KPI_COLUMNS = [
    ("name_zh", "指标 KPI (中文)"), ("name_en", "KPI (English)"), ("kpi_id", "KPI id"), ("value", "本月 This month"),
    ("previous", "上月 Last month"), ("change", "环比 Change"), ("numerator", "分子 Numerator"),
    ("denominator", "分母 Denominator"), ("shops_counted", "计入店铺 Shops counted"),
    ("shops_in_scope", "范围内店铺 Shops in scope"),
]

# Excel number formats, by column
PERCENT, MONEY, INTEGER, DECIMAL = "0.00%", "#,##0.00", "#,##0", "#,##0.####"
COLUMN_FORMATS = {
    "pass_share": PERCENT, "refund_rate": PERCENT, "sales_growth": PERCENT, "change": PERCENT, "weight": PERCENT,
    "net_sales": MONEY, "gmv": MONEY, "avg_weighted_total": MONEY, "weighted_total": MONEY, "score": MONEY,
    "employees": INTEGER, "part_month_employees": INTEGER, "employees_scored": INTEGER, "kpis_passed": INTEGER,
    "kpis_failed": INTEGER, "kpis_no_data": INTEGER, "orders_paid": INTEGER, "paid_buyers": INTEGER,
    "rank_in_role": INTEGER, "value": DECIMAL, "target": DECIMAL, "previous": DECIMAL, "numerator": DECIMAL,
    "denominator": DECIMAL, "shops_counted": INTEGER, "shops_in_scope": INTEGER, "paid_buyers_shops": INTEGER,
    "refund_rate_shops": INTEGER, "sales_growth_shops": INTEGER,
}
HEADER_ROW = 2  # row 1 is the sheet's title: month and version
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # what XML 1.0 (and so XLSX) cannot hold, and DEL


def kpi_format(unit: str | None) -> str:
    """A KPI value's format from the registry's unit: ratios as percentages, money with separators."""
    return {"ratio": PERCENT, "cny": MONEY, "count": INTEGER}.get(unit or "", DECIMAL)


def _cell(value):
    from ..spreadsheets import neutralise_formula

    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, str):  # control characters: openpyxl refuses them (IllegalCharacterError)
        return neutralise_formula(_CONTROL.sub("", value))
    if isinstance(value, (int, float, bool)):
        return neutralise_formula(value)
    return float(value)  # Decimal


def _width(values) -> int:
    """Characters a column needs; a CJK character is two wide."""
    widest = 0
    for value in values:
        text = "" if value is None else (f"{value:,.2f}" if isinstance(value, float) else str(value))
        widest = max(widest, sum(2 if ord(ch) > 0x2E80 else 1 for ch in text))
    return min(60, max(8, widest + 2))


def _sheet(workbook: Workbook, title: str, frame: pd.DataFrame, columns: list[tuple[str, str]], status_col: str | None,
           heading: str, row_formats: list[str | None] | None = None):
    """One sheet: a title cell, a bold header row that repeats on every printed page, the rows
    with Excel number formats, widths that fit, an autofilter, frozen header, landscape fit to width."""
    sheet = workbook.create_sheet(title[:31])
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([label for _, label in columns])
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="EEF1F4", end_color="EEF1F4")
    names = [c for c, _ in columns]
    for row in frame[names].itertuples(index=False):
        values = [_cell(v) for v in row]
        if status_col:
            i = names.index(status_col)
            values[i] = STATUS_LABELS.get(values[i], values[i])
        sheet.append(values)
    for i, name in enumerate(names, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = _width([columns[i - 1][1]] + [c.value for c in sheet[letter][HEADER_ROW:]])
        fmt = COLUMN_FORMATS.get(name)
        for number, cell in enumerate(sheet[letter][HEADER_ROW:]):
            chosen = (row_formats[number] if row_formats and name in ("value", "target", "previous") else None) or fmt
            if chosen and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = chosen
    last = HEADER_ROW + len(frame)
    if status_col and len(frame):
        letter = get_column_letter(names.index(status_col) + 1)
        for status, color in FILLS.items():
            sheet.conditional_formatting.add(
                f"{letter}{HEADER_ROW + 1}:{letter}{last}",
                CellIsRule(operator="equal", formula=[f'"{STATUS_LABELS[status]}"'],
                           fill=PatternFill("solid", start_color=color, end_color=color)))
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(columns))}{max(last, HEADER_ROW)}"
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


SHOP_COLUMNS = [
    ("name", "店铺 Shop"), ("shop_id", "Shop id"), ("platform", "平台 Platform"), ("net_sales", "实际成交额 Net sales"),
    ("gmv", "成交总额 GMV"), ("orders_paid", "付款订单数 Paid orders"), ("paid_buyers", "支付买家数 Paid buyers"),
    ("refund_rate", "退款率 Refund rate"), ("sales_growth", "销售增长率 Sales growth"),
    ("shops_in_scope", "范围内店铺 Shops in scope"), ("paid_buyers_shops", "支付买家数 计入店铺 Paid buyers: shops counted"),
    ("refund_rate_shops", "退款率 计入店铺 Refund rate: shops counted"),
    ("sales_growth_shops", "销售增长率 计入店铺 Sales growth: shops counted"),
]


CHANGE_COLUMNS_WB = ["scope", "figure", "before", "after", "change"]
CHANGE_COLUMNS_WB_LABELS = [("scope", "范围 Scope / 输入 Input"), ("figure", "指标 Figure"), ("before", "之前 Before"),
                            ("after", "之后 After"), ("change", "变化 Change")]


def write_workbook(employees: pd.DataFrame, team: pd.DataFrame, roles: dict[str, tuple[str, str]], month: str,
                   shops: pd.DataFrame | None = None, store: pd.DataFrame | None = None, version: int | None = None,
                   units: dict[str, str] | None = None, changes=None) -> bytes:
    """`store`: the company's store KPIs this month and last (columns of STORE_KPI_COLUMNS);
    `units`: each kpi_id's unit in the registry, which picks its number format; `changes`: what changed
    since the previous version (publish/changes.py), as a "变更 Changes" sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    fixed = dt.datetime(2020, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    workbook.properties.title = f"绩效考核 Scorecard {month}"
    units = units or {}
    stamp = f"{month}" + (f" · v{version}" if version is not None else "")
    team = team.assign(role_zh=[roles.get(r, ("全店 Whole store", ""))[0] for r in team["role"]])
    _sheet(workbook, "汇总 Summary", team, TEAM_COLUMNS, None, f"团队汇总 Team summary · {stamp}")
    if changes is not None:
        rows = [{"scope": line, "figure": "输入 input", "before": None, "after": None, "change": None}
                for line in changes.inputs] + changes.figures
        _sheet(workbook, "变更 Changes", pd.DataFrame(rows, columns=CHANGE_COLUMNS_WB), CHANGE_COLUMNS_WB_LABELS, None,
               f"v{changes.previous} → v{changes.version} 变更原因 Reason: {changes.reason}")
    if store is not None:
        _sheet(workbook, "店铺指标 Store KPIs", store, STORE_KPI_COLUMNS, None,
               f"店铺指标 Store KPIs (全公司 whole company) · {stamp}",
               row_formats=[kpi_format(units.get(k)) for k in store["kpi_id"]])
    if shops is not None:
        _sheet(workbook, "店铺 Shops", shops, SHOP_COLUMNS, None, f"按店铺 Per shop · {stamp}")
    for role, frame in employees.groupby("role", sort=True):
        # each person's own scorecard (shop 'all') first, then their per-shop rows (the channel manager)
        ordered = frame.assign(_shop=frame["shop_id"] != "all").sort_values(["employee_id", "_shop", "shop_id", "kpi_id"])
        name_zh, name_en = roles.get(role, (role, role))
        _sheet(workbook, f"{name_zh} {role}", ordered, EMPLOYEE_COLUMNS, "status", f"{name_zh} {name_en} · {stamp}",
               row_formats=[kpi_format(units.get(k)) for k in ordered["kpi_id"]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    out = io.BytesIO()
    rezip_with_fixed_times(buffer.getvalue(), out)
    return out.getvalue()
