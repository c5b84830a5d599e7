"""The readers' copy started while the checks run (snapshot.start_copy) and finished by the hand-off."""

from __future__ import annotations

import os

import duckdb

from shopkpi import snapshot
from shopkpi import warehouse as warehouse_db
from shopkpi.quality.results import DDL as CHECK_RESULTS_DDL
from tests.helpers import query


def _warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create table marts.kpis as select range as n from range(100000)")
    con.execute(CHECK_RESULTS_DDL)
    con.close()
    return path


def _store_result(path, month: str, suite: str) -> None:
    with warehouse_db.connect(path) as con:  # what validate_and_store does after validating
        con.execute("insert into quality.check_results (month, layer, suite, severity, success, warehouse_state, "
                    "validated_at, result_key, result_json) values (?, 'marts', ?, 'blocking', true, 's', now(), '[]', '{}')",
                    [month, suite])


def test_the_early_copy_gets_the_checks_results_and_the_month_build(tmp_path):
    path = _warehouse(tmp_path)
    snapshot.start_copy(path)  # the end of the dbt step
    _store_result(path, "2024-01", "fct_orders")  # the checks' results, written while or after it copies
    _store_result(path, "2024-01", "kpi_store_monthly")
    target = snapshot.publish_snapshot(path, "2024-01", "run-1")
    assert query(target, "select count(*), sum(n) from marts.kpis") == [(100000, sum(range(100000)))]
    assert query(target, "select suite from quality.check_results order by suite") == [("fct_orders",), ("kpi_store_monthly",)]
    assert query(target, "select month, run_id from meta.month_builds") == [("2024-01", "run-1")]
    assert not list(tmp_path.glob(".*.tmp"))  # the copy was renamed, nothing left beside it


def test_a_writer_waits_for_the_copy_to_end(tmp_path):
    """A read-write connection opens only once the file's background reader (the readers' copy) is done.
    The reader here finishes when the test says so: no timing decides the order. (It used to check a small
    copy's size, which the copy had reached before the writer asked, waiting or not.)"""
    import threading

    path = _warehouse(tmp_path)
    release, order = threading.Event(), []

    def copy_in_progress() -> None:
        release.wait()
        order.append("copy done")

    def writer() -> None:
        with warehouse_db.connect(path):
            order.append("writer connected")

    warehouse_db.read_file_in_background(path, copy_in_progress, name="test-copy")
    writing = threading.Thread(target=writer)
    writing.start()
    writing.join(timeout=0.5)  # a writer that did not wait has connected by now
    release.set()
    writing.join()
    assert order == ["copy done", "writer connected"]


def test_a_copy_left_by_a_run_that_stopped_is_not_handed_to_readers(tmp_path):
    """A failed check skips the hand-off: the next run's copy starts afresh, and the month it
    changed in between reaches readers."""
    path = _warehouse(tmp_path)
    snapshot.start_copy(path)
    stale = snapshot._early_copies[path.resolve()].tmp
    with warehouse_db.connect(path) as con:  # the next run rebuilds the mart
        con.execute("create or replace table marts.kpis as select 7 as n")
    snapshot.start_copy(path)
    assert not stale.exists() and snapshot._early_copies[path.resolve()].tmp != stale
    target = snapshot.publish_snapshot(path, "2024-02", "run-2")
    assert query(target, "select n from marts.kpis") == [(7,)]


def test_without_an_early_copy_the_hand_off_copies_the_whole_file(tmp_path):
    path = _warehouse(tmp_path)
    _store_result(path, "2024-01", "fct_orders")
    target = snapshot.publish_snapshot(path, "2024-01", "run-1")
    assert query(target, "select count(*) from marts.kpis") == [(100000,)]
    assert query(target, "select suite from quality.check_results") == [("fct_orders",)]


def test_the_readers_copy_is_byte_for_byte_at_any_size(tmp_path, monkeypatch):
    """Written with O_DIRECT in 8 MB chunks, the last one padded to the disk block and cut back:
    sizes around the block and chunk edges, and the plain copy where O_DIRECT is missing."""
    chunk = snapshot._DIRECT_CHUNK
    sizes = [0, 1, 4095, 4096, 4097, chunk - 1, chunk, chunk + 1, 2 * chunk + 12345]
    for size in sizes:
        source = tmp_path / f"source-{size}"
        source.write_bytes(os.urandom(size))
        target = tmp_path / f"copy-{size}"
        target.write_bytes(b"x" * (size + 10))  # an older, longer file is replaced, not overwritten in part
        snapshot.copy_file_direct(source, target)
        assert target.read_bytes() == source.read_bytes(), size
    monkeypatch.delattr(os, "O_DIRECT")
    snapshot.copy_file_direct(tmp_path / f"source-{chunk + 1}", tmp_path / "plain")
    assert (tmp_path / "plain").read_bytes() == (tmp_path / f"source-{chunk + 1}").read_bytes()
