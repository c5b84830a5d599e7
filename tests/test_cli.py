"""The `shopkpi` command as users type it: a real Dagster run, read-only queries.

One test starts the command in a subprocess, as a user's shell does; the others call its
entry function in this process (same code, no cold start of Python, Dagster and dbt)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from shopkpi.snapshot import snapshot_path
from tests.helpers import TMALL_HEADER, copy_warehouse, dagster_home, environment, run_cli, write_csv


def test_bad_month_is_a_one_line_error():
    proc = run_cli("materialize", "--month", "2017-13")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "shopkpi: error: month must look like YYYY-MM, got '2017-13'"


@pytest.mark.slow
def test_materialize_in_a_subprocess_is_a_dagster_run_and_query_reads_the_mart(tmp_path):
    write_csv(tmp_path / "exports" / "t.csv", TMALL_HEADER, [
        ["X1", "12.50", "12.50", "", "2019-03-01 10:00:00", "2019-03-01 10:00:05", "0"],
        ["X2", "7.50", "0.00", "", "2019-03-02 10:00:00", "", "0"],
    ])
    env = dagster_home(tmp_path)
    warehouse = str(tmp_path / "w.duckdb")
    shell = lambda *args: subprocess.run([sys.executable, "-m", "shopkpi.cli", *args], capture_output=True, text=True,  # noqa: E731
                                         env={**os.environ, **env})
    usage = shell("--help")
    assert usage.returncode == 0
    for command in ("materialize", "publish", "audit", "backfill", "query", "scorecard", "simulate", "ui"):
        assert command in usage.stdout
    proc = shell("materialize", "--month", "2019-03", "--exports", str(tmp_path / "exports"), "--warehouse", warehouse)
    assert proc.returncode == 0, proc.stderr
    assert "materialised 2019-03" in proc.stdout and "付款率" in proc.stdout
    # progress on stderr as it goes: plain timed lines when stderr is not a terminal
    progress = proc.stderr.splitlines()
    assert re.fullmatch(r"\[\s*\d+\.\ds\] materialising 2019-03 from .*", progress[0]), progress
    for stage in ("Dagster ready", "load the downloads: done", "check raw (Great Expectations): done",
                  "dbt build: done", "check staging and marts (Great Expectations): done",
                  "hand the month to readers: done"):
        assert any(stage in line for line in progress), (stage, progress)
    assert re.search(r"dbt build: done in \d+\.\ds \(\d+ models, \d+ tests passed\)", proc.stderr)

    from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

    with environment(env), DagsterInstance.get() as instance:
        runs = instance.get_runs(RunsFilter(job_name="monthly_kpis", tags={"dagster/partition": "2019-03"}))
        assert [r.status for r in runs] == [DagsterRunStatus.SUCCESS]

    out = run_cli("query", "select kpi_id, value from kpi_store_monthly where kpi_id in ('gmv', 'payment_rate') "
                  "and shop_id = 'all' and platform = 'all' order by 1",
                  "--warehouse", warehouse, "--format", "json")
    assert out.returncode == 0, out.stderr
    # typed JSON: numbers are numbers (12.50 + 7.50 ordered; 1 of 2 orders paid)
    assert json.loads(out.stdout) == [{"kpi_id": "gmv", "value": 20}, {"kpi_id": "payment_rate", "value": 0.5}]

    csv_out = run_cli("query", "select count(*) as n from raw.orders", "--warehouse", warehouse, "--format", "csv")
    assert csv_out.stdout.splitlines() == ["n", "2"]

    refused = run_cli("query", "drop table marts.fct_orders", "--warehouse", warehouse)
    assert refused.returncode == 2 and "read-only" in refused.stderr


@pytest.mark.xdist_group("tmall")
def test_backfill_materialises_each_month_of_the_range(tmall_months):
    root, warehouse, backfill = tmall_months  # `shopkpi backfill --from 2020-01 --to 2020-02` (conftest)
    assert "backfilled 2/2 months" in backfill.stdout
    out = run_cli("query", "select month, count(*) as n from fct_orders group by 1 order by 1", "--warehouse", str(warehouse),
                  "--format", "csv")
    assert out.stdout.splitlines() == ["month,n", "2020-01,2", "2020-02,5"]  # tests/tmall_months.py: T1 T2 | F1..F5
    from dagster import DagsterInstance, DagsterRunStatus

    with environment(dagster_home(root)), DagsterInstance.get() as instance:
        runs = sorted((r.tags["dagster/partition"], r.status) for r in instance.get_runs())
        assert runs == [("2020-01", DagsterRunStatus.SUCCESS), ("2020-02", DagsterRunStatus.SUCCESS)]
    backwards = run_cli("backfill", "--from", "2019-03", "--to", "2019-01", "--exports", str(root / "exports"),
                        "--warehouse", str(warehouse))
    assert backwards.returncode == 2 and "after --to" in backwards.stderr


@pytest.mark.slow
def test_a_month_missing_from_the_exports_root_names_the_folder_looked_in(tmp_path):
    write_csv(tmp_path / "exports" / "2019-01" / "orders.csv", TMALL_HEADER,
              [["B1", "10.00", "10.00", "", "2019-01-05 10:00:00", "2019-01-05 10:00:05", "0"]])
    proc = run_cli("materialize", "--month", "2019-04", "--exports", str(tmp_path / "exports"),
                   "--warehouse", str(tmp_path / "w.duckdb"), env=dagster_home(tmp_path))
    assert proc.returncode == 2  # bad input: no such folder
    assert str(tmp_path / "exports" / "2019-04") in proc.stderr.strip().splitlines()[-1]


def test_every_command_defaults_to_one_exports_root(tmp_path, monkeypatch):
    from shopkpi.cli.parser import build_parser

    monkeypatch.setenv("SHOPKPI_EXPORTS", str(tmp_path / "downloads"))
    parser = build_parser()
    for argv in (["materialize"], ["publish", "--month", "2017-05"], ["backfill", "--from", "2017-01", "--to", "2017-02"],
                 ["demo"], ["ui"], ["simulate", "--month", "2017-05"]):
        assert parser.parse_args(argv).exports == str(tmp_path / "downloads"), argv
    monkeypatch.delenv("SHOPKPI_EXPORTS")
    from shopkpi.settings import DATA_DIR

    assert build_parser().parse_args(["materialize"]).exports == str((DATA_DIR / "exports").resolve())


@pytest.mark.slow
@pytest.mark.canary
def test_backfill_submit_records_a_dagster_asset_backfill_for_the_daemon(tmp_path):
    from shopkpi.settings import PROJECT_ROOT

    shutil.copy(PROJECT_ROOT / "dagster.yaml", tmp_path)  # the project's instance settings
    (tmp_path / "exports").mkdir()
    proc = run_cli("backfill", "--from", "2019-11", "--to", "2020-01", "--submit", "--exports", str(tmp_path / "exports"),
                   "--warehouse", str(tmp_path / "w.duckdb"), env=dagster_home(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "3 months 2019-11..2020-01" in proc.stdout
    from dagster import DagsterInstance
    from dagster._core.execution.backfill import BulkActionStatus

    with environment(dagster_home(tmp_path)), DagsterInstance.get() as instance:
        (backfill,) = instance.get_backfills()
        assert backfill.status == BulkActionStatus.REQUESTED and backfill.is_asset_backfill
        subset = backfill.asset_backfill_data.target_subset
        partitions = {str(k) for k in subset.get_partitions_subset(
            next(k for k in subset.asset_keys if k.to_user_string() == "raw/orders")).get_partition_keys()}
        assert partitions == {"2019-11", "2019-12", "2020-01"}
        assert instance.get_runs() == []  # nothing ran here: the daemon will
        # The project's instance queues runs one at a time (one DuckDB writer).
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        assert instance.run_coordinator.get_run_queue_config().max_concurrent_runs == 1


def test_simulate_writes_into_the_exports_root_by_default(tmp_path):
    from tests.helpers import REAL_EXPORTS

    proc = run_cli("simulate", "--orders", str(REAL_EXPORTS), "--month", "2017-05", "--exports", str(tmp_path / "root"))
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "root" / "2017-05"
    assert (folder / "员工花名册.xlsx").is_file()  # the staff roster, among the others
    # progress: a line for each file as it is written, with its data rows
    written = dict(re.findall(r"\] wrote (\S+): ([\d,]+) rows", proc.stderr))
    assert set(written) == {p.name for p in folder.iterdir()}, proc.stderr
    assert int(written["员工花名册.xlsx"].replace(",", "")) == len(pd.read_excel(folder / "员工花名册.xlsx"))
    assert run_cli("simulate", "--orders", str(REAL_EXPORTS)).returncode == 2  # neither --month nor --out


@pytest.mark.xdist_group("demo")
def test_query_is_truly_read_only(demo_run, tmp_path):
    """Each of these worked (or wrote, read or downloaded) before; now each is refused in one line."""
    _, built = demo_run
    warehouse = copy_warehouse(built, tmp_path / "w.duckdb")
    target, other = tmp_path / "out.csv", tmp_path / "other.duckdb"
    attacks = {
        "attach": f"attach '{other}' as other",
        "re-attach read-write": f"detach warehouse; attach '{snapshot_path(warehouse)}' as w2; delete from w2.marts.fct_orders",
        "delete": "delete from marts.fct_orders",
        "copy to": f"copy (select * from fct_orders) to '{target}'",
        "read any file": "select * from read_csv('/etc/passwd')",
        "install": "install httpfs",
        "two statements": "select 1; select 2",
        "set": "set enable_external_access = true",
    }
    for name, sql in attacks.items():
        proc = run_cli("query", sql, "--warehouse", str(warehouse))
        assert proc.returncode == 2, name
        assert len(proc.stderr.strip().splitlines()) == 1, name
    assert not target.exists() and not other.exists()
    count = run_cli("query", "select count(*) as n from fct_orders", "--warehouse", str(warehouse), "--format", "csv")
    assert count.stdout.splitlines() == ["n", "3989"]  # the real export's 3,989 orders, all still there
    for sql in ("with o as (select * from fct_orders) select count(*) from o", "describe fct_orders", "show tables",
                "summarize kpi_store_monthly", "explain select * from fct_orders"):
        assert run_cli("query", sql, "--warehouse", str(warehouse)).returncode == 0, sql
    empty = run_cli("query", "  ", "--warehouse", str(warehouse))
    assert empty.returncode == 2 and "no SQL given" in empty.stderr


def test_a_month_with_a_trailing_newline_is_not_a_month():
    proc = run_cli("scorecard", "--month", "2017-05\n")
    assert proc.returncode == 2 and "month must look like YYYY-MM" in proc.stderr


def empty_warehouse(tmp_path) -> Path:
    """A warehouse whose readers' copy has the schemas and no data: enough for queries on constants."""
    import duckdb

    warehouse = tmp_path / "w.duckdb"
    con = duckdb.connect(str(snapshot_path(warehouse)))  # what readers open
    for schema in ("marts", "intermediate", "staging", "reference", "raw"):
        con.execute(f"create schema {schema}")
    con.close()
    return warehouse


