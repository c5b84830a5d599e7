"""XLSX templates for the team's own sheets: what no platform or tool exports (design tasks, analysts'
and market reports, planned listing times and copy, campaign page clicks, …), plus the roster and
账号归属 every role needs.

Each template is built from its layout (`shopkpi/layouts/shopkpi_*.yaml`), so the headers are exactly
those the loader reads: the first sheet holds the header row and the validation a spreadsheet can do
(dates, whole numbers, drop-downs of 工号, roles, shops and the values staging understands), a second
sheet the instructions in Chinese and English, a third the 工号 the drop-downs offer. The loader reads
the first sheet only, so a filled template loads as it is.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .ingest.layouts import Layout, layout_named
from .ingest.specs import ColumnType
from .settings import SEEDS_DIR
from .shops import shops
from .spreadsheets import rezip_with_fixed_times

# The sheets each role's KPIs need where no real report can feed them (docs/kpi-rules.md; seeds/kpi_sources.csv
# rows with basis "team sheet"). The roster and 账号归属 are every role's.
EVERY_ROLE = ("shopkpi_staff", "shopkpi_staff_accounts")
ROLE_SHEETS: dict[str, tuple[str, ...]] = {
    "promotion_specialist": ("shopkpi_ad_spend",),  # bounce_rate: only the team's ad sheet with the visitor log
    "campaign_planner": ("shopkpi_campaigns", "shopkpi_campaign_orders"),  # 活动页 UV and clicks, 活动成本
    "customer_service": ("shopkpi_cs_sessions",),  # violations, complaints, returns of converted orders
    "designer": ("shopkpi_design_tasks",),
    "product_editor": ("shopkpi_listings",),  # planned listing times, checks
    "copywriter": ("shopkpi_listings",),  # 文案 of each listing, links checked
    "data_analyst": ("shopkpi_analyst_reports",),
    "logistics_coordinator": ("shopkpi_logistics",),  # a team without an ERP export
    "market_analyst": ("shopkpi_market_reports",),
}

# Columns whose cells are a 工号 of the roster, a shop id of seeds/shops.csv, or a role's Chinese name.
EMPLOYEE_COLUMNS = {"employee_id", "designer_id", "editor_id", "copywriter_id", "analyst_id", "planner_id",
                    "coordinator_id", "owner_id", "agent_id"}
SHOP_COLUMNS = {"account_shop_id", "order_shop", "campaign_shop"}
ROLE_COLUMNS = {"role_zh"}
# The cell values staging gives a meaning to (stg_listings, stg_design_tasks, stg_cs_sessions, stg_market_reports).
CHOICES = {"checked": ("是", "否"), "description_error": ("是", "否"), "is_complaint": ("是", "否"),
           "complaint_resolved": ("是", "否"), "review_result": ("通过", "不通过"),
           "rating": ("很满意", "满意", "一般", "不满意"), "kind": ("市场调研", "竞品分析")}
TYPE_HELP = {
    ColumnType.ID: "编号（文本）/ an id, written as text",
    ColumnType.TEXT: "文本 / text",
    ColumnType.MONEY: "金额（元）/ an amount in yuan",
    ColumnType.INT: "整数 / a whole number",
    ColumnType.TIMESTAMP: "日期时间 yyyy-mm-dd hh:mm / a date and time",
    ColumnType.RATE: "比例，如 0.95 或 95% / a ratio",
    ColumnType.NUMBER: "数字 / a number",
}
ROWS_VALIDATED = 2000  # data-validation range: rows 2 … 2001
EMPLOYEES_SHEET = "工号 Employees"
INSTRUCTIONS_SHEET = "填写说明 Instructions"


class TemplateError(ValueError):
    """An unknown role, or a roster that cannot be read (one line)."""


@dataclass(frozen=True)
class Template:
    layout: Layout
    path: Path


def roles() -> dict[str, str]:
    """role id -> Chinese name, from seeds/role_catalog.csv (the store is no person)."""
    with (SEEDS_DIR / "role_catalog.csv").open(encoding="utf-8", newline="") as fh:
        return {r["role"]: r["name_zh"] for r in csv.DictReader(fh) if r["subject"] == "employee"}


def sheets_for(role: str) -> tuple[str, ...]:
    """The layouts of the templates a role needs (`all`: every role's), roster first."""
    known = roles()
    if role != "all" and role not in known:
        raise TemplateError(f"unknown role {role!r}: one of all, {', '.join(known)}")
    wanted = ROLE_SHEETS.values() if role == "all" else [ROLE_SHEETS.get(role, ())]
    return tuple(dict.fromkeys([*EVERY_ROLE, *(name for names in wanted for name in names)]))


def write_templates(role: str, out: Path, employee_ids: list[str] | None = None) -> list[Template]:
    """One XLSX per sheet the role needs, in `out` (created), named `<中文名>_<layout>.xlsx`."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sheets_for(role):
        layout = layout_named(name)
        path = out / f"{layout.name_zh}_{layout.name}.xlsx"
        rezip_with_fixed_times(template_bytes(layout, employee_ids or []), path)
        written.append(Template(layout, path))
    return written


def template_bytes(layout: Layout, employee_ids: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    book = Workbook()
    data = book.active
    data.title = layout.name_zh[:31]
    employees = book.create_sheet(EMPLOYEES_SHEET)
    instructions = book.create_sheet(INSTRUCTIONS_SHEET)
    book.move_sheet(instructions, offset=-1)  # data, instructions, employees

    employees.append(["工号 Employee id"])
    for employee_id in employee_ids:
        employees.append([employee_id])
    employee_range = f"'{EMPLOYEES_SHEET}'!$A$2:$A${ROWS_VALIDATED + 1}"

    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")
    notes = []
    for index, column in enumerate(layout.columns, start=1):
        cell = data.cell(row=1, column=index, value=column.header)
        cell.font = bold
        letter = cell.column_letter
        data.column_dimensions[letter].width = max(12, 2 * len(column.header) + 4)
        spec_column = layout.report.column(column.to[0]) if column.to else None
        if column.required:
            cell.fill = required_fill
        if spec_column is None:
            continue
        rule, allowed = _validation(spec_column.en, spec_column.type, employee_range)
        if rule is not None:
            rule.add(f"{letter}2:{letter}{ROWS_VALIDATED + 1}")
            data.add_data_validation(rule)
        if spec_column.type is ColumnType.TIMESTAMP:
            for row in range(2, 202):  # typed dates show as dates; the loader reads either
                data.cell(row=row, column=index).number_format = "yyyy-mm-dd hh:mm"
        cell.comment = Comment(f"{TYPE_HELP[spec_column.type]}" + (f"\n{allowed}" if allowed else ""), "shopkpi")
        notes.append((column.header, spec_column.en, "是 yes" if column.required else "否 no",
                      "否 no" if spec_column.nullable is False or column.nullable is False else "是 yes",
                      TYPE_HELP[spec_column.type], allowed, " / ".join(column.aliases)))
    data.freeze_panes = "A2"

    for line in _instructions(layout):
        instructions.append([line])
    instructions.append([])
    instructions.append(["列 Column", "字段 Field", "必须有此列 Required column", "可留空 May be empty", "类型 Type",
                         "可选值 Allowed", "别名 Other accepted headers"])
    for row in notes:
        instructions.append(list(row))
    for cell in instructions[len(_instructions(layout)) + 2]:
        cell.font = bold
    instructions.column_dimensions["A"].width = 24
    instructions.column_dimensions["E"].width = 36
    instructions.column_dimensions["F"].width = 40

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _validation(column: str, kind: ColumnType, employee_range: str):
    """The data validation of a column's cells, and the allowed values in words."""
    from openpyxl.worksheet.datavalidation import DataValidation

    def listed(formula: str, allowed: str):
        rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                              errorTitle="shopkpi", error=f"可选值 Allowed: {allowed}")
        return rule, allowed

    if column in EMPLOYEE_COLUMNS:
        return listed(employee_range, f"'{EMPLOYEES_SHEET}' 表中的工号 / an id of the {EMPLOYEES_SHEET} sheet")
    if column in SHOP_COLUMNS:
        ids = [s for s in shops() if s != "default"]
        return listed(_inline(ids), ", ".join(ids))
    if column in ROLE_COLUMNS:
        names = list(roles().values())
        return listed(_inline(names), "、".join(names))
    if column in CHOICES:
        return listed(_inline(CHOICES[column]), " / ".join(CHOICES[column]))
    if kind is ColumnType.TIMESTAMP:
        return DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True,
                              showErrorMessage=True, errorTitle="shopkpi",
                              error="请填日期时间 Enter a date (and time)"), ""
    if kind is ColumnType.INT:
        return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                              showErrorMessage=True, errorTitle="shopkpi", error="请填整数 Enter a whole number"), ""
    if kind is ColumnType.MONEY:
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="-1000000000", allow_blank=True,
                              showErrorMessage=True, errorTitle="shopkpi", error="请填金额 Enter an amount"), ""
    return None, ""


