"""Monthly partitions: calendar months in Asia/Shanghai, the shop's local time."""

from __future__ import annotations

import re

from dagster import MonthlyPartitionsDefinition

SHOP_TIMEZONE = "Asia/Shanghai"

monthly_partitions = MonthlyPartitionsDefinition(start_date="2015-01-01", timezone=SHOP_TIMEZONE)

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def month_of(partition_key: str) -> str:
    """'2017-05-01' (Dagster's key) -> '2017-05' (the warehouse's month key)."""
    return partition_key[:7]


def partition_key_of(month: str) -> str:
    """'2017-05' -> '2017-05-01'; raises ValueError on anything else."""
    if not _MONTH.match(month):
        raise ValueError(f"month must look like YYYY-MM, got {month!r}")
    return f"{month}-01"
