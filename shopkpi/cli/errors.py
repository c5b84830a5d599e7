"""The CLI's one kind of error: a one-line reason for the user."""

import re


class CliError(Exception):
    """A one-line reason for the user; exit code 2 (bad input) or 1 (run failed)."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def checked_month(month: str) -> str:
    from ..months import check_month

    try:
        return check_month(month)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def checked_partition(month: str) -> str:
    """A month that is a monthly partition: not before SHOPKPI_FIRST_MONTH, and over."""
    from ..months import partition_problem

    problem = partition_problem(checked_month(month))
    if problem:
        raise CliError(problem)
    return month


# What a full disk (or a file-size limit) looks like from DuckDB, SQLite (Dagster's storage) and the OS.
_DISK_FULL = re.compile(r"No space left on device|File too large|database or disk is full|disk I/O error|"
                        r"Disk quota exceeded|\[Errno (28|27|122)\]")
_WRITTEN_FILE = re.compile(r'(?:Could not write file|write to file) "([^"]+)"')


def disk_full_reason(message: str) -> str | None:
    """One line for an error that a full disk caused, naming the file being written when known; None otherwise."""
    if not _DISK_FULL.search(message or ""):
        return None
    written = _WRITTEN_FILE.search(message)
    where = f"writing {written.group(1)}" if written else "writing the warehouse, a work file or Dagster's storage"
    return (f"the disk is full (or a file-size limit was reached) {where}: free space there and run again; "
            "nothing of the run was kept and readers keep the last completed state")


ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
DBT_NODE_ERROR = re.compile(r"^(?P<kind>[\w ]*(?:Error|Failure)) in (?P<node>(?:model|test|seed|unit_test|snapshot) \S+)")


def dbt_error(message: str) -> str | None:
    """From dagster-dbt's "dbt CLI process … failed" message, dbt's own first error: the node and
    the first line of what dbt said about it ("Compilation Error in model int_orders: The source
    and target schemas … are out of sync!"); None when the message has none."""
    _, found, errors = message.partition("Errors parsed from dbt logs:")
    if not found:
        return None
    lines = [ANSI_COLOUR.sub("", line).strip() for line in errors.splitlines()]
    lines = [line for line in lines if line]
    for number, line in enumerate(lines):
        matched = DBT_NODE_ERROR.match(line)
        if matched and not line.startswith("Failure in model"):  # dbt's heading; the error line follows it
            said = next((later for later in lines[number + 1:] if not later.startswith(">")), "")
            return f"{matched['kind']} in {matched['node']}: {said}".rstrip(": ")
    return None


def first_line(text: str) -> str:
    """A multi-line error message on one line: its first line, plus DuckDB's hint ("Did you mean
    …?"), which sits on a later line, when there is one."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    hint = next((line for line in lines[1:] if line.startswith(("Did you mean", "Candidate"))), None)
    return f"{lines[0]} {hint}" if hint else lines[0]
