"""The `failspec` command: parse arguments, load and check models, print, map to an exit code.

Exit codes (the contract's): 0 every check holds, 1 some check is violated,
2 bad input (a spec error, an unreadable file, an unknown `--check` name, a bad
argument), 3 some verdict is unknown or failspec itself failed.  When both
violated and unknown verdicts occur the exit code is 3: the run is incomplete.
A file with a spec error stops the run before any check: every file's errors
are printed (`file:line:col: message`, the source line, a caret) and nothing
is checked.
"""

from __future__ import annotations  # noqa: I001

import argparse
import os
import re
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from failspec import (
    __version__,
    commands_cutsets,
    commands_diff,
    commands_import,
    commands_lint,
    commands_merge,
    commands_simulate,
    commands_view,
)
from failspec.api import ENGINES, CheckResult, check, load
from failspec.baseline import BaselineError, dump_baseline, key_of, read_baseline, split_accepted
from failspec.checker import ir
from failspec.counterexamples.report import count_verdicts, dump_trace, report_to_json
from failspec.counterexamples.text import render_trace_text
from failspec.options import positive_seconds
from failspec.parallel import default_jobs, parse_shard, run_in_order, shard_positions
from failspec.report_formats import REPORT_FORMATS, render_report
from failspec.spec.errors import SpecError, SpecErrors, render_errors
import contextlib

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
        "--engine",
        choices=ENGINES,
        default="auto",
        help="the engine: explicit, smt, or auto (default: the explicit engine for a bounded amount of work, then smt)",
    )
    check_parser.add_argument(
        "--format",
        choices=("text", *REPORT_FORMATS),
        default="text",
        help="output format (default: text)",
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
        type=positive_seconds,
        help="seconds per check; a check that runs out of time is unknown",
    )
    _add_ci_options(check_parser)
    commands_lint.add_check_options(check_parser)  # v1: --warnings show|ignore|error
    commands_cutsets.add_commands(commands, stdout, stderr)
    commands_view.add_commands(commands, stdout, stderr)
    commands_diff.add_commands(commands, stdout, stderr)
    commands_merge.add_commands(commands, stdout, stderr)
    commands_import.add_commands(commands, stdout, stderr)
    commands_lint.add_commands(commands, stdout, stderr)
    commands_simulate.add_commands(commands, stdout, stderr)
    return parser


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1: {text!r}")
    return int(text)


def _shard(text: str) -> tuple[int, int]:
    try:
        return parse_shard(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_ci_options(check_parser: argparse.ArgumentParser) -> None:
    """The options for CI: parallel processes, shards, baselines, quiet progress."""
    check_parser.add_argument(
        "--jobs",
        metavar="N",
        type=_jobs,
        default=None,
        help="check in N parallel processes (default: the number of cores); "
        "the output is the same as with --jobs 1",
    )
    check_parser.add_argument(
        "--shard",
        metavar="I/N",
        type=_shard,
        help="check only the I-th of N deterministic slices of all (file, check) pairs; "
        "join the shards' JSON reports with `failspec merge`",
    )
    check_parser.add_argument(
        "--baseline",
        metavar="FILE",
        type=Path,
        help="violations accepted in FILE do not fail the run (exit 0 unless others do)",
    )
    check_parser.add_argument(
        "--write-baseline",
        metavar="FILE",
        type=Path,
        help="write every violation of this run to FILE as accepted",
    )
    check_parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress lines on standard error (they appear only on a terminal, outside CI)",
    )


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
        with contextlib.suppress(OSError, UnicodeDecodeError, ValueError):
            sources[file] = Path(file).read_text(encoding="utf-8")
    return sources


def _exit_code(results: Sequence[CheckResult], accepted: Sequence[CheckResult] = ()) -> int:
    """0/1/3 from the verdicts; a violation in `accepted` (the baseline) counts as none."""
    verdicts = {r.verdict for r in results if not any(r is a for a in accepted)}
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


