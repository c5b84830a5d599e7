"""`shopkpi`'s arguments: one sub-command per task, defaults from the environment (settings.py)."""

from __future__ import annotations

import argparse

from ..settings import DEMO_MONTH, EXPORTS_ENV, WAREHOUSE_ENV, default_exports, default_published, default_warehouse
from .commands.build import cmd_backfill, cmd_demo, cmd_materialize
from .commands.check import cmd_check
from .commands.status import cmd_status
from .commands.layouts import cmd_inspect, cmd_layouts
from .commands.publish import cmd_audit, cmd_diff, cmd_publish, cmd_verify
from .commands.read import SEARCH_PATH, cmd_query, cmd_scorecard, cmd_tables
from .commands.templates import cmd_template
from .commands.tools import cmd_simulate, cmd_ui
from .render import DEFAULT_LIMIT

WAREHOUSE_HELP = f"DuckDB warehouse file (default: ${WAREHOUSE_ENV} or data/warehouse.duckdb)"
REPLACE_SHOPS_HELP = ("rebuild the month even if it leaves out shops its last load had (otherwise such a run "
                      "stops before writing, naming them)")
NO_WAIT_HELP = "exit (code 2) instead of waiting when another shopkpi run is building this warehouse"
EXPORTS_HELP = (f"exports root holding one YYYY-MM folder per month, or one month's folder "
                f"(default: ${EXPORTS_ENV} or data/exports)")


