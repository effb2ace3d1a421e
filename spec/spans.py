"""Source positions kept beside the meaning of every AST node."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a source file: 1-based line and column, end exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    @staticmethod
    def point(file: str, line: int, column: int) -> Span:
        """Return a one-character span at `line`:`column`."""
        return Span(file, line, column, line, column + 1)


UNKNOWN_SPAN = Span("<unknown>", 1, 1, 1, 2)
