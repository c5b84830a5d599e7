"""`shopkpi`: the command line. Arguments in parser.py, one module per group of commands in
commands/, output in render.py, Dagster runs in runs.py."""

from __future__ import annotations

import sys
import warnings

from .errors import CliError, disk_full_reason


STOPPED = ("shopkpi: stopped by you (Ctrl-C): the month being built was not completed; readers keep its last "
           "completed state (shopkpi status)")


def main(argv: list[str] | None = None) -> int:
    from ..shops import ShopsError
    from .parser import build_parser

    warnings.filterwarnings("ignore")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"shopkpi: error: {exc}", file=sys.stderr)
        return exc.code
    except ShopsError as exc:
        print(f"shopkpi: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return _stopped()
    except Exception as exc:  # a full disk under Dagster's own storage, before or after a run's steps
        full = disk_full_reason(f"{exc} {exc.__cause__ or ''}")
        if full is None:
            raise
        print(f"shopkpi: error: {full}", file=sys.stderr)
        return 1
    except BaseException as exc:  # Ctrl-C while Dagster ran: its DagsterExecutionInterruptedError is no Exception
        if type(exc).__name__ != "DagsterExecutionInterruptedError":
            raise
        return _stopped()


def _stopped() -> int:
    """Ctrl-C: the GX workers (which ignore it) are shut down, then one line."""
    from ..quality.gx_workers import stop

    try:
        stop()
    except KeyboardInterrupt:  # a second Ctrl-C: leave at once
        pass
    print(STOPPED, file=sys.stderr)
    return 130


def run() -> None:
    """Console-script entry point. A command is a short process: fewer full garbage collections,
    none at exit, and no teardown noise on stderr (short_process.py)."""
    from ..short_process import collect_less, exit_quietly

    collect_less()
    exit_quietly(main())


if __name__ == "__main__":
    run()
