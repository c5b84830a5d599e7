"""Executing the Dagster jobs from the command line, in the project's Dagster instance."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path

from ..settings import DAGSTER_STORAGE_ENV, DATA_DIR, PROJECT_ROOT
from .errors import dbt_error, disk_full_reason, first_line

COMPUTE_LOGS_ENV = "SHOPKPI_DAGSTER_COMPUTE_LOGS"
# The module `shopkpi ui` serves: Dagster names the code location after it.
CODE_LOCATION = "shopkpi.definitions"


def use_project_dagster_instance() -> None:
    """Runs go to the project's Dagster instance, so `shopkpi ui` shows them."""
    os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT))
    storage = Path(os.environ.setdefault(DAGSTER_STORAGE_ENV, str(DATA_DIR / "dagster")))
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
    where = f"log {log_file}" if log_file else "log above"
    return f" ({where}; run {result.run_id})"


def check_evaluations(result) -> list:
    return [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]


def code_location_origins(job_name: str):
    """The origins a run launched from `shopkpi ui` has: its code location (`dagster dev -m
    shopkpi.definitions` in this repository, with this Python) and how to load its job. A CLI run
    that carries them is one of the job's runs in the UI, re-executable there like the UI's own."""
    import sys

    from dagster._core.code_pointer import ModuleCodePointer
    from dagster._core.definitions.repository_definition import SINGLETON_REPOSITORY_NAME
    from dagster._core.origin import JobPythonOrigin, RepositoryPythonOrigin
    from dagster._core.remote_origin import (
        ManagedGrpcPythonEnvCodeLocationOrigin,
        RemoteJobOrigin,
        RemoteRepositoryOrigin,
    )
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

    target = LoadableTargetOrigin(executable_path=sys.executable, module_name=CODE_LOCATION,
                                  working_directory=str(PROJECT_ROOT))
    location = ManagedGrpcPythonEnvCodeLocationOrigin(target, location_name=CODE_LOCATION)
    remote = RemoteJobOrigin(RemoteRepositoryOrigin(location, SINGLETON_REPOSITORY_NAME), job_name)
    pointer = ModuleCodePointer(module=CODE_LOCATION, fn_name="defs", working_directory=str(PROJECT_ROOT))
    return remote, JobPythonOrigin(job_name, RepositoryPythonOrigin(sys.executable, pointer, None, None, None))


def execute_with_origin(job, partition_key: str, run_config: dict, tags: dict, instance):
    """`job.execute_in_process`, except that the run records the code location it belongs to
    (`execute_in_process` creates runs without an origin, which the UI cannot re-execute)."""
    from dagster._core.definitions.job_base import InMemoryJob
    from dagster._core.execution.api import create_execution_plan, execute_run
    from dagster._core.execution.execute_in_process import merge_run_tags

    in_memory = InMemoryJob(job)
    remote_origin, python_origin = code_location_origins(job.name)
    run = instance.create_run_for_job(
        job_def=job,
        run_config=run_config,
        tags=merge_run_tags(job, partition_key, tags, None, instance, run_config),
        execution_plan=create_execution_plan(in_memory, run_config=run_config, instance_ref=instance.get_ref()),
        remote_job_origin=remote_origin,
        job_code_origin=python_origin,
    )
    return execute_run(in_memory, run, instance)


def run_month(month: str, exports: Path, warehouse: Path, log_file: Path | None = None, job_name: str | None = None,
              published: Path | None = None, reason: str | None = None, trigger: str = "materialize"):
    """Execute a monthly job for one partition in the project's Dagster instance.

    With `log_file`, dbt's console output and Dagster's debug log go to that file
    instead of the terminal (the run's full event log stays in Dagster).
    """
    from ..quality.gx_workers import warm as warm_gx_workers
    from ..progress import active

    progress = active()
    if progress:
        progress.status(f"{month}: starting Dagster …")
    warm_gx_workers()  # GX's workers import it on the other core while Dagster starts
    use_project_dagster_instance()
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
    if job.name == PUBLISH_JOB_NAME:
        run_config["ops"] = {"published__scorecards": {"config": {"reason": reason}}}
    with contextlib.ExitStack() as stack:
        if log_file is not None:
            log_file.parent.mkdir(parents=True, exist_ok=True)
            # the run's own output (dbt's console, Dagster's log with its tracebacks) goes to the log;
            # the terminal gets progress lines and the one-line outcome
            log = stack.enter_context(log_file.open("w", encoding="utf-8"))
            stack.enter_context(contextlib.redirect_stdout(log))
            stack.enter_context(contextlib.redirect_stderr(log))
        instance = stack.enter_context(DagsterInstance.get())
        result = execute_with_origin(job, partition_key_of(month), run_config, {"shopkpi/cli": trigger}, instance)
    if not completed(result):
        from ..snapshot import mark_build_failed

        mark_build_failed(warehouse, result.run_id)
    return result


def completed(result) -> bool:
    """Whether the run handed its month to readers (a failed blocking check skips that step)."""
    from ..defs.publish.snapshot import SNAPSHOT_KEY

    return result.success and any(e.asset_key == SNAPSHOT_KEY for e in result.get_asset_materialization_events())
