"""Executing the Dagster jobs from the command line, in the project's Dagster instance."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from pathlib import Path

from ..settings import DAGSTER_STORAGE_ENV, DATA_DIR, PROJECT_ROOT
from .errors import dbt_error, disk_full_reason, first_line

COMPUTE_LOGS_ENV = "SHOPKPI_DAGSTER_COMPUTE_LOGS"
# The module `shopkpi ui` serves: Dagster names the code location after it.
CODE_LOCATION = "shopkpi.definitions"


def use_project_dagster_instance(warehouse: Path | None = None) -> None:
    """Runs go to the project's Dagster instance, so `shopkpi ui` shows them. Its run history and logs
    belong to the warehouse: `<warehouse's folder>/dagster/` (data/dagster for the default warehouse), so
    the runs of two warehouses never mix in the UI (SHOPKPI_DAGSTER_STORAGE overrides it)."""
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT))
    home = Path(warehouse).resolve().parent if warehouse is not None else DATA_DIR
    storage = Path(os.environ.setdefault(DAGSTER_STORAGE_ENV, str(home / "dagster")))
    os.environ.setdefault(COMPUTE_LOGS_ENV, str(storage / "compute_logs"))
    storage.mkdir(parents=True, exist_ok=True)


# Errors that mean the month's downloads are unusable as given: bad input, exit code 2 (README, "Daily commands").
BAD_INPUT_ERRORS = ("IngestError", "MissingColumnError", "FileNotFoundError", "ShopsFileError", "ExportsLayoutError")


def innermost_error(result):
    """The innermost error of the run's first failed step, or None."""
    for event in result.all_events:
        if event.is_step_failure:
            error = event.step_failure_data.error
            while error.cause is not None:
                error = error.cause
            return event.step_key, error
    return None


def exit_code(result) -> int:
    """2 when the run failed on bad input files, 1 for any other failure."""
    failed = innermost_error(result)
    return 2 if failed is not None and failed[1].cls_name in BAD_INPUT_ERRORS else 1


def failure_reason(result) -> str:
    """The first failed step's innermost error, or the first failed blocking check."""
    failed = innermost_error(result)
    if failed is not None:
        step, error = failed
        # "shopkpi.ingest.load.IngestError: why" -> "why": the class says nothing to a user
        first = (dbt_error(error.message)
                 or re.sub(rf"^[\w.]*\b{re.escape(error.cls_name)}: ", "", first_line(error.message)) or error.cls_name)
        if error.cls_name == "DagsterAssetCheckFailedError":  # the checks are on the lines after the count
            checks = [line.strip() for line in error.message.split("\n\n")[0].splitlines()[1:] if line.strip()]
            first = f"{first.rstrip(':')}: {', '.join(checks)}" if checks else first
        full = disk_full_reason(error.message)
        if full:
            return f"step {step} failed: {full}"
        if error.cls_name == "OutOfMemoryException" or "Out of Memory" in first:
            from ..settings import MEMORY_LIMIT_ENV, duckdb_memory_limit

            return (f"step {step} ran out of memory ({first}); raise {MEMORY_LIMIT_ENV} "
                    f"(now {duckdb_memory_limit()}), DuckDB's memory cap")
        return f"step {step} failed: {first}"
    for event in result.all_events:
        data = event.event_specific_data
        if event.event_type_value == "ASSET_CHECK_EVALUATION" and not data.passed and data.severity.value == "ERROR":
            return f"check {data.check_name} failed"
    return "run failed"


def log_hint(log_file: Path | None, result) -> str:
    """Where to read more about a failed run: its log file (`-v` streams it instead) and run id."""
    where = f"log {run_log(log_file, result.run_id)}" if log_file else "log above"
    return f" ({where}; run {result.run_id})"


def check_evaluations(result) -> list:
    return [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]


def run_month(month: str, exports: Path, warehouse: Path, log_file: Path | None = None, job_name: str | None = None,
              published: Path | None = None, reason: str | None = None, trigger: str = "materialize",
              replace_shops: bool = False, wait: bool = True):
    """Execute a monthly job for one partition in the project's Dagster instance.

    With `log_file`, dbt's console output and Dagster's debug log go to that file
    instead of the terminal (the run's full event log stays in Dagster).
    """
    from ..progress import active

    with warehouse_lock(warehouse, wait, active()):
        return _run_month(month, exports, warehouse, log_file, job_name, published, reason, trigger, replace_shops)


