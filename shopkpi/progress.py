"""What a long command is doing, as it goes.

`Progress` prints one line per finished stage with the elapsed time, to stderr. On a terminal a
rich status line also shows the stage under way (dbt's models and tests counted as they finish);
when stderr is not a terminal (CI, a pipe, a log file) only the plain lines are written.

A Dagster run reports through `DagsterProgressHandler`, attached by the `progress` logger of the
code location (definitions.py) while a CLI command has a `Progress` active (`reporting`).
"""

from __future__ import annotations

import logging
import sys
import time
from contextlib import contextmanager

# The run's steps as people name them.
STEP_LABELS = {
    "raw_exports": "load the downloads",
    "gx_raw_suites": "check raw (Great Expectations)",
    "shopkpi_dbt_models": "dbt build",
    "gx_staging_and_marts_suites": "check staging and marts (Great Expectations)",
    "warehouse__reader_snapshot": "hand the month to readers",
    "published__scorecards": "publish the scorecards",
}


class Progress:
    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.started = time.perf_counter()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._status = None
        if self.tty:
            from rich.console import Console

            self._console = Console(file=self.stream, stderr=True)

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def say(self, text: str) -> None:
        """A finished stage (or anything worth a line): always printed."""
        line = f"[{self.elapsed():6.1f}s] {text}"
        if self.tty:
            self._console.print(line, highlight=False, markup=False)
        else:
            print(line, file=self.stream, flush=True)

    def status(self, text: str) -> None:
        """The stage under way: the terminal's status line only."""
        if not self.tty:
            return
        if self._status is None:
            self._status = self._console.status(text)
            self._status.start()
        else:
            self._status.update(text)

    def close(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None


_ACTIVE: Progress | None = None


def active() -> Progress | None:
    return _ACTIVE


@contextmanager
def reporting(progress: Progress | None = None):
    """Make `progress` the one Dagster runs in this process report to."""
    global _ACTIVE
    previous, _ACTIVE = _ACTIVE, progress or Progress()
    try:
        yield _ACTIVE
    finally:
        _ACTIVE.close()
        _ACTIVE = previous


def _singular(what: str) -> str:
    noun, _, rest = what.partition(" ")
    return f"{noun[:-1] if noun.endswith('s') else noun} {rest}".strip()


class DagsterProgressHandler(logging.Handler):
    """Turns a Dagster run's events into progress: a line per step, counts of dbt's models and
    tests and of the checks as they finish."""

    def __init__(self, progress: Progress):
        super().__init__(level=logging.DEBUG)
        self.progress = progress
        self.step_started: dict[str, float] = {}
        self.counts: dict[str, dict[str, int]] = {}

    def _label(self, step: str) -> str:
        return STEP_LABELS.get(step, step)

    def _counted(self, step: str) -> str:
        counts = self.counts.get(step, {})
        # "1 check failed", "21 checks passed": the noun is the first word of `what`
        parts = [f"{n} {_singular(what) if n == 1 else what}" for what, n in counts.items() if n]
        return f" ({', '.join(parts)})" if parts else ""

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event, step = meta.get("dagster_event"), meta.get("step_key")
        if event is None or step is None:
            return
        kind = event.event_type_value
        if kind == "STEP_START":
            self.step_started[step] = self.progress.elapsed()
            self.progress.status(f"{self._label(step)} …")
        elif kind in ("ASSET_MATERIALIZATION", "ASSET_CHECK_EVALUATION"):
            counts = self.counts.setdefault(step, {})
            if kind == "ASSET_MATERIALIZATION":
                what = "models" if step == "shopkpi_dbt_models" else "assets"
            else:
                passed = event.event_specific_data.passed
                what = ("tests" if step == "shopkpi_dbt_models" else "checks") + (" passed" if passed else " failed")
            counts[what] = counts.get(what, 0) + 1
            self.progress.status(f"{self._label(step)} …{self._counted(step)}")
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED"):
            took = self.progress.elapsed() - self.step_started.get(step, self.progress.elapsed())
            outcome = {"STEP_SUCCESS": "done", "STEP_FAILURE": "FAILED", "STEP_SKIPPED": "skipped"}[kind]
            self.progress.say(f"{self._label(step)}: {outcome} in {took:.1f}s{self._counted(step)}")
