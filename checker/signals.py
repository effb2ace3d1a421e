"""Time values and signals (sets of intervals), exact and optionally symbolic.

A *time value* is an int (seconds), or a `Sym`: a linear expression
`Σ a_i·o_i + b` in the onsets `o_1 … o_n` of the faults that the explicit
engine leaves free.  Every comparison between time values goes through a
`Ctx`.  With no free onset (`Ctx()`), comparisons are plain integer
comparisons and the simulator is the reference simulator.  With free onsets,
the `Ctx` holds a *zone*: the integer points satisfying difference
constraints `o_i − o_j ≤ c` (a difference-bound matrix).  A comparison that
the zone does not decide splits it: the `Ctx` goes on in one part and records
the other in `pending`, so that everything the simulator computes is exact for
every onset vector of the final zone (a class of equivalent onsets).  A
comparison that is not a difference constraint raises `NeedsConcrete`, and
the engine then fixes an onset.

A *signal* is a sorted tuple of disjoint, non-adjacent half-open intervals
`[a, b)` with `0 ≤ a < b ≤ INF`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import cmp_to_key

from failspec.checker.engine import Limits

INF = 10**15
"""'Never' / 'forever': larger than any instant a model can reach."""

Number = int | Fraction


class NeedsConcrete(Exception):
    """A comparison is not a difference constraint; an onset must be fixed."""


class Sym:
    """The time value `Σ coefs[i]·o_i + b` in the free onsets (at least one coef ≠ 0).

    Comparison operators are deliberately unavailable: compare through a Ctx.
    """

    __slots__ = ("b", "coefs")

    def __init__(self, coefs: dict[int, Number], b: Number) -> None:
        self.coefs = coefs
        self.b = b

    @staticmethod
    def onset(variable: int) -> Sym:
        """The free onset number `variable` (1-based) itself."""
        return Sym({variable: 1}, 0)

    def __repr__(self) -> str:
        terms = " + ".join(f"{a}·o{v}" for v, a in sorted(self.coefs.items()))
        return f"Sym({terms} + {self.b})"

    def __eq__(self, other: object) -> bool:
        raise TypeError("compare time values through a Ctx")

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        raise TypeError("a symbolic time value has no truth value")


Time = int | Fraction | Sym

_NO_COEFS: dict[int, Number] = {}


def _lin(x: Time) -> tuple[dict[int, Number], Number]:
    if isinstance(x, Sym):
        return x.coefs, x.b
    return _NO_COEFS, x


def _make(coefs: dict[int, Number], b: Number) -> Time:
    coefs = {v: a for v, a in coefs.items() if a != 0}
    if not coefs:
        if isinstance(b, Fraction) and b.denominator == 1:
            return int(b)
        return b
    return Sym(coefs, b)


def _combine(x: dict[int, Number], y: dict[int, Number], sign: int) -> dict[int, Number]:
    result = dict(x)
    for v, a in y.items():
        result[v] = result.get(v, 0) + sign * a
    return result


def is_inf(x: Time) -> bool:
    return not isinstance(x, Sym) and x >= INF


def add(x: Time, y: Time) -> Time:
    """x + y; INF absorbs."""
    if is_inf(x) or is_inf(y):
        return INF
    if not isinstance(x, Sym) and not isinstance(y, Sym):
        return x + y
    xc, xb = _lin(x)
    yc, yb = _lin(y)
    return _make(_combine(xc, yc, 1), xb + yb)


def sub(x: Time, y: Time) -> Time:
    """x - y for finite y; INF - y is INF."""
    if is_inf(x):
        return INF
    assert not is_inf(y), "cannot subtract infinity"
    if not isinstance(x, Sym) and not isinstance(y, Sym):
        return x - y
    xc, xb = _lin(x)
    yc, yb = _lin(y)
    return _make(_combine(xc, yc, -1), xb - yb)


def scale(x: Time, factor: Number) -> Time:
    """x · factor for a finite x."""
    coefs, b = _lin(x)
    return _make({v: a * factor for v, a in coefs.items()}, b * factor)


def concrete(x: Time, onsets: Sequence[int] = ()) -> Number:
    """The value of x when free onset i (1-based) is `onsets[i - 1]`."""
    coefs, b = _lin(x)
    value = b + sum(a * onsets[v - 1] for v, a in coefs.items())
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value


Zone = list[list[int]]
"""A difference-bound matrix over x_0 = 0 and the free onsets x_1 … x_n:
zone[i][j] is the least known upper bound of x_i − x_j (INF: none).  Kept closed
(every entry tight), so `-zone[0][i]` and `zone[i][0]` are x_i's exact bounds."""


