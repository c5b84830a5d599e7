"""Publishing and auditing a month: `shopkpi publish` and `shopkpi audit`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ... import warehouse as warehouse_db
from ...shops import shop_month_folders
from ..errors import CliError, checked_month, checked_partition
from ...progress import reporting
from ..render import compact, console
from ..runs import exit_code, failure_reason, log_file_for, log_hint, run_month
from .build import existing_exports
from .check import preflight_or_stop


def cmd_publish(args: argparse.Namespace) -> int:
    from ...defs.jobs import PUBLISH_JOB_NAME
    from ...publish.publisher import PublishRefused, input_changes, latest_version, refuse_if_tampered

    checked_partition(args.month)
    exports, warehouse, published = existing_exports(args.exports), Path(args.warehouse).resolve(), Path(args.published).resolve()
    preflight_or_stop(exports, args.month)
    # The inputs first: the same downloads, code and packages as the last version -> nothing to run or write;
    # others without a reason -> refused now, before a build hands readers numbers that will not be published.
    last, manifest = latest_version(published, args.month)
    if manifest is not None:
        try:
            refuse_if_tampered(published, args.month, last)
        except PublishRefused as exc:
            raise CliError(str(exc), code=1) from None
        changes = input_changes(manifest, shop_month_folders(exports, args.month))
        if not changes:
            print(f"{args.month} already published as v{last}; inputs unchanged, nothing run or written")
            return 0
        if not args.reason:
            raise CliError(f"{args.month} was published as v{last} and its inputs changed ({'; '.join(changes)}): "
                           f"nothing was built; publish again with --reason \"…\" to write v{last + 1}", code=1)
    log_file = None if args.verbose else log_file_for(warehouse, "publish", args.month)
    with reporting() as progress:
        progress.say(f"publishing {args.month}: build, check, then write {published / args.month}/vN")
        result = run_month(args.month, exports, warehouse, log_file=log_file, job_name=PUBLISH_JOB_NAME,
                           published=published, reason=args.reason, trigger="publish",
                           replace_shops=args.replace_shops, wait=not args.no_wait)
    events = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == "published/scorecards"]
    if not result.success or not events:
        raise CliError(f"{args.month}: not published: {failure_reason(result)}{log_hint(log_file, result)}",
                       code=exit_code(result) if not result.success else 1)
    meta = events[0].step_materialization_data.materialization.metadata
    print(meta["message"].value)
    if meta["written"].value:
        print(f"  report     {meta['report'].value}")
        print(f"  data docs  {meta['data_docs'].value}")
        print(f"  index      {published / 'index.json'} (head {meta['index_head'].value[:16]}: keep it to check the chain)")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Every published version (of one month, or all) checked file by file against its manifest."""
    from ...publish.publisher import verify_version, versions_of
    from ...settings import month_folders

    root = Path(args.published).resolve()
    if args.month:
        months = [checked_month(args.month)]
    else:
        months = [p.name for p in month_folders(root)]
    checked = bad = 0
    for month in months:
        versions = versions_of(root, month)
        if args.month and not versions:
            raise CliError(f"{month} has no published version in {root}")
        for version in versions:
            problems = verify_version(root / month / f"v{version}")
            checked += 1
            bad += bool(problems)
            print(f"{month} v{version}  " + ("ok" if not problems else "MISMATCH: " + "; ".join(problems)))
    print(f"{checked - bad}/{checked} published versions match their manifests in {root}")
    return 1 if bad else 0


