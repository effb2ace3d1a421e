"""`lint` a model file: its spec errors and warnings, without checking anything.

A warning (`failspec.spec.errors.SpecWarning`) points at a valid model that is
almost certainly not what its author meant (`checker/lint.py` lists the kinds);
it never changes a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from failspec.checker import ir
from failspec.checker.lint import lint_model
from failspec.checker.lowering import lower_model
from failspec.spec import ast
from failspec.spec.errors import SpecError, SpecErrors, SpecWarning
from failspec.spec.parser import parse_model
from failspec.spec.spans import Span
from failspec.spec.validate import validate_model

__all__ = ["LintResult", "lint", "lint_text"]


@dataclass(frozen=True)
class LintResult:
    """The spec errors of one model file, or (when it has none) its warnings and IR."""

    file: str
    errors: list[SpecError]
    warnings: list[SpecWarning]
    model: ir.Model | None
    """The lowered model; None when there are errors."""
    tree: ast.Model | None = None
    """The model's AST; None when there are errors."""


def lint_text(text: str, file: str = "<string>") -> LintResult:
    """Parse, validate and lower a model given as text, and collect its warnings."""
    try:
        tree = parse_model(text, file)
    except SpecErrors as failure:
        return LintResult(file, failure.errors, [], None)
    except SpecError as error:
        return LintResult(file, [error], [], None)
    errors = validate_model(tree)
    if errors:
        return LintResult(file, errors, [], None)
    model = lower_model(tree, file)
    return LintResult(file, [], lint_model(tree, model), model, tree)


def lint(path: str | Path) -> LintResult:
    """Read a model file and `lint_text` it; an unreadable file is one spec error."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        span = Span(file, 1, 1, 1, 1)
        return LintResult(file, [SpecError(span, f"cannot read the model: {reason}")], [], None)
    return lint_text(text, file)
