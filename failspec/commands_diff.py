"""The `diff` command: what a design change did to safety.

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

from __future__ import annotations  # noqa: I001

import argparse
import json
import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from failspec.api import check, load, loads
from failspec.checker import ir
from failspec.checker.cut_sets import timed_cut_sets
from failspec.options import positive_seconds
from failspec.spec.errors import SpecError, SpecErrors, render_errors
import contextlib

COMMANDS = ("diff",)
DIFF_FORMAT = "failspec-diff/1"
MAX_ORDER = 2
ORDER_NAMES = {1: "single point of failure", 2: "pair"}

CutSetLabels = tuple[str, ...]
"""A cut set as fault labels (`component.mode`), in the model's fault order."""


class _BadInput(Exception):
    """Bad input: the message is printed and the exit code is 2."""


@dataclass(frozen=True)
class CheckState:
    """One check of one version: its verdict and its minimal cut sets up to order 2."""

    verdict: str
    cut_sets: tuple[CutSetLabels, ...]
    complete: bool
    """False when the verdict is unknown or the cut-set search ran out of time."""

    @property
    def without_faults(self) -> bool:
        """Violated with no fault at all (the empty set is the only minimal cut set)."""
        return () in self.cut_sets


@dataclass(frozen=True)
class CheckDiff:
    """A check in the old version, the new one, or both."""

    check: str
    old: CheckState | None
    new: CheckState | None
    appeared: tuple[CutSetLabels, ...] = ()
    disappeared: tuple[CutSetLabels, ...] = ()

    @property
    def status(self) -> str:
        """`added`, `removed`, `broken` (holds → violated), `fixed` (violated → holds),
        `changed` (another verdict change), `cut sets` (same verdict, cut sets moved)
        or `unchanged`."""
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        if (self.old.verdict, self.new.verdict) == ("holds", "violated"):
            return "broken"
        if (self.old.verdict, self.new.verdict) == ("violated", "holds"):
            return "fixed"
        if self.old.verdict != self.new.verdict:
            return "changed"
        if self.appeared or self.disappeared or self.old.without_faults != self.new.without_faults:
            return "cut sets"
        return "unchanged"

    @property
    def new_single_points(self) -> tuple[CutSetLabels, ...]:
        return tuple(c for c in self.appeared if len(c) == 1)

    @property
    def complete(self) -> bool:
        return all(s.complete for s in (self.old, self.new) if s is not None)


@dataclass(frozen=True)
class FileDiff:
    """One model file: `old` and `new` name its versions (None: absent)."""

    old: str | None
    new: str | None
    checks: tuple[CheckDiff, ...]

    @property
    def name(self) -> str:
        return self.new or self.old or "?"


# --- the comparison ---------------------------------------------------------------


def _state(model: ir.Model, item: ir.Check, timeout: float | None, cut_sets: bool) -> CheckState:
    (result,) = check(model, item.name, timeout=timeout)
    complete = result.verdict in ("holds", "violated")
    sets: tuple[CutSetLabels, ...] = ()
    if cut_sets:
        deadline = None if timeout is None else time.perf_counter() + timeout
        timed = timed_cut_sets(model, item, MAX_ORDER, deadline)
        complete = complete and timed.complete
        sets = tuple(tuple(model.fault(n).label for n in c) for c in timed.cut_sets)
    return CheckState(result.verdict, sets, complete)


def compare_models(
    old: ir.Model | None, new: ir.Model | None, timeout: float | None = None
) -> tuple[CheckDiff, ...]:
    """Compare the checks of two versions of a model (None: the version is absent);
    return one entry per check, the new version's checks first in their order, then
    the removed ones in the old order."""
    old_checks = {c.name: c for c in old.checks} if old is not None else {}
    new_checks = {c.name: c for c in new.checks} if new is not None else {}
    diffs = []
    for name, item in new_checks.items():
        assert new is not None
        if name not in old_checks:
            diffs.append(CheckDiff(name, None, _state(new, item, timeout, cut_sets=False)))
            continue
        assert old is not None
        before = _state(old, old_checks[name], timeout, cut_sets=True)
        after = _state(new, item, timeout, cut_sets=True)
        appeared: tuple[CutSetLabels, ...] = ()
        disappeared: tuple[CutSetLabels, ...] = ()
        if not before.without_faults and not after.without_faults:
            old_sets = {frozenset(c) for c in before.cut_sets}
            new_sets = {frozenset(c) for c in after.cut_sets}
            appeared = tuple(c for c in after.cut_sets if frozenset(c) not in old_sets)
            disappeared = tuple(c for c in before.cut_sets if frozenset(c) not in new_sets)
        diffs.append(CheckDiff(name, before, after, appeared, disappeared))
    for name, item in old_checks.items():
        if name not in new_checks:
            assert old is not None
            diffs.append(CheckDiff(name, _state(old, item, timeout, cut_sets=False), None))
    return tuple(diffs)


def exit_code(files: Sequence[FileDiff]) -> int:
    """3 if incomplete, else 1 if a check broke or a single point of failure appeared, else 0."""
    checks = [c for f in files for c in f.checks]
    if not all(c.complete for c in checks):
        return 3
    if any(c.status == "broken" or c.new_single_points for c in checks if c.old and c.new):
        return 1
    return 0


