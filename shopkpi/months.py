"""Month keys: the warehouse's partition is a calendar month 'YYYY-MM' in the shop's time zone."""

from __future__ import annotations

import datetime as dt
import re

SHOP_TIMEZONE = "Asia/Shanghai"

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_month(month: str) -> str:
    """Return `month` if it looks like YYYY-MM; raise ValueError otherwise."""
    if not isinstance(month, str) or not _MONTH.fullmatch(month):  # fullmatch: "2017-05\n" is not a month
        raise ValueError(f"month must look like YYYY-MM, got {month!r}")
    return month


def month_of(partition_key: str) -> str:
    """'2017-05-01' (Dagster's key) -> '2017-05' (the warehouse's month key)."""
    return partition_key[:7]


def partition_key_of(month: str) -> str:
    """'2017-05' -> '2017-05-01'; raises ValueError on anything else."""
    return f"{check_month(month)}-01"


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """'2017-05' -> (2017-05-01, 2017-06-01): the month's first day and the next month's."""
    year, mon = int(check_month(month)[:4]), int(month[5:7])
    return dt.date(year, mon, 1), dt.date(year + mon // 12, mon % 12 + 1, 1)


def months_between(first: str, last: str) -> list[str]:
    """Every month from `first` to `last`, both included ([] when first > last)."""
    year, mon = int(check_month(first)[:4]), int(first[5:7])
    check_month(last)
    months = []
    while f"{year:04d}-{mon:02d}" <= last:
        months.append(f"{year:04d}-{mon:02d}")
        year, mon = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return months
