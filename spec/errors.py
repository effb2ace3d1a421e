"""The one error type a user sees for bad input, and its renderer.

`SpecError(span, message, hint)` carries where, what went wrong and what was
expected.  `render_errors` prints each as `file:line:col: message`, the source
line, a caret under the span, and the hint.
"""

from __future__ import annotations

from failspec.spec.spans import Span


class SpecError(Exception):
    """A spec error at `span`: `message` says what is wrong, `hint` what was expected.

    A plain exception (notes can be added, it pickles); two errors with the same
    span, message and hint compare equal.
    """

    def __init__(self, span: Span, message: str, hint: str | None = None) -> None:
        super().__init__(span, message, hint)
        self.span = span
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.span.file}:{self.span.line}:{self.span.column}: {self.message}"

    def __repr__(self) -> str:
        return f"SpecError({self.span!r}, {self.message!r}, {self.hint!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SpecError):
            return NotImplemented
        return (self.span, self.message, self.hint) == (other.span, other.message, other.hint)

    def __hash__(self) -> int:
        return hash((self.span, self.message, self.hint))


class SpecErrors(Exception):
    """Several spec errors, sorted by position; raised once after validation."""

    def __init__(self, errors: list[SpecError]) -> None:
        super().__init__(errors)
        self.errors = sorted(
            errors, key=lambda e: (e.span.file, e.span.line, e.span.column, e.message)
        )

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def render_error(error: SpecError, source: str | None) -> str:
    """Return the error as `file:line:col: message`, the source line with a caret, the hint."""
    lines = [str(error)]
    if source is not None:
        source_lines = source.splitlines()
        if 1 <= error.span.line <= len(source_lines):
            text = source_lines[error.span.line - 1].expandtabs(1)
            lines.append("    " + text)
            start = max(error.span.column - 1, 0)
            if error.span.end_line == error.span.line:
                width = max(error.span.end_column - error.span.column, 1)
            else:
                width = max(len(text) - start, 1)
            lines.append("    " + " " * start + "^" + "~" * (width - 1))
    if error.hint:
        lines.append(f"    {error.hint}")
    return "\n".join(lines)


def render_errors(errors: list[SpecError], sources: dict[str, str]) -> str:
    """Render every error (sorted by position) with its source line; `sources` maps file to text."""
    ordered = sorted(errors, key=lambda e: (e.span.file, e.span.line, e.span.column, e.message))
    return "\n".join(render_error(e, sources.get(e.span.file)) for e in ordered) + "\n"
