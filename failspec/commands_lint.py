"""The `lint` command, and the warnings `failspec check` prints.

`failspec lint FILE…` prints every spec error and warning of the files (sorted by
file and position, each as `file:line:col: [warning: ]message`, the line, a caret
and a hint) and checks nothing.  Exit 0: clean; 1: warnings only; 2: some spec
error (or an unreadable file).

`failspec check` prints the warnings of valid files on standard error the same
way and lists them under `warnings` in the JSON report; they change no verdict
and no exit code, except under `--warnings error`, where any warning is exit 2
before anything is checked (`--warnings ignore` prints none).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from failspec.checker import ir
from failspec.checker.lint import lint_model
from failspec.counterexamples.report import error_to_json
from failspec.exit_codes import ExitCode
from failspec.lint import LintResult, lint
from failspec.spec.errors import SpecWarning, render_error, render_warning

COMMANDS = ("lint",)

WARNING_MODES = ("show", "ignore", "error")
"""The values of `failspec check --warnings`."""

LINT_FORMAT = "failspec-lint/1"

EXIT_CLEAN = ExitCode.OK
EXIT_WARNINGS = ExitCode.FOUND
EXIT_ERRORS = ExitCode.BAD_INPUT


def add_commands(commands: Any, stdout: IO[str], stderr: IO[str]) -> None:
    """Add the `lint` subparser to `commands`."""
    parser = commands.add_parser(
        "lint",
        stdout=stdout,
        stderr=stderr,
        help="print the spec errors and warnings of model files, checking nothing",
        description="Print the spec errors and warnings of model files without checking "
        "anything. Exit 0 if clean, 1 if there are warnings only, 2 on a spec error.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="a .fspec model file")
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="output format (default: text)",
    )


def add_check_options(check_parser: argparse.ArgumentParser) -> None:
    """Add `--warnings show|ignore|error` to `failspec check`."""
    check_parser.add_argument(
        "--warnings",
        choices=WARNING_MODES,
        default="show",
        help="show warnings on standard error (default), ignore them, or treat any "
        "warning as an error: exit 2 before anything is checked",
    )


def warning_to_json(warning: SpecWarning) -> dict[str, Any]:
    """One entry of a report's `warnings` (keys in a fixed order)."""
    span = warning.span
    return {
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "kind": warning.kind.value,
        "message": warning.message,
        "hint": warning.hint,
    }


def _source(file: str) -> str | None:
    try:
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def render_diagnostics(result: LintResult) -> str:
    """The errors and warnings of one file, sorted by position, each with its caret."""
    source = _source(result.file)
    items: list[tuple[tuple[int, int, str], str]] = []
    for error in result.errors:
        key = (error.span.line, error.span.column, error.message)
        items.append((key, render_error(error, source)))
    for warning in result.warnings:
        key = (warning.span.line, warning.span.column, warning.message)
        items.append((key, render_warning(warning, source)))
    return "".join(text + "\n" for _, text in sorted(items))


def check_warnings(
    args: argparse.Namespace, models: Sequence[ir.Model], stdout: IO[str], stderr: IO[str]
) -> tuple[list[SpecWarning], int | None]:
    """For `failspec check`, whose models are valid: their warnings, printed on `stderr`
    (unless ignored), and the exit code when `--warnings error` stops the run (with an
    empty JSON report listing the warnings on `stdout` for `--format json`)."""
    mode = getattr(args, "warnings", "show")
    if mode == "ignore":
        return [], None
    warnings: list[SpecWarning] = []
    seen: set[str] = set()
    for model in models:
        if model.source is None or model.file in seen:
            continue
        seen.add(model.file)
        found = lint_model(model.source, model)
        stderr.write(render_diagnostics(LintResult(model.file, [], found, None)))
        warnings += found
    if mode != "error" or not warnings:
        return warnings, None
    count = len(warnings)
    stderr.write(
        f"failspec: {count} warning{'' if count == 1 else 's'} and --warnings error; "
        "nothing checked\n"
    )
    if args.format != "text":
        from failspec.counterexamples.report import report_to_json
        from failspec.report_formats import render_report

        document = report_to_json([])
        document["warnings"] = [warning_to_json(w) for w in warnings]
        stdout.write(render_report(document, args.format))
    return warnings, ExitCode.BAD_INPUT


def _summary(results: Sequence[LintResult]) -> str:
    errors = sum(len(r.errors) for r in results)
    warnings = sum(len(r.warnings) for r in results)
    files = f"{len(results)} file{'' if len(results) == 1 else 's'}"
    if not errors and not warnings:
        return f"{files}: clean"
    parts = []
    if errors:
        parts.append(f"{errors} spec error{'' if errors == 1 else 's'}")
    parts.append(f"{warnings} warning{'' if warnings == 1 else 's'}")
    return f"{files}: {', '.join(parts)}"


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec lint` with parsed `args`; return the exit code."""
    results = [lint(file) for file in dict.fromkeys(args.files)]
    if args.format == "json":
        document = {
            "format": LINT_FORMAT,
            "files": [r.file for r in results],
            "errors": [error_to_json(e) for r in results for e in r.errors],
            "warnings": [warning_to_json(w) for r in results for w in r.warnings],
        }
        stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        for result in results:
            stdout.write(render_diagnostics(result))
        stdout.write(_summary(results) + "\n")
    if any(r.errors for r in results):
        return EXIT_ERRORS
    if any(r.warnings for r in results):
        return EXIT_WARNINGS
    return EXIT_CLEAN