def new_zone(windows: Sequence[tuple[int, int]]) -> Zone | None:
    """The zone of the onsets `lo_i ≤ o_i ≤ hi_i`; None if a window is empty."""
    n = len(windows)
    zone = [[0 if i == j else INF for j in range(n + 1)] for i in range(n + 1)]
    for i, (lo, hi) in enumerate(windows, start=1):
        if lo > hi:
            return None
        zone[i][0] = hi
        zone[0][i] = -lo
    size = n + 1
    for k in range(size):
        for a in range(size):
            for b in range(size):
                if zone[a][k] < INF and zone[k][b] < INF:
                    zone[a][b] = min(zone[a][b], zone[a][k] + zone[k][b])
    return zone


def constrain(zone: Zone, i: int, j: int, bound: int) -> Zone | None:
    """A copy of the closed `zone` with x_i − x_j ≤ bound added, closed; None if empty."""
    if zone[j][i] < INF and zone[j][i] + bound < 0:
        return None
    if bound >= zone[i][j]:
        return [row[:] for row in zone]
    size = len(zone)
    result = [row[:] for row in zone]
    # a shortest path that uses the new edge i → j: a → i → j → b
    for a in range(size):
        to_i = zone[a][i]
        if to_i >= INF:
            continue
        row = result[a]
        for b in range(size):
            from_j = zone[j][b]
            if from_j < INF and to_i + bound + from_j < row[b]:
                row[b] = to_i + bound + from_j
    return result


def zone_bounds(zone: Zone, variable: int) -> tuple[int, int]:
    return -zone[0][variable], zone[variable][0]


EXTREMES_UP_TO = 3
"""`zone_extremes` looks at the vertices of zones with at most this many free onsets
(3: 128 candidate vertices; the explicit engine's questions have one to three)."""


def zone_extremes(
    zone: Zone, terms: Sequence[tuple[int, Number]], b: Number
) -> tuple[Number, Number] | None:
    """The least and greatest value of `Σ a·x_v + b` over the integer points of the
    closed, bounded `zone`, for `terms` (v, a) naming only free onsets; None for more
    than `EXTREMES_UP_TO` of them.

    The zone is a polytope of difference constraints, whose matrix is totally
    unimodular: its vertices are integer points, and a linear function takes its
    extremes over the zone at vertices.  A vertex is fixed by as many tight,
    independent constraints as free onsets, each `x_i − x_j = zone[i][j]` for an
    edge of a spanning tree of x_0 = 0 and the free onsets; every such tree (each
    free onset's parent and which of the edge's two bounds is tight) is tried and
    kept when its point lies in the zone.  The restriction of a closed zone to the
    free onsets is their projection, so the fixed onsets need no vertex."""
    free = [v for v, _ in terms]
    if len(free) > EXTREMES_UP_TO:
        return None
    nodes = [0, *free]
    values: list[Number] = []
    for parents in itertools.product(nodes, repeat=len(free)):
        if any(p == v for p, v in zip(parents, free, strict=True)):
            continue
        parent = dict(zip(free, parents, strict=True))
        for tight in itertools.product((True, False), repeat=len(free)):
            point = _tree_point(zone, parent, dict(zip(free, tight, strict=True)))
            if point is not None and all(
                point[i] - point[j] <= zone[i][j] for i in nodes for j in nodes
            ):
                values.append(b + sum(a * point[v] for v, a in terms))
    if not values:
        return None
    return min(values), max(values)


