"""Choosing an engine: the two engines and `auto`, their composite, in one place.

`engine_named("auto" | "explicit" | "smt")` returns an `Engine` (`engine.py`).
`auto` decides a check with the explicit engine for a bounded amount of work
(a number of simulator runs: deterministic, unlike time), then hands it to the
SMT engine; it searches cut sets with the explicit engine when there are few
candidate sets, else with the SMT engine.  Whichever engine answers, the answer
is the same (both are exact and their counterexamples canonical); the outcome
says which one it was.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from failspec.checker import ir
from failspec.checker.engine import CutSetOrder, Engine, Outcome, Reason, Verdict
from failspec.checker.explicit import ExplicitEngine
from failspec.checker.smt import SmtEngine

ENGINE_NAMES = ("auto", "explicit", "smt")
"""The values of `--engine`."""

AUTO_EXPLICIT_RUNS = 20_000
"""`auto` runs the explicit engine for at most this many simulator runs on a check
that allows at most one fault, then hands the check to the SMT engine."""

AUTO_EXPLICIT_RUNS_MANY = 200
"""The same bound for a check that allows two faults or more: enough for the
explicit engine to settle what the fault-free world or a few scenarios decide,
little enough that the SMT engine, far faster on pairs of faults (see
docs/performance.md), gets the rest."""

AUTO_EXPLICIT_SETS = 300
"""`auto` asks the explicit engine about each candidate set when there are at most
this many candidate sets up to the order (MINORI's two-fault FX check: 37), and
lets the SMT engine enumerate the cut sets otherwise (see docs/cut-sets.md)."""


def auto_explicit_runs(check: ir.Check) -> int:
    """How many simulator runs `auto` lets the explicit engine spend on a check."""
    return AUTO_EXPLICIT_RUNS if check.at_most <= 1 else AUTO_EXPLICIT_RUNS_MANY


def candidate_sets(model: ir.Model, check: ir.Check, max_order: int) -> int:
    """The number of fault sets of at most `max_order` faults the check's hypothesis
    allows (faults whose onset window is empty cannot occur and are left out)."""
    candidates = sum(1 for n in check.faults if model.fault(n).earliest <= model.fault(n).latest)
    return sum(math.comb(candidates, k) for k in range(min(max_order, candidates) + 1))


@dataclass(frozen=True, slots=True)
class AutoEngine:
    """The composite `auto`: see the module."""

    @property
    def name(self) -> str:
        return "auto"

    def decide(self, model: ir.Model, check: ir.Check, deadline: float | None) -> Outcome:
        explicit = ExplicitEngine(max_runs=auto_explicit_runs(check))
        outcome = explicit.decide(model, check, deadline)
        if outcome.verdict == Verdict.UNKNOWN and outcome.reason == Reason.BUDGET:
            return SmtEngine().decide(model, check, deadline)
        return outcome

    def cut_sets(
        self, model: ir.Model, check: ir.Check, max_order: int, deadline: float | None
    ) -> Iterator[CutSetOrder]:
        few = candidate_sets(model, check, max_order) <= AUTO_EXPLICIT_SETS
        chosen: Engine = ExplicitEngine() if few else SmtEngine()
        return chosen.cut_sets(model, check, max_order, deadline)


def engine_named(name: str) -> Engine:
    """The engine `--engine NAME` names; raise ValueError for another name."""
    if name == "auto":
        return AutoEngine()
    if name == "explicit":
        return ExplicitEngine()
    if name == "smt":
        return SmtEngine()
    raise ValueError(f"unknown engine {name!r}; expected one of {', '.join(ENGINE_NAMES)}")
