"""Choosing an engine: the two engines and `auto`, their composite, in one place.

`engine_named("auto" | "explicit" | "smt")` returns an `Engine` (`engine.py`).

`auto` chooses by what it measures, not by a count.  It first lets the explicit
engine go on in this process while its pace stays quick (`AUTO_FIRST_SECONDS`:
until the fault sets of one size have taken, or at the pace measured so far
would take, longer) — enough for most checks, at no cost of a process.  What
that does not settle, the two engines race for, each in a process of its own
(`race.py`): the first definite answer wins and the other engine is stopped.
Neither engine dominates the other — on MINORI's models one cut-set search is
23× faster with the explicit engine and another 10× faster with the SMT engine
(docs/engines.md) — so no rule fixed in advance stays near the faster one; the
race is never slower than the faster engine by more than the cost of sharing
the machine.  Whichever engine answers, the answer is the same (both are
exact and their counterexamples canonical); only the name of the engine that
gave it, which the result reports, can differ between runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, replace

from failspec.checker import ir
from failspec.checker.engine import ENGINE_NAMES, CutSetOrder, Engine, Outcome, Reason, Verdict
from failspec.checker.explicit import ExplicitEngine
from failspec.checker.race import first_of

__all__ = ["ENGINE_NAMES", "AutoEngine", "candidate_sets", "engine_named"]

AUTO_FIRST_SECONDS = 2.0
"""How long `auto` lets the explicit engine go on in its own process before the
engines race: until the fault sets of one size have taken, or at the pace
measured so far would take, longer than this (`ExplicitEngine.stop_after`)."""


YIELD_AFTER = 10.0
"""Seconds of its own processor time: in a race, the explicit engine's process
lowers its priority once it projects more than this for the fault sets of its
current size (`ExplicitEngine`):
where it is slow it would most often lose, and on a busy machine sharing the
processor equally would slow the SMT engine as much."""


def candidate_sets(model: ir.Model, check: ir.Check, max_order: int) -> int:
    """The number of fault sets of at most `max_order` faults the check's hypothesis
    allows (faults whose onset window is empty cannot occur and are left out)."""
    candidates = sum(1 for n in check.faults if model.fault(n).earliest <= model.fault(n).latest)
    return sum(math.comb(candidates, k) for k in range(min(max_order, candidates) + 1))


def _definite(outcome: Outcome) -> bool:
    return outcome.verdict != Verdict.UNKNOWN


def _proved(outcome: Outcome) -> int:
    """The most faults for which an unknown outcome proved the check (−1: none)."""
    return -1 if outcome.holds_up_to is None else outcome.holds_up_to


def _searched_to_the_end(orders: list[CutSetOrder]) -> bool:
    return bool(orders) and orders[-1].complete


@dataclass(frozen=True, slots=True)
class AutoEngine:
    """The composite `auto`: see the module."""

    first_seconds: float = AUTO_FIRST_SECONDS
    jobs: int = 1
    """The processes of the first phase (`ExplicitEngine.jobs`).  The race uses one
    process per engine whatever `jobs` says: a racer is stopped by ending its
    process, which must therefore have none of its own."""

    @property
    def name(self) -> str:
        return "auto"

    def decide(self, model: ir.Model, check: ir.Check, deadline: float | None) -> Outcome:
        first = ExplicitEngine(stop_after=self.first_seconds, jobs=self.jobs).decide(
            model, check, deadline
        )
        if first.reason != Reason.BUDGET:
            return first
        from failspec.checker.smt import SmtEngine  # Z3 is loaded only when needed

        raced = first_of(
            [
                lambda: ExplicitEngine(yield_after=YIELD_AFTER).decide(model, check, deadline),
                lambda: SmtEngine().decide(model, check, deadline),
            ],
            _definite,
            _proved,
        )
        if raced.verdict == Verdict.UNKNOWN and _proved(first) > _proved(raced):
            return replace(raced, holds_up_to=first.holds_up_to)
        return raced

    def cut_sets(
        self, model: ir.Model, check: ir.Check, max_order: int, deadline: float | None
    ) -> Iterator[CutSetOrder]:
        explicit = ExplicitEngine(stop_after=self.first_seconds, jobs=self.jobs)
        first = list(explicit.cut_sets(model, check, max_order, deadline))
        if not first or first[-1].reason != Reason.BUDGET:
            return iter(first)
        from failspec.checker.smt import SmtEngine  # Z3 is loaded only when needed

        orders = first_of(
            [
                lambda: list(
                    ExplicitEngine(yield_after=YIELD_AFTER).cut_sets(
                        model, check, max_order, deadline
                    )
                ),
                lambda: list(SmtEngine().cut_sets(model, check, max_order, deadline)),
            ],
            _searched_to_the_end,
        )
        return iter(orders)


def engine_named(name: str, jobs: int = 1) -> Engine:
    """The engine `--engine NAME` names, with up to `jobs` processes where it can use
    them (the explicit engine, and `auto`'s first phase); raise ValueError for
    another name."""
    if name == "auto":
        return AutoEngine(jobs=jobs)
    if name == "explicit":
        return ExplicitEngine(jobs=jobs)
    if name == "smt":
        from failspec.checker.smt import SmtEngine

        return SmtEngine()
    raise ValueError(f"unknown engine {name!r}; expected one of {', '.join(ENGINE_NAMES)}")
