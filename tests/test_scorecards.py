"""Scorecards on the hand-made March 2022 month: scores by hand, config errors, immutable
publishing, blocking checks, the schedule, and the HTML report in headless Chromium."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from shopkpi.scoring.config import config_problems
from shopkpi.settings import SEEDS_DIR
from tests.helpers import (TMALL_HEADER, chromium, dagster_home, keep_screenshot, materialize_month, query, run_cli,
                           write_csv)
from tests.role_month import MONTH, ORDER_HEADER, ORDERS, STAFF

# One worker builds the shared role_month month once (see pytest -n in pyproject.toml).
pytestmark = pytest.mark.xdist_group("role_month")

# 0-100 rule: pass = 100, or 80 at the target rising linearly to 100 at the stretch;
# fail = 80 x the share of the target reached. Weights from seeds/kpi_weights.csv.
# C1: replies 30 s and 45 s, S3 never answered (counted at the 24 h window's end, 86,400 s): median 45 s (<= 30 fails),
# 2 slow (<= 5, stretch 0), 2 violations, 2/3 answered in 24 h, 1/2 satisfied
C1 = {
    "first_response_s": 80 * 30 / 45, "slow_responses": 80 + 20 * (2 - 5) / (0 - 5), "violations": 80 + 20 * (2 - 5) / (0 - 5),
    "reply_within_24h": 80 * (2 / 3) / 1, "satisfaction": 80 * 0.5 / 0.9,
}
C2 = {  # median 25 s (<= 30 passes, stretch 15), 2 slow, 1 violation, 3/4 answered in 24 h, 1/2 satisfied
    "first_response_s": 80 + 20 * (30 - 25) / (30 - 15), "slow_responses": 80 + 20 * (2 - 5) / (0 - 5),
    "violations": 80 + 20 * 4 / 5, "reply_within_24h": 80 * 0.75, "satisfaction": 80 * 0.5 / 0.9}
CS_WEIGHTS = {"first_response_s": 0.25, "slow_responses": 0.15, "violations": 0.2, "reply_within_24h": 0.15, "satisfaction": 0.25}


def total(scores: dict, weights: dict) -> float:
    return sum(scores[k] * w for k, w in weights.items()) / sum(weights.values())


@pytest.fixture(scope="module")
def month(role_month):
    """The hand-made month (tests/role_month.py), materialised and published as v1 once per session."""
    return role_month


def scorecard(warehouse):
    rows = query(warehouse, "select employee_id, kpi_id, status, score, weighted_total, rank_in_role, is_part_month "
                            "from marts.scorecard_employee_monthly where month = ? and shop_id = 'all'", [MONTH])
    return {(e, k): (s, None if sc is None else float(sc), None if t is None else float(t), r, p) for e, k, s, sc, t, r, p in rows}


def test_scores_and_totals_by_hand(month):
    _, warehouse, _ = month
    card = scorecard(warehouse)
    for employee, scores in (("C1", C1), ("C2", C2)):
        for kpi, want in scores.items():
            assert card[(employee, kpi)][1] == pytest.approx(want, abs=0.005), (employee, kpi)
        assert card[(employee, "first_response_s")][2] == pytest.approx(total(scores, CS_WEIGHTS), abs=0.005)
    assert card[("C1", "first_response_s")][0] == "fail" and card[("C1", "slow_responses")][0] == "pass"
    # ranks within the role: C2's total above C1's
    assert (card[("C1", "violations")][3], card[("C2", "violations")][3]) == (2, 1)
    # planners: K1 ROI 150/100 = 1.5 meets >= 1.5 exactly (80, stretch 3), 2 of 3 campaigns; K2 ROI 0 and 2 campaigns
    assert card[("K1", "campaign_roi")][:2] == ("pass", pytest.approx(80))
    assert card[("K1", "campaign_roi")][2] == pytest.approx(0.6 * 80 + 0.4 * 80 * 2 / 3, abs=0.005)
    assert card[("K2", "campaign_roi")][2] == pytest.approx(0.6 * 0 + 0.4 * 80 * 2 / 3, abs=0.005)  # HD3, HD4
    # editors: E2's 0 errors < 2% reaches the stretch 0 -> 100; E1's 50% -> 80 x 0.02 / 0.5
    assert card[("E2", "listing_error_rate")][1:4] == (100.0, 100.0, 1)
    assert card[("E1", "listing_error_rate")][1] == pytest.approx(3.2)
    # analysts: A2's error rate 2/5 fails a target of 0 outright
    assert card[("A2", "report_error_rate")][:2] == ("fail", 0.0)


def test_the_scorecard_names_each_person_as_the_roster_does(month):
    _, warehouse, published = month
    # the roster file's 工号 → 姓名 (tests/role_month.py STAFF); X9 left in February, so is not scored in March
    roster = {row[0]: row[1] for row in STAFF if row[0] != "X9"}
    got = dict(query(warehouse, "select distinct employee_id, employee_name from marts.scorecard_employee_monthly "
                                "where month = ?", [MONTH]))
    assert got == {e: n for e, n in roster.items() if e in got} and len(got) >= 15
    report = (published / MONTH / "v1" / "report.html").read_text(encoding="utf-8")
    assert "C1 员工C1" in report and "C3 新客服 *" in report  # 工号 and name; * joined mid-month


def test_no_data_and_part_month(month):
    _, warehouse, _ = month
    card = scorecard(warehouse)
    c3 = {k: v for (e, k), v in card.items() if e == "C3"}
    assert {v[0] for k, v in c3.items() if k in CS_WEIGHTS} == {"no_data"}  # never a zero score
    assert {v[1] for v in c3.values()} == {None} and {v[2] for v in c3.values()} == {None}
    assert {v[3] for v in c3.values()} == {None} and {v[4] for v in c3.values()} == {True}
    assert card[("D2", "design_output")][0] == "unscored" and card[("D2", "design_output")][4] is True
    assert card[("P1", "promo_uv")][2] is None  # a role without catalog thresholds has no total


def test_team_scorecard(month):
    _, warehouse, _ = month
    rows = {r[0]: r[1:] for r in query(
        warehouse, "select role, employees, part_month_employees, employees_scored, avg_weighted_total "
                   "from marts.scorecard_team_monthly where month = ? and shop_id = 'all'", [MONTH])}
    employees, part, scored, avg = rows["customer_service"]
    assert (employees, part, scored) == (3, 1, 2)
    assert float(avg) == pytest.approx((total(C1, CS_WEIGHTS) + total(C2, CS_WEIGHTS)) / 2, abs=0.01)
    assert rows["store"][0] == 20 and rows["store"][1] == 2  # 21 on the roster, X9 left in February; two part-month


def test_config_errors_name_the_row(tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, seeds, ignore=shutil.ignore_patterns("*.yml"))
    assert config_problems(seeds) == []
    row = len((seeds / "kpi_targets.csv").read_text(encoding="utf-8").splitlines()) + 1  # the next line (header: row 1)
    with (seeds / "kpi_targets.csv").open("a", encoding="utf-8") as fh:
        fh.write("designer,design_speed,>=,1,handbook,,,,month,made up\n")  # unknown kpi_id
        fh.write("logistics_coordinator,ship_hours,>=,24,handbook,,,,month,wrong side\n")  # lower-is-better with >=
        # a higher-is-better target of 0 scores every fail 0 unless a fail_range says how far below it is 0;
        # the target's basis must say handbook or house
        fh.write("designer,design_output,>=,0,guess,,,,month,no range\n")
    weights = (seeds / "kpi_weights.csv").read_text(encoding="utf-8").replace("campaign_roi,0.6", "campaign_roi,0.5")
    (seeds / "kpi_weights.csv").write_text(weights, encoding="utf-8")
    problems = config_problems(seeds)
    assert f"seeds/kpi_targets.csv row {row} (designer, design_speed): unknown kpi_id 'design_speed'" in problems[0]
    assert (f"seeds/kpi_targets.csv row {row + 1} (logistics_coordinator, ship_hours): comparator '>=' is on the wrong side"
            in problems[1])
    assert problems[2:4] == [
        f"seeds/kpi_targets.csv row {row + 2} (designer, design_output): target_basis 'guess' must be handbook or house",
        f"seeds/kpi_targets.csv row {row + 2} (designer, design_output): a higher-is-better target of 0 needs a fail_range "
        "(how far below it a fail scores 0)"]
    assert problems[4] == "seeds/kpi_weights.csv: weights of role 'campaign_planner' sum to 0.9, not 1"


def checksums(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_publish_writes_all_artefacts_once(month, tmp_path):
    root, warehouse, published = month
    v1 = published / MONTH / "v1"
    assert sorted(p.name for p in v1.iterdir()) == sorted([
        "data-docs", "manifest.json", "report.html", "scorecard.xlsx", "scorecard_employee.csv", "scorecard_employee.parquet",
        "scorecard_team.csv", "scorecard_team.parquet", "store_shops.csv", "store_shops.parquet"])
    # the auditors' record is frozen into the version: GX Data Docs plus the audit summary
    docs = v1 / "data-docs"
    assert (docs / "index.html").is_file() and (docs / "audit.html").is_file()
    assert any((docs / "validations" / "reconciliation_orders").rglob("*.html"))
    sources = json.loads((docs / "audit.json").read_text(encoding="utf-8"))["sources"]
    assert set(sources) == {"raw", "staging", "marts"}
    assert all(v.startswith("checks of run ") for v in sources.values()), sources  # the run's own results, not re-run
    before = checksums(v1)
    live_docs = published / MONTH / "data-docs" / "index.html"
    live_docs_stat = live_docs.stat()
    # `shopkpi publish` again with the same downloads, code and packages: the fingerprint is
    # checked first, so no Dagster run starts and nothing is written, the live Data Docs included.
    home = tmp_path / "dagster-home"
    again = run_cli("publish", "--month", MONTH, "--exports", str(root / "exports"), "--warehouse", str(warehouse),
                    "--published", str(published), env=dagster_home(home))
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == f"{MONTH} already published as v1; inputs unchanged, nothing run or written"
    assert not (home / "dagster").exists()  # no run was recorded in the instance
    assert checksums(v1) == before and not (published / MONTH / "v2").exists()
    assert (live_docs.stat().st_ino, live_docs.stat().st_mtime_ns) == (live_docs_stat.st_ino, live_docs_stat.st_mtime_ns)
    manifest = json.loads((v1 / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == 1 and manifest["outputs"] == {k: v for k, v in before.items() if k != "manifest.json"}
    assert {e["source_file"] for e in manifest["inputs"]["exports"]} >= {"orders.csv", "sessions.csv", "staff.xlsx"}
    assert any(c["check"].endswith("gx_fct_orders") and c["passed"] for c in manifest["checks"])
    assert manifest["audit"]["ok"] is True and manifest["audit"]["data_docs"] == "data-docs/index.html"
    assert manifest["packages"]["dbt-core"].startswith("1.11")
    assert manifest["source_folder"]["orders.csv"] == hashlib.sha256((root / "exports" / "orders.csv").read_bytes()).hexdigest()
    from shopkpi.publish.publisher import publish

    # The publishing step itself, given the same scorecards: nothing written, the audit not even built.
    def no_audit():
        raise AssertionError("an unchanged publication must not rebuild the Data Docs")

    same = publish(str(warehouse), MONTH, published, audit=no_audit)
    assert (same.written, same.message) == (False, f"{MONTH} already published as v1; nothing written")
    # reproducible: the same warehouse published elsewhere gives byte-identical artefacts
    publish(str(warehouse), MONTH, tmp_path / "elsewhere")
    other = checksums(tmp_path / "elsewhere" / MONTH / "v1")
    assert {k: v for k, v in other.items() if k != "manifest.json"} == {k: v for k, v in before.items() if k != "manifest.json"}


def test_changed_input_needs_a_reason_and_keeps_v1(month, tmp_path):
    # On a copy: the shared month stays as it was published.
    shutil.copytree(month[0], tmp_path / "copy")
    root = tmp_path / "copy"
    warehouse, published = root / "warehouse.duckdb", root / "published"
    v1 = published / MONTH / "v1"
    before = checksums(v1)
    write_csv(root / "exports" / "orders.csv", ORDER_HEADER,
              ORDERS + [["O6", "b5", "10", "10", "浙江省 杭州市", "2022-03-30 10:00:00", "2022-03-30 10:01:00", "0"]])
    refused = materialize_month(MONTH, root / "exports", warehouse, published=published)
    assert not refused.success
    (failure,) = [e for e in refused.all_events if e.is_step_failure]
    message = failure.step_failure_data.error.message
    assert "published as v1 and its inputs changed (export orders.csv (orders) changed)" in message and "--reason" in message
    assert not (published / MONTH / "v2").exists()
    corrected = materialize_month(MONTH, root / "exports", warehouse, published=published, reason="late order O6 arrived")
    assert corrected.success
    manifest = json.loads((published / MONTH / "v2" / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["version"], manifest["reason"], manifest["supersedes"]) == (2, "late order O6 arrived", "v1")
    assert checksums(v1) == before  # v1 untouched
    with (published / MONTH / "v2" / "scorecard_team.csv").open(encoding="utf-8") as fh:
        assert fh.read(1) == "\ufeff"  # BOM so Excel shows Chinese


def test_failed_blocking_check_stops_publishing(tmp_path):
    # a negative refund breaks the raw orders suite's "amounts >= 0" (blocking): nothing downstream is built
    write_csv(tmp_path / "exports" / "orders.csv", TMALL_HEADER,
              [["N1", "10.00", "10.00", "", "2022-04-02 10:00:00", "2022-04-02 10:00:05", "-1.00"]])
    result = materialize_month("2022-04", tmp_path / "exports", tmp_path / "w.duckdb", published=tmp_path / "published")
    assert not result.success
    checks = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert checks["gx_raw_orders"] is False
    assert "gx_fct_orders" not in checks  # dbt was skipped, so its checks never ran
    assert "published/scorecards" not in {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert not (tmp_path / "published").exists()


def test_schedule_publishes_the_month_just_closed():
    from dagster import build_schedule_context

    from shopkpi.defs.publish.schedules import monthly_publish_schedule

    assert monthly_publish_schedule.cron_schedule == "0 6 1 * *"
    assert monthly_publish_schedule.execution_timezone == "Asia/Shanghai"
    tick = dt.datetime(2017, 6, 1, 6, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    data = monthly_publish_schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick))
    assert [r.partition_key for r in data.run_requests] == ["2017-05"]


def test_workbook_has_a_sheet_per_role_with_colours(month):
    _, _, published = month
    book = load_workbook(published / MONTH / "v1" / "scorecard.xlsx")
    assert book.sheetnames[0] == "汇总 Summary" and "客服专员 customer_service" in book.sheetnames
    sheet = book["客服专员 customer_service"]
    # row 1: the sheet's title with the month and version; row 2: the header
    assert sheet["A1"].value == "客服专员 Customer-service agent · 2022-03 · v1"
    assert sheet["A2"].value == "员工 Employee" and sheet["B2"].value == "姓名 Name"
    assert sheet["C2"].value == "店铺 Shop (all = 全部)" and sheet["I2"].value == "状态 Status"
    rules = [r for rng in sheet.conditional_formatting for r in rng.rules]
    assert {r.formula[0] for r in rules} == {'"达标 pass"', '"未达标 fail"', '"无数据 no data"', '"不计分 unscored"',
                                             '"季度进度 progress"'}
    statuses = {sheet.cell(row=i, column=9).value for i in range(3, sheet.max_row + 1)}
    assert {"达标 pass", "未达标 fail", "无数据 no data", "不计分 unscored"} <= statuses


def test_workbook_number_formats_filters_and_print_setup(month):
    """What a manager gets when opening or printing the workbook, read back with openpyxl."""
    _, _, published = month
    book = load_workbook(published / MONTH / "v1" / "scorecard.xlsx")
    for sheet in book.worksheets:
        assert f"{MONTH} · v1" in sheet["A1"].value, sheet.title  # month and version on every sheet
        assert sheet.auto_filter.ref.startswith("A2:") and sheet.freeze_panes == "A3"
        assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth == 1 and sheet.print_title_rows == "$2:$2"
    cs = book["客服专员 customer_service"]
    formats = {}
    for row in cs.iter_rows(min_row=3):
        kpi, value = row[4].value, row[5]  # KPI (English), value
        if value.value is not None:
            formats[kpi] = value.number_format
    # satisfaction is a ratio (a percentage), slow first replies a count, first response in seconds a number
    assert formats["Customer satisfaction"] == "0.00%" and formats["Slow first replies"] == "#,##0"
    assert formats["First response time (s)"] == "#,##0.####"
    summary = book["汇总 Summary"]
    header = [c.value for c in summary[2]]
    share = header.index("达标率 Pass share") + 1
    assert {summary.cell(row=r, column=share).number_format for r in range(3, summary.max_row + 1)
            if summary.cell(row=r, column=share).value is not None} == {"0.00%"}
    store = book["店铺指标 Store KPIs"]
    by_kpi = {r[2].value: r for r in store.iter_rows(min_row=3)}
    assert by_kpi["net_sales"][3].number_format == "#,##0.00" and by_kpi["refund_rate"][3].number_format == "0.00%"
    assert by_kpi["orders_paid"][3].number_format == "#,##0"
    # widths fit the longest cell: a CJK character is two wide
    wide = lambda text: sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)  # noqa: E731
    assert cs.column_dimensions["D"].width >= max(wide(str(c.value)) for c in cs["D"][2:] if c.value)


@pytest.mark.ui
def test_html_report_opens_in_headless_chromium(month, tmp_path):
    browser = chromium()
    _, _, published = month
    report = published / MONTH / "v1" / "report.html"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    shot = tmp_path / "report.png"
    subprocess.run([browser, *flags, "--window-size=1280,3000", f"--screenshot={shot}", report.as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep_screenshot(shot, "report.png")
    dom = subprocess.run([browser, *flags, "--dump-dom", report.as_uri()], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    assert f"Team scorecard {MONTH}" in dom
    for heading in ("客服专员 · Customer-service agent", "策划专员 · Campaign planner", "数据分析师 · Data analyst"):
        assert heading in dom
    assert dom.count('class="bar"') >= 15 and 'class="target"' in dom and 'class="trend"' in dom
    assert "排名 Ranking" in dom and "vs 目标" in dom
    # it leads with the company's store KPIs against last month, ratios as percentages
    assert dom.index("Store KPIs") < dom.index("Team overview")
    refund = re.search(r'data-kpi="refund_rate"><td class="l">[^<]+</td><td>([^<]+)</td><td>([^<]+)</td>', dom)
    assert refund and refund[1].endswith("%") and refund[2] == "—"  # one month in the warehouse: no last month
    # the 'store' row of the team overview is everyone on the roster: the whole team, not a role
    assert "全店团队 Whole team" in dom and "Store / operations</td><td>" not in dom
    # the trend chart labels its single month's point with the value, and has a y axis
    assert 'class="point"' in dom and 'class="axis"' in dom


def test_csv_cells_that_look_like_formulas_are_neutralised(month, tmp_path):
    from shopkpi.publish.publisher import neutralise_formula

    assert neutralise_formula("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert neutralise_formula("-12.5") == "-12.5" and neutralise_formula("@cmd") == "'@cmd"
    _, _, published = month
    with (published / MONTH / "v1" / "scorecard_employee.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert all(not r["name_zh"].startswith("=") for r in rows)


def test_a_published_file_edited_afterwards_is_caught(month, tmp_path):
    root, warehouse, published = month
    copy = tmp_path / "published"
    shutil.copytree(published, copy)
    ok = run_cli("verify", "--published", str(copy))
    assert ok.returncode == 0 and ok.stdout.splitlines()[-1].startswith("1/1 published versions match"), ok.stdout
    # readable by other users: no 0700 folders in what is published
    for folder in [copy / MONTH / "v1", copy / MONTH / "v1" / "data-docs", published / MONTH / "data-docs"]:
        assert folder.stat().st_mode & 0o055 == 0o055, folder
    edited = copy / MONTH / "v1" / "scorecard_team.csv"
    os.chmod(edited, 0o644)
    edited.write_bytes(edited.read_bytes().replace(b"customer_service", b"customer_servic3"))
    frozen_doc = next((copy / MONTH / "v1" / "data-docs").rglob("*.html"))
    os.chmod(frozen_doc.parent, 0o755)
    (frozen_doc.parent / "extra.html").write_text("not published", encoding="utf-8")
    bad = run_cli("verify", "--published", str(copy), "--month", MONTH)
    assert bad.returncode == 1
    assert "scorecard_team.csv changed" in bad.stdout and "extra.html added" in bad.stdout
    # publish checks the latest version before deciding: unchanged inputs are no excuse
    refused = run_cli("publish", "--month", MONTH, "--exports", str(root / "exports"), "--warehouse", str(warehouse),
                      "--published", str(copy), env=dagster_home(tmp_path))
    assert refused.returncode == 1
    assert "does not match its manifest" in refused.stderr and "scorecard_team.csv changed" in refused.stderr


def test_a_name_with_control_characters_still_makes_the_workbook():
    """A roster name with an ESC sequence made publish fail (openpyxl IllegalCharacterError) and echo
    the bytes; the control characters are removed, the rest of the name kept."""
    import io

    import pandas as pd

    from shopkpi.publish.workbook import EMPLOYEE_COLUMNS, TEAM_COLUMNS, write_workbook

    employee = {column: None for column, _ in EMPLOYEE_COLUMNS} | {
        "employee_id": "C9", "employee_name": "王\x1b[31m五\x07", "shop_id": "all", "name_zh": "违规次数",
        "name_en": "Violations", "value": 2.0, "status": "pass", "role": "customer_service", "kpi_id": "violations"}
    team = {column: None for column, _ in TEAM_COLUMNS} | {"role": "customer_service", "shop_id": "all"}
    data = write_workbook(pd.DataFrame([employee]), pd.DataFrame([team]),
                          {"customer_service": ("客服专员", "Customer-service agent")}, MONTH)
    sheet = load_workbook(io.BytesIO(data))["客服专员 customer_service"]
    assert sheet["B3"].value == "王[31m五"


def test_an_edited_manifest_is_caught_by_verify_and_publish(month, tmp_path):
    """The manifest itself (reason, time, checks marked passed) could be edited unnoticed: `verify` said ok."""
    root, warehouse, published = month
    copy = tmp_path / "published"
    shutil.copytree(published, copy)
    manifest_path = copy / MONTH / "v1" / "manifest.json"
    os.chmod(manifest_path, 0o644)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["reason"] = "approved by the board"
    manifest["checks"] = [{**c, "passed": True} for c in manifest["checks"]]
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    bad = run_cli("verify", "--published", str(copy), "--month", MONTH)
    assert bad.returncode == 1
    assert f"{MONTH} v1  MISMATCH: manifest.json changed (its digest in index.json differs)" in bad.stdout
    refused = run_cli("publish", "--month", MONTH, "--exports", str(root / "exports"), "--warehouse", str(warehouse),
                      "--published", str(copy), env=dagster_home(tmp_path))
    assert refused.returncode == 1 and "manifest.json changed" in refused.stderr
    # the index edited to match: its chain of digests breaks
    index_file = copy / "index.json"
    chained = json.loads(index_file.read_text(encoding="utf-8"))
    chained["versions"][0]["manifest_sha256"] = hashlib.sha256(manifest_path.read_bytes()).hexdigest()
    index_file.write_text(json.dumps(chained), encoding="utf-8")
    again = run_cli("verify", "--published", str(copy), "--month", MONTH)
    assert again.returncode == 1 and "index.json was edited: its chain breaks at entry 1" in again.stdout


def test_publish_runs_again_when_a_setting_that_changes_the_scorecards_changed(month, tmp_path):
    """SHOPKPI_HIDE_EMPLOYEE_NAMES=1 after v1 was "already published as v1; nothing run or written"."""
    shutil.copytree(month[0], tmp_path / "copy")
    root = tmp_path / "copy"
    warehouse, published = root / "warehouse.duckdb", root / "published"
    home = dagster_home(tmp_path)
    snapshot = warehouse.with_name("warehouse.snapshot.duckdb")
    readers_had = snapshot.read_bytes() if snapshot.exists() else None
    hidden = run_cli("publish", "--month", MONTH, "--exports", str(root / "exports"), "--warehouse", str(warehouse),
                     "--published", str(published), env={**home, "SHOPKPI_HIDE_EMPLOYEE_NAMES": "1"})
    assert hidden.returncode == 1, hidden.stdout
    # refused at once: nothing built, readers keep what they had (issue 40: publishing checks before building)
    assert hidden.stderr == (f"shopkpi: error: {MONTH} was published as v1 and its inputs changed (setting "
                             f"SHOPKPI_HIDE_EMPLOYEE_NAMES changed): nothing was built; publish again with --reason \"…\" "
                             f"to write v2\n")
    assert (snapshot.read_bytes() if snapshot.exists() else None) == readers_had
    written = run_cli("publish", "--month", MONTH, "--exports", str(root / "exports"), "--warehouse", str(warehouse),
                      "--published", str(published), "--reason", "names hidden for the board",
                      env={**home, "SHOPKPI_HIDE_EMPLOYEE_NAMES": "1"})
    assert written.returncode == 0, written.stderr
    with (published / MONTH / "v2" / "scorecard_employee.csv").open(encoding="utf-8-sig") as fh:
        assert {r["employee_name"] for r in csv.DictReader(fh)} == {""}
    assert run_cli("verify", "--published", str(published)).stdout.splitlines()[-1].startswith("2/2 published versions")