def test_query_csv_neutralises_formula_cells(tmp_path):
    warehouse = empty_warehouse(tmp_path)
    out = run_cli("query", "select '=HYPERLINK(\"http://x\")' as cell, -5.5 as amount", "--warehouse", str(warehouse),
                  "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["cell,amount", "\"'=HYPERLINK(\"\"http://x\"\")\",-5.5"]


@pytest.mark.slow
def test_out_of_memory_names_the_step_and_the_setting_to_raise(tmp_path):
    from tests.helpers import REAL_EXPORTS

    proc = run_cli("materialize", "--month", "2017-05", "--exports", str(REAL_EXPORTS), "--warehouse", str(tmp_path / "w.duckdb"),
                   env={**dagster_home(tmp_path), "SHOPKPI_DUCKDB_MEMORY_LIMIT": "20MB"})
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert "step raw_exports ran out of memory (" in last and "Out of Memory Error" in last
    assert "raise SHOPKPI_DUCKDB_MEMORY_LIMIT (now 20MB)" in last


def test_the_loader_and_dbt_default_to_the_same_memory_cap():
    # settings.py serves the loader and the CLI's message; profiles.yml serves dbt, which cannot import it
    import yaml

    from shopkpi.settings import DBT_PROJECT_DIR, DEFAULT_MEMORY_LIMIT, MEMORY_LIMIT_ENV

    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text(encoding="utf-8"))
    setting = profile["shopkpi"]["outputs"]["duckdb"]["settings"]["memory_limit"]
    assert setting == f"{{{{ env_var('{MEMORY_LIMIT_ENV}', '{DEFAULT_MEMORY_LIMIT}') }}}}"


