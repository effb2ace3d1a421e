"""The one error type a user sees for bad input, and its renderer.

`SpecError(span, message, hint)` carries where, what went wrong and what was
expected.  `render_errors` prints each as `file:line:col: message`, the source
line, a caret under the span, and the hint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from failspec.spec.spans import Span


@dataclass(frozen=True)
class SpecError(Exception):
    """A spec error at `span`: `message` says what is wrong, `hint` what was expected."""

    span: Span
    message: str
    hint: str | None = field(default=None)

    def __str__(self) -> str:
        return f"{self.span.file}:{self.span.line}:{self.span.column}: {self.message}"


class SpecErrors(Exception):
    """Several spec errors, sorted by position; raised once after validation."""

    def __init__(self, errors: list[SpecError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = sorted(
            errors, key=lambda e: (e.span.file, e.span.line, e.span.column, e.message)
        )


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
