"""`shopkpi template`: XLSX templates for what no platform exports, with the loader's headers, instructions
and the validation a spreadsheet can do; a filled template loads as it is."""

from __future__ import annotations

import datetime as dt

import duckdb
from openpyxl import load_workbook

from shopkpi.ingest.layouts import layout_named
from shopkpi.ingest.load import load_month
from tests.helpers import run_cli, write_csv

MAY = "2017-05"


def test_a_roles_templates_carry_the_loaders_headers_instructions_and_validation(tmp_path):
    roster = write_csv(tmp_path / "员工花名册.csv", ["工号", "姓名", "岗位", "团队", "入职日期", "离职日期"],
                       [["D01", "员工D01", "美工", "设计", "2016-01-01", ""], ["D02", "员工D02", "美工", "设计", "2016-01-01", ""]],
                       encoding="gbk")  # as Excel on a Chinese Windows saves it
    result = run_cli("template", "designer", "--out", str(tmp_path / "out"), "--roster", str(roster))
    assert result.returncode == 0, result.stderr
    # the roster and 账号归属 are every role's; 美工任务 the designer's
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "员工花名册_shopkpi_staff.xlsx", "美工任务_shopkpi_design_tasks.xlsx", "账号归属_shopkpi_staff_accounts.xlsx"]

    book = load_workbook(tmp_path / "out" / "美工任务_shopkpi_design_tasks.xlsx")
    assert book.sheetnames == ["美工任务", "填写说明 Instructions", "工号 Employees"]
    sheet = book["美工任务"]
    header = [c.value for c in sheet[1]]
    assert header == layout_named("shopkpi_design_tasks").headers
    rules = {str(v.sqref): (v.type, v.formula1) for v in sheet.data_validations.dataValidation}
    column = {name: chr(ord("A") + i) for i, name in enumerate(header)}
    # 设计师: a drop-down of the 工号 sheet, which lists the roster's ids
    assert rules[f"{column['设计师']}2:{column['设计师']}2001"] == ("list", "'工号 Employees'!$A$2:$A$2001")
    assert [c.value for c in book["工号 Employees"]["A"]] == ["工号 Employee id", "D01", "D02"]
    assert rules[f"{column['截止时间']}2:{column['截止时间']}2001"][0] == "date"
    assert rules[f"{column['页面数']}2:{column['页面数']}2001"][0] == "whole"
    assert rules[f"{column['审核结果']}2:{column['审核结果']}2001"] == ("list", '"通过,不通过"')
    instructions = "\n".join(str(c.value) for c in book["填写说明 Instructions"]["A"] if c.value)
    assert "从第 2 行起填写第一个工作表" in instructions and "only the first sheet is read" in instructions

    roster_book = load_workbook(tmp_path / "out" / "员工花名册_shopkpi_staff.xlsx")
    roster_rules = {str(v.sqref): v.formula1 for v in roster_book.active.data_validations.dataValidation}
    roster_header = [c.value for c in roster_book.active[1]]
    post = chr(ord("A") + roster_header.index("岗位"))
    assert "物流协调员" in roster_rules[f"{post}2:{post}2001"]  # roles from seeds/role_catalog.csv


def test_a_filled_template_loads_as_it_is(tmp_path):
    """What a designer lead types into the template (dates as Excel dates, counts as numbers) is what the
    loader reads: 2 tasks, typed, nothing quarantined."""
    run_cli("template", "designer", "--out", str(tmp_path / "out"))
    path = tmp_path / "out" / "美工任务_shopkpi_design_tasks.xlsx"
    book = load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    rows = [{"任务ID": "T1", "设计师": "D01", "分配时间": dt.datetime(2017, 5, 2, 9, 0), "截止时间": dt.datetime(2017, 5, 5, 18, 0),
             "交付时间": dt.datetime(2017, 5, 5, 17, 30), "审核结果": "通过", "页面数": 2, "图片数": 10},
            {"任务ID": "T2", "设计师": "D02", "分配时间": dt.datetime(2017, 5, 8, 9, 0), "截止时间": dt.datetime(2017, 5, 9, 18, 0),
             "交付时间": None, "页面数": 1}]
    for at, row in enumerate(rows, start=2):
        for name, value in row.items():
            sheet.cell(row=at, column=header.index(name) + 1, value=value)
    folder = tmp_path / "exports" / "taobao_toyshop" / MAY
    folder.mkdir(parents=True)
    book.save(folder / "美工任务.xlsx")
    write_csv(folder / "订单报表.csv", ["订单编号", "买家会员名", "总金额", "买家实际支付金额", "订单创建时间", "订单付款时间", "退款金额"],
              [["T1", "b1", "100", "100", "2017-05-03 10:00:00", "2017-05-03 10:05:00", "0"]])
    con = duckdb.connect()
    load_month(con, MAY, {"taobao_toyshop": folder})
    assert con.execute("""select task_id, designer_id, strftime(due_at, '%m-%d %H:%M'), strftime(delivered_at, '%m-%d %H:%M'),
                                 review_result, pages, images from raw.design_tasks order by task_id""").fetchall() == [
        ("T1", "D01", "05-05 18:00", "05-05 17:30", "通过", 2, 10), ("T2", "D02", "05-09 18:00", None, None, 1, None)]
    assert con.execute("select rows_read, rows_loaded, rows_quarantined from raw.load_audit "
                       "where report_type = 'design_tasks'").fetchall() == [(2, 2, 0)]


def test_an_unknown_role_or_an_unreadable_roster_is_one_line():
    assert run_cli("template", "boss", "--out", "/tmp/x").stderr.strip().startswith("shopkpi: error: unknown role 'boss'")
    result = run_cli("template", "all", "--out", "/tmp/x", "--roster", "/nonexistent/员工花名册.csv")
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "cannot read the roster" in result.stderr
