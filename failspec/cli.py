"""The `failspec` command: parse arguments, load and check models, print, map to an exit code.

Exit codes (the contract's): 0 every check holds, 1 some check is violated,
2 bad input (a spec error, an unreadable file, an unknown `--check` name, a bad
argument), 3 some verdict is unknown or failspec itself failed.  When both
violated and unknown verdicts occur the exit code is 3: the run is incomplete.
A file with a spec error stops the run before any check: every file's errors
are printed (`file:line:col: message`, the source line, a caret) and nothing
is checked.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from failspec import __version__, commands_cutsets, commands_view
from failspec.api import ENGINES, CheckResult, check, load
from failspec.checker import ir
from failspec.counterexamples.report import count_verdicts, dump_report, dump_trace
from failspec.counterexamples.text import render_trace_text
from failspec.spec.errors import SpecError, SpecErrors, render_errors

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

EXIT_HOLDS = 0
EXIT_VIOLATED = 1
EXIT_SPEC_ERROR = 2
EXIT_UNKNOWN = 3

VERDICT_MARKS = {"holds": "✓ holds", "violated": "✗ violated", "unknown": "? unknown"}
MARK_WIDTH = max(len(mark) for mark in VERDICT_MARKS.values())
TIMELINE_INDENT = "      "


class _ParserExit(Exception):
    """argparse wanted to end the program (after --help, --version or a usage error)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that writes to the streams given to `main` and never calls sys.exit."""

    def __init__(self, *args: Any, stdout: IO[str], stderr: IO[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._stdout = stdout
        self._stderr = stderr

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            to_stderr = file is sys.stderr or file is self._stderr
            (self._stderr if to_stderr else self._stdout).write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._stderr.write(message)
        raise _ParserExit(status)


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def build_parser(stdout: IO[str], stderr: IO[str]) -> argparse.ArgumentParser:
    """Return the argument parser of the `failspec` command, writing to `stdout`/`stderr`."""
    parser = _Parser(
        stdout=stdout,
        stderr=stderr,
        prog="failspec",
        description="Prove or refute failover and failure-propagation properties of a model.",
    )
    parser.add_argument("--version", action="version", version=f"failspec {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check_parser = commands.add_parser(
        "check",
        stdout=stdout,
        stderr=stderr,
        help="check every property of the given model files",
        description="Check the properties of model files. Exit 0 if every check holds, "
        "1 if some check is violated, 2 on a spec error, 3 if a verdict is unknown.",
    )
    check_parser.add_argument("files", nargs="+", metavar="FILE", help="a .fspec model file")
    check_parser.add_argument("--check", metavar="NAME", help="only the check with this name")
    check_parser.add_argument(
        "--engine", choices=ENGINES, default="explicit", help="the engine (default: explicit)"
    )
    check_parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    check_parser.add_argument(
        "--save",
        metavar="DIR",
        type=Path,
        help="write each counterexample to DIR/<model>--<check>.json",
    )
    check_parser.add_argument(
        "--timeout",
        metavar="S",
        type=_positive_seconds,
        help="seconds per check; a check that runs out of time is unknown",
    )
    commands_cutsets.add_commands(commands, stdout, stderr)
    commands_view.add_commands(commands, stdout, stderr)
    return parser


def slugify(name: str) -> str:
    """Return `name` in lower case with every run of other characters than a-z, 0-9 as `-`."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "check"


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _report_internal_error(error: BaseException, stderr: IO[str]) -> int:
    stderr.write(f"failspec: internal error: {_one_line(error)}\n")
    if os.environ.get("FAILSPEC_DEBUG") == "1":
        stderr.write("".join(traceback.format_exception(error)))
    else:
        stderr.write("failspec: set FAILSPEC_DEBUG=1 for the traceback\n")
    return EXIT_UNKNOWN


def _read_sources(errors: Sequence[SpecError]) -> dict[str, str]:
    """Return the text of every readable file named by `errors`, for the caret lines."""
    sources: dict[str, str] = {}
    for file in sorted({e.span.file for e in errors}):
        try:
            sources[file] = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError, ValueError):
            pass
    return sources


def _exit_code(results: Sequence[CheckResult]) -> int:
    verdicts = {r.verdict for r in results}
    if verdicts - {"holds", "violated"}:
        return EXIT_UNKNOWN
    if "violated" in verdicts:
        return EXIT_VIOLATED
    return EXIT_HOLDS


def _summary_line(results: Sequence[CheckResult]) -> str:
    counts = count_verdicts(r.verdict for r in results)
    total = counts["checks"]
    parts = [f"{counts['holds']} holds", f"{counts['violated']} violated"]
    if counts["unknown"]:
        parts.append(f"{counts['unknown']} unknown")
    return f"{total} check{'' if total == 1 else 's'}: {', '.join(parts)}"


