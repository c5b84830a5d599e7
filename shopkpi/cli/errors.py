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