def _common(p: argparse.ArgumentParser, exports: bool = False, published: bool = False, verbose: bool = False) -> None:
    if exports:
        p.add_argument("--exports", default=str(default_exports()), help=EXPORTS_HELP)
    p.add_argument("--warehouse", default=str(default_warehouse()), help=WAREHOUSE_HELP)
    if published:
        p.add_argument("--published", default=str(default_published()),
                       help="publication root (default: $SHOPKPI_PUBLISHED or published/)")
    if verbose:
        p.add_argument("-v", "--verbose", action="store_true", help="stream dbt's output and Dagster's debug log")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shopkpi",
        description="E-commerce team KPI warehouse: platform exports -> DuckDB -> dbt KPI marts, run by Dagster.",
        epilog="Exit codes: 0 ok, 1 a run or check failed, 2 bad input. Docs: README.md, docs/, DECISIONLOG.md.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    m = sub.add_parser("materialize", help="build one month end to end (a real Dagster run)",
                       description="Load the month's exports, run dbt build and the GX checks as one Dagster run "
                                   "of the partitioned job 'monthly_kpis'; the run shows in `shopkpi ui`.")
    m.add_argument("--month", default=DEMO_MONTH, help=f"partition YYYY-MM (default {DEMO_MONTH})")
    m.add_argument("--replace-shops", action="store_true", help=REPLACE_SHOPS_HELP)
    m.add_argument("--no-wait", action="store_true", help=NO_WAIT_HELP)
    _common(m, exports=True, verbose=True)
    m.set_defaults(func=cmd_materialize)

    d = sub.add_parser("demo", help=f"simulate and materialise the demo month {DEMO_MONTH} end to end",
                       description="Copy the real Taobao order export (../shared) into EXPORTS/2017-05, simulate every "
                                   "other export beside it, and materialise the month (what `./run.sh demo` runs).")
    d.add_argument("--seed", type=int, default=42)
    _common(d, exports=True, verbose=True)
    d.set_defaults(func=cmd_demo)

    p = sub.add_parser("publish", help="build a month and publish its scorecards (immutable, versioned)",
                       description="Run the 'monthly_publish' job for the month: build, check, and when every blocking "
                                   "check passes write published/YYYY-MM/vN/ (Parquet, CSV, XLSX, HTML report, manifest). "
                                   "Unchanged downloads, code and packages: nothing is run or written. Changed inputs: "
                                   "refused unless --reason is given.")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--reason", help="why a new version of an already published month is needed")
    p.add_argument("--replace-shops", action="store_true", help=REPLACE_SHOPS_HELP)
    p.add_argument("--no-wait", action="store_true", help=NO_WAIT_HELP)
    _common(p, exports=True, published=True, verbose=True)
    p.set_defaults(func=cmd_publish)

    a = sub.add_parser("audit", help="a month's data-quality audit and its Data Docs",
                       description="Every Great Expectations suite's result for the month (raw, staging, marts, "
                                   "reconciliation, accuracy), from the checks the pipeline ran while they match the "
                                   "warehouse, validated afresh otherwise or with --revalidate. Builds GX Data Docs into "
                                   "published/YYYY-MM/data-docs/ and prints checks by severity, findings, reconciliations "
                                   "and quarantined rows. Exit code 0 only when nothing blocking failed.")
    a.add_argument("--month", required=True, help="YYYY-MM")
    a.add_argument("--revalidate", action="store_true", help="validate every suite now instead of using the run's results")
    a.add_argument("--format", choices=["table", "json"], default="table")
    _common(a, published=True)
    a.set_defaults(func=cmd_audit)

    v = sub.add_parser("verify", help="check published versions against their manifests",
                       description="Every file of every published version (or of one month's versions) is checked "
                                   "against the SHA-256 its manifest records; exit 1 on any changed, missing or added file.")
    v.add_argument("--month", help="YYYY-MM (default: every month)")
    v.add_argument("--published", default=str(default_published()),
                   help="publication root (default: $SHOPKPI_PUBLISHED or published/)")
    v.set_defaults(func=cmd_verify)

    c = sub.add_parser("scorecard", help="show a month's scorecard in the terminal",
                       description="Per employee: each KPI's value, target, status, score, weighted total and rank.")
    c.add_argument("--month", required=True, help="YYYY-MM")
    c.add_argument("--role", help="role id, e.g. customer_service (see reference.role_catalog)")
    c.add_argument("--shop", help="a shop (seeds/shops.csv id): its store KPIs and the scorecards computed per shop "
                                  "(channel managers); 'all': the company and its platforms")
    c.add_argument("--format", choices=["table", "csv", "json"], default="table")
    _common(c)
    c.set_defaults(func=cmd_scorecard)

    b = sub.add_parser("backfill", help="materialise a range of months, with a progress bar",
                       description="One Dagster run of 'monthly_kpis' per month, oldest first, in this project's "
                                   "Dagster instance. With --submit, a Dagster asset backfill of the range is recorded "
                                   "instead, for the Dagster daemon to run (one run at a time, with the daemon's own "
                                   "SHOPKPI_* settings) and the UI to follow.")
    b.add_argument("--from", dest="start", required=True, help="first month YYYY-MM")
    b.add_argument("--to", dest="end", required=True, help="last month YYYY-MM")
    b.add_argument("--submit", action="store_true", help="hand the range to the Dagster daemon as an asset backfill")
    b.add_argument("--replace-shops", action="store_true", help=REPLACE_SHOPS_HELP)
    b.add_argument("--no-wait", action="store_true", help=NO_WAIT_HELP)
    _common(b, exports=True)
    b.set_defaults(func=cmd_backfill)

    q = sub.add_parser("query", help="run read-only SQL on the warehouse",
                       description="Run SQL on the warehouse, opened read-only. Unqualified names resolve in "
                                   f"{SEARCH_PATH}, so `select * from kpi_store_monthly` works.")
    q.add_argument("sql", help='e.g. "select * from kpi_store_monthly"')
    q.add_argument("--format", choices=["table", "records", "csv", "json"], default="table",
                   help="table (wide results turn into records), records (one block per row), csv or json "
                        "(numbers as numbers)")
    q.add_argument("--limit", type=int, default=DEFAULT_LIMIT,
                   help=f"rows the table shows (default {DEFAULT_LIMIT}; 0: all); csv and json carry every row")
    q.add_argument("--timeout", type=float, default=None,
                   help="seconds the query may run before it is stopped (default $SHOPKPI_QUERY_TIMEOUT or 300; 0: "
                        "no limit); its memory is capped by $SHOPKPI_QUERY_MEMORY_LIMIT (default 4GB)")
    _common(q)
    q.set_defaults(func=cmd_query)

    t = sub.add_parser("tables", help="list the warehouse's tables, or one table's columns, with their descriptions",
                       description="The marts (and, with --all, every schema) with the descriptions of the dbt "
                                   "project's .yml files; with a table name, its columns, types and descriptions.")
    t.add_argument("table", nargs="?", help="a table, e.g. kpi_store_monthly or staging.stg_orders")
    t.add_argument("--all", action="store_true", help="every schema, not only the marts")
    t.add_argument("--format", choices=["table", "records", "csv", "json"], default="table")
    _common(t)
    t.set_defaults(func=cmd_tables)

    s = sub.add_parser("simulate", help="write the platform exports no public download has, from an order report",
                       description="Seeded, deterministic generator of traffic, ads, campaigns, customer service, "
                                   "after-sales, reviews, design, listing, analyst, logistics, market and staff exports, "
                                   "consistent with the orders it is given. Same seed, same bytes. A development and "
                                   "benchmark tool (package shopkpi_simulator); the pipeline never imports it.")
    s.add_argument("--orders", help="folder holding the month's order report (or use --orders-per-month)")
    s.add_argument("--out", help="folder to write the exports into (default: EXPORTS/MONTH, which needs --month)")
    s.add_argument("--month", help="YYYY-MM (default: the month with most orders)")
    s.add_argument("--exports", default=str(default_exports()), help=EXPORTS_HELP)
    s.add_argument("--seed", type=int, default=42)
    s.add_argument("--orders-per-month", type=int, help="synthesise this many orders (Taobao layout) into --out first")
    s.add_argument("--copy-orders", action="store_true", help="also copy the given order/line/item reports into --out")
    s.add_argument("--shops", action="store_true",
                   help="a multi-shop month: the given Taobao orders as shop taobao_toyshop with every team sheet, plus "
                        "Tmall, Pinduoduo, JD and Douyin shops in their platforms' layouts, into EXPORTS/<shop_id>/MONTH/")
    s.set_defaults(func=cmd_simulate)

    i = sub.add_parser("inspect", help="explain what the loader makes of export files",
                       description="Per file: encoding, header row, the layout that matches and its coverage, required "
                                   "columns missing, sample values after clean-up; for a file no layout matches, the "
                                   "closest layouts and a ready-to-edit layout skeleton. Exit code 1 when a file "
                                   "matches no layout.")
    i.add_argument("files", nargs="+", help="export files (CSV, TXT or XLSX)")
    i.set_defaults(func=cmd_inspect)

    lay = sub.add_parser("layouts", help="list the export layouts the loader knows (built-in and SHOPKPI_LAYOUTS)")
    lay.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default table)")
    lay.set_defaults(func=cmd_layouts)

    df = sub.add_parser("diff", help="what changed between two published versions of a month",
                        description="The later version's reason, the downloads added, removed or replaced between "
                                    "them, and every published number that moved (store figures per shop and company, "
                                    "each person's KPIs and total). Default: the newest version and the one before.")
    df.add_argument("--month", required=True, help="YYYY-MM")
    df.add_argument("--from", dest="since", help="the earlier version (e.g. v1)")
    df.add_argument("--to", help="the later version (default: the newest)")
    _common(df, published=True)
    df.set_defaults(func=cmd_diff)

    st = sub.add_parser("status", help="every month: loaded, built, published, failed or being rebuilt, and what next",
                        description="Per month the warehouse or the publication root knows: files loaded, when it was "
                                    "built for readers, its newest published version and reason, its last Dagster "
                                    "run, its state and the command to run next.")
    st.add_argument("--no-runs", action="store_true", help="leave out the Dagster run history (faster)")
    st.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default table)")
    _common(st, published=True)
    st.set_defaults(func=cmd_status)

    ck = sub.add_parser("check", help="check the configuration (and a month's folders) before a build, in a second",
                        description="The pre-flight every build runs first: the PII key, seeds/shops.csv, "
                                    "kpi_targets.csv and kpi_weights.csv (read as Excel saves them), the layouts, and "
                                    "with --month the exports' shop and month folders. One line per problem naming "
                                    "the file, row and column; exit 2 when there is one.")
    ck.add_argument("--month", help="also check this month's folders (YYYY-MM)")
    _common(ck, exports=True)
    ck.set_defaults(func=cmd_check)

    tm = sub.add_parser("template", help="write XLSX templates for the team's own sheets (what no platform exports)",
                        description="One XLSX per sheet the role's KPIs need where no platform or tool exports the "
                                    "data (design tasks, analysts' and market reports, listings, campaign pages, …), "
                                    "plus the roster and 账号归属: the loader's headers, instructions in Chinese and "
                                    "English, and the validation a spreadsheet can do (dates, drop-downs of 工号, "
                                    "roles, shops).")
    tm.add_argument("role", help="a role id (e.g. designer; see seeds/role_catalog.csv) or all")
    tm.add_argument("--out", required=True, help="folder to write the templates to")
    tm.add_argument("--roster", help="a roster file (员工花名册, CSV or XLSX): its 工号 fill the drop-downs")
    tm.set_defaults(func=cmd_template)

    u = sub.add_parser("ui", help="start the Dagster UI (and its daemon) on this project's instance")
    u.add_argument("--port", type=int, default=3000)
    _common(u, exports=True)
    u.set_defaults(func=cmd_ui)
    return parser
