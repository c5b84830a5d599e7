"""Monthly partitions: calendar months in Asia/Shanghai, the shop's local time, from the first
month the shop has data for: `SHOPKPI_FIRST_MONTH` (YYYY-MM, default 2017-01), so the Dagster UI
does not list years of empty months."""

from __future__ import annotations

from dagster import MonthlyPartitionsDefinition

from ..months import SHOP_TIMEZONE, first_month


monthly_partitions = MonthlyPartitionsDefinition(start_date=f"{first_month()}-01", timezone=SHOP_TIMEZONE)