def _tree_point(
    zone: Zone, parent: dict[int, int], upper: dict[int, bool]
) -> dict[int, int] | None:
    """The point at which every onset v lies on its bound relative to `parent[v]`
    (`x_v − x_p = zone[v][p]` if `upper[v]`, else `x_p − x_v = zone[p][v]`); None
    when the parents do not lead to x_0 or a bound is infinite."""
    point = {0: 0}
    for v in parent:
        path = [v]
        while path[-1] not in point:
            path.append(parent[path[-1]])
            if len(path) > len(parent) + 1:
                return None  # a cycle: no spanning tree
        for u in reversed(path[:-1]):
            p = parent[u]
            bound = zone[u][p] if upper[u] else zone[p][u]
            if bound >= INF:
                return None
            point[u] = point[p] + bound if upper[u] else point[p] - bound
    return point


class Ctx:
    """Decides comparisons of time values over a zone of the free onsets.

    `Ctx()` has no free onset.  `Ctx(zone)` narrows its zone as comparisons
    are decided and appends the other side of every split to `pending`.
    `limits` (none: unlimited) bound the work of a simulation run over it
    (`tick`).
    """

    __slots__ = ("limits", "pending", "zone")

    def __init__(self, zone: Zone | None = None, limits: Limits | None = None) -> None:
        self.zone = zone
        self.pending: list[Zone] = []
        self.limits = limits

    def tick(self) -> None:
        """A step of a loop that may run long: raise OutOfTime or OverBudget past the limits."""
        if self.limits is not None:
            self.limits.tick()

    def _decide(self, i: int, j: int, bound: int) -> bool:
        """Does x_i − x_j ≤ bound hold (splitting the zone if it is not decided)?"""
        zone = self.zone
        assert zone is not None
        if zone[i][j] <= bound:
            return True
        if zone[j][i] < INF and zone[j][i] <= -bound - 1:
            return False
        yes = constrain(zone, i, j, bound)
        no = constrain(zone, j, i, -bound - 1)
        assert yes is not None and no is not None
        self.pending.append(no)
        self.zone = yes
        return True

    def positive(self, d: Time) -> bool:
        """Is d > 0 (for every onset vector of the zone, narrowing it if needed)?"""
        if not isinstance(d, Sym):
            return d > 0
        zone = self.zone
        assert zone is not None, "a symbolic value needs a zone"
        b: Number = d.b
        free: list[tuple[int, Number]] = []
        for v, a in d.coefs.items():
            lo, hi = -zone[0][v], zone[v][0]
            if lo == hi:
                b += a * lo
            else:
                free.append((v, a))
        if not free:
            return b > 0
        if len(free) == 1:
            ((v, a),) = free
            if a > 0:  # a·o + b > 0  ⟺  o ≥ m  ⟺  x_0 − x_v ≤ −m
                m = math.floor(Fraction(-b) / a) + 1
                return self._decide(0, v, -m)
            m = math.ceil(Fraction(b) / -a) - 1  # ⟺ o ≤ m
            return self._decide(v, 0, m)
        if len(free) == 2 and free[0][1] == -free[1][1]:
            (u, a), (v, _) = free
            if a > 0:  # a·(o_u − o_v) + b > 0  ⟺  o_u − o_v ≥ m  ⟺  x_v − x_u ≤ −m
                m = math.floor(Fraction(-b) / a) + 1
                return self._decide(v, u, -m)
            m = math.ceil(Fraction(b) / -a) - 1  # ⟺ o_u − o_v ≤ m
            return self._decide(u, v, m)
        # Not a difference constraint: decided without a split when its sign is the
        # same at every corner of the zone's bounding box (the box holds the zone, so
        # this is exact), e.g. a partition's errors summed over two outages that stay
        # below its closing count whatever the onsets.
        least = b + sum(a * (-zone[0][v] if a > 0 else zone[v][0]) for v, a in free)
        if least > 0:
            return True
        most = b + sum(a * (zone[v][0] if a > 0 else -zone[0][v]) for v, a in free)
        if most <= 0:
            return False
        # Then at every vertex of the zone itself, which the box may overshoot: a job's
        # end o1 − o2 + c, after two outages that overlap, compared with the second
        # outage's start o2 is o1 − 2·o2 + c, whose sign the difference o1 − o2 and
        # the bound of o2 fix where the box does not (decision 62).
        extremes = zone_extremes(zone, free, b)
        if extremes is not None:
            least, most = extremes
            if least > 0:
                return True
            if most <= 0:
                return False
        raise NeedsConcrete("a comparison that is not a difference constraint")

    def lt(self, x: Time, y: Time) -> bool:
        if is_inf(y):
            return not is_inf(x)
        if is_inf(x):
            return False
        if not isinstance(x, Sym) and not isinstance(y, Sym):
            return x < y
        return self.positive(sub(y, x))

    def le(self, x: Time, y: Time) -> bool:
        return not self.lt(y, x)

    def eq(self, x: Time, y: Time) -> bool:
        return self.le(x, y) and self.le(y, x)

    def cmp(self, x: Time, y: Time) -> int:
        if self.lt(x, y):
            return -1
        if self.lt(y, x):
            return 1
        return 0

    def min(self, x: Time, y: Time) -> Time:
        return x if self.le(x, y) else y

    def max(self, x: Time, y: Time) -> Time:
        return y if self.le(x, y) else x

    def _integral(self, x: Time) -> tuple[dict[int, Number], Number]:
        coefs, b = _lin(x)
        if coefs and self.zone is not None:
            fixed = {v: a for v, a in coefs.items() if -self.zone[0][v] == self.zone[v][0]}
            for v, a in fixed.items():
                b += a * self.zone[v][0]
            coefs = {v: a for v, a in coefs.items() if v not in fixed}
        for a in coefs.values():
            if isinstance(a, Fraction) and a.denominator != 1:
                raise NeedsConcrete("a fractional multiple of an onset")
        return {v: int(a) for v, a in coefs.items()}, b

    def ceil(self, x: Time) -> Time:
        """The least integer time ≥ x (exact; raises NeedsConcrete if not linear)."""
        coefs, b = self._integral(x)
        return _make(coefs, math.ceil(b))

    def floor(self, x: Time) -> Time:
        coefs, b = self._integral(x)
        return _make(coefs, math.floor(b))

    def require_concrete(self, x: Time) -> Number:
        if isinstance(x, Sym):
            coefs, b = self._integral(x)
            if coefs:
                raise NeedsConcrete("a value the simulator needs as a number depends on an onset")
            return b
        return x