def test_query_prints_markup_and_escape_sequences_as_text(tmp_path):
    """A roster name like [/x] crashed the table (rich MarkupError); [link=…] became a hyperlink; an ESC
    sequence recoloured the terminal. Now data is text: markup shown as typed, control characters removed."""
    warehouse = empty_warehouse(tmp_path)
    out = run_cli("query", "select '[/x]' as name, '[link=http://evil.example]click[/link]' as link, "
                           "chr(27) || '[31mred' as colour", "--warehouse", str(warehouse))
    assert out.returncode == 0, out.stderr
    assert "[/x]" in out.stdout and "[link=http://evil.example]click[/link]" in out.stdout
    assert "\x1b" not in out.stdout and "[31mred" in out.stdout


@pytest.mark.slow
def test_a_runaway_query_stops_at_its_time_and_memory_limits(tmp_path):
    """A recursive CTE without end ran until killed; a query needing more memory than the machine has ended in
    a traceback. Now each is one line, exit 2."""
    warehouse = empty_warehouse(tmp_path)
    endless = "with recursive t(n) as (select 1 union all select n + 1 from t) select count(*) from t"
    stopped = run_cli("query", endless, "--timeout", "1", "--warehouse", str(warehouse))
    assert stopped.returncode == 2
    assert stopped.stderr.strip() == ("shopkpi: error: the query ran longer than 1 s and was stopped "
                                      "(--timeout SECONDS or SHOPKPI_QUERY_TIMEOUT allows more; 0: no limit)")
    # a list of 50M integers is 400 MB that cannot spill to disk
    with environment({"SHOPKPI_QUERY_MEMORY_LIMIT": "64MB"}):
        big = run_cli("query", "select len(list(range)) as n from range(50000000)", "--warehouse", str(warehouse))
    assert big.returncode == 2
    assert big.stderr.strip() == ("shopkpi: error: the query needs more memory than its limit of 64MB "
                                  "(SHOPKPI_QUERY_MEMORY_LIMIT raises it)")
    with environment({"SHOPKPI_QUERY_MEMORY_LIMIT": "1e9; attach 'x'"}):
        odd = run_cli("query", "select 1", "--warehouse", str(warehouse))
    assert odd.returncode == 2 and "is not a size such as 4GB" in odd.stderr


