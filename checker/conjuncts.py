"""A conjunction judged side by side: fault sets that cannot violate it, found
without simulating them.

A part whose one assertion judges a conjunction L ∧ R — `never L and R`,
`L and R lasts at most D`, or `always L or R`, whose violations are the
instants of ¬L ∧ ¬R — is violated by a scenario S only at an instant at which
both sides hold.  Each side has its own cone of influence (`cone.cone_of`), and
the side's signal depends only on the faults of S on that cone (the fact every
use of the cone rests on).  So when S has at most one fault in a side's cone,
the side can hold only at an instant at which it holds for that one fault (or
none) at *some* onset; that set, per single fault, is computed once from the
explicit engine's zones and kept as its hull per zone (`Side.possible`).  A
fault set whose sides' sets do not meet within the horizon and the
assertion's window — or one of whose sides, seeing at most one fault, can hold
at no such instant — violates the part at no onsets at all, and is answered
"no" without a simulation.  Every other set is simulated jointly as before, so
what the engine finds is unchanged: the screen only leaves out sets whose
answer is "no".

On the 1,000-component model of `bench/bench_engines.py`, `never atm0.retain
and atm9.retain` has 206 selectable faults (21,115 pairs); no single fault
makes either ATM retain a card, so only the 741 pairs of faults in both cones
remain to simulate (docs/engines.md, docs/performance.md).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

from failspec.checker import ir
from failspec.checker.cone import cone_of, dependency_cone, selectable_faults
from failspec.checker.engine import Limits
from failspec.checker.signals import (
    INF,
    Ctx,
    NeedsConcrete,
    Signal,
    Sym,
    Time,
    Zone,
    complement,
    concrete,
    constrain,
    intersect,
    is_inf,
    new_zone,
    normalize,
    zone_bounds,
)
from failspec.checker.simulate import expr_signal, simulate, window_signal


@dataclass(frozen=True, slots=True)
class Side:
    """One side of the conjunction: the part's faults on its cone, and per single fault
    of them (None: no fault) the instants, within [0, horizon] and the assertion's
    window, at which the side may hold for some onset (a superset, concrete)."""

    faults: frozenset[int]
    possible: dict[int | None, Signal]

    def may_hold(self, numbers: Sequence[int]) -> Signal | None:
        """A superset of the instants (as above) at which the side may hold under some
        onsets of the fault set `numbers`; None when it sees more than one of them
        (nothing is known then)."""
        seen = [n for n in numbers if n in self.faults]
        if len(seen) > 1:
            return None
        return self.possible[seen[0] if seen else None]


@dataclass(frozen=True, slots=True)
class ConjunctScreen:
    """The two sides of a part's conjunction (`screen_of`)."""

    sides: tuple[Side, Side]

    def rules_out(self, numbers: Sequence[int]) -> bool:
        """True when no onsets of the fault set `numbers` violate the part: a side that
        sees at most one of its faults cannot hold at any instant the other side
        may hold at (within the horizon and the window)."""
        left, right = (side.may_hold(numbers) for side in self.sides)
        if left is None and right is None:
            return False
        if left is None or right is None:
            return not (left or right)
        return not intersect(Ctx(), left, right)


def sides_of(assertion: ir.Assertion) -> tuple[ir.Expr, ir.Expr, bool] | None:
    """The two sides of the conjunction the assertion is violated within, and whether
    a side's violating instants are those at which it does *not* hold (`always L or
    R`); None when the assertion judges no conjunction."""
    if isinstance(assertion, (ir.Never, ir.LastsAtMost)) and isinstance(assertion.expr, ir.AndExpr):
        return assertion.expr.left, assertion.expr.right, False
    if isinstance(assertion, ir.Always) and isinstance(assertion.expr, ir.OrExpr):
        return assertion.expr.left, assertion.expr.right, True
    return None


