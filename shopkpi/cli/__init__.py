"""`shopkpi`: the command line. Arguments in parser.py, one module per group of commands in
commands/, output in render.py, Dagster runs in runs.py."""

from __future__ import annotations

import os
import sys
import warnings

from .errors import CliError


def main(argv: list[str] | None = None) -> int:
    from .parser import build_parser

    warnings.filterwarnings("ignore")
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"shopkpi: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130


def run() -> None:
    """Console-script entry point.

    A command is a short process: fewer full garbage collections, none at exit (short_process.py).

    After the command has finished and its output is flushed, stderr is pointed
    at /dev/null for interpreter teardown only: DuckDB 2.0's nanobind bindings
    print spurious "leaked instance" reports at exit after pandas conversions.
    """
    from ..short_process import collect_less, no_collection_at_exit

    collect_less()
    code = main()
    no_collection_at_exit()
    sys.stdout.flush()
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    sys.exit(code)


if __name__ == "__main__":
    run()
