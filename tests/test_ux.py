"""What people see (issue 17): one-line errors that say what is wrong, a query tool for analysts,
the tables and their descriptions, Data Docs that work offline. Messages are asserted word for word."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from shopkpi.months import month_bounds, months_between
from shopkpi.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR, SEEDS_DIR
from tests.helpers import (TMALL_HEADER, chromium, copy_warehouse, dagster_home, free_port, keep_screenshot, run_cli,
                           write_csv)

RUN = r"\(log (?P<log>\S+); run [0-9a-f-]{36}\)"


def _last_line(proc) -> str:
    return proc.stderr.strip().splitlines()[-1]


@pytest.mark.slow
def test_a_folder_without_an_order_report_says_what_it_found(tmp_path):
    folder = tmp_path / "exports" / "2019-03"
    folder.mkdir(parents=True)
    (folder / "notes.csv").write_text("备注,内容\n1,2\n", encoding="utf-8")
    proc = run_cli("materialize", "--month", "2019-03", "--exports", str(tmp_path / "exports"),
                   "--warehouse", str(tmp_path / "w.duckdb"), env=dagster_home(tmp_path))
    assert proc.returncode == 2
    line = _last_line(proc)
    assert re.fullmatch(re.escape(f"shopkpi: error: 2019-03: step raw_exports failed: no 订单报表 (order report) in "
                                  f"{folder} (found: notes.csv (header matches no known layout)) ") + RUN, line), line
    log = Path(re.search(RUN, line)["log"])
    # the stack trace is in the log, not on the terminal
    assert log.exists() and 'raise IngestError(f"no {ORDERS.name_zh}' in log.read_text(encoding="utf-8")
    assert "IngestError" not in proc.stderr and len(proc.stderr.strip().splitlines()) <= 5


@pytest.mark.slow
def test_a_download_dated_in_another_month_asks_about_the_folder(tmp_path):
    # March orders put in the April folder
    write_csv(tmp_path / "exports" / "2019-04" / "t.csv", TMALL_HEADER, [
        ["X1", "12.50", "12.50", "", "2019-03-01 10:00:00", "2019-03-01 10:00:05", "0"],
        ["X2", "7.50", "0.00", "", "2019-03-02 10:00:00", "", "0"],
    ])
    proc = run_cli("materialize", "--month", "2019-04", "--exports", str(tmp_path / "exports"),
                   "--warehouse", str(tmp_path / "w.duckdb"), env=dagster_home(tmp_path))
    assert proc.returncode == 2
    assert re.fullmatch(re.escape("shopkpi: error: 2019-04: step raw_exports failed: every row of t.csv is dated "
                                  "2019-03, not 2019-04: wrong folder? ") + RUN, _last_line(proc)), proc.stderr


@pytest.mark.slow
def test_a_dbt_failure_names_the_model_and_dbts_own_words(tmall_months, tmp_path):
    """A warehouse whose int_store_monthly_totals lacks a column (as one built before the column existed): the
    line names dbt's error and model, not "The dbt CLI process with command …"."""
    import duckdb

    root, warehouse, _ = tmall_months
    copy = copy_warehouse(warehouse, tmp_path / "w.duckdb")
    with duckdb.connect(str(copy)) as con:
        con.execute("alter table intermediate.int_store_monthly_totals drop column platform")
    proc = run_cli("materialize", "--month", "2020-02", "--exports", str(root / "exports"), "--warehouse", str(copy),
                   env=dagster_home(tmp_path))
    assert proc.returncode == 1
    assert re.fullmatch(re.escape("shopkpi: error: 2020-02: step shopkpi_dbt_models failed: Compilation Error in model "
                                  "int_store_monthly_totals: The source and target schemas on this incremental model are out of sync! ")
                        + RUN, _last_line(proc)), proc.stderr
    # the failed run's target dir stays, with dbt's file log at info: the error, not every statement
    run_id = re.search(r"run ([0-9a-f-]{36})\)", _last_line(proc))[1]
    (log,) = (DBT_PROJECT_DIR / "target").glob(f"shopkpi_dbt_models-{run_id[:7]}*/dbt.log")
    levels = {json.loads(line)["info"]["level"] for line in log.read_text(encoding="utf-8").splitlines()}
    assert "out of sync" in log.read_text(encoding="utf-8") and "debug" not in levels and "error" in levels