def _run_month(month, exports, warehouse, log_file, job_name, published, reason, trigger, replace_shops):
    from ..quality.gx_workers import warm as warm_gx_workers
    from ..progress import active

    progress = active()
    if progress:
        progress.status(f"{month}: starting Dagster …")
    warm_gx_workers()  # GX's workers import it on the other core while Dagster starts
    use_project_dagster_instance(warehouse)
    from dagster import DagsterInstance

    from ..dbt_process.manifest import prepare_manifest

    prepare_manifest()  # before the definitions load: they are built from it
    from ..definitions import build_definitions
    from ..defs.jobs import MONTHLY_JOB_NAME, PUBLISH_JOB_NAME
    from ..months import partition_key_of

    defs = build_definitions(warehouse=str(warehouse), exports=str(exports), published=str(published) if published else None)
    job = defs.resolve_job_def(job_name or MONTHLY_JOB_NAME)
    if progress:
        progress.say(f"{month}: Dagster ready, running job {job.name}")
    run_config = {"loggers": {"console": {"config": {"log_level": "WARNING" if log_file else "DEBUG"}}, "progress": {}}}
    run_config["ops"] = {"raw_exports": {"config": {"replace_shops": replace_shops}}}
    if job.name == PUBLISH_JOB_NAME:
        run_config["ops"]["published__scorecards"] = {"config": {"reason": reason}}
    with contextlib.ExitStack() as stack:
        if log_file is not None:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            # the run's own output (dbt's console, Dagster's log with its tracebacks) goes to the log;
            # the terminal gets progress lines and the one-line outcome
            log = stack.enter_context(log_file.open("w", encoding="utf-8"))
            stack.enter_context(contextlib.redirect_stdout(log))
            stack.enter_context(contextlib.redirect_stderr(log))
        instance = stack.enter_context(DagsterInstance.get())
        from .dagster_internals import execute_with_origin

        result = execute_with_origin(job, partition_key_of(month), run_config, {"shopkpi/cli": trigger}, instance)
    if not completed(result):
        from ..snapshot import mark_build_failed

        mark_build_failed(warehouse, result.run_id)
    if log_file is not None and log_file.exists():
        log_file.rename(run_log(log_file, result.run_id))
    failed = innermost_error(result)
    if failed is not None and failed[1].cls_name == "DagsterExecutionInterruptedError":
        raise KeyboardInterrupt  # Ctrl-C while a step ran: the CLI says "stopped by you" in one line
    return result


def log_file_for(warehouse: Path, command: str, month: str) -> Path:
    """Where a run's log goes: beside the warehouse (`<its folder>/logs/`), renamed with its run id after."""
    return Path(warehouse).resolve().parent / "logs" / f"{command}-{month}.log"


def run_log(log_file: Path, run_id: str) -> Path:
    """The run's own log: `<command>-<month>-<run id's first 8>.log`."""
    return log_file.with_name(f"{log_file.stem}-{run_id[:8]}.log")


@contextlib.contextmanager
def warehouse_lock(warehouse: Path, wait: bool, progress=None):
    """One CLI run per warehouse at a time: a second one says at once who holds it, then waits (or, with
    `wait` False, exits 2), instead of failing on DuckDB's lock half a minute in."""
    import fcntl

    from ..snapshot import read_build
    from .errors import CliError

    lock = Path(warehouse).resolve().with_name(f".{Path(warehouse).name}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            build = read_build(warehouse)
            who = (f"{build.month} is being built by run {build.run_id} since {build.started_at}"
                   if build is not None and build.running else f"{Path(warehouse).name} is in use by another shopkpi run")
            if not wait:
                raise CliError(f"{who}: not waiting (--no-wait)", code=2) from None
            if progress:
                progress.say(f"{who}; waiting")
            else:
                print(f"{who}; waiting", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def completed(result) -> bool:
    """Whether the run handed its month to readers (a failed blocking check skips that step)."""
    from ..defs.publish.snapshot import SNAPSHOT_KEY

    return result.success and any(e.asset_key == SNAPSHOT_KEY for e in result.get_asset_materialization_events())
