"""The dbt process Dagster starts for a month's build (`shopkpi-dbt`): started early (warm.py) and
keeping its partial parse across warehouses (parse_state.py)."""
