"""What a design change did to safety: compare two versions of a model.

`compare_models(old, new)` matches the checks of two versions by name and, for
every check in both, finds the minimal cut sets of order 1 and 2 that appeared
or disappeared (faults are matched by `component.mode`, so renumbering does not
matter).  Cut sets are searched over the faults the check's hypothesis
selects, up to order 2 even when its bound is 1: a pair that breaks a
single-fault check is what the next design review wants to know.  A check
violated with no fault at all has the empty set as its only minimal cut set;
its order 1 and 2 sets are then not compared.

A cut set that moved is classified against the other version's sets, so that
a reviewer reads the change right:

- an appeared set that contains a disappeared one *needs more faults* (removing
  the single point of failure X makes the pairs X + Y minimal: X is no longer a
  single point of failure, it now needs a second fault);
- an appeared set contained in a disappeared one *needs fewer faults* (X + Y
  gone because X alone now suffices: X became a single point of failure);
- any other appeared set is *new*, any other disappeared one is *gone*.

`diff_document` gives the `failspec-diff/1` document every renderer reads
(`counterexamples/diff_text.py`).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from failspec.api import check
from failspec.api import cut_sets as cut_sets_of
from failspec.checker import ir
from failspec.checker.cut_sets import TimedCutSets
from failspec.checker.engine import Verdict
from failspec.checker.fingerprint import cut_sets_fingerprint
from failspec.counterexamples.diff_text import findings
from failspec.parallel import run_in_order
from failspec.result_cache import ResultCache

DIFF_FORMAT = "failspec-diff/1"
MAX_ORDER = 2

CutSetLabels = tuple[str, ...]
"""A cut set as fault labels (`component.mode`), in the model's fault order."""


class GitError(Exception):
    """git failed or a revision does not exist (bad input, exit 2)."""


class Status(StrEnum):
    """What a change did to one check."""

    ADDED = "added"
    REMOVED = "removed"
    BROKEN = "broken"
    """holds → violated"""
    FIXED = "fixed"
    """violated → holds"""
    CHANGED = "changed"
    """another verdict change (to or from unknown)"""
    CUT_SETS = "cut sets"
    """the same verdict, but cut sets moved"""
    UNCHANGED = "unchanged"


class Movement(StrEnum):
    """How a cut set that appeared or disappeared relates to the other version's sets."""

    NEW = "new"
    GONE = "gone"
    NEEDS_MORE_FAULTS = "needs more faults"
    NEEDS_FEWER_FAULTS = "needs fewer faults"


@dataclass(frozen=True, slots=True)
class CheckState:
    """One check of one version: its verdict and its minimal cut sets up to order 2."""

    verdict: Verdict
    cut_sets: tuple[CutSetLabels, ...]
    complete: bool
    """False when the verdict is unknown or the cut-set search ran out of time."""

    @property
    def without_faults(self) -> bool:
        """Violated with no fault at all (the empty set is the only minimal cut set)."""
        return () in self.cut_sets


@dataclass(frozen=True, slots=True)
class MovedCutSet:
    """A cut set that appeared or disappeared, its movement, and the other version's
    sets it contains or is contained in (`related`)."""

    faults: CutSetLabels
    movement: Movement
    related: tuple[CutSetLabels, ...]


@dataclass(frozen=True, slots=True)
class CheckDiff:
    """A check in the old version, the new one, or both."""

    check: str
    old: CheckState | None
    new: CheckState | None
    appeared: tuple[MovedCutSet, ...] = ()
    disappeared: tuple[MovedCutSet, ...] = ()

    @property
    def status(self) -> Status:
        if self.old is None:
            return Status.ADDED
        if self.new is None:
            return Status.REMOVED
        verdicts = (self.old.verdict, self.new.verdict)
        if verdicts == (Verdict.HOLDS, Verdict.VIOLATED):
            return Status.BROKEN
        if verdicts == (Verdict.VIOLATED, Verdict.HOLDS):
            return Status.FIXED
        if self.old.verdict != self.new.verdict:
            return Status.CHANGED
        if self.appeared or self.disappeared or self.old.without_faults != self.new.without_faults:
            return Status.CUT_SETS
        return Status.UNCHANGED

    @property
    def new_single_points(self) -> tuple[CutSetLabels, ...]:
        """Single points of failure the change adds (new, or from a pair that lost a fault)."""
        return tuple(c.faults for c in self.appeared if len(c.faults) == 1)

    @property
    def complete(self) -> bool:
        return all(s.complete for s in (self.old, self.new) if s is not None)


@dataclass(frozen=True, slots=True)
class FileDiff:
    """One model file: `old` and `new` name its versions (None: absent)."""

    old: str | None
    new: str | None
    checks: tuple[CheckDiff, ...]

    @property
    def name(self) -> str:
        return self.new or self.old or "?"


# --- the comparison ---------------------------------------------------------------


