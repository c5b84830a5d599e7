"""Values of a report suite's rows (the reconciliation tables) as JSON takes them, on DuckDB and Spark alike."""

from __future__ import annotations

import datetime as dt


def plain_value(value):
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
