"""The auditors' view of one month: every GX suite, the reconciliations, the quarantine, Data Docs.

`audit_month` takes each layer's results from the checks the pipeline ran
(`quality.check_results`) while they still match the warehouse, and validates a
layer again only when they do not (or when asked to). It builds GX Data Docs into
`<published>/YYYY-MM/data-docs/` (static HTML, no tool needed to read it) and
writes beside them `audit.json`, `audit.html` and the reconciliation and
quarantine tables as CSV. `shopkpi audit` prints it; publishing copies it into
the version it writes.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import warehouse as warehouse_db
from ..folders import replaced_folder
from ..spreadsheets import neutralise_formula
from .data_docs import make_offline, validation_links
from .gx_duckdb import SuiteOutcome, build_data_docs
from .results import query_rows, state_fingerprints, stored_results, validate
from .suites import LAYERS, Suite, load_suites

DATA_DOCS_DIRNAME = "data-docs"


@dataclass
class SuiteRun:
    suite: Suite
    outcome: SuiteOutcome

    @property
    def status(self) -> str:
        return "passed" if self.outcome.success else "failed"


@dataclass
class AuditReport:
    month: str
    runs: list[SuiteRun]
    reconciliation: list[dict]
    load_reconciliation: list[dict]
    quarantine: list[dict]
    platform_summary: list[dict]
    data_docs: Path
    seconds: float = 0.0
    findings: list[dict] = field(default_factory=list)
    # Per layer: where its results come from ("checks of run …" or "validated now: <why>").
    sources: dict[str, str] = field(default_factory=dict)
    # Report types an earlier load of the month had and the current one lacks (raw.load_changes).
    missing_since_earlier_load: list[str] = field(default_factory=list)
    # Loaded months whose buyer ids were hashed with another PII key than this month's.
    months_with_another_key: list[str] = field(default_factory=list)
    # Per shop: loaded or why not, and its files' rows read = loaded + quarantined.
    shops: list[dict] = field(default_factory=list)
    # Platform accounts and ad plans in the month's role reports that no 账号归属 row credits to one employee.
    unmapped_accounts: list[dict] = field(default_factory=list)
    # Files of the month whose rows a later download of the same report replaced (raw.load_audit).
    superseded: list[dict] = field(default_factory=list)
    # Files of the month's folders that were not loaded, and why (raw.files_not_used).
    files_not_used: list[dict] = field(default_factory=list)

    def by_severity(self, severity: str) -> list[SuiteRun]:
        return [r for r in self.runs if r.suite.severity == severity]

    @property
    def blocking_failed(self) -> list[SuiteRun]:
        return [r for r in self.by_severity("blocking") if not r.outcome.success]

    @property
    def warnings(self) -> list[SuiteRun]:
        return [r for r in self.by_severity("warning") if not r.outcome.success]

    @property
    def ok(self) -> bool:
        return not self.blocking_failed

    def summary(self) -> dict:
        return {
            "month": self.month,
            "audited_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "ok": self.ok,
            "seconds": round(self.seconds, 1),
            "severities": {
                sev: {"suites": len(self.by_severity(sev)),
                      "expectations": sum(len(r.outcome.outcomes) for r in self.by_severity(sev)),
                      "passed": sum(r.outcome.success for r in self.by_severity(sev)),
                      "failed": [r.suite.name for r in self.by_severity(sev) if not r.outcome.success]}
                for sev in ("blocking", "warning")
            },
            "findings": self.findings,
            "reconciliation": self.reconciliation,
            "load_reconciliation": self.load_reconciliation,
            "platform_summary": self.platform_summary,
            "shops": self.shops,
            "unmapped_accounts": self.unmapped_accounts,
            "superseded_downloads": self.superseded,
            "files_not_used": self.files_not_used,
            "quarantine": self.quarantine,
            "data_docs": str(self.data_docs / "index.html"),
            "sources": self.sources,
            "missing_since_earlier_load": self.missing_since_earlier_load,
            "months_with_another_pii_key": self.months_with_another_key,
        }


def _findings(runs: list[SuiteRun]) -> list[dict]:
    out = []
    for run in runs:
        for o in run.outcome.failed:
            rows = o.observed.get("examples") if isinstance(o.observed, dict) else None
            out.append({"suite": run.suite.name, "severity": run.suite.severity, "expectation": o.expectation,
                        "column": o.column, "rule": o.why, "count": o.unexpected_count,
                        "rows": rows if rows is not None else o.observed})
    return out


def _write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        if not rows:
            fh.write("(no rows)\r\n")
            return
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({k: neutralise_formula(v) for k, v in r.items()} for r in rows)


RATIO_COLUMNS = ("error", "share", "rate", "ratio")


def readable(column: str, value) -> str:
    """A cell as people write it: 3,989 (not 3989.0), 0.0019% for a ratio (not 1.9e-05), nothing for NULL."""
    if value is None:
        return ""
    if isinstance(value, list):  # a finding's example rows
        shown = "; ".join(str(v) for v in value[:5])
        return shown + (f" (+{len(value) - 5} more)" if len(value) > 5 else "")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if any(word in column for word in RATIO_COLUMNS):
        return f"{value * 100:.4f}".rstrip("0").rstrip(".") + "%"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _table(rows: list[dict], links: dict[str, str] | None = None) -> str:
    """An HTML table; `links` maps a suite name to its Data Docs page."""
    if not rows:
        return "<p>(none)</p>"
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in rows[0])

    def cell(column: str, value) -> str:
        text = html.escape(readable(column, value))
        if column == "suite" and links and value in links:
            return f'<td><a href="{html.escape(links[value])}">{text}</a></td>'
        return f"<td>{text}</td>"

    body = "".join("<tr>" + "".join(cell(k, v) for k, v in r.items()) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _audit_html(report: AuditReport, s: dict, links: dict[str, str]) -> str:
    """`links`: each suite's Data Docs page of its validation result (data_docs.validation_links)."""
    suites = [{"suite": r.suite.name, "layer": r.suite.layer, "asset": r.suite.meta["asset"], "severity": r.suite.severity,
               "expectations": len(r.outcome.outcomes), "status": r.status} for r in report.runs]
    verdict = "PASS: nothing blocking failed" if report.ok else "FAIL: blocking checks failed"
    return f"""<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>Audit {report.month}</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;margin-bottom:1.5em}}
td,th{{border:1px solid #ccc;padding:3px 8px;font-size:13px}}th{{background:#f3f3f3}}</style></head><body>
<h1>数据质量审计 Data-quality audit · {report.month}</h1>
<p><b>{verdict}</b>. Blocking suites: {s['severities']['blocking']['passed']}/{s['severities']['blocking']['suites']} passed;
warning suites: {s['severities']['warning']['passed']}/{s['severities']['warning']['suites']} passed.
Every expectation's result, with the rows that broke it: <a href="index.html">Great Expectations Data Docs</a>.</p>
<p>Results: {"; ".join(f"{html.escape(k)}: {html.escape(v)}" for k, v in report.sources.items())}.</p>
<p>Report types an earlier load of this month had and this one lacks (their KPIs are no data):
{html.escape(", ".join(report.missing_since_earlier_load)) or "none"}.
Months whose buyer ids were hashed with another PII key (buyers cannot be matched across them):
{html.escape(", ".join(report.months_with_another_key)) or "none"}.</p>
<h2>Findings 问题</h2>{_table(report.findings, links)}
<h2>Reconciliation 对账 (raw → staging → marts, to the cent)</h2>{_table(report.reconciliation)}
<h2>Rows read = loaded + quarantined 行数核对</h2>{_table(report.load_reconciliation)}
<h2>Shops 店铺 (loaded or why not; rows per shop)</h2>{_table(report.shops)}
<h2>Accounts nobody holds 未归属账号 (kept, credited to no one: add them to 账号归属)</h2>{_table(report.unmapped_accounts)}
<h2>Replaced by a later download 被重新下载替换 (the later download of the same days wins)</h2>{_table(report.superseded)}
<h2>Files not used 未使用的文件 (and why)</h2>{_table(report.files_not_used)}
<h2>Platform summary vs marts 平台汇总核对 (within 5%)</h2>{_table(report.platform_summary)}
<h2>Quarantined rows by reason 隔离行</h2>{_table(report.quarantine)}
<h2>Suites 校验套件</h2>{_table(suites, links)}
</body></html>"""