def _states(
    model: ir.Model, items: Sequence[ir.Check], options: _Options, cut_sets: bool, jobs: int
) -> list[CheckState]:
    """The states of `items`, checks of one version with the same minimal cut sets up
    to `MAX_ORDER` (`cut_sets_fingerprint`; with `cut_sets` False, one check and no
    cut sets), in up to `jobs` processes.  The cut sets are searched once; each
    check's verdict is read from them where they settle it (`verdict_from_cut_sets`),
    else decided."""
    timeout, engine, cache = options
    timed = None
    if cut_sets:
        deadline = None if timeout is None else time.perf_counter() + timeout
        timed = cut_sets_of(model, items[0], MAX_ORDER, deadline, engine, cache, jobs)
    states = []
    for item in items:
        verdict = None if timed is None else verdict_from_cut_sets(timed, item)
        if verdict is None:
            (result,) = check(
                model, item.name, engine=engine, timeout=timeout, cache=cache, jobs=jobs
            )
            verdict = result.verdict
        if timed is None:
            states.append(CheckState(verdict, (), verdict != Verdict.UNKNOWN))
            continue
        sets = tuple(tuple(model.fault(n).label for n in c) for c in timed.cut_sets)
        states.append(CheckState(verdict, sets, verdict != Verdict.UNKNOWN and timed.complete))
    return states


def verdict_from_cut_sets(timed: TimedCutSets, item: ir.Check) -> Verdict | None:
    """The verdict of `item` that its minimal cut sets up to `timed.max_order` settle,
    or None.  A fault set of at most K faults (the bound) violates exactly when it
    contains a minimal cut set of at most K faults; so with K ≤ the order searched,
    the check is violated when such a set was found (even by a search cut short: it
    is a real violation) and holds when the search went to the end and found none.
    A scenario check is judged on its scenario alone: decided, never read."""
    if item.scenario is not None or item.at_most > timed.max_order:
        return None
    if any(len(c) <= item.at_most for c in timed.cut_sets):
        return Verdict.VIOLATED
    return Verdict.HOLDS if timed.complete else None


def _moved(
    sets: tuple[CutSetLabels, ...], others: tuple[CutSetLabels, ...], appearing: bool
) -> tuple[MovedCutSet, ...]:
    """Classify `sets` (that appeared, or disappeared) against `others` (the sets that
    moved the other way)."""
    result = []
    for faults in sets:
        members = frozenset(faults)
        inside = tuple(o for o in others if frozenset(o) < members)
        around = tuple(o for o in others if frozenset(o) > members)
        if inside:
            movement = Movement.NEEDS_MORE_FAULTS if appearing else Movement.NEEDS_FEWER_FAULTS
        elif around:
            movement = Movement.NEEDS_FEWER_FAULTS if appearing else Movement.NEEDS_MORE_FAULTS
        else:
            movement = Movement.NEW if appearing else Movement.GONE
        result.append(MovedCutSet(faults, movement, inside or around))
    return tuple(result)


def _compare(name: str, before: CheckState, after: CheckState) -> CheckDiff:
    if before.without_faults or after.without_faults:
        return CheckDiff(name, before, after)
    old_sets = {frozenset(c) for c in before.cut_sets}
    new_sets = {frozenset(c) for c in after.cut_sets}
    appeared = tuple(c for c in after.cut_sets if frozenset(c) not in old_sets)
    disappeared = tuple(c for c in before.cut_sets if frozenset(c) not in new_sets)
    return CheckDiff(
        name,
        before,
        after,
        _moved(appeared, disappeared, appearing=True),
        _moved(disappeared, appeared, appearing=False),
    )


_Options = tuple[float | None, str, ResultCache | None]
"""(timeout, engine, cache) of a comparison."""


def compare_models(
    old: ir.Model | None,
    new: ir.Model | None,
    timeout: float | None = None,
    engine: str = "auto",
    cache: ResultCache | None = None,
    jobs: int = 1,
) -> tuple[CheckDiff, ...]:
    """Compare the checks of two versions of a model (None: the version is absent);
    return one entry per check, the new version's checks first in their order, then
    the removed ones in the old order.  `timeout` (seconds) bounds each verdict and
    each cut-set search; `engine` names the engine (`checker/engines.py`); both
    versions share `cache`, so a check whose dependency cone the change did not
    touch is answered from it.  The checks are decided in up to `jobs` processes
    (`_decide_both`; the answers never depend on `jobs`)."""
    options: _Options = (timeout, engine, cache)
    old_checks = {c.name: c for c in old.checks} if old is not None else {}
    new_checks = {c.name: c for c in new.checks} if new is not None else {}
    both = [name for name in new_checks if name in old_checks]
    states = _decide_both(old, new, set(both), options, jobs)
    before = {name: states[False, name] for name in old_checks}
    after = {name: states[True, name] for name in new_checks}
    diffs = [
        _compare(name, before[name], after[name])
        if name in both
        else CheckDiff(name, None, after[name])
        for name in new_checks
    ]
    diffs += [CheckDiff(name, before[name], None) for name in old_checks if name not in new_checks]
    return tuple(diffs)


_Task = tuple[ir.Model, list[ir.Check], bool]
"""Checks of one version answered together, and whether they are compared (then
they have the same cut sets, searched once)."""


