"""The `diff` command: what a design change did to safety (the comparison is
`failspec/design_diff.py`'s, the words `counterexamples/diff_text.py`'s).

    failspec diff OLD.fspec NEW.fspec
    failspec diff --base REV [PATH…]

compares two versions of a model: the verdict of every check (matched by
name), the checks added and removed, and for every check in both versions the
minimal cut sets of order 1 and 2 that appeared or disappeared (faults are
matched by `component.mode`, so renumbering does not matter).  Cut sets are
searched over the faults the check's hypothesis selects, up to order 2 even
when its bound is 1: a pair that breaks a single-fault check is what the next
design review wants to know.  A check violated with no fault at all has the
empty set as its only minimal cut set; its order 1 and 2 sets are then not
compared (the output says so instead).

With `--base REV` every `*.fspec` file that differs between the revision and
the working tree (`git diff REV`, under the PATHs if given) is compared; the
old text comes from `git show REV:path`.  A file added since REV has only
added checks, a deleted one only removed checks.

Exit codes: 1 when the change breaks a check that held (holds → violated) or
adds a cut set of order 1 (a single point of failure) to a check present in
both versions; 0 otherwise; 2 bad input (a spec error in a new version, an
unreadable file, not a git revision); 3 when a verdict is unknown or a cut-set
search hit `--timeout` (the comparison is incomplete).  A spec error in an old
version is reported on standard error and that version treated as absent.
"""

from __future__ import annotations

import argparse
import json
from typing import IO, Any

from failspec.api import load, loads
from failspec.checker import ir
from failspec.checker.engines import ENGINE_NAMES
from failspec.commands_check import result_cache
from failspec.counterexamples.diff_text import render_diff_markdown, render_diff_text
from failspec.design_diff import (
    FileDiff,
    GitError,
    compare_models,
    diff_document,
    versions_from_git,
)
from failspec.exit_codes import ExitCode
from failspec.options import (
    add_cache_options,
    add_format_option,
    add_jobs_option,
    positive_seconds,
    render_spec_errors,
)
from failspec.parallel import default_jobs
from failspec.spec.errors import SpecError, SpecErrors, render_errors

COMMANDS = ("diff",)

Versions = list[tuple[str | None, ir.Model | None, str | None, ir.Model | None]]
"""(old label, old model, new label, new model) per file; a model is None when absent."""


class _BadInput(Exception):
    """Bad input: the message is printed and the exit code is 2."""


def add_commands(commands: Any, stdout: IO[str], stderr: IO[str]) -> None:
    """Add the `diff` subparser to `commands`."""
    diff = commands.add_parser(
        "diff",
        stdout=stdout,
        stderr=stderr,
        help="what a design change did to verdicts and cut sets",
        description="Compare two versions of a model (OLD NEW), or every model file changed "
        "since a git revision (--base REV [PATH…]): verdict changes, checks added and removed, "
        "minimal cut sets of order 1 and 2 that appeared or disappeared. Exit 1 when the change "
        "breaks a check that held or adds a single point of failure, 2 on bad input, 3 when "
        "incomplete.",
    )
    diff.add_argument("paths", nargs="*", metavar="PATH", help="OLD NEW, or with --base: paths")
    diff.add_argument("--base", metavar="REV", help="compare with this git revision")
    add_format_option(diff, ("text", "json", "markdown"))
    diff.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        default="auto",
        help="the engine for verdicts and cut sets (default: auto)",
    )
    add_cache_options(diff)
    add_jobs_option(diff)
    diff.add_argument(
        "--timeout",
        metavar="S",
        type=positive_seconds,
        help="seconds per check and per cut-set search",
    )


def _load_text(text: str, file: str, errors: list[SpecError]) -> ir.Model | None:
    try:
        return loads(text, file)
    except SpecErrors as failure:
        errors.extend(failure.errors)
    return None


def _load_file(path: str, errors: list[SpecError]) -> ir.Model | None:
    try:
        return load(path)
    except SpecErrors as failure:
        errors.extend(failure.errors)
    return None


def _versions(
    args: argparse.Namespace, errors: list[SpecError], old_errors: list[SpecError]
) -> Versions:
    """The versions to compare: OLD NEW, or every changed file since `--base`."""
    if args.base is None:
        if len(args.paths) != 2:
            raise _BadInput("give two model files, OLD NEW, or --base REV [PATH…]")
        old_path, new_path = args.paths
        return [(old_path, _load_file(old_path, errors), new_path, _load_file(new_path, errors))]
    pairs: Versions = []
    try:
        changed = versions_from_git(args.base, args.paths)
    except GitError as error:
        raise _BadInput(str(error)) from None
    for old_label, old_text, new_path in changed:
        old = None
        if old_text is not None and old_label is not None:
            old = _load_text(old_text, old_label, old_errors)
        new = _load_file(new_path, errors) if new_path is not None else None
        pairs.append((old_label if old is not None else None, old, new_path, new))
    return pairs


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec diff` with parsed `args`; return the exit code."""
    errors: list[SpecError] = []
    old_errors: list[SpecError] = []
    try:
        pairs = _versions(args, errors, old_errors)
    except _BadInput as error:
        stderr.write(f"failspec: {error}\n")
        return ExitCode.BAD_INPUT
    if errors:
        stderr.write(render_spec_errors(errors))
        stderr.write(f"failspec: {len(errors)} spec error(s); nothing compared\n")
        return ExitCode.BAD_INPUT
    if old_errors:
        stderr.write(render_errors(old_errors, {}))
        stderr.write("failspec: the old version of these files has spec errors; read as absent\n")
    files = []
    for old_label, old, new_label, new in pairs:
        # beside the new version (a deleted file: where its old version was)
        beside = new_label or (old_label or "").partition(":")[2] or "."
        cache = result_cache(args, beside)
        jobs = default_jobs() if args.jobs is None else args.jobs
        checks = compare_models(old, new, args.timeout, args.engine, cache, jobs)
        files.append(FileDiff(old_label, new_label if new is not None else None, checks))
    document = diff_document(args.base, files)
    if args.format == "json":
        stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        stdout.write(render_diff_markdown(document))
    else:
        stdout.write(render_diff_text(document))
    return int(document["exit_code"])
