"""dbt writes an event's log line only when a log handler will take it.

dbt fires ~3,600 events in a demo build, ~3,300 of them at debug level (each SQL statement,
connection and cache action). Each of its loggers (stdout, JSON for dagster-dbt, and the file
log) turns every event into a line, a protobuf-to-JSON conversion, and only then hands the line
to Python's logging, whose level (info) discards the debug ones. `skip_lines_no_handler_takes()`
asks the logger first, with the same level mapping dbt uses, so the lines that would be discarded
are never built. What is written is unchanged, line for line. DECISIONLOG "dbt's discarded log
lines".
"""

from __future__ import annotations

_PATCHED = "_shopkpi_skips_discarded_lines"


def skip_lines_no_handler_takes() -> None:
    """Patch dbt_common's loggers (once per process). Private: `dbt_common.events.logger._Logger.write_line`,
    `_log_level_map`, `_is_print_event` (docs/upgrading.md); raises when they moved (speedups.apply decides)."""
    from dbt_common.events import logger as dbt_logger
    from dbt_common.events.base_types import EventLevel

    base, level_numbers, is_print_event = dbt_logger._Logger, dbt_logger._log_level_map, dbt_logger._is_print_event
    if getattr(base, _PATCHED, False):
        return
    write_line = base.write_line

    def write_line_if_taken(self, msg) -> None:
        python_logger = self._python_logger
        # As write_line does: a print event goes out at error level, any other at its own.
        if python_logger is not None and not is_print_event(msg):
            number = level_numbers.get(EventLevel(msg.info.level))
            if number is not None and not python_logger.isEnabledFor(number):
                return
        write_line(self, msg)

    base.write_line = write_line_if_taken
    setattr(base, _PATCHED, True)
