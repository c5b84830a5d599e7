"""The GX-on-DuckDB shim: violated expectations fail with observed values, satisfied ones pass."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from shopkpi.quality.gx_duckdb import run_suite
from shopkpi.quality.suites import load_suites

pytestmark = pytest.mark.canary  # guards private APIs (docs/upgrading.md)

SUITE = next(s.for_month("2017-05") for s in load_suites() if s.name == "fct_orders")


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        """create table orders (order_id varchar, is_paid boolean, total_amount decimal(18,2),
           paid_amount decimal(18,2), refund_amount decimal(18,2), shop_id varchar default 'shop1')"""
    )
    con.execute(
        """insert into orders (order_id, is_paid, total_amount, paid_amount, refund_amount) values
           ('a', true, 10.00, 10.00, 0.00), ('b', true, 20.00, 15.00, 5.00), ('c', false, 7.00, 0.00, 0.00),
           ('d', true, 30.00, 20.00, 5.00),          -- paid: 30 != 20 + 5
           ('d', true, -1.00, 0.00, 0.00),           -- duplicate id and a negative amount
           ('e', false, 3.00, 1.00, 0.00)"""         # unpaid rows are not held to the sum rule
    )
    con.close()
    return path


def outcomes(result):
    return {(o.expectation, o.column): o for o in result.outcomes}


def test_satisfied_suite_passes_with_observed_values(warehouse):
    result = run_suite(warehouse, SUITE, "select * from orders where order_id in ('a', 'b', 'c')", "clean")
    assert result.success
    assert outcomes(result)[("expect_table_row_count_to_be_between", None)].observed == 3
    assert all(o.success for o in result.outcomes)
    # validated without GX's stores: the run is named as asked, and no checkpoint or definition was stored
    assert result.result_key[:2] == ["fct_orders", "clean"]
    assert (result.result_json["meta"]["checkpoint_id"], result.result_json["meta"]["validation_id"]) == (None, None)


def test_violations_fail_with_their_counts(warehouse):
    result = run_suite(warehouse, SUITE, "select * from orders", "dirty")
    assert not result.success
    got = outcomes(result)
    # (the order key is dbt's test on int_orders; the key rule itself: test_a_key_shared_by_rows_…)
    assert got[("expect_column_values_to_be_between", "total_amount")].unexpected_count == 1
    sum_rule = next(o for o in result.outcomes if o.why.startswith("KPI catalog §1"))
    assert not sum_rule.success and sum_rule.observed == 2  # 'd' twice: 30 != 25 and -1 != 0
    assert got[("expect_column_values_to_be_between", "paid_amount")].success
    assert got[("expect_column_values_to_not_be_null", "order_id")].success


def test_connection_is_released_after_validation(warehouse):
    run_suite(warehouse, SUITE, "select * from orders", "release")
    duckdb.connect(str(warehouse), read_only=True).close()  # would raise if GX still held the file


def test_a_key_shared_by_rows_fails_with_every_such_row_and_a_missing_key_part_is_no_key(tmp_path):
    """`{rows_sharing_key(...)}` (the suites' key rule): counted by hand below, the rows whose full
    key another row has too; a row with a NULL key part has no key (as in GX's own expectation)."""
    from shopkpi.quality.suites import Suite

    path = tmp_path / "keys.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t (shop_id varchar, order_id varchar, amount int)")
        con.execute("""insert into t values
            ('s1', 'a', 1), ('s1', 'a', 2),               -- shared: 2 rows
            ('s2', 'a', 3),                               -- same order id in another shop: its own key
            ('s1', 'b', 4), ('s1', 'b', 5), ('s1', 'b', 6),  -- shared: 3 rows
            ('s1', null, 7), ('s1', null, 8),             -- no key: not counted
            ('s3', 'c', 9)""")
    spec = {"name": "keys", "meta": {}, "expectations": [
        {"type": "unexpected_rows_expectation", "kwargs": {"unexpected_rows_query": "{rows_sharing_key(shop_id, order_id)}"},
         "meta": {"why": "key"}}]}
    suite = Suite(Path("keys.json"), spec).for_month("2017-05")
    shared = run_suite(path, suite, "select * from t", "shared").outcomes[0]
    assert not shared.success and shared.unexpected_count == 5
    assert run_suite(path, suite, "select * from t where amount in (1, 3, 4, 7, 8, 9)", "unique").outcomes[0].success


def test_the_raw_month_rule_takes_the_months_first_and_last_second_and_nothing_around_them(tmp_path):
    """raw_orders' "created_at falls in the partition month" (a timestamp range since issue 18): for
    2024-02 (a leap month), by hand: 02-01 00:00:00 and 02-29 23:59:59 belong; 01-31 23:59:59 and
    03-01 00:00:00 do not; a NULL time is the not-null expectation's, not this rule's."""
    path = tmp_path / "month.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t (source_file varchar, source_row bigint, created_at timestamp)")
        con.execute("""insert into t values ('f', 1, '2024-02-01 00:00:00'), ('f', 2, '2024-02-29 23:59:59'),
            ('f', 3, '2024-01-31 23:59:59'), ('f', 4, '2024-03-01 00:00:00'), ('f', 5, null)""")
    raw_orders = next(s for s in load_suites() if s.name == "raw_orders")
    (rule,) = [e for e in raw_orders.for_month("2024-02")["expectations"]
               if e["kwargs"].get("description") == "created_at falls in the partition month"]
    suite = {"name": "month", "meta": {}, "expectations": [rule]}
    outcome = run_suite(path, suite, "select * from t", "month").outcomes[0]
    assert not outcome.success and outcome.unexpected_count == 2
    assert run_suite(path, suite, "select * from t where source_row in (1, 2, 5)", "inside").outcomes[0].success
