"""`shopkpi`: the command line. Arguments in parser.py, one module per group of commands in
commands/, output in render.py, Dagster runs in runs.py."""

from __future__ import annotations

import sys
import warnings

from .errors import CliError


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
        return 130


def run() -> None:
    """Console-script entry point. A command is a short process: fewer full garbage collections,
    none at exit, and no teardown noise on stderr (short_process.py)."""
    from ..short_process import collect_less, exit_quietly

    collect_less()
    exit_quietly(main())


if __name__ == "__main__":
    run()