QUARANTINE_BY_REASON = """select report_type, source_file, column_name,
        regexp_replace(regexp_replace(reason, '''[^'']*''', '…', 'g'),
            '[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2})?', '…', 'g') as reason_kind, count(*) as rows
    from raw.quarantine where month = ? group by all order by rows desc, 1, 2"""

# Per role report credited through 账号归属: the report rows nobody holds, with their volume.
UNMAPPED_ACCOUNTS = {
    "intermediate.int_cs_account_days": """select 'customer service' as report, shop_id, platform, account, unmapped_reason,
        count(*) as report_rows, sum(served) as customers_served, sum(sales_amount) as sales_amount, null as spend
        from intermediate.int_cs_account_days where month = ? and employee_id is null group by all""",
    "intermediate.int_ad_plan_days": """select 'promotion' as report, shop_id, platform,
        coalesce(plan_name, plan_id, ad_account) as account, unmapped_reason, count(*) as report_rows,
        null as customers_served, sum(gmv) as sales_amount, sum(spend) as spend
        from intermediate.int_ad_plan_days where month = ? and employee_id is null group by all""",
    # an ERP order of no shop (店铺名称 not in shops.csv) or of a shop no coordinator held
    "intermediate.int_shipment_days": """select 'logistics (ERP)' as report, shop_id, platform, shop_name as account,
        coalesce(unrouted_reason, unmapped_reason) as unmapped_reason, count(*) as report_rows,
        null as customers_served, null as sales_amount, null as spend
        from intermediate.int_shipment_days where month = ? and (employee_id is null or shop_id is null) group by all""",
    # an after-sales case of a multi-shop file whose 店铺名称 no shop has
    "staging.stg_after_sales": """select 'after-sales (ERP)' as report, shop_id, platform, shop_name as account,
        unrouted_reason as unmapped_reason, count(*) as report_rows,
        null as customers_served, null as sales_amount, null as spend
        from staging.stg_after_sales where month = ? and unrouted_reason is not null group by all""",
}

