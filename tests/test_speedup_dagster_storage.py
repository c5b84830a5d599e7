"""The project's Dagster instance (dagster.yaml): Dagster's SQLite storage with the pooled event
log of shopkpi/speedups/dagster_storage.py. A run's events are all stored, read back in order, and
the UI's other readers (a second instance on the same files) see them."""

from __future__ import annotations

import pytest

import shutil

from dagster import AssetCheckResult, AssetSpec, DagsterInstance, Definitions, asset, asset_check, define_asset_job

from shopkpi.speedups.dagster_storage import OPEN_DATABASES, PooledSqliteEventLogStorage
from shopkpi.settings import PROJECT_ROOT

pytestmark = pytest.mark.canary  # guards private APIs (docs/upgrading.md)


@asset
def numbers():
    return 1


@asset_check(asset=numbers)
def numbers_check():
    return AssetCheckResult(passed=True)


@pytest.mark.slow
def test_the_project_instance_stores_and_reads_back_every_event(tmp_path, monkeypatch):
    shutil.copy(PROJECT_ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("SHOPKPI_DAGSTER_STORAGE", str(tmp_path / "storage"))
    monkeypatch.setenv("SHOPKPI_DAGSTER_COMPUTE_LOGS", str(tmp_path / "logs"))
    job = Definitions(assets=[numbers, AssetSpec("other")], asset_checks=[numbers_check],
                      jobs=[define_asset_job("j", selection=["numbers"])]).resolve_job_def("j")
    with DagsterInstance.from_config(str(tmp_path)) as instance:
        assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
        runs = [job.execute_in_process(instance=instance) for _ in range(OPEN_DATABASES + 2)]  # more run files than engines
        stored = [_event_types(instance, r.run_id) for r in runs]
    # Dagster's own SQLite storage, the same job: the same events
    with DagsterInstance.from_config(str(_plain_home(tmp_path))) as plain:
        expected = _event_types(plain, job.execute_in_process(instance=plain).run_id)
    assert len(expected) > 10 and stored == [expected] * len(runs)
    with DagsterInstance.from_config(str(tmp_path)) as instance:
        materialised = instance.get_latest_materialization_event(numbers.key)
        assert materialised is not None and materialised.run_id == runs[-1].run_id
    # a second instance on the same files (the UI, the daemon) reads what the first wrote
    with DagsterInstance.from_config(str(tmp_path)) as reader:
        assert len(reader.get_runs()) == len(runs)
        assert _event_types(reader, runs[0].run_id) == expected


def _event_types(instance, run_id: str) -> list[str]:
    return [e.dagster_event_type.value for e in instance.all_logs(run_id) if e.is_dagster_event]


def _plain_home(tmp_path):
    home = tmp_path / "plain"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    return home


@pytest.mark.slow
def test_the_event_log_asks_the_index_for_a_table_once(tmp_path, monkeypatch):
    """Dagster's SQLite event log opens a new engine for every has_table, asked before each asset
    event and check result is stored; the pooled one remembers a table it found."""
    from dagster._core.storage.event_log.sqlite import sqlite_event_log

    shutil.copy(PROJECT_ROOT / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("SHOPKPI_DAGSTER_STORAGE", str(tmp_path / "storage"))
    monkeypatch.setenv("SHOPKPI_DAGSTER_COMPUTE_LOGS", str(tmp_path / "logs"))
    job = Definitions(assets=[numbers], asset_checks=[numbers_check],
                      jobs=[define_asset_job("j", selection=["numbers"])]).resolve_job_def("j")
    engines = []
    real_create_engine = sqlite_event_log.create_engine
    monkeypatch.setattr(sqlite_event_log, "create_engine", lambda *a, **k: engines.append(a) or real_create_engine(*a, **k))
    with DagsterInstance.from_config(str(tmp_path)) as instance:
        job.execute_in_process(instance=instance)
        first = len(engines)
        for _ in range(3):
            assert job.execute_in_process(instance=instance).success
        assert instance.get_latest_materialization_event(numbers.key) is not None
    assert len(engines) == first  # later runs asked nothing again: every table they needed was found once
