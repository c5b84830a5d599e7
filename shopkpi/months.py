"""Month keys: the warehouse's partition is a calendar month 'YYYY-MM' in the shop's time zone."""

from __future__ import annotations

import datetime as dt
import os
import re
from zoneinfo import ZoneInfo

SHOP_TIMEZONE = "Asia/Shanghai"

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check_month(month: str) -> str:
    """Return `month` if it looks like YYYY-MM; raise ValueError otherwise."""
    if not isinstance(month, str) or not _MONTH.fullmatch(month):  # fullmatch: "2017-05\n" is not a month
        raise ValueError(f"month must look like YYYY-MM, got {month!r}")
    return month


FIRST_MONTH_ENV = "SHOPKPI_FIRST_MONTH"
DEFAULT_FIRST_MONTH = "2017-01"


def first_month() -> str:
    """The first monthly partition (the Dagster UI does not list years of empty months)."""
    return check_month(os.environ.get(FIRST_MONTH_ENV) or DEFAULT_FIRST_MONTH)


def last_closed_month(today: dt.date | None = None) -> str:
    """The month before today's in the shop's time zone: the last monthly partition."""
    today = today or dt.datetime.now(ZoneInfo(SHOP_TIMEZONE)).date()
    return f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}"


def partition_problem(month: str) -> str | None:
    """Why `month` is not a monthly partition (before SHOPKPI_FIRST_MONTH, or not over yet), or None."""
    first, last = first_month(), last_closed_month()
    if check_month(month) < first:
        return (f"{month} is before the first month {first} ({FIRST_MONTH_ENV}): "
                f"set {FIRST_MONTH_ENV}={month} to run it")
    if month > last:
        return (f"{month} is not over yet ({SHOP_TIMEZONE}): a month runs once it has closed; "
                f"the latest that can run is {last}")
    return None


def month_of(partition_key: str) -> str:
    """Dagster's partition key -> the warehouse's month key: the same 'YYYY-MM' (a run recorded before
    the keys became months has '2017-05-01': its first 7 characters)."""
    return partition_key[:7]


def partition_key_of(month: str) -> str:
    """The Dagster partition key of a month: the month itself, 'YYYY-MM'; raises ValueError on anything else."""
    return check_month(month)


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
