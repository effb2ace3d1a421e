"""The explicit engine: exhaustive over fault sets and integer onsets.

For each allowed fault set (fewest faults first) it looks for the violating
scenario the contract calls canonical: the earliest violation instant, then
the smallest fault numbers, then the smallest onsets.  The onsets of a fault
set are left free: the simulator runs once per *zone* of equivalent onset
vectors (see `signals.Ctx`: a comparison the zone does not decide splits it,
and both parts are explored), and within a zone the violation instant is a
linear function of the onsets whose minimum lies at a corner.  Where a value
is not a difference of onsets (a ceiling of a fractional multiple, say), the
engine fixes an onset and goes on, down to single onset vectors if need be,
so the exploration is exact everywhere.  `check_brute_force` simulates every
onset vector and is what the tests compare the zones against.

A scenario check (`scenario "NAME"`) is judged on its one scenario: a single
concrete run.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from failspec.checker import ir
from failspec.checker.engine import (
    CutSet,
    CutSetOrder,
    Limits,
    Outcome,
    OutOfTime,
    OverBudget,
    Reason,
    Witness,
    check_deadline,
    scenario_cut_sets,
)
from failspec.checker.signals import (
    Ctx,
    NeedsConcrete,
    Sym,
    Time,
    Zone,
    concrete,
    constrain,
    new_zone,
    zone_bounds,
)
from failspec.checker.simulate import judge, simulate

Candidate = tuple[int, tuple[int, ...], tuple[int, ...]]
"""(violation instant, fault numbers, onsets): smaller is more canonical."""


@dataclass(frozen=True, slots=True)
class ExplicitEngine:
    """The explicit engine behind the `Engine` interface.  `max_runs` bounds the
    simulator runs of one `decide` or `cut_sets` (None: no bound); past it the
    verdict is unknown, or the order incomplete, with `Reason.BUDGET`."""

    max_runs: int | None = None

    @property
    def name(self) -> str:
        return "explicit"

    def decide(self, model: ir.Model, check: ir.Check, deadline: float | None) -> Outcome:
        return check_explicit(model, check, deadline, self.max_runs).by(self.name)

    def cut_sets(
        self, model: ir.Model, check: ir.Check, max_order: int, deadline: float | None
    ) -> Iterator[CutSetOrder]:
        """Ask about each candidate set, smallest first, skipping those that contain a
        cut set found before: a set is minimal exactly when it violates and contains
        no smaller cut set (a violating proper subset would contain one)."""
        if check.scenario is not None:
            outcome = self.decide(model, check, deadline)
            yield from scenario_cut_sets(outcome, check, max_order, self.name)
            return
        candidates = [n for n in check.faults if model.fault(n).earliest <= model.fault(n).latest]
        found: list[CutSet] = []
        limits = Limits(deadline, self.max_runs)
        for size in range(min(max_order, len(candidates)) + 1):
            level: list[tuple[CutSet, Witness]] = []
            try:
                for numbers in itertools.combinations(candidates, size):
                    if any(set(numbers).issuperset(c) for c in found):
                        continue
                    check_deadline(deadline)
                    best = _best_for_set(model, check, numbers, limits)
                    if best is not None:
                        level.append((numbers, Witness(best[0], best[2])))
            except (OutOfTime, OverBudget) as stop:
                reason = Reason.TIMEOUT if isinstance(stop, OutOfTime) else Reason.BUDGET
                yield CutSetOrder(size, tuple(level), False, self.name, reason)
                return
            found += [numbers for numbers, _ in level]
            yield CutSetOrder(size, tuple(level), True, self.name)
            if size == 0 and level:
                return


def check_explicit(
    model: ir.Model,
    check: ir.Check,
    deadline: float | None = None,
    max_runs: int | None = None,
) -> Outcome:
    """Decide `check` on `model`.

    `deadline` is a `time.perf_counter()` value; `max_runs` bounds the number of
    simulator runs.  Past either the verdict is `unknown`, with the reason
    `timeout` or `budget`.
    """
    try:
        limits = Limits(deadline, max_runs)
        if check.scenario is not None:
            limits.run()
            return _scenario_outcome(model, check, check.scenario, limits)
        best = _search(model, check, limits, _best_for_set)
    except OutOfTime:
        return Outcome.unknown(Reason.TIMEOUT)
    except OverBudget:
        return Outcome.unknown(Reason.BUDGET)
    return _outcome(best)


def check_brute_force(model: ir.Model, check: ir.Check) -> Outcome:
    """The same answer by simulating every onset of every fault set: the reference
    against which the engine's onset classes are tested (small models only)."""
    if check.scenario is not None:
        return _scenario_outcome(model, check, check.scenario)
    return _outcome(_search(model, check, Limits(), _best_for_set_brute))


def _scenario_outcome(
    model: ir.Model,
    check: ir.Check,
    scenario: tuple[tuple[int, int], ...],
    limits: Limits | None = None,
) -> Outcome:
    """A scenario check: violated, with the scenario itself, exactly when its run is."""
    numbers = tuple(n for n, _ in scenario)
    at = _concrete_violation(model, check, numbers, tuple(o for _, o in scenario), limits)
    return Outcome.holds() if at is None else Outcome.violated(dict(scenario), at)


def canonical_for_fault_set(
    model: ir.Model, check: ir.Check, numbers: tuple[int, ...], deadline: float | None = None
) -> Candidate | None:
    """The canonical violating scenario that injects exactly the faults `numbers`
    (ascending), or None if no onsets in their windows violate the check.
    Raise OutOfTime when `deadline` (a `time.perf_counter()` value) passes.  A scenario
    check allows only its scenario: any other set of faults never violates it."""
    if check.scenario is not None:
        if numbers != tuple(n for n, _ in check.scenario):
            return None
        onsets = tuple(o for _, o in check.scenario)
        at = _concrete_violation(model, check, numbers, onsets, Limits(deadline))
        return None if at is None else (at, numbers, onsets)
    return _best_for_set(model, check, numbers, Limits(deadline))


