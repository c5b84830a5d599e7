"""`shopkpi audit`: every suite re-run, reconciliations to the cent, the 5% analyst rule, Data Docs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from shopkpi.ingest.specs import REPORT_SPECS
from shopkpi.quality.suites import LAYERS, generated_suites, load_suites, render
from shopkpi.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR
from shopkpi.snapshot import snapshot_path
from tests.helpers import REAL_EXPORTS, copy_warehouse, read_real_orders
from tests.helpers import run_cli as shopkpi

# One worker builds the shared demo month once (see pytest -n in pyproject.toml).
pytestmark = pytest.mark.xdist_group("demo")


def read_real_orders_text() -> str:
    return (REAL_EXPORTS / "ExportOrderList.csv").read_bytes().decode("utf-8-sig")


@pytest.fixture()
def warehouse_copy(demo_run, tmp_path):
    _, warehouse = demo_run
    return copy_warehouse(warehouse, tmp_path / "warehouse.duckdb")


def test_committed_generated_suites_match_the_column_maps():
    for path, spec in generated_suites().items():
        assert path.read_text(encoding="utf-8") == render(spec), f"{path} is stale: python -m shopkpi.quality.suites"


def test_every_raw_table_staging_model_and_mart_has_a_suite():
    assets = {s.meta["asset"] for s in load_suites()}
    marts = {p.stem for p in (DBT_PROJECT_DIR / "models" / "marts").glob("*.sql")}
    assert {f"raw/{s.table}" for s in REPORT_SPECS} <= assets
    assert {f"staging/stg_{s.table}" for s in REPORT_SPECS} <= assets
    assert {f"marts/{m}" for m in marts} <= assets
    assert {s.layer for s in load_suites()} == set(LAYERS)
    assert {s.severity for s in load_suites()} == {"blocking", "warning"}


def test_audit_passes_on_the_demo_and_lists_the_5_1_percent_figure(demo_run, demo_exports, tmp_path):
    _, warehouse = demo_run
    # The figure, recomputed independently: A02's net sales for the week of 2017-05-08, from the raw order report.
    figures = pd.read_excel(demo_exports / "数据分析周报.xlsx", dtype=str)
    reported = float(figures.loc[(figures["报告ID"] == "R201705004") & (figures["指标"] == "实际成交额"), "报告值"].iloc[0])
    orders = read_real_orders()
    created = pd.to_datetime(orders["订单创建时间"], format="%Y/%m/%d %H:%M")
    week = (created >= dt.datetime(2017, 5, 8)) & (created < dt.datetime(2017, 5, 15))
    recomputed = orders.loc[week, "买家实际支付金额"].astype(float).sum()
    error = abs(reported - recomputed) / recomputed
    assert 0.0505 < error < 0.0515

    proc = shopkpi("audit", "--month", "2017-05", "--warehouse", str(warehouse), "--published", str(tmp_path / "pub"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASS: nothing blocking failed" in proc.stdout
    assert "analyst_accuracy" in proc.stdout and "R201705004 · A02 · net_sales" in proc.stdout
    assert f"recomputed {recomputed:.2f}" in proc.stdout.replace("\n", "")
    docs = tmp_path / "pub" / "2017-05" / "data-docs"
    summary = json.loads((docs / "audit.json").read_text(encoding="utf-8"))
    assert summary["ok"] is True
    # Rendered from the demo run's own check results: nothing was validated again.
    run_id = demo_run[0].run_id
    assert summary["sources"] == {layer: summary["sources"][layer] for layer in ("raw", "staging", "marts")}
    assert all(source.startswith(f"checks of run {run_id} ") for source in summary["sources"].values()), summary["sources"]
    assert summary["severities"]["warning"]["failed"] == ["analyst_accuracy"]
    assert summary["severities"]["blocking"]["failed"] == []
    # progress on stderr: each layer's stored results (its suite files, and the audit suites of that layer), then the docs
    suite_files = list((EXPECTATIONS_DIR / "suites").rglob("*.json"))
    for layer in ("raw", "staging", "marts"):
        suites = sum(json.loads(f.read_text(encoding="utf-8"))["meta"]["layer"] == layer for f in suite_files)
        assert f"] {layer}: {suites} suites, results from the checks of run {run_id} " in proc.stderr, proc.stderr
    assert f"] Data Docs and audit.html written to {docs}" in proc.stderr
    (finding,) = [f for f in summary["findings"] if f["suite"] == "analyst_accuracy"]
    assert finding["severity"] == "warning" and finding["count"] == 1
    # The finding is in GX's own Data Docs page for the suite, not only in our summary.
    (page,) = (docs / "validations" / "analyst_accuracy").rglob("*.html")
    assert "R201705004" in page.read_text(encoding="utf-8")
    # Reconciliation to the cent: the raw report's own totals, recomputed with pandas.
    recon = {(r["reconciliation"], r["measure"]): (r["upstream"], r["downstream"]) for r in summary["reconciliation"]}
    total = round(orders["总金额"].astype(float).sum(), 2)
    assert recon[("raw.orders -> staging.stg_orders", "总金额 total_amount")] == (total, total) == (291011.43, 291011.43)
    paid = round(orders["买家实际支付金额"].astype(float).sum(), 2)
    assert recon[("marts.fct_orders -> marts.kpi_store_monthly", "买家实际支付金额 -> net_sales")] == (paid, paid)
    assert all(r["reconciles"] for r in summary["load_reconciliation"])


def _corrupt_one_staged_amount(warehouse: Path) -> str:
    con = duckdb.connect(str(warehouse))
    try:
        (order_id,) = con.execute("select min(order_id) from staging.stg_orders where paid_amount > 0").fetchone()
        con.execute("alter view staging.stg_orders rename to stg_orders_original")
        con.execute(f"""create view staging.stg_orders as
            select * replace (case when order_id = '{order_id}' then paid_amount + 0.01 else paid_amount end as paid_amount)
            from staging.stg_orders_original""")
    finally:
        con.close()
    return order_id


def test_one_corrupted_staged_cent_fails_the_audit_naming_the_reconciliation(warehouse_copy, tmp_path):
    _corrupt_one_staged_amount(snapshot_path(warehouse_copy))  # what the audit reads: the readers' copy
    proc = shopkpi("audit", "--month", "2017-05", "--warehouse", str(warehouse_copy), "--published", str(tmp_path / "pub"))
    assert proc.returncode == 1
    assert "FAIL: blocking checks failed" in proc.stdout
    assert "reconciliation_orders" in proc.stdout and proc.stdout.count("MISMATCH") == 2
    summary = json.loads((tmp_path / "pub" / "2017-05" / "data-docs" / "audit.json").read_text(encoding="utf-8"))
    assert summary["ok"] is False and summary["severities"]["blocking"]["failed"] == ["reconciliation_orders"]
    # The stored results no longer match the edited staging view: staging and marts are validated again.
    assert summary["sources"]["raw"].startswith("checks of run ")
    assert summary["sources"]["staging"] == summary["sources"]["marts"] == "validated now: the warehouse changed since the checks ran"
    # Both places where the sums part are named, with file, measure and the two sums (289,655.94 is the raw
    # total): the edited staging view, and the store KPI built before the edit. fct_orders (int_orders on
    # DuckDB) is a view of staging, so it carries the edited cent up to the KPI table.
    (finding,) = [f for f in summary["findings"] if f["suite"] == "reconciliation_orders"]
    assert finding["rows"] == [
        "raw.orders -> staging.stg_orders · ExportOrderList.csv · 买家实际支付金额 paid_amount: 289655.94 -> 289655.95",
        "marts.fct_orders -> marts.kpi_store_monthly · all files · 买家实际支付金额 -> net_sales: 289655.95 -> 289655.94",
    ]


def audit_after(warehouse: Path, tmp_path: Path, change: str) -> dict:
    """`shopkpi audit --format json` of 2017-05 after `change` (SQL) to the readers' copy; it must fail."""
    con = duckdb.connect(str(snapshot_path(warehouse)))
    con.execute(change)
    con.close()
    proc = shopkpi("audit", "--month", "2017-05", "--warehouse", str(warehouse), "--published", str(tmp_path / "pub"),
                   "--format", "json")
    assert proc.returncode == 1
    return json.loads(proc.stdout)


