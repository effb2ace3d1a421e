"""The `check` command: load model files, decide their checks, print, choose the exit code.

A file with a spec error stops the run before any check: every file's errors
are printed (`file:line:col: message`, the source line, a caret) and nothing
is checked.  Exit codes: `failspec/exit_codes.py` (0 every check holds, 1 some
check is violated and not accepted by a baseline, 2 bad input, 3 some verdict
is unknown).
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from failspec import __version__, commands_lint
from failspec.baseline import BaselineError, dump_baseline, key_of, read_baseline, split_accepted
from failspec.checker import ir
from failspec.checker.engine import ENGINE_NAMES, Verdict
from failspec.commands_view import html_path, save_trace_html, use_color
from failspec.counterexamples.check_text import (
    BlockWriter,
    model_heading,
    progress_line,
    result_lines,
    summary_line,
)
from failspec.counterexamples.report import dump_trace, report_to_json
from failspec.exit_codes import ExitCode
from failspec.options import (
    add_cache_options,
    add_jobs_option,
    positive_seconds,
    render_spec_errors,
)
from failspec.parallel import default_jobs, parse_shard
from failspec.report_formats import REPORT_FORMATS, render_report
from failspec.result_cache import ResultCache, cache_folder
from failspec.spec.errors import SpecError, SpecErrors, SpecWarning

if TYPE_CHECKING:
    from failspec.api import CheckPlan, CheckResult

COMMANDS = ("check",)


class _BadInput(Exception):
    """Bad input found while running: the message is printed and the exit code is 2."""


def add_commands(commands: Any, stdout: IO[str], stderr: IO[str]) -> None:
    """Add the `check` subparser to `commands`."""
    parser = commands.add_parser(
        "check",
        stdout=stdout,
        stderr=stderr,
        help="check every property of the given model files",
        description="Check the properties of model files. Exit 0 if every check holds, "
        "1 if some check is violated, 2 on a spec error, 3 if a verdict is unknown.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="a .fspec model file")
    parser.add_argument("--check", metavar="NAME", help="only the check with this name")
    parser.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        default="auto",
        help="the engine: explicit, smt, or auto (default: the explicit engine for a "
        "bounded amount of work, then smt)",
    )
    parser.add_argument(
        "--format",
        choices=("text", *REPORT_FORMATS),
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "--save",
        metavar="DIR",
        type=Path,
        help="write each counterexample to DIR/<model>--<check>.json",
    )
    parser.add_argument(
        "--timeout",
        metavar="S",
        type=positive_seconds,
        help="seconds per check; a check that runs out of time is unknown",
    )
    add_cache_options(parser)
    _add_ci_options(parser)
    commands_lint.add_check_options(parser)  # v1: --warnings show|ignore|error


def result_cache(args: argparse.Namespace, model_file: str) -> ResultCache | None:
    """The result cache a command's `--cache`/`--no-cache` give for `model_file`."""
    if args.no_cache:
        return None
    return ResultCache(cache_folder(model_file, args.cache), __version__)