def screen_of(
    model: ir.Model, part: ir.Check, faults: Sequence[int], limits: Limits
) -> ConjunctScreen | None:
    """The screen of a part with one assertion that judges a conjunction, over the
    candidate `faults` of its scope; None for any other part.  Costs one zone
    exploration per fault and side (`limits.run()` for each simulator run)."""
    if len(part.assertions) != 1 or part.scenario is not None:
        return None
    assertion = part.assertions[0]
    found = sides_of(assertion)
    if found is None:
        return None
    left, right, negated = found
    window = getattr(assertion, "window", None)
    judged: Signal = ((0, model.horizon + 1),)
    if window is not None:
        judged = intersect(Ctx(), judged, window_signal(window, model.horizon + 1))
    return ConjunctScreen(
        (
            _side(model, part, left, negated, faults, judged, limits),
            _side(model, part, right, negated, faults, judged, limits),
        )
    )


def _side(
    model: ir.Model,
    part: ir.Check,
    expr: ir.Expr,
    negated: bool,
    faults: Sequence[int],
    judged: Signal,
    limits: Limits,
) -> Side:
    alone = dataclasses.replace(part, assertions=(ir.Never(expr, ""),))
    mine = set(selectable_faults(model, alone, cone_of(model, alone))) & set(faults)
    only = frozenset(dependency_cone(model, alone))
    possible: dict[int | None, Signal] = {
        None: intersect(Ctx(), _holds(model, {}, Ctx(), expr, negated, only, limits), judged)
    }
    for number in sorted(mine):
        possible[number] = intersect(
            Ctx(), _possible(model, number, expr, negated, only, limits), judged
        )
    return Side(frozenset(mine), possible)


def _holds(
    model: ir.Model,
    scenario: dict[int, Time],
    ctx: Ctx,
    expr: ir.Expr,
    negated: bool,
    only: frozenset[int],
    limits: Limits,
) -> Signal:
    limits.run()
    signal = expr_signal(simulate(model, scenario, ctx, only=only), ctx, expr)
    return complement(ctx, signal) if negated else signal


def _possible(
    model: ir.Model,
    number: int,
    expr: ir.Expr,
    negated: bool,
    only: frozenset[int],
    limits: Limits,
) -> Signal:
    """The instants at which the side may hold when the one fault `number` occurs at
    some onset of its window: within each zone of onsets the side's signal is exact,
    its ends linear in the onset, so the hull of each interval over the zone is its
    least start and greatest end at the zone's two bounds."""
    fault = model.fault(number)
    initial = new_zone([(fault.earliest, fault.latest)])
    work = [] if initial is None else [initial]
    hulls: list[tuple[Time, Time]] = []
    scenario: dict[int, Time] = {number: Sym.onset(1)}
    while work:
        ctx = Ctx(work.pop(), limits)
        try:
            signal = _holds(model, scenario, ctx, expr, negated, only, limits)
        except NeedsConcrete:
            work.extend(ctx.pending)
            work.extend(_fix_onset(ctx.zone))
            continue
        work.extend(ctx.pending)
        assert ctx.zone is not None
        corners = zone_bounds(ctx.zone, 1)
        for start, end in signal:
            hulls.append(_hull(start, end, corners))
    return normalize(Ctx(), hulls)


def _fix_onset(zone: Zone | None) -> list[Zone]:
    """The zone's one onset fixed at its least value, and the rest (as the explicit
    engine does where a value is not a difference of onsets)."""
    assert zone is not None
    lo, hi = zone_bounds(zone, 1)
    assert lo < hi, "a zone with its onset fixed cannot need a concrete onset"
    parts = [constrain(zone, 1, 0, lo), constrain(zone, 0, 1, -(lo + 1))]
    return [p for p in parts if p is not None]


def _hull(start: Time, end: Time, corners: tuple[int, int]) -> tuple[Time, Time]:
    """[least start, greatest end) over the onsets between the two corners (a linear
    function takes its extremes at the ends of an interval), rounded outwards."""
    starts = [concrete(start, (o,)) for o in corners]
    ends = [INF if is_inf(end) else concrete(end, (o,)) for o in corners]
    return max(0, math.floor(min(starts))), min(INF, math.ceil(max(ends)))