def test_a_lost_raw_row_breaks_the_load_reconciliation(warehouse_copy, tmp_path):
    summary = audit_after(warehouse_copy, tmp_path, "delete from raw.order_lines where source_row = 7")
    assert "load_reconciliation" in summary["severities"]["blocking"]["failed"]
    assert set(summary["sources"].values()) == {"validated now: the warehouse changed since the checks ran"}
    (finding,) = [f for f in summary["findings"] if f["suite"] == "load_reconciliation"]
    assert finding["rows"] == ["order_lines · ExportOrderDetailList.csv: read 21897 <> loaded 21896 + quarantined 0"]


def test_a_file_with_more_lines_than_its_rows_account_for_breaks_the_load_reconciliation(warehouse_copy, tmp_path):
    # The lines of the real order report, counted here by Python (blank lines aside): the header and one line per order.
    lines = [line for line in read_real_orders_text().splitlines() if line.strip()]
    orders = len(lines) - 1
    # as if a stray quote had taken the last line into the row before it, and the loader had let it pass
    summary = audit_after(warehouse_copy, tmp_path,
                          "update raw.load_audit set file_lines = file_lines + 1 where source_file = 'ExportOrderList.csv'")
    (finding,) = [f for f in summary["findings"] if f["suite"] == "load_reconciliation"]
    assert finding["rows"] == [f"orders · ExportOrderList.csv: {orders + 1} lines of data, read {orders} rows"]


def test_audit_of_a_month_never_loaded_is_a_clear_error(demo_run, tmp_path):
    _, warehouse = demo_run
    proc = shopkpi("audit", "--month", "2016-01", "--warehouse", str(warehouse), "--published", str(tmp_path / "pub"))
    assert proc.returncode == 2
    assert "2016-01 is not loaded" in proc.stderr


