"""dagster-dbt gives each run a target dir of its own: completed runs' go, failed runs' go after a week."""

from __future__ import annotations

import os
import time

import pytest

from shopkpi.dbt_process.build import prune_run_targets
from shopkpi.defs.transform.assets import DBT_PROJECT


def test_old_run_target_dirs_are_pruned_and_recent_ones_kept(tmp_path):
    old, recent = tmp_path / "shopkpi_dbt_models-test000-old", tmp_path / "shopkpi_dbt_models-test000-new"
    for path in (old, recent):
        path.mkdir()
        (path / "manifest.json").write_text("{}")
    eight_days_ago = time.time() - 8 * 86400
    os.utime(old, (eight_days_ago, eight_days_ago))
    assert prune_run_targets(tmp_path) == [old]
    assert not old.exists() and recent.exists()


@pytest.mark.xdist_group("demo")
def test_a_completed_run_leaves_no_target_dir(demo_run):
    """The demo month was materialised (session fixture): its run's target dir is gone."""
    result, _ = demo_run
    root = DBT_PROJECT.project_dir / DBT_PROJECT.target_path
    assert not list(root.glob(f"shopkpi_dbt_models-{result.run_id[:7]}*"))
