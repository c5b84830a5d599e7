"""Re-materialising a month replaces exactly that month, also when an export of it is gone."""

from __future__ import annotations

import json

from tests.helpers import materialize_month, query, run_cli
from tests.role_month import MONTH, write_role_month

GONE = {"staff.xlsx": "staff", "sessions.csv": "cs_sessions", "campaigns.xlsx": "campaigns"}


def test_a_month_rebuilt_without_some_exports_keeps_no_stale_rows_and_says_so(tmp_path):
    exports, warehouse = tmp_path / "exports", tmp_path / "warehouse.duckdb"
    write_role_month(exports)
    assert materialize_month(MONTH, exports, warehouse).success
    count = lambda table: query(warehouse, f"select count(*) from {table} where month = ?", [MONTH])[0][0]  # noqa: E731
    assert count("marts.kpi_employee_monthly") > 0 and count("marts.kpi_campaign") == 3  # HD1-HD3 (HD4 ends in April)
    assert count("intermediate.int_customer_service_kpis") > 0
    for name in GONE:  # the roster, the chat log and the campaign list are gone from the folder
        (exports / name).unlink()
    rebuilt = materialize_month(MONTH, exports, warehouse)
    assert rebuilt.success
    # no roster: nobody is scored; no campaigns, no sessions: their rows are gone, not last build's
    assert count("marts.kpi_employee_monthly") == 0 and count("marts.scorecard_employee_monthly") == 0
    assert count("marts.kpi_campaign") == 0 and count("intermediate.int_customer_service_kpis") == 0
    assert sorted(r for (r,) in query(warehouse, "select report_type from raw.load_changes where month = ?", [MONTH])) \
        == sorted(GONE.values())
    (event,) = [e for e in rebuilt.get_asset_materialization_events() if e.asset_key.to_user_string() == "raw/load_changes"]
    assert sorted(event.materialization.metadata["report_types"].value) == sorted(GONE.values())
    audit = run_cli("audit", "--month", MONTH, "--warehouse", str(warehouse), "--published", str(tmp_path / "pub"),
                    "--format", "json")
    assert sorted(json.loads(audit.stdout)["missing_since_earlier_load"]) == sorted(GONE.values())