Interval = tuple[Time, Time]
Signal = tuple[Interval, ...]

EMPTY: Signal = ()
ALWAYS: Signal = ((0, INF),)


def interval(ctx: Ctx, start: Time, end: Time) -> Signal:
    """The signal `[start, end)` (empty if end ≤ start)."""
    return ((start, end),) if ctx.lt(start, end) else EMPTY


def normalize(ctx: Ctx, intervals: Sequence[Interval]) -> Signal:
    """Sort, drop empty intervals and merge overlapping or adjacent ones."""
    items = [iv for iv in intervals if ctx.lt(iv[0], iv[1])]
    if len(items) <= 1:
        return tuple(items)

    def by_start(p: Interval, q: Interval) -> int:
        return ctx.cmp(p[0], q[0])

    items.sort(key=cmp_to_key(by_start))
    merged: list[Interval] = [items[0]]
    for start, end in items[1:]:
        last_start, last_end = merged[-1]
        if ctx.le(start, last_end):
            merged[-1] = (last_start, ctx.max(last_end, end))
        else:
            merged.append((start, end))
    return tuple(merged)


def union(ctx: Ctx, signals: Sequence[Signal]) -> Signal:
    present = [s for s in signals if s]
    if not present:
        return EMPTY
    if len(present) == 1:
        return present[0]
    return normalize(ctx, [iv for s in present for iv in s])


