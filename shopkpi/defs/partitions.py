"""Monthly partitions: calendar months in Asia/Shanghai, the shop's local time, from the first
month the shop has data for: `SHOPKPI_FIRST_MONTH` (YYYY-MM, default 2017-01), so the Dagster UI
does not list years of empty months. A partition's key is its month, 'YYYY-MM'."""

from __future__ import annotations

from dagster import MonthlyPartitionsDefinition

from ..months import SHOP_TIMEZONE, first_month


# Keys are the months the CLI, the warehouse and the published folders use: '2017-05', not '2017-05-01'.
monthly_partitions = MonthlyPartitionsDefinition(start_date=first_month(), fmt="%Y-%m", timezone=SHOP_TIMEZONE)