@pytest.mark.slow
def test_an_unknown_role_lists_the_roles(demo_run):
    _, warehouse = demo_run
    with (SEEDS_DIR / "role_catalog.csv").open(encoding="utf-8") as fh:
        roles = sorted(r["role"] for r in csv.DictReader(fh) if r["role"] != "store")
    proc = run_cli("scorecard", "--month", "2017-05", "--role", "cs", "--warehouse", str(warehouse))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"shopkpi: error: no role 'cs'; roles: {', '.join(roles)}"


def test_query_errors_keep_duckdbs_hint_and_an_empty_query_says_what_to_type(demo_run):
    _, warehouse = demo_run
    typo = run_cli("query", "select * from kpi_store_monthy", "--warehouse", str(warehouse))
    assert typo.stderr.strip() == ('shopkpi: error: Catalog Error: Table with name kpi_store_monthy does not exist! '
                                   'Did you mean "kpi_store_monthly"?')
    empty = run_cli("query", "  ", "--warehouse", str(warehouse))
    assert empty.returncode == 2 and empty.stderr.strip() == (
        'shopkpi: error: no SQL given: e.g. shopkpi query "select * from kpi_store_monthly limit 5" '
        "(`shopkpi tables` lists the tables)")


def test_query_shows_wide_results_as_records_with_a_row_limit(demo_run):
    _, warehouse = demo_run
    every = run_cli("query", "select * from fct_orders", "--warehouse", str(warehouse), "--format", "csv")
    total = len(every.stdout.splitlines()) - 1
    assert total > 50
    shown = run_cli("query", "select * from fct_orders order by order_id", "--warehouse", str(warehouse), "--limit", "3")
    lines = shown.stdout.splitlines()
    assert [line for line in lines if line.startswith("-[ row ")] == ["-[ row 1 ]-" + "-" * (len(lines[1].split("|")[0]) - 8),
                                                                     "-[ row 2 ]-" + "-" * (len(lines[1].split("|")[0]) - 8),
                                                                     "-[ row 3 ]-" + "-" * (len(lines[1].split("|")[0]) - 8)]
    assert lines[-2] == "(too wide for the terminal: one record per block; --format csv keeps every column on a line)"
    assert total > 3 and lines[-1] == "(the first 3 rows; more not shown: use --limit 0 for all, or --format csv)"
    # a long cell is cut in the table, never in csv
    narrow = run_cli("query", "select repeat('很', 60) as long_text", "--warehouse", str(warehouse))
    assert "很" * 39 + "…" in narrow.stdout and "很" * 40 not in narrow.stdout


def test_query_json_has_typed_numbers(demo_run):
    _, warehouse = demo_run
    out = run_cli("query", "select 3989 as n, cast(0.0019 as decimal(9, 4)) as share, 2.5::double as d, "
                  "date '2017-05-01' as day, null as nothing", "--warehouse", str(warehouse), "--format", "json")
    assert json.loads(out.stdout) == [{"n": 3989, "share": 0.0019, "d": 2.5, "day": "2017-05-01", "nothing": None}]


def test_tables_lists_the_marts_and_columns_with_the_yml_descriptions(demo_run):
    _, warehouse = demo_run
    docs = yaml.safe_load((DBT_PROJECT_DIR / "models" / "marts" / "_marts.yml").read_text(encoding="utf-8"))["models"]
    described = {m["name"]: " ".join(m["description"].split()) for m in docs}
    listing = run_cli("tables", "--warehouse", str(warehouse), "--format", "csv")
    rows = list(csv.DictReader(listing.stdout.splitlines()[:-1]))  # the last line is the hint
    assert {r["table"]: r["description"] for r in rows} == {f"marts.{name}": text for name, text in described.items()}
    model = next(m for m in docs if m["name"] == "kpi_store_monthly")
    columns = run_cli("tables", "kpi_store_monthly", "--warehouse", str(warehouse), "--format", "csv")
    got = list(csv.DictReader(columns.stdout.splitlines()[1:]))  # the first line is the table's description
    assert [(r["column"], r["description"]) for r in got] == [(c["name"], " ".join(c["description"].split()))
                                                               for c in model["columns"]]
    missing = run_cli("tables", "kpi_nothing", "--warehouse", str(warehouse))
    assert missing.stderr.strip() == "shopkpi: error: no table 'kpi_nothing' in the warehouse (`shopkpi tables --all` lists them)"