def combine(ctx: Ctx, signals: Sequence[Signal], holds: Callable[[list[bool]], bool]) -> Signal:
    """The signal of the instants at which `holds(membership)` is true.

    `membership[i]` says whether signal i holds at the instant.
    """
    points: list[Time] = [0, INF]
    for s in signals:
        for start, end in s:
            points.append(start)
            points.append(end)
    points.sort(key=cmp_to_key(ctx.cmp))
    unique: list[Time] = []
    for p in points:
        if not unique or ctx.lt(unique[-1], p):
            unique.append(p)
    cursors = [0] * len(signals)
    result: list[Interval] = []
    for left, right in itertools.pairwise(unique):
        membership = []
        for i, s in enumerate(signals):
            while cursors[i] < len(s) and ctx.le(s[cursors[i]][1], left):
                cursors[i] += 1
            membership.append(cursors[i] < len(s) and ctx.le(s[cursors[i]][0], left))
        if holds(membership):
            if result and ctx.eq(result[-1][1], left):
                result[-1] = (result[-1][0], right)
            else:
                result.append((left, right))
    return tuple(result)


def intersect(ctx: Ctx, a: Signal, b: Signal) -> Signal:
    if not a or not b:
        return EMPTY
    return combine(ctx, [a, b], lambda m: m[0] and m[1])


def minus(ctx: Ctx, a: Signal, b: Signal) -> Signal:
    if not a or not b:
        return a
    return combine(ctx, [a, b], lambda m: m[0] and not m[1])


def complement(ctx: Ctx, a: Signal) -> Signal:
    return combine(ctx, [a], lambda m: not m[0])


def at_least(ctx: Ctx, signals: Sequence[Signal], count: int) -> Signal:
    """Instants at which at least `count` of the signals hold."""
    if count <= 0:
        return ALWAYS
    if count == 1:
        return union(ctx, signals)
    return combine(ctx, signals, lambda m: sum(m) >= count)


def from_on(ctx: Ctx, a: Signal, start: Time) -> Signal:
    """The part of `a` at instants ≥ start."""
    return intersect(ctx, a, ((start, INF),)) if not is_inf(start) else EMPTY


def erode(ctx: Ctx, a: Signal, width: int) -> Signal:
    """Instants t such that a holds at every instant of `[t, t + width]`."""
    result = []
    for start, end in a:
        last = sub(end, width)
        if ctx.lt(start, last):
            result.append((start, last))
    return tuple(result)


def lagged(ctx: Ctx, a: Signal, rides_out: int, recovers_in: int) -> Signal:
    """`rides out R` and `recovers in Q` applied to `a`: the instants t for which some
    s in [t − Q, t] has `a` at every instant of [s − R, s] (instants before 0 count
    as `a` false).  A run [p, q) of `a` becomes [p + R, q + Q) when p + R < q, and
    nothing otherwise: a run of at most R instants is ridden out."""
    if rides_out == 0 and recovers_in == 0:
        return a
    pieces = []
    for start, end in a:
        reached = add(start, rides_out)
        if ctx.lt(reached, end):
            pieces.append((reached, add(end, recovers_in)))
    return normalize(ctx, pieces)


def holds_at(ctx: Ctx, a: Signal, t: Time) -> bool:
    for start, end in a:
        if ctx.lt(t, start):
            return False
        if ctx.lt(t, end):
            return True
    return False


def first_instant(a: Signal) -> Time | None:
    return a[0][0] if a else None
