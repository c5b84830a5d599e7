"""Garbage collection for the project's short processes: a `shopkpi` command and the dbt build
under it. Each holds ~600,000 objects that live until it exits (Dagster's definitions, dbt's
manifest, Great Expectations). Python's full collections walk them all, ~0.15 s each, eight of
them in a demo month at the default threshold; and interpreter teardown collects several times
more (1.7 s) to free memory the operating system takes back anyway. Long-running processes
(the Dagster UI and daemon) keep Python's defaults. DECISIONLOG "Performance"."""

from __future__ import annotations

import gc

FULL_COLLECTION_THRESHOLD = 100  # Python's default is 10 (collections of the middle generation per full one)


def collect_less() -> None:
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_THRESHOLD)


def no_collection_at_exit() -> None:
    """Call when the work is done: teardown then frees by reference counts alone."""
    gc.freeze()


def dbt() -> None:
    """The `shopkpi-dbt` console script: dbt's own command line, with collect_less."""
    collect_less()
    from dbt.cli.main import cli

    try:
        cli()
    finally:
        no_collection_at_exit()