def _tasks(
    model: ir.Model | None, checks: dict[str, ir.Check], compared: set[str], engine: str
) -> dict[str, _Task]:
    """The tasks of one version by key: the checks in both versions (`compared`)
    whose cut sets are the same (`cut_sets_fingerprint`: only their names or bounds
    differ) are one task; every other check is a task of its own."""
    if model is None:
        return {}
    groups: dict[str, _Task] = {}
    for name, item in checks.items():
        key = None
        if name in compared:
            key = cut_sets_fingerprint(model, item, MAX_ORDER, engine)
        task = groups.setdefault(f"{name in compared} {key or name}", (model, [], name in compared))
        task[1].append(item)
    return groups


def _decide_both(
    old: ir.Model | None,
    new: ir.Model | None,
    compared: set[str],
    options: _Options,
    jobs: int,
) -> dict[tuple[bool, str], CheckState]:
    """The state of every check of both versions, by (is it the new version's, name).

    The old version's tasks and the new version's that no old task shares run
    first, together, in up to `jobs` processes (a single task gets the processes for
    its own search); then the new version's tasks whose cut sets the old version
    has, which the result cache then answers (with no cache they are searched
    again).  The answers never depend on `jobs` or on this order."""
    old_tasks = _tasks(old, {c.name: c for c in old.checks} if old else {}, compared, options[1])
    new_tasks = _tasks(new, {c.name: c for c in new.checks} if new else {}, compared, options[1])
    first = [(False, t) for t in old_tasks.values()]
    first += [(True, t) for key, t in new_tasks.items() if key not in old_tasks]
    later = [(True, t) for key, t in new_tasks.items() if key in old_tasks]
    states: dict[tuple[bool, str], CheckState] = {}
    for phase in (first, later):
        each = jobs if len(phase) == 1 else 1

        def one(task: tuple[bool, _Task], each: int = each) -> list[CheckState]:
            model, items, with_cut_sets = task[1]
            return _states(model, items, options, with_cut_sets, each)

        answers = run_in_order(phase, one, jobs)
        for (is_new, (_, items, _)), found in zip(phase, answers, strict=True):
            for item, state in zip(items, found, strict=True):
                states[is_new, item.name] = state
    return states


def exit_code(files: Sequence[FileDiff]) -> int:
    """3 if incomplete, else 1 if a check broke or a single point of failure appeared, else 0."""
    checks = [c for f in files for c in f.checks]
    if not all(c.complete for c in checks):
        return 3
    if any(c.status == Status.BROKEN or c.new_single_points for c in checks if c.old and c.new):
        return 1
    return 0


# --- git ----------------------------------------------------------------------------


def _git(args: Sequence[str], cwd: str | Path) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False
        )
    except OSError as error:
        raise GitError(f"cannot run git: {error.strerror or error}") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


def versions_from_git(
    base: str, paths: Sequence[str]
) -> list[tuple[str | None, str | None, str | None]]:
    """Return (old label, old text, new path) for every `*.fspec` file that differs
    between the revision `base` and the working tree (under `paths`, if given), sorted
    by path; a file added since `base` has no old label and text, a deleted one no new
    path.  Raise GitError when git fails or `base` is no revision."""
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


# --- the document -------------------------------------------------------------------


def _moved_json(moved: MovedCutSet) -> dict[str, Any]:
    return {
        "order": len(moved.faults),
        "faults": list(moved.faults),
        "movement": moved.movement.value,
        "related": [list(r) for r in moved.related],
    }


def _check_json(c: CheckDiff) -> dict[str, Any]:
    cut_sets = None
    if c.old and c.new:
        cut_sets = {
            "max_order": MAX_ORDER,
            "appeared": [_moved_json(s) for s in c.appeared],
            "disappeared": [_moved_json(s) for s in c.disappeared],
            "violated_without_faults": {
                "old": c.old.without_faults,
                "new": c.new.without_faults,
            },
        }
    return {
        "check": c.check,
        "status": c.status.value,
        "old_verdict": c.old.verdict.value if c.old else None,
        "new_verdict": c.new.verdict.value if c.new else None,
        "cut_sets": cut_sets,
        "complete": c.complete,
    }


def diff_document(base: str | None, files: Sequence[FileDiff]) -> dict[str, Any]:
    """Return the `failspec-diff/1` document (keys in a fixed order, no timings), with
    the reviewer's `findings` in words (`counterexamples/diff_text.py`)."""
    checks = [c for f in files for c in f.checks]
    statuses = (
        Status.BROKEN,
        Status.FIXED,
        Status.CHANGED,
        Status.CUT_SETS,
        Status.ADDED,
        Status.REMOVED,
        Status.UNCHANGED,
    )
    document: dict[str, Any] = {
        "format": DIFF_FORMAT,
        "base": base,
        "files": [
            {"old": f.old, "new": f.new, "checks": [_check_json(c) for c in f.checks]}
            for f in files
        ],
        "summary": {
            "files": len(files),
            "checks": {s.value: sum(1 for c in checks if c.status == s) for s in statuses},
            "single_points_of_failure_added": [s[0] for c in checks for s in c.new_single_points],
        },
        "findings": [],
        "exit_code": exit_code(files),
    }
    document["findings"] = findings(document)
    return document