def _inline(values) -> str:
    """An inline list for a drop-down (Excel's limit: 255 characters)."""
    text = ",".join(values)
    if len(text) > 255 or any(ch in v for v in values for ch in ',"'):
        raise TemplateError(f"too many or unusual values for a drop-down: {text[:60]}…")
    return f'"{text}"'


def _instructions(layout: Layout) -> list[str]:
    return [
        f"{layout.name_zh} ({layout.name})",
        layout.description,
        "填写：每行一条记录，从第 2 行起填写第一个工作表；不要改表头（黄色为必须有的列）。鼠标停在表头上可看到说明。",
        "Fill in: one record per row of the first sheet, from row 2; keep the headers (yellow: required columns). "
        "Hover over a header for its note.",
        f"工号下拉列表来自「{EMPLOYEES_SHEET}」表：先在那里填入花名册中的工号（或用 shopkpi template --roster 生成）。",
        f"The 工号 drop-downs list the {EMPLOYEES_SHEET} sheet: fill it with the roster's ids "
        "(or write the templates with shopkpi template --roster).",
        "保存到 exports/<店铺ID>/<YYYY-MM>/（单店：exports/<YYYY-MM>/），XLSX 或 CSV 均可；只读取第一个工作表。",
        "Save it in exports/<shop_id>/<YYYY-MM>/ (one shop: exports/<YYYY-MM>/), as XLSX or CSV; only the first "
        "sheet is read.",
    ]


def roster_ids(path: Path) -> list[str]:
    """The 工号 of a roster file (员工花名册, CSV or XLSX), for the drop-downs."""
    from .ingest.detect import xlsx_rows

    try:
        if path.suffix.lower() == ".xlsx":
            rows = list(xlsx_rows(path))
        else:
            raw = path.read_bytes()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:  # Excel on a Chinese Windows saves CSV in GBK
                text = raw.decode("gb18030")
            rows = list(csv.reader(io.StringIO(text)))
    except (OSError, ValueError, csv.Error) as exc:
        raise TemplateError(f"{path}: cannot read the roster ({type(exc).__name__})") from None
    if not rows or "工号" not in rows[0]:
        raise TemplateError(f"{path}: row 1 has no column 工号: not a roster (员工花名册)")
    at = rows[0].index("工号")
    return list(dict.fromkeys(r[at].strip() for r in rows[1:] if len(r) > at and r[at].strip()))
