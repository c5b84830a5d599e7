"""SQL text the project writes itself (never a value a user typed: those go in as parameters)."""


def sql_literal(value: str) -> str:
    """A string as a SQL literal, quotes doubled: for values the project owns (paths, file names, months)."""
    return "'" + value.replace("'", "''") + "'"
