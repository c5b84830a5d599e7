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
