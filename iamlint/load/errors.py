"""Errors raised by loaders; turned into X001 findings by the pipeline."""

from __future__ import annotations


class ParseError(Exception):
    """A file (or embedded text) that cannot be parsed, with the parser's position."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
