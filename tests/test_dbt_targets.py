"""dagster-dbt gives each run a target dir of its own: completed runs' go, failed runs' go after a week."""

from __future__ import annotations

import os
import time

import pytest

from shopkpi.defs.transform.assets import DBT_PROJECT, prune_run_targets


def test_old_run_target_dirs_are_pruned_and_recent_ones_kept(tmp_path):
    root = DBT_PROJECT.project_dir / DBT_PROJECT.target_path
    old, recent = root / "shopkpi_dbt_models-test000-old", root / "shopkpi_dbt_models-test000-new"
    for path in (old, recent):
        path.mkdir(parents=True, exist_ok=True)
        (path / "manifest.json").write_text("{}")
    eight_days_ago = time.time() - 8 * 86400
    os.utime(old, (eight_days_ago, eight_days_ago))
    try:
        removed = prune_run_targets()
        assert old in removed and not old.exists()
        assert recent.exists()
    finally:
        for path in (old, recent):
            if path.exists():
                for f in path.iterdir():
                    f.unlink()
                path.rmdir()


@pytest.mark.xdist_group("demo")
def test_a_completed_run_leaves_no_target_dir(demo_run):
    """The demo month was materialised (session fixture): its run's target dir is gone."""
    result, _ = demo_run
    root = DBT_PROJECT.project_dir / DBT_PROJECT.target_path
    assert not list(root.glob(f"shopkpi_dbt_models-{result.run_id[:7]}*"))