def _result_lines(result: CheckResult, saved: Path | None, color: bool = False) -> list[str]:
    mark = VERDICT_MARKS.get(result.verdict, f"? {result.verdict}").ljust(MARK_WIDTH)
    # No timings in text output: the same input prints the same bytes (`--format json`
    # has each check's seconds).
    line = f"  {mark}  {result.check}"
    if result.reason:
        line += f"  — {result.reason}"
    lines = [line]
    if result.counterexample is not None:
        timeline = render_trace_text(result.counterexample, color=color)
        lines.extend((TIMELINE_INDENT + row).rstrip() for row in timeline.rstrip("\n").split("\n"))
        if saved is not None:
            lines.append(f"{TIMELINE_INDENT}counterexample saved to {saved}")
            lines.append(f"{TIMELINE_INDENT}viewer page saved to {commands_view.html_path(saved)}")
        lines.append("")
    return lines


class _Lines:
    """Writes lines to a stream as they come, with at most one blank line between blocks."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._state = "start"  # "start", "text" or "blank"

    def write(self, line: str) -> None:
        if not line:
            if self._state == "text":
                self._stream.write("\n")
                self._state = "blank"
            return
        self._stream.write(line + "\n")
        self._state = "text"


def _save_path(directory: Path, result: CheckResult, used: set[str]) -> Path:
    """Return DIR/<model>--<slug>.json, numbered `-2`, `-3`, … if the name is taken."""
    stem = f"{result.model}--{slugify(result.check)}"
    name, number = f"{stem}.json", 1
    while name in used:
        number += 1
        name = f"{stem}-{number}.json"
    used.add(name)
    return directory / name


def _load_models(files: Sequence[str]) -> tuple[list[ir.Model], list[SpecError]]:
    models: list[ir.Model] = []
    errors: list[SpecError] = []
    for file in files:
        try:
            models.append(load(file))
        except SpecErrors as failure:
            errors.extend(failure.errors)
        except SpecError as failure:
            errors.append(failure)
    return models, errors


def _run_check(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    as_json = args.format == "json"
    try:
        models, errors = _load_models(args.files)
    except Exception as error:  # noqa: BLE001 -- a parser or lowering bug, not bad input
        return _report_internal_error(error, stderr)
    if errors:
        stderr.write(render_errors(errors, _read_sources(errors)))
        count = len(errors)
        stderr.write(f"failspec: {count} spec error{'' if count == 1 else 's'}; nothing checked\n")
        if as_json:
            stdout.write(dump_report([], errors))
        return EXIT_SPEC_ERROR

    if args.check is not None:
        selected = [m for m in models if any(c.name == args.check for c in m.checks)]
        if not selected:
            names = sorted({f'"{c.name}"' for m in models for c in m.checks})
            known = f"; the checks are: {', '.join(names)}" if names else "; there are no checks"
            stderr.write(f'failspec: no check named "{args.check}" in {", ".join(args.files)}')
            stderr.write(known + "\n")
            return EXIT_SPEC_ERROR
        models = selected

    if args.save is not None:
        try:
            args.save.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            stderr.write(f"failspec: cannot create {args.save}: {error.strerror or error}\n")
            return EXIT_SPEC_ERROR

    text = _Lines(stdout)
    results: list[CheckResult] = []
    used_names: set[str] = set()
    color = commands_view.use_color(stdout)
    for model in models:
        try:
            model_results = check(model, args.check, engine=args.engine, timeout=args.timeout)
        except Exception as error:  # noqa: BLE001 -- an engine bug: one line, no traceback
            stdout.flush()
            return _report_internal_error(error, stderr)
        if not as_json:
            text.write("")
            text.write(f"{model.file}  (model {model.name})")
        for result in model_results:
            saved = None
            if args.save is not None and result.counterexample is not None:
                saved = _save_path(args.save, result, used_names)
                try:
                    saved.write_text(dump_trace(result.counterexample), encoding="utf-8")
                    commands_view.save_trace_html(result.counterexample, saved)
                except OSError as error:
                    name = error.filename or saved
                    stderr.write(f"failspec: cannot write {name}: {error.strerror or error}\n")
                    return EXIT_SPEC_ERROR
            if not as_json:
                for line in _result_lines(result, saved, color):
                    text.write(line)
        stdout.flush()
        results.extend(model_results)

    if as_json:
        stdout.write(dump_report(results))
    else:
        text.write("")
        text.write(_summary_line(results))
    return _exit_code(results)


def main(
    argv: Sequence[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the `failspec` command with `argv` (default: sys.argv[1:]); return the exit code."""
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    parser = build_parser(out, err)
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except _ParserExit as stop:
        return stop.status
    if args.command is None:
        parser.print_usage(err)
        err.write("failspec: error: a command is required (failspec check FILE…)\n")
        return EXIT_SPEC_ERROR
    if args.command in commands_cutsets.COMMANDS:
        return commands_cutsets.run_command(args, out, err)
    if args.command in commands_view.COMMANDS:
        return commands_view.run_command(args, out, err)
    return _run_check(args, out, err)


def console_main() -> NoReturn:
    """The console script `failspec`: run `main` on the process's arguments and exit."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # A terminal without UTF-8 still gets ✓ and ← as escapes, not a crash.
            reconfigure(errors="backslashreplace")
    try:
        code = main()
    except KeyboardInterrupt:
        sys.stderr.write("failspec: interrupted\n")
        code = 130
    sys.exit(code)
