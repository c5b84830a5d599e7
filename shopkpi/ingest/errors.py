"""Errors that stop a month from loading (nothing of it is written)."""

from __future__ import annotations

from .specs import Column, ReportSpec


class IngestError(Exception):
    """A problem that stops the month from loading (nothing is written)."""


class MissingColumnError(IngestError):
    def __init__(self, file: str, column: Column, report: ReportSpec):
        self.file, self.column = file, column
        super().__init__(
            f"{file}: required column '{column.zh}' ({column.en}) is missing "
            f"from this {report.name_zh} ({report.report_type}) export"
        )
