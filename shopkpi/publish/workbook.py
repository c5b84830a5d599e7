"""The scorecard workbook: a summary sheet and one sheet per role, bilingual headers,
pass/fail colours as conditional formats (so they follow edits), fixed timestamps."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..spreadsheets import rezip_with_fixed_times

EMPLOYEE_COLUMNS = [
    ("employee_id", "员工 Employee"), ("shop_id", "店铺 Shop (all = 全部)"), ("name_zh", "指标 KPI (中文)"), ("name_en", "KPI (English)"), ("value", "数值 Value"),
    ("comparator", "比较 Comparator"), ("target", "目标 Target"), ("status", "状态 Status"), ("score", "得分 Score"),
    ("weight", "权重 Weight"), ("weighted_total", "加权总分 Weighted total"), ("rank_in_role", "岗位排名 Rank"),
    ("is_part_month", "部分月份 Part month"),
]
TEAM_COLUMNS = [
    ("role_zh", "岗位 Role"), ("role", "Role id"), ("shop_id", "店铺 Shop (all = 全部)"), ("employees", "人数 People"), ("part_month_employees", "部分月份 Part month"),
    ("employees_scored", "计分人数 Scored"), ("avg_weighted_total", "平均总分 Avg total"), ("pass_share", "达标率 Pass share"),
    ("kpis_passed", "达标 Passed"), ("kpis_failed", "未达标 Failed"), ("kpis_no_data", "无数据 No data"),
]
FILLS = {"pass": "D8F0DC", "fail": "F8D7DA", "no_data": "E9E9E9"}


def _cell(value):
    from ..spreadsheets import neutralise_formula

    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, (int, float, bool, str)):
        return neutralise_formula(value)
    return float(value)  # Decimal


def _sheet(workbook: Workbook, title: str, frame: pd.DataFrame, columns: list[tuple[str, str]], status_col: str | None):
    sheet = workbook.create_sheet(title[:31])
    sheet.append([label for _, label in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in frame[[c for c, _ in columns]].itertuples(index=False):
        sheet.append([_cell(v) for v in row])
    for i, (_, label) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, len(label) + 4)
    if status_col and len(frame):
        letter = get_column_letter([c for c, _ in columns].index(status_col) + 1)
        cells = f"{letter}2:{letter}{len(frame) + 1}"
        for status, color in FILLS.items():
            sheet.conditional_formatting.add(
                cells, CellIsRule(operator="equal", formula=[f'"{status}"'], fill=PatternFill("solid", start_color=color, end_color=color)))
    sheet.freeze_panes = "A2"


SHOP_COLUMNS = [
    ("name", "店铺 Shop"), ("shop_id", "Shop id"), ("platform", "平台 Platform"), ("net_sales", "实际成交额 Net sales"),
    ("gmv", "成交总额 GMV"), ("orders_paid", "付款订单数 Paid orders"), ("paid_buyers", "支付买家数 Paid buyers"),
    ("refund_rate", "退款率 Refund rate"), ("sales_growth", "销售增长率 Sales growth"),
]


def write_workbook(employees: pd.DataFrame, team: pd.DataFrame, roles: dict[str, tuple[str, str]], month: str,
                   shops: pd.DataFrame | None = None) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    fixed = dt.datetime(2020, 1, 1)
    workbook.properties.created = workbook.properties.modified = fixed
    workbook.properties.title = f"绩效考核 Scorecard {month}"
    team = team.assign(role_zh=[roles.get(r, ("全店 Whole store", ""))[0] for r in team["role"]])
    _sheet(workbook, "汇总 Summary", team, TEAM_COLUMNS, None)
    if shops is not None:
        _sheet(workbook, "店铺 Shops", shops, SHOP_COLUMNS, None)
    for role, frame in employees.groupby("role", sort=True):
        # each person's own scorecard (shop 'all') first, then their per-shop rows (the channel manager)
        ordered = frame.assign(_shop=frame["shop_id"] != "all").sort_values(["employee_id", "_shop", "shop_id", "kpi_id"])
        _sheet(workbook, f"{roles.get(role, (role,))[0]} {role}", ordered, EMPLOYEE_COLUMNS, "status")
    buffer = io.BytesIO()
    workbook.save(buffer)
    out = io.BytesIO()
    rezip_with_fixed_times(buffer.getvalue(), out)
    return out.getvalue()
