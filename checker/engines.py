"""Choosing an engine: the two engines and `auto`, their composite, in one place.

`engine_named("auto" | "explicit" | "smt")` returns an `Engine` (`engine.py`).

`auto` chooses by what it measures, not by a count.  It runs the explicit
engine from this process while its pace stays quick (`AUTO_FIRST_SECONDS`: until
the fault sets of one size have taken, or at the pace measured so far would
take, longer), in `--jobs` workers as it would alone — enough for most checks,
at no cost of a race.  Once it is slow, its workers are stopped and the rest of
its search is handed to a child forked at that point
(`race.HandOver`: it goes on where it was, nothing is done twice) and the SMT
engine starts in a second child; the first definite answer wins and the
other is stopped.  Near its end (`ENDING_WITHIN`), the explicit engine has the
machine: the SMT engine is paused, and the rest is asked about in `--jobs`
processes.  Neither engine dominates the other — on MINORI's models one
cut-set search is 23× faster with the explicit engine and another 10× faster
with the SMT engine (docs/engines.md) — so no rule fixed in advance stays near
the faster one; the race is never slower than the faster engine by more than
the cost of sharing the machine.  Whichever engine answers, the answer is the
same (both are exact and their counterexamples canonical); only the name of
the engine that gave it, which the result reports, can differ between runs.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar, cast

from failspec.checker import ir
from failspec.checker.engine import ENGINE_NAMES, CutSetOrder, Engine, Outcome, Verdict
from failspec.checker.explicit import ExplicitEngine, NearEnd, Slow
from failspec.checker.race import Failed, HandedOver, HandOver, Racer, first_of

__all__ = ["ENGINE_NAMES", "AutoEngine", "candidate_sets", "engine_named"]

T = TypeVar("T")

AUTO_FIRST_SECONDS = 2.0
"""How long `auto` lets the explicit engine go on alone in this process: until the
fault sets of one size have taken, or at the pace measured so far would take,
longer than this (`explicit.Slow`); then the race."""


YIELD_AFTER = 10.0
"""Seconds of its own processor time: in the race, the explicit engine's process
lowers its priority once the fault sets of its current size have taken this much
of its work (the time before the hand-over counted as such): where it is that
slow it would most often lose, and on a busy machine sharing the processor
equally would slow the SMT engine as much.  Measured by its own work, and not
projected (decision 64): on a busy machine the clock counts other processes'
work as its own, and a projection over the first, most expensive sets of a size
overshoots, so that it would yield, and starve behind the machine's other
processes, where its whole work is short."""


HOPELESS = 60.0
"""Seconds of its own processor time: in the race, the explicit engine's process also
lowers its priority at once when the fault sets of its current size would at its
pace take more than this much of its work (1,000s of pairs at a second each).  By
its own work, not the clock, so that load does not inflate it; with a margin over
the projections that overshoot (`p2`'s first, most expensive pairs project 10 to
20 s where its whole search takes 6 s of work)."""


ENDING_WITHIN = 4.0
"""In the race, once the rest of the explicit engine's last size of fault sets would
at its pace take at most this many times the time the race has taken so far, it
says so (`race.Ending`): the SMT engine is paused, and the rest is asked about in
`--jobs` processes (decision 66).  The SMT engine, had it been about to win,
loses at most the pause: the projected time and a second, so at most about this
many times what it had already spent (docs/engines.md)."""


def lower_priority() -> None:
    """Let other processes have the processor first (nothing changes on idle cores)."""
    with contextlib.suppress(OSError):
        os.nice(10)


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
    """The composite `auto`: see the module.  The explicit engine's search in up to
    `jobs` processes, then in one racing the SMT engine's, and once it is near its
    end in up to `jobs` again."""

    first_seconds: float = AUTO_FIRST_SECONDS
    jobs: int = 1

    @property
    def name(self) -> str:
        return "auto"

    def decide(self, model: ir.Model, check: ir.Check, deadline: float | None) -> Outcome:
        def smt() -> Outcome:
            from failspec.checker.smt import SmtEngine  # Z3 is loaded only when needed

            return SmtEngine().decide(model, check, deadline)

        return self._race(lambda e: e.decide(model, check, deadline), smt, _definite, _proved)

    def cut_sets(
        self, model: ir.Model, check: ir.Check, max_order: int, deadline: float | None
    ) -> Iterator[CutSetOrder]:
        def smt() -> list[CutSetOrder]:
            from failspec.checker.smt import SmtEngine  # Z3 is loaded only when needed

            return list(SmtEngine().cut_sets(model, check, max_order, deadline))

        def search(explicit: ExplicitEngine) -> list[CutSetOrder]:
            return list(explicit.cut_sets(model, check, max_order, deadline))

        orders: list[CutSetOrder] = self._race(search, smt, _searched_to_the_end)
        return iter(orders)

    def _race(
        self,
        search: Callable[[ExplicitEngine], T],
        smt: Callable[[], T],
        done: Callable[[T], bool],
        rank: Callable[[T], int] | None = None,
    ) -> T:
        """The explicit engine's `search`, in this process while it is quick; once it
        is slow, the race of its rest, in a forked child, against `smt` in another:
        the first answer `done` takes, else the one `rank` puts highest (the explicit
        engine's among equals; without `rank`, the explicit engine's)."""
        hand_over = HandOver()
        yielding = Slow(YIELD_AFTER, lower_priority, work=time.process_time, hopeless=HOPELESS)

        def near(seconds: float) -> int | None:
            """In the race, once the explicit engine is near its end: `race.Ending`."""
            racing = time.perf_counter() - hand_over.since
            if not hand_over.in_child or seconds > ENDING_WITHIN * racing:
                return None
            hand_over.ending(seconds)
            return self.jobs

        explicit = ExplicitEngine(
            slow=Slow(self.first_seconds, hand_over.fork, then=yielding),
            near=NearEnd(near),
            jobs=self.jobs,
        )
        try:
            found = search(explicit)
        except HandedOver as over:
            return first_of([cast(Racer[T], over.racer), Racer.start(smt)], done, rank)
        except BaseException as error:
            if hand_over.in_child:
                hand_over.finish(Failed(error))
            raise
        if hand_over.in_child:
            hand_over.finish(found)
        if done(found) or not hand_over.wanted:  # decided, or never slow
            return found
        other = smt()  # no fork: the SMT engine after the explicit engine
        if done(other) or (rank is not None and rank(other) > rank(found)):
            return other
        return found


def engine_named(name: str, jobs: int = 1) -> Engine:
    """The engine `--engine NAME` names, with up to `jobs` processes where it can use
    them (the explicit engine); raise ValueError for another name."""
    if name == "auto":
        return AutoEngine(jobs=jobs)
    if name == "explicit":
        return ExplicitEngine(jobs=jobs)
    if name == "smt":
        from failspec.checker.smt import SmtEngine

        return SmtEngine()
    raise ValueError(f"unknown engine {name!r}; expected one of {', '.join(ENGINE_NAMES)}")
