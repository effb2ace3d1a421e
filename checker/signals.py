"""Time values and signals (sets of intervals), exact and optionally symbolic.

A *time value* is an int (seconds), or a `Sym`: `a·o + b` in the onset `o` of
one fault that the explicit engine leaves free.  Every comparison between
time values goes through a `Ctx`.  With no free onset (`Ctx()`), comparisons
are plain integer comparisons and the simulator is the reference simulator.
With a free onset ranging over the integers `[lo, hi]`, a comparison that
the whole range does not decide narrows `hi` to the lower part on which it is
decided; everything the simulator computes is then exact for every onset in
the narrowed range (the range is a class of equivalent onsets), and the
explicit engine goes on from `hi + 1`.

A *signal* is a sorted tuple of disjoint, non-adjacent half-open intervals
`[a, b)` with `0 ≤ a < b ≤ INF`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import cmp_to_key
from typing import Union

INF = 10**15
"""'Never' / 'forever': larger than any instant a model can reach."""

Number = Union[int, Fraction]


class NeedsConcrete(Exception):
    """A value is not linear in the free onset; the onset must be made concrete."""


class Sym:
    """The time value `a·o + b` (a ≠ 0) in the free onset `o`.

    Comparison operators are deliberately unavailable: compare through a Ctx.
    """

    __slots__ = ("a", "b")

    def __init__(self, a: Number, b: Number) -> None:
        self.a = a
        self.b = b

    def __repr__(self) -> str:
        return f"Sym({self.a}·o + {self.b})"

    def __eq__(self, other: object) -> bool:
        raise TypeError("compare time values through a Ctx")

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        raise TypeError("a symbolic time value has no truth value")


Time = Union[int, Fraction, Sym]


def _lin(x: Time) -> tuple[Number, Number]:
    if isinstance(x, Sym):
        return x.a, x.b
    return 0, x


def _make(a: Number, b: Number) -> Time:
    if a == 0:
        if isinstance(b, Fraction) and b.denominator == 1:
            return int(b)
        return b
    return Sym(a, b)


def is_inf(x: Time) -> bool:
    return not isinstance(x, Sym) and x >= INF


def add(x: Time, y: Time) -> Time:
    """x + y; INF absorbs."""
    if is_inf(x) or is_inf(y):
        return INF
    xa, xb = _lin(x)
    ya, yb = _lin(y)
    return _make(xa + ya, xb + yb)


def sub(x: Time, y: Time) -> Time:
    """x - y for finite y; INF - y is INF."""
    if is_inf(x):
        return INF
    assert not is_inf(y), "cannot subtract infinity"
    xa, xb = _lin(x)
    ya, yb = _lin(y)
    return _make(xa - ya, xb - yb)


def scale(x: Time, factor: Number) -> Time:
    """x · factor for a finite x."""
    a, b = _lin(x)
    return _make(a * factor, b * factor)


def concrete(x: Time, onset: int) -> Number:
    """The value of x when the free onset is `onset`."""
    a, b = _lin(x)
    value = a * onset + b
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value


class Ctx:
    """Decides comparisons of time values over the free onset's range `[lo, hi]`.

    `Ctx()` has no free onset.  With one, `hi` only ever shrinks, to the part
    of the range on which every comparison made so far has one answer.
    """

    __slots__ = ("lo", "hi")

    def __init__(self, lo: int | None = None, hi: int | None = None) -> None:
        self.lo = lo
        self.hi = hi

    def positive(self, d: Time) -> bool:
        """Is d > 0 (for every onset of the current range, narrowing it if needed)?"""
        if not isinstance(d, Sym):
            return d > 0
        assert self.lo is not None and self.hi is not None
        a, b = d.a, d.b
        if a > 0:
            # a·o + b > 0  ⟺  o ≥ m
            m = math.floor(Fraction(-b) / a) + 1
            if self.lo >= m:
                return True
            if self.hi < m:
                return False
            self.hi = m - 1
            return False
        # a < 0:  a·o + b > 0  ⟺  o ≤ m
        m = math.ceil(Fraction(b) / -a) - 1
        if self.hi <= m:
            return True
        if self.lo > m:
            return False
        self.hi = m
        return True

    def lt(self, x: Time, y: Time) -> bool:
        if is_inf(y):
            return not is_inf(x)
        if is_inf(x):
            return False
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

    def ceil(self, x: Time) -> Time:
        """The least integer time ≥ x (exact; raises NeedsConcrete if not linear)."""
        a, b = _lin(x)
        if a == 0:
            return math.ceil(b)
        if isinstance(a, Fraction) and a.denominator != 1:
            raise NeedsConcrete("ceiling of a fractional multiple of the onset")
        return _make(int(a), math.ceil(b))

    def floor(self, x: Time) -> Time:
        a, b = _lin(x)
        if a == 0:
            return math.floor(b)
        if isinstance(a, Fraction) and a.denominator != 1:
            raise NeedsConcrete("floor of a fractional multiple of the onset")
        return _make(int(a), math.floor(b))

    def require_concrete(self, x: Time) -> Number:
        if isinstance(x, Sym):
            raise NeedsConcrete("a value the simulator needs as a number depends on the onset")
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
    items.sort(key=cmp_to_key(lambda p, q: ctx.cmp(p[0], q[0])))
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
    for left, right in zip(unique, unique[1:]):
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


def holds_at(ctx: Ctx, a: Signal, t: Time) -> bool:
    for start, end in a:
        if ctx.lt(t, start):
            return False
        if ctx.lt(t, end):
            return True
    return False


def first_instant(a: Signal) -> Time | None:
    return a[0][0] if a else None
