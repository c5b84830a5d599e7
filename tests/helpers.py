"""Shared test helpers: run the real pipeline, read the raw CSVs independently."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import socket
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import pytest

from shopkpi.settings import DEMO_ORDERS

if TYPE_CHECKING:
    from dagster import DagsterInstance

REAL_EXPORTS = DEMO_ORDERS
REAL_ORDERS = REAL_EXPORTS / "ExportOrderList.csv"

TMALL_HEADER = ["订单编号", "总金额", "买家实际支付金额", "收货地址", "订单创建时间", "订单付款时间", "退款金额"]


def materialize_month(month: str, exports: Path, warehouse: Path, instance: DagsterInstance | None = None,
                      published: Path | None = None, reason: str | None = None):
    """A real Dagster materialisation of every asset and check for one partition.

    With `published`, the scorecard publication runs too, into that folder.
    """
    from dagster import DagsterInstance, materialize  # here: a test file that builds no month never imports Dagster

    from shopkpi.definitions import ASSET_CHECKS, ASSETS, build_resources
    from shopkpi.defs.publish.assets import scorecard_publication

    assets = [a for a in ASSETS if published is not None or a is not scorecard_publication]
    run_config = {"ops": {"published__scorecards": {"config": {"reason": reason}}}} if published is not None else None
    return materialize(
        [*assets, *ASSET_CHECKS],
        partition_key=month,
        resources=build_resources(warehouse=str(warehouse), exports=str(exports), published=str(published or "")),
        instance=instance or DagsterInstance.ephemeral(),
        raise_on_error=False,
        run_config=run_config,
    )


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def environment(env: dict[str, str] | None = None):
    """Run with `env` added to os.environ (a None value removes the variable), and the whole environment
    restored afterwards."""
    saved = dict(os.environ)
    for name, value in (env or {}).items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_cli(*args: str, env: dict[str, str] | None = None) -> CliResult:
    """`shopkpi ARGS` in this process (no cold start of Python, Dagster and dbt), output captured.
    The environment is restored afterwards: the CLI points DAGSTER_HOME at the project by default."""
    from shopkpi.cli import main

    out, err = io.StringIO(), io.StringIO()
    with environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return CliResult(code, out.getvalue(), err.getvalue())


def dagster_home(tmp_path: Path) -> dict[str, str]:
    """A Dagster instance of the test's own, for CLI runs."""
    return {"DAGSTER_HOME": str(tmp_path), "SHOPKPI_DAGSTER_STORAGE": str(tmp_path / "dagster"),
            "SHOPKPI_DAGSTER_COMPUTE_LOGS": str(tmp_path / "dagster" / "compute_logs")}


def copy_warehouse(built: Path, target: Path) -> Path:
    """A built warehouse and its readers' snapshot, copied (tests that change a month work on a copy)."""
    from shopkpi.snapshot import snapshot_path

    shutil.copyfile(built, target)
    shutil.copyfile(snapshot_path(built), snapshot_path(target))
    return target


def query(warehouse: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def store_kpis(warehouse: Path, month: str, shop_id: str = "all", platform: str = "all") -> dict[str, tuple]:
    """kpi_id -> (value, numerator, denominator) as floats/None, of the company (or of one shop / platform)."""
    rows = query(
        warehouse, "select kpi_id, value, numerator, denominator from marts.kpi_store_monthly "
                   "where month = ? and shop_id = ? and platform = ?", [month, shop_id, platform]
    )
    as_float = lambda v: None if v is None else float(v)  # noqa: E731
    return {k: (as_float(v), as_float(n), as_float(d)) for k, v, n, d in rows}


def read_real_orders() -> pd.DataFrame:
    """The real order report read with pandas alone: trimmed headers and cells."""
    frame = pd.read_csv(REAL_ORDERS, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    frame.columns = [c.strip() for c in frame.columns]
    return frame.apply(lambda col: col.str.strip())


def money(values) -> Decimal:
    return sum((Decimal(v or "0") for v in values), Decimal("0"))


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator=newline)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# Run bookkeeping that differs between two identical builds by design (which run, when).
SNAPSHOT_COLUMNS = {"quality.check_results": "month, layer, suite, severity, success, warehouse_state",
                    "raw.pii_key_fingerprints": "month, key_fingerprint, is_development_key",
                    "raw.load_changes": "month, report_type, change",
                    "meta.month_builds": "month"}


def table_snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every table and view of the warehouse, rows sorted, for equality checks."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('information_schema', 'pg_catalog') order by 1, 2"
        ).fetchall()
        return {
            f"{s}.{t}": sorted(con.execute(f'select {SNAPSHOT_COLUMNS.get(f"{s}.{t}", "*")} from "{s}"."{t}"').fetchall(),
                               key=repr)
            for s, t in names
        }
    finally:
        con.close()


def chromium() -> str:
    """Headless Chromium for the tests that look at pages: required in CI (./run.sh test installs
    it), a skip elsewhere."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (./run.sh test installs it)")
        pytest.skip("chromium not installed (./run.sh test installs it when run as root)")
    return browser


def keep_screenshot(shot: Path, name: str) -> None:
    """Copy a test's screenshot to SHOPKPI_SCREENSHOT_DIR (created if missing) when it is set, for a
    person to look at after the run."""
    keep = os.environ.get("SHOPKPI_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]
