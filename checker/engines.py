"""Choosing an engine: the two engines and `auto`, their composite, in one place.

`engine_named("auto" | "explicit" | "smt")` returns an `Engine` (`engine.py`).

`auto` chooses by what it measures, not by a count.  It runs the explicit
engine in this process and, once its pace is slow (`AUTO_FIRST_SECONDS`: the
fault sets of one size have taken, or at the pace measured so far would take,
longer), starts the SMT engine beside it in a process of its own
(`race.Rival`); the explicit search goes on where it was, and the first
definite answer wins: the explicit engine's when its search ends, the SMT
engine's when the search, looking at it as it goes, finds it in.  Most checks
are decided before the SMT engine is ever started, at no cost of a process.
Neither engine dominates the other — on MINORI's models one cut-set search is
23× faster with the explicit engine and another 10× faster with the SMT engine
(docs/engines.md) — so no rule fixed in advance stays near the faster one;
the race is never slower than the faster engine by more than the cost of
sharing the machine, and no work of the explicit engine is done twice
(decision 64).  Whichever engine answers, the answer is the same (both are
exact and their counterexamples canonical); only the name of the engine that
gave it, which the result reports, can differ between runs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar, cast

from failspec.checker import ir
from failspec.checker.engine import ENGINE_NAMES, CutSetOrder, Engine, Outcome, Verdict
from failspec.checker.explicit import ExplicitEngine, Slow
from failspec.checker.race import Overtaken, Rival

__all__ = ["ENGINE_NAMES", "AutoEngine", "candidate_sets", "engine_named"]

T = TypeVar("T")

AUTO_FIRST_SECONDS = 2.0
"""How long `auto` lets the explicit engine go on alone: until the fault sets of
one size have taken, or at the pace measured so far would take, longer than
this (`explicit.Slow`); then the SMT engine joins."""


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
    """The composite `auto`: see the module.  It uses two processes once the SMT
    engine joins, one before, whatever `--jobs` says (the explicit engine's
    workers could not look at the rival as it goes)."""

    first_seconds: float = AUTO_FIRST_SECONDS

    @property
    def name(self) -> str:
        return "auto"

    def decide(self, model: ir.Model, check: ir.Check, deadline: float | None) -> Outcome:
        def smt() -> Outcome:
            from failspec.checker.smt import SmtEngine  # Z3 is loaded only when needed

            return SmtEngine().decide(model, check, deadline)

        found, other = self._race(lambda e: e.decide(model, check, deadline), smt, _definite)
        if other is not None and (_definite(other) or _proved(other) > _proved(found)):
            return other
        return found

    def cut_sets(
        self, model: ir.Model, check: ir.Check, max_order: int, deadline: float | None
    ) -> Iterator[CutSetOrder]:
        def smt() -> list[CutSetOrder]:
            from failspec.checker.smt import SmtEngine  # Z3 is loaded only when needed

            return list(SmtEngine().cut_sets(model, check, max_order, deadline))

        found, other = self._race(
            lambda e: list(e.cut_sets(model, check, max_order, deadline)),
            smt,
            _searched_to_the_end,
        )
        return iter(other if other is not None and _searched_to_the_end(other) else found)

    def _race(
        self, search: Callable[[ExplicitEngine], T], smt: Callable[[], T], done: Callable[[T], bool]
    ) -> tuple[T, T | None]:
        """The answer of the explicit engine's `search`, which the SMT engine's `smt`
        joins once it is slow, or `smt`'s if `done` took it first; and, when the
        search ended without a `done` answer, `smt`'s (None: it never started, or
        failed)."""
        with Rival(smt, done) as rival:
            try:
                found = search(
                    ExplicitEngine(slow=Slow(self.first_seconds, rival.start, rival.poll))
                )
            except Overtaken as won:
                return cast(T, won.answer), None
            if done(found):
                return found, None
            return found, rival.answer()


def engine_named(name: str, jobs: int = 1) -> Engine:
    """The engine `--engine NAME` names, with up to `jobs` processes where it can use
    them (the explicit engine); raise ValueError for another name."""
    if name == "auto":
        return AutoEngine()
    if name == "explicit":
        return ExplicitEngine(jobs=jobs)
    if name == "smt":
        from failspec.checker.smt import SmtEngine

        return SmtEngine()
    raise ValueError(f"unknown engine {name!r}; expected one of {', '.join(ENGINE_NAMES)}")
