"""The Dagster internals the CLI needs, in one place: features with no public API (a CLI run the UI
can re-execute, an asset backfill recorded for the daemon, the UI opening without its welcome
dialog). Each symbol is listed in docs/upgrading.md with the test that guards it (`pytest -m canary`).
Speed-ups that use private APIs are elsewhere: shopkpi/speedups/."""

from __future__ import annotations

import sys
import time

from ..settings import PROJECT_ROOT
from .runs import CODE_LOCATION


def code_location_origins(job_name: str):
    """The origins a run launched from `shopkpi ui` has: its code location (`dagster dev -m
    shopkpi.definitions` in this repository, with this Python) and how to load its job. A CLI run
    that carries them is one of the job's runs in the UI, re-executable there like the UI's own."""
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


def new_asset_backfill(defs, asset_keys: list, partition_keys: list[str], instance, title: str) -> str:
    """Record Dagster's own asset backfill of `asset_keys` over `partition_keys` in `instance`, as the
    UI's backfill button does; the daemon launches its runs. Returns its id."""
    from dagster._core.execution.backfill import PartitionBackfill
    from dagster._core.utils import make_new_backfill_id

    backfill = PartitionBackfill.from_asset_partitions(
        backfill_id=make_new_backfill_id(), asset_graph=defs.resolve_asset_graph(), partition_names=partition_keys,
        asset_selection=asset_keys, backfill_timestamp=time.time(), tags={"shopkpi/cli": "backfill"},
        dynamic_partitions_store=instance, all_partitions=False, title=title, description=None, run_config=None)
    instance.add_backfill(backfill)
    return backfill.backfill_id


def mark_ui_welcome_seen() -> None:
    """Dagster opens its UI with a community/newsletter sign-up dialog until <DAGSTER_HOME>/.nux/ exists
    (git-ignored): mark it seen, so the asset page is what a user lands on."""
    from dagster._core.nux import set_nux_seen

    set_nux_seen()
