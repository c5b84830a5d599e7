"""The benchmark at a small size: it runs end to end, every timed phase twice, and the pipeline's KPIs
equal pandas'. Timings are printed by the benchmark, never asserted here."""

from __future__ import annotations

import pytest

import json
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_benchmark_smoke_pipeline_pandas_and_polars_agree(tmp_path):
    proc = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--orders", "20000", "--months", "1", "--repeat", "2", "--workdir", str(tmp_path / "work"),
         "--results", str(tmp_path / "results")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads((tmp_path / "results" / "bench-20000-1m.json").read_text(encoding="utf-8"))
    assert result["kpis_agree"] is True and result["disagreements"] == []
    assert {"floor", "pipeline", "pandas", "polars"} <= set(result["phases"])  # polars agreed with pandas too
    assert set(result["ratios"]) == {"pipeline/floor", "pandas/pipeline", "polars/pipeline"}
    assert "| pipeline/floor |" in proc.stdout
    # --repeat 2: every timed phase ran twice and reports its faster run
    for name in ("floor", "pipeline", "pandas", "polars"):
        phase = result["phases"][name]
        assert len(phase["runs"]) == 2 and phase["seconds"] == min(phase["runs"]), (name, phase)
        if "kernel" in phase:  # Linux: each run's kernel counters are kept, the fastest run's among them
            assert len(phase["kernel_runs"]) == 2 and phase["kernel"] in phase["kernel_runs"], (name, phase)
    # the month's second run replaced the first: the generator's 20,000 orders are in raw once, and the
    # KPIs above (read after the second run) equal pandas' on the file
    with duckdb.connect(str(tmp_path / "work" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*), count(distinct order_id) from raw.orders").fetchone() == (20000, 20000)