def findings(files: Sequence[FileDiff]) -> list[str]:
    """The sentences a reviewer needs, most serious first."""
    broken, spofs, fixed, removed_spofs, pairs, others = [], [], [], [], [], []
    for file in files:
        for item in file.checks:
            where = f'"{item.check}" in {file.name}'
            if item.status == "broken":
                broken.append(f"the change breaks {where}, which held")
            if item.status == "fixed":
                fixed.append(f"the change fixes {where}")
            if item.status == "removed":
                others.append(f"the change removes the check {where}")
            for cut_set in item.appeared:
                if len(cut_set) == 1:
                    spofs.append(
                        f"the change adds a single point of failure: {cut_set[0]} ({where})"
                    )
                else:
                    pairs.append(f"the change adds a pair: {' + '.join(cut_set)} ({where})")
            for cut_set in item.disappeared:
                if len(cut_set) == 1:
                    removed_spofs.append(
                        f"the change removes a single point of failure: {cut_set[0]} ({where})"
                    )
                else:
                    pairs.append(f"the change removes a pair: {' + '.join(cut_set)} ({where})")
            if item.old and item.new and item.old.without_faults != item.new.without_faults:
                now = "now" if item.new.without_faults else "no longer"
                others.append(f"{where} is {now} violated with no fault at all")
    return broken + spofs + fixed + removed_spofs + pairs + others


# --- input ------------------------------------------------------------------------


def _git(args: Sequence[str], cwd: str | Path) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False
        )
    except OSError as error:
        raise _BadInput(f"cannot run git: {error.strerror or error}") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise _BadInput(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


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


def _versions_from_git(
    base: str, paths: Sequence[str]
) -> list[tuple[str | None, str | None, str | None]]:
    """Return (old label, old text, new path) for every changed *.fspec file."""
    _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], ".")
    top = Path(_git(["rev-parse", "--show-toplevel"], ".").strip())
    listing = _git(["diff", "--name-status", "--no-renames", "-z", base, "--", *paths], ".")
    fields = listing.split("\0")
    changed = []
    for status, name in zip(fields[0::2], fields[1::2], strict=False):
        if not name.endswith(".fspec"):
            continue
        shown = os.path.relpath(top / name)
        old_label = old_text = None
        if not status.startswith("A"):
            old_text = _git(["show", f"{base}:{name}"], top)
            old_label = f"{base}:{Path(shown).as_posix()}"
        new_path = None if status.startswith("D") else shown
        changed.append((old_label, old_text, new_path))
    return sorted(changed, key=lambda item: item[2] or item[0] or "")


# --- output -----------------------------------------------------------------------


def _cut_set_json(cut_set: CutSetLabels) -> dict[str, Any]:
    return {"order": len(cut_set), "faults": list(cut_set)}


def diff_to_json(base: str | None, files: Sequence[FileDiff]) -> dict[str, Any]:
    """Return the `failspec-diff/1` document (keys in a fixed order, no timings)."""
    checks = [c for f in files for c in f.checks]
    return {
        "format": DIFF_FORMAT,
        "base": base,
        "files": [
            {
                "old": f.old,
                "new": f.new,
                "checks": [
                    {
                        "check": c.check,
                        "status": c.status,
                        "old_verdict": c.old.verdict if c.old else None,
                        "new_verdict": c.new.verdict if c.new else None,
                        "cut_sets": None
                        if not (c.old and c.new)
                        else {
                            "max_order": MAX_ORDER,
                            "appeared": [_cut_set_json(s) for s in c.appeared],
                            "disappeared": [_cut_set_json(s) for s in c.disappeared],
                            "violated_without_faults": {
                                "old": c.old.without_faults,
                                "new": c.new.without_faults,
                            },
                        },
                        "complete": c.complete,
                    }
                    for c in f.checks
                ],
            }
            for f in files
        ],
        "summary": {
            "files": len(files),
            "checks": {
                status: sum(1 for c in checks if c.status == status)
                for status in (
                    "broken",
                    "fixed",
                    "changed",
                    "cut sets",
                    "added",
                    "removed",
                    "unchanged",
                )
            },
            "single_points_of_failure_added": [s[0] for c in checks for s in c.new_single_points],
        },
        "findings": findings(files),
        "exit_code": exit_code(files),
    }


def _verdicts(item: CheckDiff) -> str:
    old = item.old.verdict if item.old else "absent"
    new = item.new.verdict if item.new else "absent"
    return old if old == new else f"{old} → {new}"


def _cut_set_lines(item: CheckDiff) -> list[str]:
    lines = []
    for sign, sets in (("+", item.appeared), ("-", item.disappeared)):
        for cut_set in sets:
            lines.append(f"{sign} {ORDER_NAMES[len(cut_set)]}: {' + '.join(cut_set)}")
    if item.old and item.new and item.old.without_faults != item.new.without_faults:
        lines.append(
            "now violated with no fault at all"
            if item.new.without_faults
            else "no longer violated with no fault at all"
        )
    if not item.complete:
        lines.append("INCOMPLETE: a verdict is unknown or the cut-set search hit the time limit")
    return lines


