"""The GX-on-DuckDB shim: violated expectations fail with observed values, satisfied ones pass."""

from __future__ import annotations

import duckdb
import pytest

from shopkpi.quality.gx_duckdb import run_suite
from shopkpi.quality.suites import load_suites

SUITE = next(s.spec for s in load_suites() if s.name == "fct_orders")


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


def test_violations_fail_with_their_counts(warehouse):
    result = run_suite(warehouse, SUITE, "select * from orders", "dirty")
    assert not result.success
    got = outcomes(result)
    assert got[("expect_compound_columns_to_be_unique", "shop_id,order_id")].unexpected_count == 2
    assert got[("expect_column_values_to_be_between", "total_amount")].unexpected_count == 1
    sum_rule = got[("unexpected_rows_expectation", None)]
    assert not sum_rule.success and sum_rule.observed == 2  # 'd' twice: 30 != 25 and -1 != 0
    assert got[("expect_column_values_to_be_between", "paid_amount")].success
    assert got[("expect_column_values_to_not_be_null", "order_id")].success


def test_connection_is_released_after_validation(warehouse):
    run_suite(warehouse, SUITE, "select * from orders", "release")
    duckdb.connect(str(warehouse), read_only=True).close()  # would raise if GX still held the file
