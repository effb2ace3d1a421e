"""The one error type a user sees for bad input, the warning type, and their renderer.

`SpecError(span, message, hint)` carries where, what went wrong and what was
expected.  `render_errors` prints each as `file:line:col: message`, the source
line, a caret under the span, and the hint.  A `SpecWarning` points at a model
that is valid but almost certainly not what its author meant; `render_warnings`
prints it the same way, as `file:line:col: warning: message`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

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


class WarningKind(StrEnum):
    """What a warning is about; its value names it in the JSON report."""

    ACTION_NEVER_TAKEN = "action-never-taken"
    """An action atom to which no class of its channel or transaction maps."""
    MANUAL_WITHOUT_STUCK = "manual-without-stuck"
    """`manual` on a failover that has no `stuck` fault."""
    FAULT_FREE_CHECK = "fault-free-check"
    """A check whose cone of influence holds no fault its hypothesis selects."""
    FAULT_NEVER_SELECTED = "fault-never-selected"
    """A declared fault that no check can select."""
    FAULT_NEVER_OCCURS = "fault-never-occurs"
    """A declared fault whose every onset lies past the horizon."""
    WINDOW_PAST_HORIZON = "window-past-horizon"
    """An `open` window or an assertion window wholly past the horizon."""


@dataclass(frozen=True, slots=True)
class SpecWarning:
    """A warning at `span`: `message` says what is almost certainly not meant, `hint`
    what to write instead.  It never changes a verdict."""

    kind: WarningKind
    span: Span = field(compare=False)
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        return f"{self.span.file}:{self.span.line}:{self.span.column}: warning: {self.message}"


def render_error(error: SpecError, source: str | None) -> str:
    """Return the error as `file:line:col: message`, the source line with a caret, the hint."""
    return _render(str(error), error.span, error.hint, source)


def render_warning(warning: SpecWarning, source: str | None) -> str:
    """Return the warning as `file:line:col: warning: message`, the line, a caret, the hint."""
    return _render(str(warning), warning.span, warning.hint, source)


def render_warnings(warnings: list[SpecWarning], sources: dict[str, str]) -> str:
    """Render every warning (sorted by position) with its source line; `sources` maps
    file to text."""
    ordered = sorted(warnings, key=warning_order)
    return "".join(render_warning(w, sources.get(w.span.file)) + "\n" for w in ordered)


def warning_order(warning: SpecWarning) -> tuple[str, int, int, str]:
    """The order warnings are reported in: by file, position, then message."""
    span = warning.span
    return (span.file, span.line, span.column, warning.message)


def _render(head: str, span: Span, hint: str | None, source: str | None) -> str:
    lines = [head]
    if source is not None:
        source_lines = source.splitlines()
        if 1 <= span.line <= len(source_lines):
            text = source_lines[span.line - 1].expandtabs(1)
            lines.append("    " + text)
            start = max(span.column - 1, 0)
            if span.end_line == span.line:
                width = max(span.end_column - span.column, 1)
            else:
                width = max(len(text) - start, 1)
            lines.append("    " + " " * start + "^" + "~" * (width - 1))
    if hint:
        lines.append(f"    {hint}")
    return "\n".join(lines)


def render_errors(errors: list[SpecError], sources: dict[str, str]) -> str:
    """Render every error (sorted by position) with its source line; `sources` maps file to text."""
    ordered = sorted(errors, key=lambda e: (e.span.file, e.span.line, e.span.column, e.message))
    return "\n".join(render_error(e, sources.get(e.span.file)) for e in ordered) + "\n"