def _shard(text: str) -> tuple[int, int]:
    try:
        return parse_shard(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_ci_options(parser: argparse.ArgumentParser) -> None:
    """The options for CI: parallel processes, shards, baselines, quiet progress."""
    add_jobs_option(parser)
    parser.add_argument(
        "--shard",
        metavar="I/N",
        type=_shard,
        help="check only the I-th of N deterministic slices of all (file, check) pairs; "
        "join the shards' JSON reports with `failspec merge`",
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        type=Path,
        help="violations accepted in FILE do not fail the run (exit 0 unless others do)",
    )
    parser.add_argument(
        "--write-baseline",
        metavar="FILE",
        type=Path,
        help="write every violation of this run to FILE as accepted",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress lines on standard error (they appear only on a terminal, outside CI)",
    )


def slugify(name: str) -> str:
    """Return `name` in lower case with every run of other characters than a-z, 0-9 as `-`."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "check"


def exit_code(results: Sequence[CheckResult], accepted: Sequence[CheckResult] = ()) -> ExitCode:
    """0/1/3 from the verdicts; a violation in `accepted` (the baseline) counts as none."""
    verdicts = {r.verdict for r in results if not any(r is a for a in accepted)}
    if verdicts - {Verdict.HOLDS, Verdict.VIOLATED}:
        return ExitCode.INCOMPLETE
    if Verdict.VIOLATED in verdicts:
        return ExitCode.FOUND
    return ExitCode.OK


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
    from failspec.api import load  # the checker is loaded when there is work for it

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


def _select(models: list[ir.Model], args: argparse.Namespace) -> list[ir.Model]:
    """The models that have the `--check` named (all without one)."""
    if args.check is None:
        return models
    selected = [m for m in models if any(c.name == args.check for c in m.checks)]
    if not selected:
        names = sorted({f'"{c.name}"' for m in models for c in m.checks})
        known = f"; the checks are: {', '.join(names)}" if names else "; there are no checks"
        raise _BadInput(f'no check named "{args.check}" in {", ".join(args.files)}{known}')
    return selected


@dataclass
class _Run:
    """What a check run has produced so far, and where it writes."""

    args: argparse.Namespace
    stdout: IO[str]
    stderr: IO[str]
    accepted_keys: set[tuple[str, str]]
    results: list[CheckResult] = field(default_factory=list)
    accepted: list[CheckResult] = field(default_factory=list)
    saved_names: set[str] = field(default_factory=set)
    warnings: list[SpecWarning] = field(default_factory=list)
    """v1: the warnings of the models (listed in the JSON report when there are some)."""

    def save(self, result: CheckResult) -> tuple[str | None, str | None]:
        """Write the counterexample (and its viewer page) under `--save`; return both paths."""
        if self.args.save is None or result.counterexample is None:
            return None, None
        saved = _save_path(self.args.save, result, self.saved_names)
        try:
            saved.write_text(dump_trace(result.counterexample), encoding="utf-8")
            save_trace_html(result.counterexample, saved)
        except OSError as error:
            name = error.filename or saved
            raise _BadInput(f"cannot write {name}: {error.strerror or error}") from None
        return str(saved), str(html_path(saved))

    def take(self, result: CheckResult) -> list[str]:
        """Record one result; return its text lines."""
        self.results.append(result)
        is_accepted = (
            result.verdict == Verdict.VIOLATED
            and key_of(result.file, result.check) in self.accepted_keys
        )
        if is_accepted:
            self.accepted.append(result)
        saved, page = self.save(result)
        lines = result_lines(result, saved, page, use_color(self.stdout))
        if is_accepted:
            lines[0] += "  (accepted in the baseline)"
        return lines


def _prepare(args: argparse.Namespace) -> set[tuple[str, str]]:
    """Read the baseline and make the `--save` folder; return the accepted keys."""
    accepted: set[tuple[str, str]] = set()
    if args.baseline is not None:
        try:
            accepted = read_baseline(args.baseline)
        except BaselineError as error:
            raise _BadInput(str(error)) from None
    if args.save is not None:
        try:
            args.save.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _BadInput(f"cannot create {args.save}: {error.strerror or error}") from None
    return accepted


def _decide_all(run: _Run, models: list[ir.Model], plan: CheckPlan) -> None:
    """Decide every planned check, writing each model's block of text as it comes."""
    args = run.args
    as_text = args.format == "text"
    from failspec.api import run_checks

    jobs = default_jobs() if args.jobs is None else args.jobs
    caches = [result_cache(args, model.file) for model in models]
    outcomes = run_checks(models, plan, args.engine, args.timeout, jobs, caches)
    progress = show_progress(args, run.stderr)
    text = BlockWriter(run.stdout)
    for index, model in enumerate(models):
        count = sum(1 for task in plan.tasks if task[0] == index)
        if as_text and (count or not model.checks):
            text.write("")
            text.write(model_heading(model.file, model.name))
        for _ in range(count):
            lines = run.take(next(outcomes))
            if progress:
                run.stderr.write(progress_line(len(run.results), len(plan.tasks), run.results[-1]))
                run.stderr.flush()
            if as_text:
                for line in lines:
                    text.write(line)
        run.stdout.flush()
    if as_text:
        text.write("")


def _finish(run: _Run, plan: CheckPlan) -> None:
    """Warn about stale baseline entries, write a new baseline, print the summary or report."""
    args = run.args
    stale = split_accepted(run.results, run.accepted_keys)[1] if args.baseline is not None else []
    for file, name in stale:
        run.stderr.write(
            f'failspec: the baseline accepts "{name}" in {file}, which is no longer violated; '
            "rewrite it with --write-baseline\n"
        )
    if args.write_baseline is not None:
        try:
            args.write_baseline.write_text(dump_baseline(run.results), encoding="utf-8")
        except OSError as error:
            where = args.write_baseline
            raise _BadInput(f"cannot write {where}: {error.strerror or error}") from None
        run.accepted = [r for r in run.results if r.verdict == Verdict.VIOLATED]
    if args.format == "text":
        run.stdout.write(summary_line([r.verdict for r in run.results], len(run.accepted)) + "\n")
        return
    document = report_to_json(run.results)
    if run.warnings:  # v1 (decision 40)
        document["warnings"] = [commands_lint.warning_to_json(w) for w in run.warnings]
    if args.shard is not None:
        index, count = args.shard
        document["shard"] = {
            "index": index,
            "count": count,
            "total": plan.total,
            "positions": list(plan.positions),
        }
    if args.baseline is not None or args.write_baseline is not None:
        document["baseline"] = {
            "accepted": [{"file": r.file, "check": r.check} for r in run.accepted],
            "stale": [{"file": file, "check": name} for file, name in stale],
        }
    run.stdout.write(render_report(document, args.format))


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec check` with parsed `args`; return the exit code."""
    models, errors = _load_models(args.files)
    if errors:
        stderr.write(render_spec_errors(errors))
        count = len(errors)
        stderr.write(f"failspec: {count} spec error{'' if count == 1 else 's'}; nothing checked\n")
        if args.format != "text":
            stdout.write(render_report(report_to_json([], errors), args.format))
        return ExitCode.BAD_INPUT
    # v1: warnings, printed like spec errors; under --warnings error they stop the run
    warnings, stop = commands_lint.check_warnings(args, models, stdout, stderr)
    if stop is not None:
        return stop
    try:
        models = _select(models, args)
        run = _Run(args, stdout, stderr, _prepare(args), warnings=warnings)
        from failspec.api import plan_checks

        plan = plan_checks(models, args.check, args.shard)
        _decide_all(run, models, plan)
        _finish(run, plan)
    except _BadInput as error:
        stdout.flush()
        stderr.write(f"failspec: {error}\n")
        return ExitCode.BAD_INPUT
    return exit_code(run.results, run.accepted)
