"""The late-exports sensor asks for a run of exactly the closed month whose files changed."""

from __future__ import annotations

import os

from dagster import DagsterInstance, build_sensor_context

from shopkpi.definitions import build_definitions
from shopkpi.defs.ingest.sensors import late_exports_sensor
from shopkpi.defs.resources import ExportsResource


def tick(root, cursor):
    repository = build_definitions(exports=str(root)).get_repository_def()
    context = build_sensor_context(instance=DagsterInstance.ephemeral(), cursor=cursor, repository_def=repository,
                                   resources={"exports": ExportsResource(directory=str(root))})
    result = late_exports_sensor.evaluate_tick(context)
    return [r.partition_key for r in result.run_requests], result.cursor, result.skip_message


def test_baseline_then_only_the_changed_month(tmp_path):
    for month in ("2017-04", "2017-05"):
        (tmp_path / month).mkdir()
        (tmp_path / month / "orders.csv").write_text("订单编号\n1\n", encoding="utf-8")
    (tmp_path / "2999-01").mkdir()  # the month in progress (or future) is the schedule's business
    (tmp_path / "notes").mkdir()
    requests, cursor, skip = tick(tmp_path, None)
    assert requests == [] and skip == "baseline recorded for 2 month folders"
    requests, cursor, skip = tick(tmp_path, cursor)
    assert requests == [] and skip == "no month folder changed"
    (tmp_path / "2017-04" / "售后记录.csv").write_text("late file", encoding="utf-8")  # a late download
    (tmp_path / "2999-01" / "x.csv").write_text("in progress", encoding="utf-8")
    requests, cursor, _ = tick(tmp_path, cursor)
    assert requests == ["2017-04"]
    os.utime(tmp_path / "2017-05" / "orders.csv", ns=(1, 1))  # a corrected file replaces the old one
    requests, cursor, _ = tick(tmp_path, cursor)
    assert requests == ["2017-05"]
    assert tick(tmp_path, cursor)[0] == []


def test_a_late_file_in_one_shops_folder_asks_for_its_month(tmp_path):
    """exports/<shop_id>/YYYY-MM/: the month is watched across every shop's folder."""
    for shop in ("taobao_toyshop", "pdd_shop"):
        (tmp_path / shop / "2017-05").mkdir(parents=True)
        (tmp_path / shop / "2017-05" / "orders.csv").write_text("订单编号\n1\n", encoding="utf-8")
    (tmp_path / "pdd_shop" / "2017-04").mkdir()  # a month only one shop has
    requests, cursor, skip = tick(tmp_path, None)
    assert requests == [] and skip == "baseline recorded for 2 month folders"
    (tmp_path / "pdd_shop" / "2017-05" / "售后记录.csv").write_text("late file", encoding="utf-8")
    requests, cursor, _ = tick(tmp_path, cursor)
    assert requests == ["2017-05"]
    assert tick(tmp_path, cursor)[0] == []