def show_progress(args: argparse.Namespace, stderr: IO[str]) -> bool:
    """Progress lines go to a terminal only: not with --quiet, not in CI (`CI` set)."""
    if args.quiet or os.environ.get("CI", "").strip() not in ("", "0", "false"):
        return False
    isatty = getattr(stderr, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


def _progress_line(done: int, total: int, result: CheckResult) -> str:
    return f"[{done}/{total}] {result.verdict:<8} {result.check}  ({result.file}, {result.seconds:.2f}s)\n"


def _run_check(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:  # noqa: C901
    as_text = args.format == "text"
    try:
        models, errors = _load_models(args.files)
    except Exception as error:  # noqa: BLE001 -- a parser or lowering bug, not bad input
        return _report_internal_error(error, stderr)
    if errors:
        stderr.write(render_errors(errors, _read_sources(errors)))
        count = len(errors)
        stderr.write(f"failspec: {count} spec error{'' if count == 1 else 's'}; nothing checked\n")
        if not as_text:
            stdout.write(render_report(report_to_json([], errors), args.format))
        return EXIT_SPEC_ERROR

    # v1: warnings, printed like spec errors; under --warnings error they stop the run
    warnings, stop = commands_lint.check_warnings(args, stdout, stderr)
    if stop is not None:
        return stop

    if args.check is not None:
        selected = [m for m in models if any(c.name == args.check for c in m.checks)]
        if not selected:
            names = sorted({f'"{c.name}"' for m in models for c in m.checks})
            known = f"; the checks are: {', '.join(names)}" if names else "; there are no checks"
            stderr.write(f'failspec: no check named "{args.check}" in {", ".join(args.files)}')
            stderr.write(known + "\n")
            return EXIT_SPEC_ERROR
        models = selected

    accepted_keys: set[tuple[str, str]] = set()
    if args.baseline is not None:
        try:
            accepted_keys = read_baseline(args.baseline)
        except BaselineError as error:
            stderr.write(f"failspec: {error}\n")
            return EXIT_SPEC_ERROR

    if args.save is not None:
        try:
            args.save.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            stderr.write(f"failspec: cannot create {args.save}: {error.strerror or error}\n")
            return EXIT_SPEC_ERROR

    # One task per (model, check), in file order then declaration order; a shard keeps
    # every N-th of them.
    tasks = [
        (index, item.name)
        for index, model in enumerate(models)
        for item in model.checks
        if args.check is None or item.name == args.check
    ]
    total_tasks = len(tasks)
    positions = list(range(total_tasks))
    if args.shard is not None:
        positions = shard_positions(total_tasks, *args.shard)
        tasks = [tasks[p] for p in positions]
    engine, timeout = args.engine, args.timeout

    def run_one(task: tuple[int, str]) -> CheckResult:
        (result,) = check(models[task[0]], task[1], engine=engine, timeout=timeout)
        return result

    jobs = default_jobs() if args.jobs is None else args.jobs
    outcomes = run_in_order(tasks, run_one, jobs)
    progress = show_progress(args, stderr)
    text = _Lines(stdout)
    results: list[CheckResult] = []
    accepted: list[CheckResult] = []
    used_names: set[str] = set()
    color = commands_view.use_color(stdout)
    for index, model in enumerate(models):
        count = sum(1 for task in tasks if task[0] == index)
        if as_text and (count or not model.checks):
            text.write("")
            text.write(f"{model.file}  (model {model.name})")
        for _ in range(count):
            try:
                result = next(outcomes)
            except Exception as error:  # noqa: BLE001 -- an engine bug: one line, no traceback
                stdout.flush()
                return _report_internal_error(error, stderr)
            results.append(result)
            if progress:
                stderr.write(_progress_line(len(results), len(tasks), result))
                stderr.flush()
            is_accepted = (
                result.verdict == "violated" and key_of(result.file, result.check) in accepted_keys
            )
            if is_accepted:
                accepted.append(result)
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
            if as_text:
                lines = _result_lines(result, saved, color)
                if is_accepted:
                    lines[0] += "  (accepted in the baseline)"
                for line in lines:
                    text.write(line)
        stdout.flush()

    stale = split_accepted(results, accepted_keys)[1] if args.baseline is not None else []
    for file, name in stale:
        stderr.write(
            f'failspec: the baseline accepts "{name}" in {file}, which is no longer violated; '
            "rewrite it with --write-baseline\n"
        )
    if args.write_baseline is not None:
        try:
            args.write_baseline.write_text(dump_baseline(results), encoding="utf-8")
        except OSError as error:
            where = args.write_baseline
            stderr.write(f"failspec: cannot write {where}: {error.strerror or error}\n")
            return EXIT_SPEC_ERROR
        accepted = [r for r in results if r.verdict == "violated"]

    if as_text:
        text.write("")
        summary = _summary_line(results)
        if accepted:
            summary += f" ({len(accepted)} accepted in the baseline)"
        text.write(summary)
    else:
        document = report_to_json(results)
        if warnings:
            document["warnings"] = [commands_lint.warning_to_json(w) for w in warnings]
        if args.shard is not None:
            index, count = args.shard
            document["shard"] = {
                "index": index,
                "count": count,
                "total": total_tasks,
                "positions": positions,
            }
        if args.baseline is not None or args.write_baseline is not None:
            document["baseline"] = {
                "accepted": [{"file": r.file, "check": r.check} for r in accepted],
                "stale": [{"file": file, "check": name} for file, name in stale],
            }
        stdout.write(render_report(document, args.format))
    return _exit_code(results, accepted)


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
    if args.command in commands_diff.COMMANDS:
        return commands_diff.run_command(args, out, err)
    if args.command in commands_merge.COMMANDS:
        return commands_merge.run_command(args, out, err)
    if args.command in commands_import.COMMANDS:
        return commands_import.run_command(args, out, err)
    if args.command in commands_lint.COMMANDS:
        return commands_lint.run_command(args, out, err)
    if args.command in commands_simulate.COMMANDS:
        return commands_simulate.run_command(args, out, err)
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