def writable_or_error(folder: Path, what: str) -> None:
    """Fail before any work when `folder` cannot be written (a read-only share, a file in the way)."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise CliError(f"cannot write {what} into {folder}: {exc.strerror or exc}; "
                       "--published (or SHOPKPI_PUBLISHED) sets a folder you can write") from None


def cmd_audit(args: argparse.Namespace) -> int:
    from ...quality.audit import audit_month
    from ...snapshot import read_build, snapshot_path

    checked_month(args.month)
    warehouse = Path(args.warehouse).resolve()
    # Auditors read what other readers see, the last completed state (never blocked by a run) ...
    source = snapshot_path(warehouse)
    build = read_build(warehouse)
    if build is not None and build.month == args.month and not build.running and warehouse.exists():
        # ... except for a month whose rebuild failed: why it failed is what the auditor is after.
        source = warehouse
        print(f"note: auditing the rebuild of {args.month} that did not complete (run {build.run_id[:8]}); "
              "readers still see its last completed state", file=sys.stderr)
    if not source.exists():
        raise CliError(f"no completed build of {warehouse} yet: run `shopkpi materialize --month {args.month}` first")
    with warehouse_db.connect(source, read_only=True) as con:  # a fresh warehouse has no load audit yet
        loaded = warehouse_db.table_exists(con, "raw", "load_audit") and con.execute(
            "select count(*) from raw.load_audit where month = ?", [args.month]).fetchone()[0]
    if not loaded:
        raise CliError(f"{args.month} is not loaded in {warehouse}: run `shopkpi materialize --month {args.month}` first")
    writable_or_error(Path(args.published).resolve() / args.month, "the audit")
    with reporting() as progress:
        report = audit_month(source, args.month, Path(args.published).resolve(), revalidate=args.revalidate,
                             say=progress.say)
    if args.format == "json":
        print(json.dumps(report.summary(), ensure_ascii=False, indent=2, default=str))
    else:
        print_audit(report)
    return 0 if report.ok else 1


def print_audit(report) -> None:
    from rich.table import Table

    from ...ingest.load import missing_reports_warning, other_key_warning

    out = console(140)
    verdict = "[green]PASS[/green]: nothing blocking failed" if report.ok else "[red]FAIL[/red]: blocking checks failed"
    out.print(f"[bold]数据质量审计 Data-quality audit · {report.month}[/bold]  {verdict}")
    for layer, source in report.sources.items():
        out.print(f"  {layer:<8} results: {source}")
    if report.months_with_another_key:
        out.print(f"[yellow]warning[/yellow]: {other_key_warning(report.month, report.months_with_another_key)}")
    if report.missing_since_earlier_load:
        out.print(f"[yellow]warning[/yellow]: {missing_reports_warning(report.month, report.missing_since_earlier_load)}")
    summary = report.summary()["severities"]
    t = Table("severity", "suites", "expectations", "passed", "failed")
    for sev, label in (("blocking", "blocking 阻断"), ("warning", "warning 警告")):
        v = summary[sev]
        t.add_row(label, str(v["suites"]), str(v["expectations"]), str(v["passed"]),
                  ", ".join(v["failed"]) or "-", style="red" if sev == "blocking" and v["failed"] else None)
    out.print(t)
    if report.findings:
        t = Table("severity", "suite", "rule", "count", "rows", title="Findings 问题")
        for f in report.findings:
            t.add_row(f["severity"], f["suite"], f["rule"], str(f["count"]), compact(f["rows"]))
        out.print(t)
    t = Table("reconciliation", "file", "measure", "upstream", "downstream", "", title="Reconciliation 对账 (to the cent)")
    for r in report.reconciliation:
        fmt = "{:,.0f}" if "rows" in r["measure"] else "{:,.2f}"
        t.add_row(r["reconciliation"], r["source_file"], r["measure"], fmt.format(r["upstream"]), fmt.format(r["downstream"]),
                  "ok" if r["finding"] is None else "[red]MISMATCH[/red]")
    out.print(t)
    t = Table("report", "file", "read", "loaded", "quarantined", "", title="Rows read = loaded + quarantined 行数核对")
    for r in report.load_reconciliation:
        t.add_row(r["report_type"], r["source_file"], str(r["rows_read"]), str(r["rows_in_table"]),
                  str(r["rows_in_quarantine"]), "ok" if r["reconciles"] else "[red]MISMATCH[/red]")
    out.print(t)
    t = Table("shop 店铺", "platform 平台", "status", "files", "read", "loaded", "quarantined", "",
              title="Shops 店铺 (loaded or why not)")
    for r in report.shops:
        t.add_row(r["shop_id"], r["platform"], r["status"] if r["status"] == "loaded" else f"[yellow]{r['status']}[/yellow]",
                  str(r["files"]), str(r["rows_read"]), str(r["rows_loaded"]), str(r["rows_quarantined"]),
                  "ok" if r["reconciles"] else "[red]MISMATCH[/red]")
    out.print(t)
    if report.platform_summary:
        t = Table("measure", "platform 平台", "marts", "relative error", "", title="Platform summary vs marts 平台汇总核对 (< 5%)")
        for r in report.platform_summary:
            err = r["relative_error"]
            t.add_row(r["measure"], f"{r['platform_value']:,.2f}", f"{r['marts_value']:,.2f}", f"{err:.4%}" if err is not None else "-",
                      "ok" if r["finding"] is None else "[red]OFF[/red]")
        out.print(t)
    else:
        out.print("Platform summary 平台汇总: none in this month's exports (nothing to compare)")
    if report.quarantine:
        t = Table("report", "file", "column", "reason", "rows", title="Quarantined rows by reason 隔离行")
        for r in report.quarantine:
            t.add_row(r["report_type"], r["source_file"], str(r["column_name"] or ""), r["reason_kind"], str(r["rows"]))
        out.print(t)
    else:
        out.print("Quarantined rows 隔离行: none")
    out.print(f"Data Docs   {report.data_docs / 'index.html'}")
    out.print(f"Summary     {report.data_docs / 'audit.html'}")
    out.print(f"Audit time  {report.seconds:.1f} s")


def cmd_diff(args: argparse.Namespace) -> int:
    """What changed between two published versions of a month (the newest and the one before, by default):
    the later version's reason, the downloads between them, and every published number that moved."""
    import json

    from ...publish.changes import VersionChanges, changes_text, figure_changes, read_version
    from ...publish.publisher import download_changes, versions_of

    root, month = Path(args.published).resolve(), checked_month(args.month)
    versions = versions_of(root, month)
    if not versions:
        raise CliError(f"{month} has no published version in {root}")
    to = _version(args.to, versions) if args.to else versions[-1]
    since = _version(args.since, versions) if args.since else (to - 1 if to - 1 in versions else None)
    if since is None:
        raise CliError(f"{month} v{to} is the first version: nothing to compare it with")
    manifests = {v: json.loads((root / month / f"v{v}" / "manifest.json").read_text(encoding="utf-8")) for v in (since, to)}
    reason = manifests[to]["reason"] if since == to - 1 else f"v{since} and v{to} compared"
    inputs = download_changes(manifests[since].get("source_folder") or {}, manifests[to].get("source_folder") or {})
    changes = VersionChanges(to, since, reason, inputs,
                             figure_changes(read_version(root / month / f"v{since}"), read_version(root / month / f"v{to}")))
    print("\n".join(changes_text(changes)))
    return 0


def _version(text: str, versions: list[int]) -> int:
    number = text.lower().removeprefix("v")
    if not number.isdigit() or int(number) not in versions:
        raise CliError(f"no version {text!r}: published versions are {', '.join(f'v{v}' for v in versions)}")
    return int(number)