FILES_NOT_USED = "select source_file, reason from raw.files_not_used where month = ? order by 1"

SUPERSEDED_DOWNLOADS = """select report_type, source_file, rows_read, rows_superseded, superseded_by
    from raw.load_audit where month = ? and rows_superseded > 0 order by 1, 2"""

SHOPS_BY_MONTH = """select s.shop_id, s.platform, s.status, count(a.source_file) as files,
        coalesce(sum(a.rows_read), 0) as rows_read, coalesce(sum(a.rows_loaded + a.rows_merged), 0) as rows_loaded,
        coalesce(sum(a.rows_quarantined), 0) as rows_quarantined,
        coalesce(sum(a.rows_read), 0) = coalesce(sum(a.rows_loaded + a.rows_merged + coalesce(a.rows_summary, 0)
                                                   + coalesce(a.rows_superseded, 0)
                                                   + a.rows_quarantined), 0) as reconciles
    from raw.shop_months s left join raw.load_audit a on a.month = s.month and a.shop_id = s.shop_id
    where s.month = ? group by all order by s.shop_id"""


def audit_month(warehouse: str | Path, month: str, published: Path, revalidate: bool = False,
                say: Callable[[str], None] = lambda text: None) -> AuditReport:
    """The month's audit, from the checks' stored results where they match the warehouse.
    `say` hears each finished stage (the CLI prints it as progress)."""
    started = time.perf_counter()
    suites = load_suites()
    with warehouse_db.connect(warehouse, read_only=True) as con:
        stored = stored_results(con, month)
        states = state_fingerprints(con, month, LAYERS)
        quarantine = query_rows(con, QUARANTINE_BY_REASON, [month])
        shops = query_rows(con, SHOPS_BY_MONTH, [month]) if warehouse_db.table_exists(con, "raw", "shop_months") else []
        not_used = (query_rows(con, FILES_NOT_USED, [month])
                    if warehouse_db.table_exists(con, "raw", "files_not_used") else [])
        superseded = (query_rows(con, SUPERSEDED_DOWNLOADS, [month])
                      if warehouse_db.column_exists(con, "raw", "load_audit", "rows_superseded") else [])
        unmapped = [row for relation, sql in UNMAPPED_ACCOUNTS.items()
                    if warehouse_db.table_exists(con, *relation.split(".")) for row in query_rows(con, sql, [month])]
        missing = [r for (r,) in con.execute("select report_type from raw.load_changes where month = ? order by 1",
                                             [month]).fetchall()] if warehouse_db.table_exists(con, "raw", "load_changes") else []
        other_keys = [m for (m,) in con.execute(
            """select other.month from raw.pii_key_fingerprints other, raw.pii_key_fingerprints this
               where this.month = ? and other.key_fingerprint <> this.key_fingerprint order by 1""",
            [month]).fetchall()] if warehouse_db.table_exists(con, "raw", "pii_key_fingerprints") else []
    outcomes: dict[str, SuiteOutcome] = {}
    report_rows: dict[str, list[dict]] = {}
    sources = {}
    for layer in LAYERS:
        layer_suites = [s for s in suites if s.layer == layer]
        kept = [stored.get(s.name) for s in layer_suites]
        why = ("asked to (--revalidate)" if revalidate
               else "no stored results" if not all(kept)
               else "the warehouse changed since the checks ran" if any(k.warehouse_state != states[layer] for k in kept)
               else None)
        if why is None:
            outcomes.update({k.suite: k.outcome for k in kept})
            report_rows.update({k.suite: k.report_rows for k in kept if k.report_rows is not None})
            runs = sorted({k.run_id or "outside a run" for k in kept})
            sources[layer] = f"checks of run {', '.join(runs)} ({max(k.validated_at for k in kept):%Y-%m-%d %H:%M} UTC)"
            say(f"{layer}: {len(kept)} suites, results from the {sources[layer]}")
        else:
            fresh, rows, _ = validate(warehouse, layer_suites, month, run_name=f"audit_{layer}_{month}")
            outcomes.update({s.name: o for s, o in zip(layer_suites, fresh)})
            report_rows.update(rows)
            sources[layer] = f"validated now: {why}"
            say(f"{layer}: {len(layer_suites)} suites validated again ({why})")
    runs = [SuiteRun(s, outcomes[s.name]) for s in suites]
    month_dir = Path(published) / month
    month_dir.mkdir(parents=True, exist_ok=True)
    report = AuditReport(month, runs, report_rows["reconciliation_orders"], report_rows["load_reconciliation"],
                         quarantine, report_rows["platform_summary_accuracy"],
                         data_docs=month_dir / DATA_DOCS_DIRNAME, findings=_findings(runs), sources=sources,
                         missing_since_earlier_load=missing, months_with_another_key=other_keys, shops=shops,
                         unmapped_accounts=unmapped, superseded=superseded, files_not_used=not_used)
    # The month's Data Docs are swapped in whole: an auditor never sees half a site.
    with replaced_folder(month_dir / DATA_DOCS_DIRNAME) as build:
        build_data_docs([r.outcome for r in runs], [s.for_month(month) for s in suites], build)
        links = validation_links(build, [r.suite.name for r in runs])
        make_offline(build, month, runs, links)
        report.seconds = time.perf_counter() - started
        summary = report.summary()
        (build / "audit.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
        (build / "audit.html").write_text(_audit_html(report, summary, links), encoding="utf-8")
        _write_csv(build / "reconciliation.csv", report.reconciliation)
        _write_csv(build / "quarantine.csv", quarantine)
    say(f"Data Docs and audit.html written to {report.data_docs}")
    return report
