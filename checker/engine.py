"""The contract every engine keeps: what it is asked, what it answers, how it stops.

An engine decides a check of a model (`Engine.decide`) and enumerates the
minimal fault sets that violate it (`Engine.cut_sets`).  Both engines
(`checker/explicit.py`, `checker/smt.py`) implement this interface, and `auto`
is one composite of them (`checker/engines.py`); nothing else chooses between
engines.

Answers are exact.  `decide` returns an `Outcome`: `holds` (proved for the whole
hypothesis and horizon), `violated` with the canonical counterexample (the
contract's order: fewest faults, earliest violation instant, smallest fault
numbers, smallest onsets), or `unknown` with the `Reason` a limit was hit —
never a guess.

Time limits are signalled one way.  A limit is a *deadline*, a
`time.perf_counter()` value (None: none); work that passes it raises
`OutOfTime` (`check_deadline`), and each engine turns that into `unknown` with
`Reason.TIMEOUT` at its boundary (or, for cut sets, an incomplete order).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from failspec.checker import ir

ENGINE_NAMES = ("auto", "explicit", "smt")
"""The values of `--engine`: the two engines and their composite (`engines.py`)."""


class Verdict(StrEnum):
    """The verdict of a check.  Its value is the word reports print."""

    HOLDS = "holds"
    VIOLATED = "violated"
    UNKNOWN = "unknown"


class Reason(StrEnum):
    """Why a verdict is `unknown`: the limit that was hit."""

    TIMEOUT = "timeout"
    """The deadline passed (`--timeout`)."""
    BUDGET = "budget"
    """A bound on the amount of work passed (the explicit engine's runs under `auto`)."""
    UNSUPPORTED = "unsupported"
    """The model needs more than the engine's encoding unrolls."""
    SOLVER = "solver"
    """The solver itself answered unknown."""


class InternalError(Exception):
    """An engine contradicted itself or the reference simulator: a bug in failspec,
    reported as exit code 3 with a request to report it."""


class OutOfTime(Exception):
    """The deadline passed; raised inside an engine, turned into `Reason.TIMEOUT` at its edge."""


class OverBudget(Exception):
    """A bound on the amount of work passed; turned into `Reason.BUDGET` at the engine's edge."""


class Progress:
    """How far a search by the number of faults got: `cleared` is the largest k such
    that no scenario of at most k faults violates the check (None: none yet).  An
    engine raises it as each size is searched to the end, and reads it at its edge
    when a limit stops it (`Outcome.holds_up_to`)."""

    __slots__ = ("cleared",)

    def __init__(self) -> None:
        self.cleared: int | None = None

    def clear(self, size: int) -> None:
        """No scenario of `size` faults violates the check (nor of fewer: searched before)."""
        self.cleared = size


class Limits:
    """What one engine call may spend: a deadline (a `time.perf_counter()` value) and,
    optionally, a number of *runs* (a deterministic measure of work, unlike time).

    `run()` starts a run and spends one; `tick()` is called inside a run wherever it
    may loop long (a partition that reopens many times before the time bound).  Each
    checks the deadline; under a run budget a run may take at most `TICKS_PER_RUN`
    ticks, so that one run cannot outlast the budget.  They raise OutOfTime or
    OverBudget.  Shared by every part of one call, never beyond it.
    """

    TICKS_PER_RUN = 1000

    __slots__ = ("deadline", "runs_left", "ticks", "watch")

    def __init__(self, deadline: float | None = None, max_runs: int | None = None) -> None:
        self.deadline = deadline
        self.runs_left = max_runs
        self.ticks = 0
        self.watch: Callable[[], None] | None = None
        """Called at every run and tick (the explicit engine's `Pace`), so that a limit
        measured in time is noticed inside one long search as well as between them."""

    def run(self) -> None:
        check_deadline(self.deadline)
        if self.watch is not None:
            self.watch()
        self.ticks = 0
        if self.runs_left is not None:
            if self.runs_left <= 0:
                raise OverBudget
            self.runs_left -= 1

    def tick(self) -> None:
        check_deadline(self.deadline)
        if self.watch is not None:
            self.watch()
        self.ticks += 1
        if self.runs_left is not None and self.ticks > self.TICKS_PER_RUN:
            raise OverBudget


def check_deadline(deadline: float | None) -> None:
    """Raise OutOfTime if `deadline` (a `time.perf_counter()` value, or None) has passed."""
    if deadline is not None and time.perf_counter() > deadline:
        raise OutOfTime


def remaining_seconds(deadline: float | None) -> float | None:
    """Seconds left before `deadline` (None: no deadline); raise OutOfTime if none are."""
    if deadline is None:
        return None
    left = deadline - time.perf_counter()
    if left <= 0:
        raise OutOfTime
    return left


@dataclass(frozen=True, slots=True)
class Outcome:
    """An engine's answer about one check.

    `scenario` maps fault numbers to onsets (integer seconds) and `violation_at`
    is the violation instant, both set exactly when the verdict is `violated`.
    `reason` is set exactly when it is `unknown`; `detail` says more in words
    (`partition 'p' may close more than 64 times before the time bound`).
    `holds_up_to`, when unknown, is what was proved before the limit: no scenario
    of at most that many faults violates the check (None: not even the
    fault-free run was decided).  Both engines search by the number of faults,
    fewest first, so the sizes they finished are a proof of the check for them.
    """

    verdict: Verdict
    scenario: dict[int, int] | None = None
    violation_at: int | None = None
    reason: Reason | None = None
    detail: str | None = None
    engine: str | None = None
    """The engine that decided (set by the engine classes; `auto` reports its part)."""
    holds_up_to: int | None = None

    @staticmethod
    def holds() -> Outcome:
        return Outcome(Verdict.HOLDS)

    @staticmethod
    def violated(scenario: dict[int, int], violation_at: int) -> Outcome:
        return Outcome(Verdict.VIOLATED, dict(scenario), violation_at)

    @staticmethod
    def unknown(
        reason: Reason, detail: str | None = None, holds_up_to: int | None = None
    ) -> Outcome:
        return Outcome(Verdict.UNKNOWN, reason=reason, detail=detail, holds_up_to=holds_up_to)

    def by(self, engine: str) -> Outcome:
        """The same outcome, decided by `engine`."""
        return replace(self, engine=engine)

    @property
    def explanation(self) -> str | None:
        """Why the verdict is unknown, in words: the detail, else the reason's word;
        then what was proved before the limit (`timeout; no scenario of at most 1
        fault violates it`)."""
        if self.reason is None:
            return None
        words = self.detail or self.reason.value
        if self.holds_up_to is None:
            return words
        if self.holds_up_to == 0:
            return f"{words}; the fault-free run does not violate it"
        faults = "fault" if self.holds_up_to == 1 else "faults"
        return f"{words}; no scenario of at most {self.holds_up_to} {faults} violates it"


CutSet = tuple[int, ...]
"""Fault numbers, ascending."""


@dataclass(frozen=True, slots=True)
class Witness:
    """The canonical violating scenario of one cut set: its violation instant (seconds)
    and the onset of each of its faults, in the order of the cut set."""

    violation_at: int
    onsets: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class CutSetOrder:
    """The minimal cut sets of one order (number of faults), sorted by fault numbers,
    each with its witness.  `complete` is False when a limit was hit during this
    order: then `cut_sets` holds those found before it, and more may exist."""

    order: int
    cut_sets: tuple[tuple[CutSet, Witness], ...]
    complete: bool
    engine: str
    """The engine that searched this order."""
    reason: Reason | None = None
    """Why an incomplete order is incomplete (the limit that was hit)."""


def scenario_cut_sets(
    outcome: Outcome, check: ir.Check, max_order: int, engine: str
) -> Iterator[CutSetOrder]:
    """The cut sets of a scenario check, from its decided `outcome`: its one scenario
    is the only fault set it allows, so that set is its one minimal cut set when the
    scenario violates (orders below its size have none).  An unknown outcome gives
    an incomplete first order."""
    size = len(check.scenario or ())
    if outcome.verdict == Verdict.UNKNOWN:
        yield CutSetOrder(0, (), False, engine)
        return
    for order in range(min(size, max_order) + 1):
        found: tuple[tuple[CutSet, Witness], ...] = ()
        if order == size and outcome.scenario is not None and outcome.violation_at is not None:
            numbers = tuple(sorted(outcome.scenario))
            witness = Witness(outcome.violation_at, tuple(outcome.scenario[n] for n in numbers))
            found = ((numbers, witness),)
        yield CutSetOrder(order, found, True, engine)


class Engine(Protocol):
    """What every engine does.  Engines are pure: no state outlives a call."""

    @property
    def name(self) -> str:
        """`explicit` or `smt`: the word reports print as the deciding engine."""
        ...

    def decide(self, model: ir.Model, check: ir.Check, deadline: float | None) -> Outcome:
        """Decide `check` on `model` before `deadline` (a `time.perf_counter()` value)."""
        ...

    def cut_sets(
        self, model: ir.Model, check: ir.Check, max_order: int, deadline: float | None
    ) -> Iterator[CutSetOrder]:
        """Yield the minimal cut sets of `check` (fault sets of its hypothesis for which
        some onsets violate it, no proper subset of which does) order by order, from 0
        up to `max_order`; stop after an incomplete order, or after order 0 when the
        empty set violates (it is then the only minimal cut set)."""
        ...