def _headline(files: Sequence[FileDiff]) -> str:
    checks = [c for f in files for c in f.checks]
    broken = sum(1 for c in checks if c.status == "broken")
    spofs = sum(len(c.new_single_points) for c in checks if c.old and c.new)
    code = exit_code(files)
    parts = [
        f"breaks {broken} check{'' if broken == 1 else 's'} that held",
        f"adds {spofs} single point{'' if spofs == 1 else 's'} of failure",
    ]
    verdict = {0: "ok", 1: "FAILS", 3: "INCOMPLETE"}[code]
    return f"{verdict}: the change {' and '.join(parts)}"


def render_text(files: Sequence[FileDiff]) -> str:
    """Return the diff as plain text: per file the checks that changed, then the findings."""
    lines: list[str] = []
    for file in files:
        if file.old is None:
            head = f"{file.new}  (added)"
        elif file.new is None:
            head = f"{file.old}  (removed)"
        else:
            head = f"{file.old} → {file.new}"
        lines.append(head)
        shown = [c for c in file.checks if c.status != "unchanged"]
        for item in shown:
            lines.append(f"  {item.status:<9}  {item.check}: {_verdicts(item)}")
            lines += [f"             {line}" for line in _cut_set_lines(item)]
        unchanged = len(file.checks) - len(shown)
        if unchanged:
            lines.append(f"  {unchanged} check{'' if unchanged == 1 else 's'} unchanged")
        lines.append("")
    if not files:
        lines += ["no model file changed", ""]
    lines += findings(files)
    lines.append(_headline(files))
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(files: Sequence[FileDiff]) -> str:
    """Return the diff as GitHub-flavoured markdown for a pull-request comment."""
    code = exit_code(files)
    mark = {0: "✅", 1: "❌", 3: "⚠️"}[code]
    lines = ["## failspec diff", "", f"{mark} **{_md(_headline(files))}**", ""]
    found = findings(files)
    if found:
        lines += [f"- {_md(sentence)}" for sentence in found] + [""]
    for file in files:
        lines += [f"### `{file.name}`", ""]
        shown = [c for c in file.checks if c.status != "unchanged"]
        if shown:
            lines += ["| check | verdict | change | cut sets (order ≤ 2) |", "|---|---|---|---|"]
            for item in shown:
                cut_sets = "<br>".join(_md(line) for line in _cut_set_lines(item)) or ""
                verdicts = _md(_verdicts(item))
                if item.status == "broken":
                    verdicts = f"**{verdicts}**"
                lines.append(f"| {_md(item.check)} | {verdicts} | {item.status} | {cut_sets} |")
            lines.append("")
        unchanged = len(file.checks) - len(shown)
        if unchanged:
            lines += [f"{unchanged} check{'' if unchanged == 1 else 's'} unchanged.", ""]
    if not files:
        lines += ["No model file changed.", ""]
    return "\n".join(lines)


# --- the command ------------------------------------------------------------------


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
    diff.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="output format (default: text)",
    )
    diff.add_argument(
        "--timeout",
        metavar="S",
        type=positive_seconds,
        help="seconds per check and per cut-set search",
    )


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec diff` with parsed `args`; return the exit code."""
    errors: list[SpecError] = []
    old_errors: list[SpecError] = []
    pairs: list[tuple[str | None, ir.Model | None, str | None, ir.Model | None]] = []
    try:
        if args.base is None:
            if len(args.paths) != 2:
                raise _BadInput("give two model files, OLD NEW, or --base REV [PATH…]")
            old_path, new_path = args.paths
            old = _load_file(old_path, errors)
            new = _load_file(new_path, errors)
            pairs.append((old_path, old, new_path, new))
        else:
            for old_label, old_text, new_path in _versions_from_git(args.base, args.paths):
                old = None
                if old_text is not None and old_label is not None:
                    old = _load_text(old_text, old_label, old_errors)
                new = _load_file(new_path, errors) if new_path is not None else None
                pairs.append((old_label if old is not None else None, old, new_path, new))
    except _BadInput as error:
        stderr.write(f"failspec: {error}\n")
        return 2
    if errors:
        sources = {}
        for spec_error in errors:
            file = spec_error.span.file
            with contextlib.suppress(OSError, UnicodeDecodeError):
                sources[file] = Path(file).read_text(encoding="utf-8")
        stderr.write(render_errors(errors, sources))
        stderr.write(f"failspec: {len(errors)} spec error(s); nothing compared\n")
        return 2
    if old_errors:
        stderr.write(render_errors(old_errors, {}))
        stderr.write("failspec: the old version of these files has spec errors; read as absent\n")
    files = []
    for old_label, old, new_label, new in pairs:
        checks = compare_models(old, new, args.timeout)
        files.append(FileDiff(old_label, new_label if new is not None else None, checks))
    if args.format == "json":
        document = diff_to_json(args.base, files)
        stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        stdout.write(render_markdown(files))
    else:
        stdout.write(render_text(files))
    return exit_code(files)