OFFLINE = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync",
           # no network: every host unresolvable, every connection to a dead proxy
           "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"]


@pytest.mark.ui
def test_data_docs_work_offline(demo_run, tmp_path):
    _, warehouse = demo_run
    published = tmp_path / "published"
    proc = run_cli("audit", "--month", "2017-05", "--warehouse", str(warehouse), "--published", str(published))
    assert proc.returncode in (0, 1), proc.stderr
    docs = published / "2017-05" / "data-docs"
    suites = len(list((EXPECTATIONS_DIR / "suites").glob("*/*.json")))
    for page in docs.rglob("*.html"):  # nothing is fetched from the network
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link)\b[^>]*(src|href)=[\"']https?://", text), page
    browser = chromium()
    flags = [*OFFLINE, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([browser, *flags, "--dump-dom", (docs / "index.html").as_uri()], check=True, capture_output=True,
                         text=True, timeout=120).stdout
    assert f'<span id="suite-count">{suites} suites</span>' in dom
    assert dom.count("<tr>") == suites + 1 and dom.count('">result</a>') == suites  # every suite links its result
    shot = tmp_path / "data-docs.png"
    subprocess.run([browser, *flags, "--window-size=1280,1600", f"--screenshot={shot}", (docs / "index.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    assert shot.stat().st_size > 20_000
    keep_screenshot(shot, "data-docs-offline.png")
    audit = (docs / "audit.html").read_text(encoding="utf-8")
    assert "<td>None</td>" not in audit and not re.search(r"<td>[0-9.]+e-0[0-9]</td>", audit)
    assert re.search(r'<a href="validations/kpi_store_monthly/[^"]+\.html">kpi_store_monthly</a>', audit)
    # counts as people write them: the order report's rows read, with a thousands separator
    assert re.search(r"<td>\d{1,3}(,\d{3})+</td>", audit)


@pytest.mark.ui
@pytest.mark.canary
def test_the_dagster_ui_shows_the_assets_and_the_cli_runs_and_stops_on_ctrl_c(tmall_months, tmp_path):
    """`shopkpi ui` on the instance that `shopkpi backfill` ran in (conftest: tmall_months, copied here:
    this test adds a run and rewrites a month): the asset page lists the pipeline's assets, the job's
    page lists the CLI's runs, the exports resource is the CLI's exports root (headless Chromium); a
    CLI run is re-executed from the UI like one of its own; Ctrl-C (SIGINT to the command) stops the
    webserver and the daemon within seconds."""
    import signal
    import socket
    import sys
    import time
    import urllib.request

    root = tmp_path / "tmall"
    shutil.copytree(tmall_months[0], root)
    warehouse = root / tmall_months[1].name
    browser = chromium()
    port = free_port()
    env = {**os.environ, **dagster_home(root), "SHOPKPI_WAREHOUSE": str(warehouse)}
    exports = root / "exports"
    ui = subprocess.Popen([sys.executable, "-m", "shopkpi.cli", "ui", "--port", str(port), "--exports", str(exports)],
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"http://localhost:{port}/server_info", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(1)
        else:
            pytest.fail("the Dagster UI did not answer within 120 s")
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                 "--virtual-time-budget=20000", "--window-size=1400,1000"]
        page = f"http://localhost:{port}/assets"
        def dom_of(path: str) -> str:
            return subprocess.run([browser, *flags, "--dump-dom", f"http://localhost:{port}{path}"], capture_output=True,
                                  text=True, timeout=180).stdout

        dom = dom_of("/assets")
        # the pipeline's assets from the project's code location, partitioned from SHOPKPI_FIRST_MONTH
        # (2017-01 by default) to the last closed month in Asia/Shanghai, not from 2015
        assert "intermediate / int_orders" in dom and "shopkpi.definitions" in dom
        assert "Join the Dagster community" not in dom  # no sign-up dialog over the page
        today = dt.datetime.now(ZoneInfo("Asia/Shanghai"))
        closed = f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"
        assert f"{len(months_between('2017-01', closed))} partitions" in dom
        # the CLI's runs are listed under their job (they carry the code location's label)
        runs = dom_of("/locations/shopkpi.definitions/jobs/monthly_kpis/runs")
        assert "partition: 2020-01" in runs and "partition: 2020-02" in runs and "shopkpi/cli: backfill" in runs
        # what the UI's Materialize, the schedule and the sensor read: the exports root given to the command
        assert f'"{exports}"' in dom_of("/locations/shopkpi.definitions/resources/exports")
        # a CLI run has the code location's origin, so the UI re-executes it (the daemon launches it
        # through the code location; a run without an origin is refused with a Python error)
        parent = _graphql(port, RUNS_OF_PARTITION, partition="2020-02")["runsOrError"]["results"][0]
        assert parent["repositoryOrigin"] == {"repositoryLocationName": "shopkpi.definitions",
                                              "repositoryName": "__repository__"}
        launched = _graphql(port, REEXECUTE, parentRunId=parent["runId"])["launchPipelineReexecution"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        child = launched["run"]["runId"]
        deadline = time.time() + 300
        while (status := _graphql(port, RUN_STATUS, runId=child)["runOrError"]["status"]) not in ("SUCCESS", "FAILURE",
                                                                                               "CANCELED"):
            assert time.time() < deadline, f"the re-executed run is still {status} after 300 s"
            time.sleep(2)
        assert status == "SUCCESS"
        shot = tmp_path / "dagster-ui.png"
        subprocess.run([browser, *flags, f"--screenshot={shot}", page], capture_output=True, timeout=180)
        assert shot.stat().st_size > 10_000
        keep_screenshot(shot, "dagster-ui.png")
    finally:
        started = time.time()
        ui.send_signal(signal.SIGINT)  # what Ctrl-C sends the command
        try:
            code = ui.wait(30)
        finally:
            if ui.poll() is None:
                ui.kill()
    assert code == 130 and time.time() - started < 20
    with socket.socket() as s:  # nothing is left listening
        assert s.connect_ex(("localhost", port)) != 0


RUNS_OF_PARTITION = """query($partition: String!) {
  runsOrError(filter: {tags: [{key: "dagster/partition", value: $partition}]}) {
    ... on Runs { results { runId repositoryOrigin { repositoryLocationName repositoryName } } } } }"""
REEXECUTE = """mutation($parentRunId: String!) {
  launchPipelineReexecution(reexecutionParams: {parentRunId: $parentRunId, strategy: ALL_STEPS}) {
    __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""
RUN_STATUS = """query($runId: ID!) { runOrError(runId: $runId) { ... on Run { status } } }"""


def _graphql(port: int, query: str, **variables) -> dict:
    """The Dagster webserver's GraphQL API, as the UI calls it."""
    import urllib.request

    request = urllib.request.Request(f"http://localhost:{port}/graphql", method="POST",
                                     data=json.dumps({"query": query, "variables": variables}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.load(response)
    assert "errors" not in body, body
    return body["data"]


def test_a_month_runs_from_its_first_day_to_the_next_months():
    # the loader's check that a row belongs to its partition month (cell_sql.problem_exprs)
    assert month_bounds("2017-05") == (dt.date(2017, 5, 1), dt.date(2017, 6, 1))
    assert month_bounds("2024-12") == (dt.date(2024, 12, 1), dt.date(2025, 1, 1))
    with pytest.raises(ValueError):
        month_bounds("2024-13")
