"""GX suites validated in worker processes (shopkpi/quality/gx_workers.py)."""

from __future__ import annotations

import os

import duckdb

from shopkpi.quality import gx_workers
from shopkpi.quality.gx_duckdb import Validation, run_suites


def _suite(name: str, *expectations: dict) -> dict:
    return {"name": name, "expectations": list(expectations), "meta": {}}


def test_suites_run_in_other_processes_with_their_share_of_the_memory_cap(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    con = duckdb.connect(str(warehouse))
    con.execute("create table t as select range as n from range(10)")  # 0..9
    con.close()
    validations = [
        # 3500MB shared by two workers: 1750 MB each, which DuckDB shows as 1.6 GiB (1750e6 / 2^30 = 1.63)
        Validation("cap", _suite("cap", {"type": "expect_column_values_to_be_in_set",
                                         "kwargs": {"column": "m", "value_set": ["1.6 GiB"]}}),
                   "select current_setting('memory_limit') as m"),
        Validation("rows", _suite("rows", {"type": "expect_table_row_count_to_equal", "kwargs": {"value": 10}},
                                  {"type": "expect_column_max_to_be_between",
                                   "kwargs": {"column": "n", "min_value": 9, "max_value": 9}}),
                   "select * from t"),
        Validation("bad", _suite("bad", {"type": "expect_column_values_to_be_between",
                                         "kwargs": {"column": "n", "min_value": 0, "max_value": 7}}),
                   "select * from t"),  # 8 and 9 are out of range
    ]
    outcomes = gx_workers.run_suites_in_workers(warehouse, validations, "test", "3500MB")
    assert [o.suite for o in outcomes] == ["cap", "rows", "bad"]  # the order given, whatever the worker
    assert [o.success for o in outcomes] == [True, True, False]
    assert outcomes[2].outcomes[0].unexpected_count == 2
    # the same suites validated in this process without a cap: the same verdicts, except the cap's
    here = run_suites(warehouse, validations, "here")
    assert [o.success for o in here] == [False, True, False]
    assert here[2].outcomes[0].unexpected_count == 2
    workers = {gx_workers._pool_of_workers().submit(os.getpid).result() for _ in range(4)}
    assert workers and os.getpid() not in workers


def test_suites_are_shared_out_by_expectation_count():
    def v(name: str, expectations: int) -> Validation:
        return Validation(name, _suite(name, *[{"type": "t", "kwargs": {}}] * expectations), "select 1")

    validations = [v("a", 1), v("b", 9), v("c", 4), v("d", 5)]
    # largest first, each to the lighter group: b (9) | d (5), c (4) -> 9, a (1) -> 10 vs 9
    assert gx_workers._groups(validations, 2) == [[1, 0], [3, 2]]
    assert gx_workers._groups(validations[:1], 2) == [[0]]  # no empty group for an idle worker


def test_the_memory_cap_is_shared():
    assert gx_workers._share_of("3500MB", 2) == "1750MB"
    assert gx_workers._share_of("3GiB", 2) == "1.5GiB"
    assert gx_workers._share_of("3500MB", 1) == "3500MB"
    assert gx_workers._share_of("80%", 2) == "80%"  # not a size DuckDB's units describe: left as given
