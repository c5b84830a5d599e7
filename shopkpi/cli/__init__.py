"""`shopkpi`: the command line. Arguments in parser.py, one module per group of commands in
commands/, output in render.py, Dagster runs in runs.py."""

from __future__ import annotations

import gc
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


# A command is one short process over ~600,000 objects that live until it exits (Dagster's
# definitions, dbt's manifest, Great Expectations): Python's full collections walk them all,
# ~0.15 s each, 8 of them in a demo month with the default threshold of 10.
FULL_COLLECTION_THRESHOLD = 100


def run() -> None:
    """Console-script entry point.

    Full garbage collections are rarer (FULL_COLLECTION_THRESHOLD) and, at exit, every object is
    frozen out of the collector: interpreter teardown otherwise spends ~1.7 s in collections
    that free nothing the process needs (the operating system takes the memory back).

    After the command has finished and its output is flushed, stderr is pointed
    at /dev/null for interpreter teardown only: DuckDB 2.0's nanobind bindings
    print spurious "leaked instance" reports at exit after pandas conversions.
    """
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_THRESHOLD)
    code = main()
    gc.freeze()
    sys.stdout.flush()
    sys.stderr.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    sys.exit(code)


if __name__ == "__main__":
    run()
