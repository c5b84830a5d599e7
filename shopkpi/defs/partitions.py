"""Monthly partitions: calendar months in Asia/Shanghai, the shop's local time."""

from __future__ import annotations

from dagster import MonthlyPartitionsDefinition

from ..months import SHOP_TIMEZONE

monthly_partitions = MonthlyPartitionsDefinition(start_date="2015-01-01", timezone=SHOP_TIMEZONE)
