"""dbt builds a log line only for a logger that will write it (shopkpi/speedups/dbt_event_lines.py):
the same lines come out, and a debug event costs no JSON conversion under an info-level logger."""

from __future__ import annotations

import io
import json

import pytest
from dbt.adapters.events.types import SQLQuery
from dbt_common.events import logger as dbt_logger
from dbt_common.events.base_types import EventLevel, msg_from_base_event
from dbt_common.events.types import Formatting, PrintEvent

from shopkpi.speedups.dbt_event_lines import skip_lines_no_handler_takes

pytestmark = pytest.mark.canary  # guards private APIs (docs/upgrading.md)


def logger_at(level: EventLevel, stream: io.StringIO, name: str):
    config = dbt_logger.LoggerConfig(name=name, line_format=dbt_logger.LineFormat.Json, level=level,
                                     output_stream=stream)
    return dbt_logger._JsonLogger(config)


EVENTS = {"debug": SQLQuery(conn_name="model.shopkpi.stg_orders", sql="select 1", node_info={}),
          "info": Formatting(msg="info line"),
          "print": PrintEvent(msg="printed")}


@pytest.mark.parametrize("level, written", [(EventLevel.INFO, ["info", "print"]),
                                            (EventLevel.DEBUG, ["debug", "info", "print"]),
                                            (EventLevel.ERROR, ["print"])])
def test_a_logger_builds_only_the_lines_it_writes(level, written, monkeypatch):
    skip_lines_no_handler_takes()
    stream = io.StringIO()
    logger = logger_at(level, stream, f"shopkpi-test-{level.value}")
    built = []
    create_line = logger.create_line
    monkeypatch.setattr(logger, "create_line", lambda msg: built.append(msg.info.name) or create_line(msg))
    for event in EVENTS.values():
        logger.write_line(msg_from_base_event(event))
    names = [json.loads(line)["info"]["name"] for line in stream.getvalue().splitlines()]
    expected = [type(EVENTS[kind]).__name__ for kind in written]
    assert names == expected  # what dbt writes at this level
    assert built == expected  # and no line built only to be dropped (a debug line under info, before)


def test_the_patch_is_applied_once():
    skip_lines_no_handler_takes()
    patched = dbt_logger._Logger.write_line
    skip_lines_no_handler_takes()
    assert dbt_logger._Logger.write_line is patched