def _outcome(best: Candidate | None) -> Outcome:
    if best is None:
        return Outcome.holds()
    at, numbers, onsets = best
    return Outcome.violated(dict(zip(numbers, onsets, strict=True)), at)


BestForSet = Callable[[ir.Model, ir.Check, tuple[int, ...], Limits], "Candidate | None"]
"""The canonical violating scenario of exactly one fault set (or None), within limits."""


def _search(
    model: ir.Model, check: ir.Check, limits: Limits, best_for_set: BestForSet
) -> Candidate | None:
    faults = [n for n in check.faults if model.fault(n).earliest <= model.fault(n).latest]
    for size in range(min(check.at_most, len(faults)) + 1):
        best: Candidate | None = None
        for numbers in itertools.combinations(faults, size):
            candidate = best_for_set(model, check, numbers, limits)
            if candidate is not None and (best is None or candidate < best):
                best = candidate
        if best is not None:
            return best
    return None


def _windows(model: ir.Model, numbers: tuple[int, ...]) -> list[range]:
    return [range(model.fault(n).earliest, model.fault(n).latest + 1) for n in numbers]


def _concrete_violation(
    model: ir.Model,
    check: ir.Check,
    numbers: tuple[int, ...],
    onsets: tuple[int, ...],
    limits: Limits | None = None,
) -> int | None:
    ctx = Ctx(limits=limits)
    result = judge(simulate(model, dict(zip(numbers, onsets, strict=True)), ctx), ctx, check)
    if result is None:
        return None
    return int(concrete(result[0]))


def _best_for_set_brute(
    model: ir.Model, check: ir.Check, numbers: tuple[int, ...], limits: Limits
) -> Candidate | None:
    best: Candidate | None = None
    for onsets in itertools.product(*_windows(model, numbers)):
        at = _concrete_violation(model, check, numbers, onsets)
        if at is not None and (best is None or (at, numbers, onsets) < best):
            best = (at, numbers, onsets)
    return best


def _best_for_set(
    model: ir.Model, check: ir.Check, numbers: tuple[int, ...], limits: Limits
) -> Candidate | None:
    if not numbers:
        limits.run()
        at = _concrete_violation(model, check, (), (), limits)
        return None if at is None else (at, (), ())
    initial = new_zone([(model.fault(n).earliest, model.fault(n).latest) for n in numbers])
    if initial is None:
        return None
    scenario: dict[int, Time] = {n: Sym.onset(i) for i, n in enumerate(numbers, start=1)}
    best: Candidate | None = None
    work = [initial]
    while work:
        limits.run()
        ctx = Ctx(work.pop(), limits)
        try:
            result = judge(simulate(model, scenario, ctx), ctx, check)
            found = None if result is None else _minimum(ctx.zone, result[0])
        except NeedsConcrete:
            work.extend(ctx.pending)
            work.extend(_split(ctx.zone))
            continue
        work.extend(ctx.pending)
        if found is not None:
            candidate = (found[0], numbers, found[1])
            if best is None or candidate < best:
                best = candidate
    return best


def _split(zone: Zone | None) -> list[Zone]:
    """Fix the first onset the zone leaves free: o = lo, and o ≥ lo + 1."""
    assert zone is not None
    for v in range(1, len(zone)):
        lo, hi = zone_bounds(zone, v)
        if lo < hi:
            parts = [constrain(zone, v, 0, lo), constrain(zone, 0, v, -(lo + 1))]
            return [p for p in parts if p is not None]
    raise AssertionError("a zone with every onset fixed cannot need a concrete onset")


def _minimum(zone: Zone | None, at: Time) -> tuple[int, tuple[int, ...]] | None:
    """The least violation instant over the zone and the least onset vector
    (lexicographically) that reaches it; NeedsConcrete if `at` is no difference."""
    assert zone is not None
    ctx = Ctx(zone)
    # minimise `at`: with every onset but at most two fixed, it is ±o + c or o_u − o_v + c
    free = {
        v: a
        for v, a in (at.coefs.items() if isinstance(at, Sym) else ())
        if zone_bounds(zone, v)[0] != zone_bounds(zone, v)[1]
    }
    if len(free) == 1:
        ((v, a),) = free.items()
        if a not in (1, -1):
            raise NeedsConcrete("a violation instant with a multiple of an onset")
        lo, hi = zone_bounds(zone, v)
        pinned = constrain(zone, v, 0, lo) if a == 1 else constrain(zone, 0, v, -hi)
    elif len(free) == 2:
        (u, a), (v, c) = sorted(free.items())
        if {a, c} != {1, -1}:
            raise NeedsConcrete("a violation instant that is no difference of onsets")
        if a == -1:
            u, v = v, u
        # minimise o_u − o_v: its least value is −zone[v][u]
        pinned = constrain(zone, v, u, zone[v][u])
        pinned = None if pinned is None else constrain(pinned, u, v, -pinned[v][u])
    elif len(free) == 0:
        pinned = zone
    else:
        raise NeedsConcrete("a violation instant in three onsets")
    assert pinned is not None
    for v in range(1, len(pinned)):
        lo, _ = zone_bounds(pinned, v)
        fixed = constrain(pinned, v, 0, lo)
        assert fixed is not None
        pinned = fixed
    onsets = tuple(zone_bounds(pinned, v)[0] for v in range(1, len(pinned)))
    del ctx
    return int(concrete(at, onsets)), onsets