def test_query_streams_rows_up_to_its_limit(tmp_path):
    """`--limit 5` on 20M rows held every row in Python first (~1.7 GB for 20M one-integer rows: a 48-byte
    tuple, a 28-byte integer and an 8-byte list slot each). Now it fetches six rows; csv streams in batches."""
    warehouse = empty_warehouse(tmp_path)
    sql = "select range as n from range(20000000)"
    # the CLI in a process of its own, which reports its peak resident memory (VmHWM: since its exec)
    script = ("import sys; from shopkpi.cli import main; code = main(sys.argv[1:]); "
              "print([l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1], file=sys.stderr); "
              "sys.exit(code)")
    proc = subprocess.run([sys.executable, "-c", script, "query", sql, "--limit", "5", "--warehouse", str(warehouse)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "the first 5 rows; more not shown" in proc.stdout
    peak_mb = int(proc.stderr.strip().splitlines()[-1]) / 1024
    assert peak_mb < 600, f"{peak_mb:.0f} MB held for 5 rows"
    out = run_cli("query", "select range as n from range(25000)", "--format", "csv", "--warehouse", str(warehouse))
    assert out.stdout.splitlines() == ["n", *map(str, range(25000))]  # across three batches of 10,000
    as_json = run_cli("query", "select range as n from range(3)", "--format", "json", "--warehouse", str(warehouse))
    assert json.loads(as_json.stdout) == [{"n": 0}, {"n": 1}, {"n": 2}]
    none = run_cli("query", "select 1 as n where false", "--format", "json", "--warehouse", str(warehouse))
    assert json.loads(none.stdout) == []


def test_a_month_that_is_not_a_partition_is_a_one_line_error(tmp_path):
    """The current month, or one before SHOPKPI_FIRST_MONTH, ended in DagsterUnknownPartitionError's traceback."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    this_month = dt.datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m")
    exports = tmp_path / "exports"
    for month in (this_month, "2016-12"):
        write_csv(exports / month / "orders.csv", TMALL_HEADER, [])
    common = ["--exports", str(exports), "--warehouse", str(tmp_path / "w.duckdb")]
    for command in (["materialize", "--month", this_month], ["publish", "--month", this_month],
                    ["backfill", "--from", "2017-01", "--to", this_month]):
        proc = run_cli(*command, *common)
        assert proc.returncode == 2, command
        assert proc.stderr.strip().splitlines() == [
            f"shopkpi: error: {this_month} is not over yet (Asia/Shanghai): a month runs once it has closed; "
            f"the latest that can run is {(dt.date.fromisoformat(this_month + '-01') - dt.timedelta(days=1)):%Y-%m}"]
    early = run_cli("materialize", "--month", "2016-12", *common)
    assert early.returncode == 2 and early.stderr.strip() == (
        "shopkpi: error: 2016-12 is before the first month 2017-01 (SHOPKPI_FIRST_MONTH): "
        "set SHOPKPI_FIRST_MONTH=2016-12 to run it")


@pytest.mark.slow
def test_a_full_disk_during_a_run_is_one_line_naming_the_file(tmp_path):
    """A write that fails for space (here a 2 MB file-size limit: the warehouse outgrows it during the load) was
    reported as "cannot rollback - no transaction is active", DuckDB's error about the failed rollback."""
    import resource

    from tests.helpers import REAL_EXPORTS

    shutil.copytree(REAL_EXPORTS, tmp_path / "exports" / "2017-05")  # orders and lines: the load outgrows 2 MB
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (2 * 2**20, 2 * 2**20))  # noqa: E731
    proc = subprocess.run([sys.executable, "-m", "shopkpi.cli", "materialize", "--month", "2017-05", "--exports",
                           str(tmp_path / "exports"), "--warehouse", str(tmp_path / "w.duckdb")],
                          env={**os.environ, **dagster_home(tmp_path), "SHOPKPI_ALLOW_DEV_PII_KEY": "1"},
                          capture_output=True, text=True, preexec_fn=limit, timeout=600)
    assert proc.returncode == 1
    (last,) = [line for line in proc.stderr.splitlines() if line.startswith("shopkpi: error:")]
    assert "Traceback" not in proc.stderr
    assert "step raw_exports failed: the disk is full (or a file-size limit was reached) writing " \
           f"{tmp_path / 'w.duckdb'}" in last


def test_audit_of_a_fresh_warehouse_or_into_a_folder_it_cannot_write_is_one_line(tmp_path):
    """A fresh warehouse gave DuckDB's CatalogException; an unwritable published folder a traceback."""
    warehouse = empty_warehouse(tmp_path)
    fresh = run_cli("audit", "--month", "2017-05", "--warehouse", str(warehouse), "--published", str(tmp_path / "p"))
    assert fresh.returncode == 2 and fresh.stderr.strip() == (
        f"shopkpi: error: 2017-05 is not loaded in {warehouse}: run `shopkpi materialize --month 2017-05` first")
    import duckdb

    con = duckdb.connect(str(snapshot_path(warehouse)))
    con.execute("create table raw.load_audit (month varchar)")
    con.execute("insert into raw.load_audit values ('2017-05')")
    con.close()
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("", encoding="utf-8")  # (as root, a read-only folder is still writable: a file is in the way)
    blocked = run_cli("audit", "--month", "2017-05", "--warehouse", str(warehouse), "--published", str(in_the_way / "p"))
    assert blocked.returncode == 2 and blocked.stderr.strip() == (
        f"shopkpi: error: cannot write the audit into {in_the_way / 'p' / '2017-05'}: Not a directory; "
        "--published (or SHOPKPI_PUBLISHED) sets a folder you can write")