def test_revalidate_runs_every_suite_again_with_the_same_verdicts(warehouse_copy, tmp_path):
    stored = shopkpi("audit", "--month", "2017-05", "--warehouse", str(warehouse_copy), "--published", str(tmp_path / "a"),
                     "--format", "json")
    fresh = shopkpi("audit", "--month", "2017-05", "--warehouse", str(warehouse_copy), "--published", str(tmp_path / "b"),
                    "--format", "json", "--revalidate")
    assert stored.returncode == fresh.returncode == 0
    before, after = json.loads(stored.stdout), json.loads(fresh.stdout)
    assert set(after["sources"].values()) == {"validated now: asked to (--revalidate)"}
    assert after["severities"] == before["severities"] and after["findings"] == before["findings"]
    assert after["reconciliation"] == before["reconciliation"]


def test_staging_and_marts_are_checked_in_one_step_each_result_keeping_its_layers_state(demo_run):
    """The run's GX checks are two steps: raw before dbt, staging and marts together after it
    (defs/quality/checks.py). Each stored result carries the fingerprint of its own layer, as the
    audit compares it (a marts result with the staging state would be taken as stale, and back)."""
    from shopkpi.definitions import ASSET_CHECKS
    from shopkpi.quality.results import state_fingerprints

    steps = {check.node_def.name: {key.name for key in check.check_keys} for check in ASSET_CHECKS}
    by_layer = {layer: {s.check_name for s in load_suites(layer)} for layer in LAYERS}
    assert steps == {"gx_raw_suites": by_layer["raw"],
                     "gx_staging_and_marts_suites": by_layer["staging"] | by_layer["marts"]}

    result, warehouse = demo_run
    step_keys = {e.step_key for e in result.all_events if e.is_step_success}
    assert {"gx_raw_suites", "gx_staging_and_marts_suites"} <= step_keys
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        states = state_fingerprints(con, "2017-05", LAYERS)
        stored = con.execute("select layer, suite, warehouse_state from quality.check_results where month = '2017-05'"
                             ).fetchall()
    finally:
        con.close()
    suite_layers = {s.name: s.layer for s in load_suites()}
    assert sorted(suite for _, suite, _ in stored) == sorted(suite_layers)  # every suite, once
    for layer, suite, state in stored:
        assert layer == suite_layers[suite] and state == states[layer], (suite, layer)


def test_what_a_check_step_reads_beside_the_workers_equals_what_it_reads_alone(warehouse_copy):
    """A check step fingerprints its layers and reads the reconciliation suites' rows while the GX
    workers validate, on a connection capped small (results.READ_BESIDE_WORKERS_MEMORY_LIMIT). It
    reads what the same queries read alone afterwards, and the small cap does not stay with the
    warehouse: the next connection has the run's cap."""
    from shopkpi import warehouse as warehouse_db
    from shopkpi.quality.results import REPORT_ROW_SUITES, query_rows, state_fingerprints, validate
    from shopkpi.settings import duckdb_memory_limit

    suites = load_suites("staging") + load_suites("marts")
    outcomes, rows, states = validate(warehouse_copy, suites, "2017-05", "beside", fingerprint_layers=["staging", "marts"])
    assert len(outcomes) == len(suites)
    assert set(rows) == {s.name for s in suites if s.name in REPORT_ROW_SUITES} and rows["reconciliation_orders"]
    with warehouse_db.connect(warehouse_copy, read_only=True) as con:
        assert states == state_fingerprints(con, "2017-05", ["staging", "marts"])
        for suite in suites:
            if suite.name in rows:
                alone = query_rows(con, suite.batch_query("2017-05"))
                assert sorted(map(json.dumps, rows[suite.name])) == sorted(map(json.dumps, alone)), suite.name
        cap = con.execute("select current_setting('memory_limit')").fetchone()[0]
    run_cap = duckdb.connect(config={"memory_limit": duckdb_memory_limit()})
    assert cap == run_cap.execute("select current_setting('memory_limit')").fetchone()[0]
    run_cap.close()


def test_markup_in_data_is_text_in_data_docs_and_the_audit_page(warehouse_copy, tmp_path):
    """A platform of `<img src=x onerror=…>` was stored XSS in GX's result page. seeds/shops.csv now refuses it
    (test_shops); whatever value still reaches a table is shown as text in every page the audit writes."""
    attack = "<img src=x onerror=alert(1)>"
    con = duckdb.connect(str(snapshot_path(warehouse_copy)))
    con.execute("update raw.orders set platform = ? where source_row = 1", [attack])
    con.close()
    published = tmp_path / "pub"
    proc = shopkpi("audit", "--month", "2017-05", "--warehouse", str(warehouse_copy), "--published", str(published))
    assert proc.returncode == 1
    pages = list(published.rglob("*.html"))
    assert pages
    shown = [p for p in pages if "&lt;img src=x onerror=alert(1)&gt;" in p.read_text(encoding="utf-8")]
    assert shown, "the value is on no page"
    assert not [p for p in pages if "<img src=x" in p.read_text(encoding="utf-8")]
