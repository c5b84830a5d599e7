"""The layouts' clean-ups (layouts.CLEANUPS) and the amount casts, cell by cell, in DuckDB.

A cell is cleaned only when it holds a character one of its clean-ups acts on (cell_sql.CLEANUP_TRIGGERS);
these cells cover each clean-up, their combinations, and plain cells that skip them all. The
expected values are worked out by hand beside each cell."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from shopkpi.ingest.layouts import CLEANUPS
from shopkpi.ingest.cell_sql import CLEANUP_TRIGGERS, cell_text, typed_expr
from shopkpi.ingest.specs import Column, ColumnType

AMOUNT = Column("金额", "amount", ColumnType.MONEY, clean=("excel_text", "leading_quote", "tab", "yuan", "thousands"))
RATE = Column("转化率", "rate", ColumnType.RATE, clean=("percent",))
ID = Column("订单编号", "order_id", ColumnType.ID, clean=("excel_text", "leading_quote", "tab"))

CASES = [
    # (column, cell, cleaned text, typed value)
    (AMOUNT, "12.50", "12.50", Decimal("12.50")),            # plain: no clean-up runs
    (AMOUNT, " 12.50 ", "12.50", Decimal("12.50")),          # spaces: trimmed
    (AMOUNT, '="12.50"', "12.50", Decimal("12.50")),         # Excel formula text
    (AMOUNT, "'12.50", "12.50", Decimal("12.50")),           # Excel's text marker
    (AMOUNT, "\t12.50", "12.50", Decimal("12.50")),          # Douyin's leading TAB
    (AMOUNT, "12.50元", "12.50", Decimal("12.50")),           # trailing 元
    (AMOUNT, "¥1,258.51", "1258.51", Decimal("1258.51")),    # ¥ and a thousands separator
    (AMOUNT, "￥ 3", "3", Decimal("3.00")),                    # full-width ￥ and a space
    (AMOUNT, '="¥1,000"', "1000", Decimal("1000.00")),       # all at once
    (AMOUNT, "1,2,3", "1,2,3", None),                        # commas that group no thousands: kept, not an amount
    (AMOUNT, "abc", "abc", None),                            # not an amount (quarantined by the load)
    (AMOUNT, "", None, None),                                # empty: NULL
    (AMOUNT, None, None, None),
    (RATE, "3.25%", "0.0325", Decimal("0.032500")),          # percent string -> ratio
    (RATE, "0.5", "0.5", Decimal("0.500000")),               # a ratio already
    (ID, " 2140730062701490 ", "2140730062701490", None),    # Taobao's padded id
    (ID, '="2140730062701490"', "2140730062701490", None),
    (ID, "O'Brien", "O'Brien", None),                        # a quote inside, not leading: kept
]


@pytest.mark.parametrize("column,cell,text,typed", CASES)
def test_a_cell_is_cleaned_and_typed(column, cell, text, typed):
    con = duckdb.connect()
    got_text = con.execute(f"select {cell_text(column, 'c')} from (select ?::varchar as c)", [cell]).fetchone()[0]
    assert got_text == text
    if column.type in (ColumnType.MONEY, ColumnType.RATE):
        got = con.execute(f"select {typed_expr(column, 'x')} from (select ?::varchar as x)", [got_text]).fetchone()[0]
        assert got == typed


def test_every_clean_up_names_what_triggers_it():
    # a clean-up without triggers would never run (or fail with a KeyError): the two lists are one set
    assert set(CLEANUP_TRIGGERS) == set(CLEANUPS)


PLAIN_AMOUNT = Column("金额", "amount", ColumnType.MONEY)  # no clean-ups: the cast's own ¥ and thousands handling
CAST_ONLY = [
    ("¥1,234,567.00", Decimal("1234567.00")),  # ¥ and two thousands separators
    ("￥ 1,258.51", Decimal("1258.51")),        # full-width ￥, a space, a separator
    ("-1,000", Decimal("-1000.00")),           # a negative with a separator
    ("¥ -3", Decimal("-3.00")),                # ¥ before a negative
    ("1,000.5", Decimal("1000.50")),
    ("12,34", None),                           # a comma that groups no thousands
    ("¥¥1", None),                             # one sign is dropped, not two
    ("¥", None),
    ("¥,", None),
]


@pytest.mark.parametrize("cell,typed", CAST_ONLY)
def test_an_amount_casts_with_its_sign_and_separators_dropped(cell, typed):
    con = duckdb.connect()
    assert con.execute(f"select {typed_expr(PLAIN_AMOUNT, 'x')} from (select ?::varchar as x)", [cell]).fetchone()[0] == typed



def test_an_amounts_clean_ups_run_only_where_the_plain_cast_fails():
    # DuckDB computes a subexpression written twice for every row, in a projection of its own below
    # the coalesce, which then skips nothing: the clean-ups must not repeat one (cell_sql.money_text).
    con = duckdb.connect()
    con.execute("create table t (x varchar)")
    plan = con.execute(f"explain select {typed_expr(PLAIN_AMOUNT, 'x')} from t").fetchall()[0][1]
    assert plan.count("─ Projection ") == 1, plan
