"""The CLI's one kind of error: a one-line reason for the user."""


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


def first_line(text: str) -> str:
    """A multi-line error message on one line: its first line, plus DuckDB's hint ("Did you mean
    …?"), which sits on a later line, when there is one."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    hint = next((line for line in lines[1:] if line.startswith(("Did you mean", "Candidate"))), None)
    return f"{lines[0]} {hint}" if hint else lines[0]
