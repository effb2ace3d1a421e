"""The SMT encoding: a model and the negation of a check as Z3 constraints over
integer fault onsets (the search that uses it is `smt.py`).

Nothing here is stepped through time.  A fault that the hypothesis may inject
gets a Boolean `sel_f` (injected or not) and an integer onset `o_f` — directly,
or, when many faults are selectable, through K *slots* (fault number, onset) so
that signals change only at slot instants (`Encoding._encode_slots`); every
signal of the model is a *formula in an instant* (`at(t)`: does it hold at
the instant term t?) together with the finite list of instant terms at which
it may change (`points`).  Between two consecutive change points a signal is
constant, so "A holds at every instant of [t, u]" is `A(t)` and `A(p)` for
every change point p in (t, u], the first instant of a run of A is 0 or a
change point, and the measure of A over [lo, hi) is A(lo) · (hi − lo) plus,
for each change point p in (lo, hi), ±(hi − p) where A starts or stops
holding at p.  Instants that the semantics
defines as "the first instant at which …" (a partition's closing, a job's
completion, a store's fullness, the decisive switchover of a failover pair)
are fresh integer variables pinned down by their defining property, e.g.
`F(c) ≥ target ∧ F(c − 1) < target` for a monotone count F.

A partition that reopens may close many times before the time bound; its
closings are unrolled up to a depth the search chooses (`depths`), and the
encoding says from which instant the first left-out closing would count
(`tails`), so that the search knows where it is exact.

Formulas are folded as they are built (`Encoding.lt`, `all_of`, …): instants a
constant apart are compared in Python, `true` and `false` leave the
connectives, and a signal knows the earliest instant at which it may hold
(`Sig.earliest`), before which it is `false` at numeral instants and has no
change points.

The v1 forms are formulas of the same kind.  A window list is a disjunction of
its intervals (a daily list unrolled up to the instants read: the horizon or
the time bound), with their ends as change points.  `open` hours conjoin a transaction's classes with its hours,
and `CH.down` becomes "some transaction is within its hours and every one
within them fails".  An assertion's window conjoins what it judges.  `rides out
R` and `recovers in Q` (`_lagged`): with n the needs combined, m(s) = s ≥ R and
n covers [s − R, s], x(t) = m holds at some instant of [t − Q, t], both exact
by the change points (m changes only at p and p + R, x only at m's points and
those + Q, for the change points p of n, and at R unless n holds at no
negative instant).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

import z3

from failspec.checker import ir
from failspec.checker.cone import can_fill, selectable_faults
from failspec.checker.engine import check_deadline

Term = TypeVar("Term", z3.ArithRef, z3.BoolRef)
"""An instant or a formula (`Encoding.choose`)."""

Step = tuple[z3.ArithRef, z3.BoolRef, z3.BoolRef, z3.BoolRef]
"""A point at which a signal may change (`Encoding.steps`)."""

INF = 10**15
"""'Never' / 'forever' as an integer instant, beyond every instant a model reaches."""

MAX_CLOSURES = 256
"""The most closings of one reopening partition the encoding unrolls; past it the
engine answers unknown.  (64 until 2026-12-01: a 12 h day with `reopens after
10m` may close 72 times, and the layered models of bench/bench_default.py were
`unknown` at once; unrolled on demand, they hold at K = 1 in 11 s and K = 2 in
78 s.  Each closing costs the encoding a few terms, and the deadline is
checked at each.)"""


class Unsupported(Exception):
    """The model needs more than this encoding unrolls; the verdict is unknown."""


@dataclass
class Sig:
    """A signal: a formula in an instant, and the instants at which it may change.

    `rises` and `falls`, when known, split the change points: the signal may start
    to hold only at a rise and stop only at a fall (None: unknown, read as every
    point).  They let `covers` look only at falls and `rides out`/`recovers in`
    shift rises and falls apart without doubling the points.

    `earliest` is an instant before which the signal holds nowhere, negative
    instants included (-INF: nothing known; INF: it never holds): numeral points
    before it are no change points, and at a numeral instant before it the signal
    is `false` without a term (`Encoding.memo`).  With faults that start during
    the day, the numerals of hours and windows before then cost nothing; and a
    signal that holds at no negative instant rises at 0 only at one of its rises,
    which `rides out` uses (`Encoding._lagged`)."""

    at: Callable[[z3.ArithRef], z3.BoolRef]
    points: list[z3.ArithRef] = field(default_factory=list)
    rises: list[z3.ArithRef] | None = None
    falls: list[z3.ArithRef] | None = None
    earliest: int = -INF

    def rising(self) -> list[z3.ArithRef]:
        """The instants at which the signal may start to hold."""
        return self.points if self.rises is None else self.rises

    def falling(self) -> list[z3.ArithRef]:
        """The instants at which the signal may stop holding."""
        return self.points if self.falls is None else self.falls


class Encoding:
    """The model and the check under one choice of unrolling depths.

    A partition's closings are unrolled up to `depths[index]` (none in the
    *shallow* encoding, one at first otherwise); closings after those are left
    out, and `tails[index]` is the instant from which the first left-out
    closing would count its errors, so that it comes no sooner than
    tail + gap (`closing_gap`, the search's gaps).  The encoding is then exact for every scenario
    whose violation instant v satisfies `tail + gap > v + reach` for every
    tail: the check's verdict at v reads the partition's signal at instants up
    to v + reach (`reach_of`) only.  The search (`smt.py`) decides how the depths grow.  `slot_count` is the number of slots (`_encode_slots`), or
    None for one flag per fault (`_encode_flags`).
    """

    def __init__(
        self,
        model: ir.Model,
        check: ir.Check,
        deadline: float | None,
        ctx: z3.Context,
        depths: dict[int, int],
        slot_count: int | None,
        first_depth: int,
        cone: set[int],
    ) -> None:
        self.deadline = deadline
        self.model = model
        self.check = check
        self.ctx = ctx
        self.depths = depths
        self.first_depth = first_depth
        self.tails: dict[int, z3.ArithRef] = {}
        self.constraints: list[z3.BoolRef] = []
        self.bound = ir.time_bound(model)
        self.numerals: dict[int, z3.ArithRef] = {}
        self.true = z3.BoolVal(True, self.ctx)
        self.false = z3.BoolVal(False, self.ctx)
        self.zero = self.const(0)
        self.inf = self.const(INF)
        self.fresh_count = 0
        self.canonical_terms: dict[int, tuple[z3.ArithRef, int]] = {}
        self.canonical_objects: dict[int, tuple[z3.ArithRef, int]] = {}
        self.linear_objects: dict[int, tuple[int, int]] = {}
        self.shifted: dict[tuple[int, int], z3.ArithRef] = {}
        self.canonical_keep: list[z3.ArithRef] = []
        self.linear_terms: dict[int, tuple[int, int]] = {}
        self.step_cache: dict[int, tuple[Sig, list[Step]]] = {}
        self.cone = cone
        self.selectable = selectable_faults(model, check, cone)
        self.sel: dict[int, z3.BoolRef] = {}
        self.onset: dict[int, z3.ArithRef] = {}
        self.slot_count = slot_count
        self.slots: list[tuple[z3.ArithRef, z3.ArithRef]] = []
        if slot_count is not None:
            self._encode_slots(slot_count)
        else:
            self._encode_flags()
        self.active: dict[int, Sig] = {}
        self.down: dict[int, Sig] = {}
        self.closed: dict[int, Sig] = {}
        self.full_from: dict[int, z3.ArithRef] = {}
        self.job_start: dict[int, z3.ArithRef] = {}
        self.job_done: dict[int, z3.ArithRef] = {}
        self.job_work: dict[int, Sig] = {}
        self.txn_class: dict[tuple[int, int], dict[str, Sig]] = {}
        self.txn_fails: dict[tuple[int, int], Sig] = {}
        self.violation_at = z3.Int("violation_at", self.ctx)
        for n in self.selectable:
            self.active[n] = self._fault_signal(n)
        for index in model.order:
            if index in self.cone:
                self._encode_component(model.components[index])
        for index, component in enumerate(model.components):
            if index in self.cone and can_fill(component.spec):
                self._encode_fullness(index, component.spec)
        self.violated, self.violation_at = self._encode_check()

    # --- helpers -------------------------------------------------------------------

    def const(self, value: int) -> z3.ArithRef:
        found = self.numerals.get(value)
        if found is None:
            found = self.numerals[value] = z3.IntVal(value, self.ctx)
        return found

    def fresh_int(self, name: str) -> z3.ArithRef:
        self.fresh_count += 1
        return z3.Int(f"{name}_{self.fresh_count}", self.ctx)

    def fresh_bool(self, name: str) -> z3.BoolRef:
        self.fresh_count += 1
        return z3.Bool(f"{name}_{self.fresh_count}", self.ctx)

    # Formulas are built folded: a comparison of two instants that differ by a
    # constant (two numerals, or `c + x` and `d + x`) is decided here, and `true`
    # and `false` are dropped from the connectives built on them, so that a
    # signal evaluated where an operand is fixed (a window's end, a slot's own
    # onset) costs no term.  Z3 would find the same, but only after Python had
    # built every term through z3.py, which is most of the encoding's time.

    def _connective(self, make: Callable[..., object], items: list[z3.BoolRef]) -> z3.BoolRef:
        args = (z3.Ast * len(items))(*[item.as_ast() for item in items])
        return z3.BoolRef(make(self.ctx.ref(), len(items), args), self.ctx)

    def _fold(
        self,
        items: list[z3.BoolRef],
        absorbing: z3.BoolRef,
        neutral: z3.BoolRef,
        make: Callable[..., object],
    ) -> z3.BoolRef:
        kept = []
        for item in items:
            if item is absorbing:
                return absorbing
            if item is not neutral:
                kept.append(item)
        if not kept:
            return neutral
        return kept[0] if len(kept) == 1 else self._connective(make, kept)

    def any_of(self, items: list[z3.BoolRef]) -> z3.BoolRef:
        """The disjunction of `items`, `true` and `false` folded."""
        return self._fold(items, self.true, self.false, z3.Z3_mk_or)

    def all_of(self, items: list[z3.BoolRef]) -> z3.BoolRef:
        """The conjunction of `items`, `true` and `false` folded."""
        return self._fold(items, self.false, self.true, z3.Z3_mk_and)

    def negate(self, item: z3.BoolRef) -> z3.BoolRef:
        if item is self.true:
            return self.false
        if item is self.false:
            return self.true
        return z3.BoolRef(z3.Z3_mk_not(self.ctx.ref(), item.as_ast()), self.ctx)

    def implies(self, condition: z3.BoolRef, item: z3.BoolRef) -> z3.BoolRef:
        if condition is self.false or item is self.true:
            return self.true
        if condition is self.true:
            return item
        return z3.BoolRef(
            z3.Z3_mk_implies(self.ctx.ref(), condition.as_ast(), item.as_ast()), self.ctx
        )

    def choose(self, condition: z3.BoolRef, then: Term, other: Term) -> Term:
        """`If(condition, then, other)`, folded when `condition` is known."""
        if condition is self.true:
            return then
        if condition is self.false:
            return other
        return z3.If(condition, then, other)

    def _linear(self, t: z3.ArithRef) -> tuple[int, int]:
        """(the id of t's symbolic part, or -1 for a numeral; t's constant offset), read
        through sums and differences with numerals (`(p + 20) - 20` is p)."""
        found = self.linear_objects.get(id(t))
        if found is not None:
            return found
        key = t.get_id()
        found = self.linear_terms.get(key)
        if found is None:
            found = (key, 0)
            if z3.is_int_value(t):
                found = (-1, t.as_long())
            elif (z3.is_add(t) or z3.is_sub(t)) and t.num_args() == 2:
                first, second = t.arg(0), t.arg(1)
                sign = 1 if z3.is_add(t) else -1
                if z3.is_int_value(second):
                    base, offset = self._linear(first)
                    found = (base, offset + sign * second.as_long())
                elif sign == 1 and z3.is_int_value(first):
                    base, offset = self._linear(second)
                    found = (base, offset + first.as_long())
            self.linear_terms[key] = found
        self.linear_objects[id(t)] = found
        # keep `t` (and with it its parts) alive, so that no id is reused
        self.canonical_keep.append(t)
        return found

    def shift(self, t: z3.ArithRef, k: int) -> z3.ArithRef:
        """The instant t + k, simplified: one term, and one Python object, per value
        (so that every cache meets it at once)."""
        base, offset = self._linear(t)
        key = (base, offset + k)
        found = self.shifted.get(key)
        if found is None:
            found = self.const(key[1]) if base == -1 else self.canonical(t + k)[0]
            self.shifted[key] = found
            self.linear_objects[id(found)] = key
            self.canonical_objects[id(found)] = (found, found.get_id())
            self.canonical_keep.append(found)
        return found

    def difference(self, a: z3.ArithRef | int, b: z3.ArithRef | int) -> int | None:
        """a − b when it is a constant that the terms show, else None."""
        base_a, offset_a = (-1, a) if isinstance(a, int) else self._linear(a)
        base_b, offset_b = (-1, b) if isinstance(b, int) else self._linear(b)
        return offset_a - offset_b if base_a == base_b else None

    def _compare(
        self,
        make: Callable[..., object],
        holds: Callable[[int], bool],
        a: z3.ArithRef | int,
        b: z3.ArithRef | int,
    ) -> z3.BoolRef:
        known = self.difference(a, b)
        if known is not None:
            return self.true if holds(known) else self.false
        left = self.const(a) if isinstance(a, int) else a
        right = self.const(b) if isinstance(b, int) else b
        return z3.BoolRef(make(self.ctx.ref(), left.as_ast(), right.as_ast()), self.ctx)

    def lt(self, a: z3.ArithRef | int, b: z3.ArithRef | int) -> z3.BoolRef:
        """a < b, decided when the terms show it."""
        return self._compare(z3.Z3_mk_lt, lambda d: d < 0, a, b)

    def le(self, a: z3.ArithRef | int, b: z3.ArithRef | int) -> z3.BoolRef:
        """a ≤ b, decided when the terms show it."""
        return self._compare(z3.Z3_mk_le, lambda d: d <= 0, a, b)

    def same(self, a: z3.ArithRef | int, b: z3.ArithRef | int) -> z3.BoolRef:
        """a = b, decided when the terms show it."""
        return self._compare(z3.Z3_mk_eq, lambda d: d == 0, a, b)

    def memo(
        self, fn: Callable[[z3.ArithRef], z3.BoolRef], earliest: int = -INF
    ) -> Callable[[z3.ArithRef], z3.BoolRef]:
        """`fn` evaluated once per instant (simplified), and `false` at the numeral
        instants before `earliest`."""
        cache: dict[int, z3.BoolRef] = {}

        def at(t: z3.ArithRef) -> z3.BoolRef:
            # instants are simplified first, so that (p + 20) - 20 meets p in the cache
            t, key = self.canonical(t)
            if key not in cache:
                base, value = self._linear(t)
                dark = base == -1 and value < earliest
                cache[key] = self.false if dark else fn(t)
            return cache[key]

        return at

    def canonical(self, t: z3.ArithRef) -> tuple[z3.ArithRef, int]:
        """The instant term `t` simplified, and its id (each term simplified once).

        Looked up by the Python object first (the same points are read again and
        again), then by the term; both are kept alive with their entries, so that
        no id is reused."""
        found = self.canonical_objects.get(id(t))
        if found is None:
            key = t.get_id()
            found = self.canonical_terms.get(key)
            if found is None:
                simple = z3.simplify(t)
                found = (simple, simple.get_id())
                self.canonical_terms[key] = found
            self.canonical_objects[id(t)] = found
            self.canonical_keep.append(t)
        return found

    def _unique(self, points: list[z3.ArithRef]) -> list[z3.ArithRef]:
        """The points simplified, each once, in order."""
        unique: dict[int, z3.ArithRef] = {}
        for p in points:
            simple, key = self.canonical(p)
            unique.setdefault(key, simple)
        return list(unique.values())

    def tick(self) -> None:
        """Stop building the encoding once the deadline has passed."""
        check_deadline(self.deadline)

    def signal(
        self,
        fn: Callable[[z3.ArithRef], z3.BoolRef],
        points: list[z3.ArithRef],
        earliest: int = -INF,
    ) -> Sig:
        """A signal that may change at `points` and holds nowhere before `earliest`."""
        self.tick()
        return Sig(self.memo(fn, earliest), self._after(points, earliest), earliest=earliest)

    def never(self) -> Sig:
        """The signal that never holds."""
        return Sig(lambda t: self.false, [], earliest=INF)

    def _after(self, points: list[z3.ArithRef], earliest: int) -> list[z3.ArithRef]:
        """The points simplified, each once, without the numerals before `earliest`:
        a signal that holds nowhere before it does not change there."""
        unique = self._unique(points)
        if earliest == -INF:
            return unique
        kept = []
        for p in unique:
            base, value = self._linear(p)
            if base != -1 or value >= earliest:
                kept.append(p)
        return kept

    def polar(
        self,
        fn: Callable[[z3.ArithRef], z3.BoolRef],
        rises: list[z3.ArithRef],
        falls: list[z3.ArithRef],
        earliest: int = -INF,
    ) -> Sig:
        """A signal that may start to hold only at `rises` and stop only at `falls`,
        and holds nowhere before `earliest`."""
        self.tick()
        rises, falls = self._after(rises, earliest), self._after(falls, earliest)
        return Sig(self.memo(fn, earliest), self._unique([*rises, *falls]), rises, falls, earliest)

    def union(self, sigs: list[Sig]) -> Sig:
        if not sigs:
            return self.never()
        if len(sigs) == 1:
            return sigs[0]
        # a union starts to hold only where a member does, and stops only where one does
        return self.polar(
            lambda t: self.any_of([s.at(t) for s in sigs]),
            [p for s in sigs for p in s.rising()],
            [p for s in sigs for p in s.falling()],
            min(s.earliest for s in sigs),
        )

    def negation(self, sig: Sig) -> Sig:
        return self.polar(lambda t: self.negate(sig.at(t)), sig.falling(), sig.rising())

    def within(self, sig: Sig, window: Sig) -> Sig:
        """The instants at which both `sig` and `window` hold."""

        def both(t: z3.ArithRef) -> z3.BoolRef:
            inside = window.at(t)  # first: outside the window, `sig` is not asked
            return self.false if inside is self.false else self.all_of([inside, sig.at(t)])

        # a conjunction starts to hold only where a conjunct does, and stops only where one does
        return self.polar(
            both,
            [*sig.rising(), *window.rising()],
            [*sig.falling(), *window.falling()],
            max(sig.earliest, window.earliest),
        )

    def windows(self, windows: ir.Windows, until: int) -> Sig:
        """The instants of a window list, exact on [0, until] (a daily list unrolled).

        Instants after `until` are never read (`until` is the horizon + 1 or the time
        bound), so an interval that starts after it is left out, and an end after it
        is no change point: the signal is then exact on [0, until] only, with fewer
        points."""
        intervals = [(a, b) for a, b in windows.unrolled(until) if a <= until]
        if not intervals:
            return self.never()
        starts = [self.const(a) for a, _ in intervals]
        ends = [self.const(b) if b <= until else None for _, b in intervals]

        def inside(t: z3.ArithRef) -> z3.BoolRef:
            return self.any_of(
                [
                    self.all_of([self.le(a, t), self.true if b is None else self.lt(t, b)])
                    for a, b in zip(starts, ends, strict=True)
                ]
            )

        return self.polar(
            inside, starts, [b for b in ends if b is not None], min(a for a, _ in intervals)
        )

    def _lagged(self, needs: Sig, rides_out: int, recovers_in: int) -> Sig:
        """`rides out R`, `recovers in Q` on the needs combined `n` (see the module).

        m(s) = s ≥ R and n covers [s − R, s]; x(t) = m somewhere in [t − Q, t].  m
        rises only at R or at p + R for a change point p of n and falls only at such
        a p, so x(t) is m(t − Q) or m at one of its rising points in (t − Q, t], and
        x changes only at R, p + R and p + Q.  When n holds at no negative instant,
        a run of n from 0 starts at one of its rises p = 0, so m's rise at R is p + R
        and R itself is no change point."""
        if rides_out == 0 and recovers_in == 0:
            return needs
        lag = self.const(rides_out)
        rises = [lag] if needs.earliest < 0 else []
        rises += [self.shift(p, rides_out) for p in needs.rising()]
        falls = needs.falling()

        def ridden(s: z3.ArithRef) -> z3.BoolRef:
            if rides_out == 0:
                return needs.at(s)
            after = self.le(lag, s)
            if after is self.false:
                return after
            return self.all_of([after, self.covers(needs, self.shift(s, -rides_out), s)])

        # m(s) needs s ≥ R and n at s - R: it holds nowhere before R, nor before R
        # after n may first hold
        earliest = min(INF, max(rides_out, needs.earliest + rides_out))
        if rides_out == 0:
            earliest = needs.earliest
        m = self.memo(ridden, earliest)
        if recovers_in == 0:
            return self.polar(m, rises, falls, earliest)

        def recovering(t: z3.ArithRef) -> z3.BoolRef:
            # m at t - Q, or m rises somewhere in (t - Q, t] and holds there
            back = self.shift(t, -recovers_in)
            items = [self._and_then([self.le(0, back)], m, back)]
            items += [self._and_then([self.lt(back, r), self.le(r, t)], m, r) for r in rises]
            return self.any_of(items)

        return self.polar(recovering, rises, [self.shift(p, recovers_in) for p in falls], earliest)

    def _and_then(
        self, conditions: list[z3.BoolRef], then: Callable[..., z3.BoolRef], *args: Any
    ) -> z3.BoolRef:
        """`conditions` and `then(*args)`, `then` not called when a condition is false."""
        head = self.all_of(conditions)
        return head if head is self.false else self.all_of([head, then(*args)])

    def _eligible(self, calls: Sig, comm: Sig, blocked: Sig) -> Callable[[z3.ArithRef], z3.BoolRef]:
        """At an instant: the calls are down, and neither comm nor `blocked` holds."""
        return lambda t: self.all_of(
            [calls.at(t), self.negate(comm.at(t)), self.negate(blocked.at(t))]
        )

    def covers(self, sig: Sig, start: z3.ArithRef, end: z3.ArithRef) -> z3.BoolRef:
        """Does the signal hold at every instant of [start, end] (end inclusive)?  It
        does at start, and at every instant of (start, end] where it may stop."""
        items = [sig.at(start)]
        for p in sig.falling():
            if items[0] is self.false:
                break
            inside = self.all_of([self.lt(start, p), self.le(p, end)])
            if inside is not self.false:
                items.append(self.implies(inside, sig.at(p)))
        return self.all_of(items)

    def run_starts(self, sig: Sig) -> list[tuple[z3.ArithRef, z3.BoolRef]]:
        """(instant, is it the first instant of a run of the signal at or after 0)."""
        result = []
        for p in [self.zero, *sig.points]:
            starts = self._and_then([self.le(0, p), self.lt(p, INF)], sig.at, p)
            at_zero = self.same(p, 0)
            if starts is not self.false and at_zero is not self.true:
                starts = self.all_of(
                    [starts, self.any_of([at_zero, self.negate(sig.at(self.shift(p, -1)))])]
                )
            result.append((p, starts))
        return result

    def steps(self, sig: Sig) -> list[Step]:
        """The instants at which the signal may change: (p, whether p is the first
        point with its value, whether the signal starts to hold at p, whether it
        stops holding at p).  Built once per signal.

        Both directions are asked at every point, whatever its polarity: another
        point of the same value that comes later in the list is skipped, and it
        may be a change of the other direction (a need's repair that is no change,
        pinned where another need fails)."""
        key = id(sig)
        if key in self.step_cache:
            return self.step_cache[key][1]
        points = sig.points
        result = []
        for i, p in enumerate(points):
            first = self.all_of([self.negate(self.same(p, points[j])) for j in range(i)])
            if first is self.false:
                continue
            now, before = sig.at(p), sig.at(self.shift(p, -1))
            up = self.all_of([now, self.negate(before)])
            down = self.all_of([self.negate(now), before])
            if up is self.false and down is self.false:
                continue
            result.append((p, first, up, down))
        # keep the signal alive with its cache entry, so that its id is not reused
        self.step_cache[key] = (sig, result)
        return result

    def measure(self, sig: Sig, lo: z3.ArithRef, hi: z3.ArithRef) -> z3.ArithRef:
        """The number of instants of [lo, hi) at which the signal holds (0 if hi ≤ lo).

        The signal's value at lo counted for every instant of [lo, hi), then each
        change at a point p in (lo, hi) for the instants of [p, hi): +1 where it
        starts to hold, -1 where it stops (no term per segment between points)."""
        self.tick()
        total: list[z3.ArithRef] = []
        at_lo = self.all_of([sig.at(lo), self.lt(lo, hi)])
        if at_lo is not self.false:
            total.append(self.choose(at_lo, hi - lo, self.zero))
        for p, first, up, down in self.steps(sig):
            inside = self.all_of([first, self.lt(lo, p), self.lt(p, hi)])
            if inside is self.false:
                continue
            change = self.choose(self.all_of([inside, up]), hi - p, self.zero)
            if down is not self.false:
                change = self.choose(self.all_of([inside, down]), p - hi, change)
            total.append(change)
        if not total:
            return self.zero
        return z3.Sum(total) if len(total) > 1 else total[0]

    # --- components ----------------------------------------------------------------

    def _encode_slots(self, count: int) -> None:
        """At most `count` faults are injected: slot i holds fault number `fault_i`
        (0: empty) from `start_i` on.  Used slots come first, in ascending fault
        numbers, so each scenario has exactly one assignment.  `sel_n` and
        `onset_n` (what the canonical search asks about) are defined from the slots.

        Every fault's signal changes only at slot instants, so a component that
        depends on many faults has a few change points per slot rather than one per
        fault: that keeps signals small on large models.
        """
        self.slots = [
            (z3.Int(f"fault_{i}", self.ctx), z3.Int(f"start_{i}", self.ctx)) for i in range(count)
        ]
        for i, (number, start) in enumerate(self.slots):
            self.constraints.append(
                self.any_of([number == 0, *[number == n for n in self.selectable]])
            )
            self.constraints.append(z3.Implies(number == 0, start == 0))
            if i + 1 < len(self.slots):
                following = self.slots[i + 1][0]
                self.constraints.append(
                    z3.Implies(following != 0, z3.And(number != 0, number < following))
                )
        for n in self.selectable:
            fault = self.model.fault(n)
            sel = z3.Bool(f"sel_{n}", self.ctx)
            onset = z3.Int(f"onset_{n}", self.ctx)
            self.sel[n], self.onset[n] = sel, onset
            holds = [number == n for number, _ in self.slots]
            self.constraints.append(sel == self.any_of(holds))
            for (_number, start), here in zip(self.slots, holds, strict=True):
                self.constraints.append(
                    z3.Implies(
                        here,
                        z3.And(start >= fault.earliest, start <= fault.latest, onset == start),
                    )
                )
            # an onset is irrelevant when the fault is not injected; pin it so that
            # models are canonical
            self.constraints.append(z3.Implies(z3.Not(sel), onset == fault.earliest))

    def _encode_flags(self) -> None:
        """Each fault is injected (`sel_n`) or not, at `onset_n`; few faults need no slots."""
        for n in self.selectable:
            fault = self.model.fault(n)
            self.sel[n] = z3.Bool(f"sel_{n}", self.ctx)
            self.onset[n] = z3.Int(f"onset_{n}", self.ctx)
            # an onset outside the window is irrelevant when the fault is not injected;
            # pin it so that models are canonical
            self.constraints.append(
                z3.If(
                    self.sel[n],
                    z3.And(self.onset[n] >= fault.earliest, self.onset[n] <= fault.latest),
                    self.onset[n] == fault.earliest,
                )
            )

    def _fault_signal(self, n: int) -> Sig:
        fault = self.model.fault(n)
        repair, earliest = fault.repair, max(0, fault.earliest)  # no onset before it
        if self.slot_count is None:
            sel, onset = self.sel[n], self.onset[n]
            if repair is None:
                return self.polar(
                    lambda t: self.all_of([sel, self.le(onset, t)]), [onset], [], earliest
                )
            end = self.shift(onset, repair)
            return self.polar(
                lambda t: self.all_of([sel, self.le(onset, t), self.lt(t, end)]),
                [onset],
                [end],
                earliest,
            )
        cases = [(number == n, start) for number, start in self.slots]
        if not cases:
            return self.never()  # no slot: no fault
        if repair is None:
            return self.polar(
                lambda t: self.any_of(
                    [self.all_of([here, self.le(start, t)]) for here, start in cases]
                ),
                [start for _, start in cases],
                [],
                earliest,
            )
        return self.polar(
            lambda t: self.any_of(
                [
                    self.all_of([here, self.le(start, t), self.lt(t, self.shift(start, repair))])
                    for here, start in cases
                ]
            ),
            [start for _, start in cases],
            [self.shift(start, repair) for _, start in cases],
            earliest,
        )

    def _latent(self, component: ir.Component) -> set[int]:
        spec = component.spec
        if isinstance(spec, ir.FailoverSpec) and spec.stuck is not None:
            return {spec.stuck}
        return set()

    def _own_faults(self, component: ir.Component) -> list[int]:
        latent = self._latent(component)
        return [n for n in component.faults if n in self.active and n not in latent]

    def _needs(self, component: ir.Component) -> Sig:
        groups = []
        for group in component.needs:
            members = [self.down[m] for m in group.members]
            needed = len(members) - group.k + 1  # members down for the group to be down
            if needed == 1:
                groups.append(self.union(members))
                continue

            def at(
                t: z3.ArithRef, members: list[Sig] = members, needed: int = needed
            ) -> z3.BoolRef:
                count = z3.Sum([z3.If(m.at(t), self.const(1), self.zero) for m in members])
                return count >= needed

            # a k-of-n group is monotone in its members: it starts to hold only where a
            # member does, and stops only where one does
            groups.append(
                self.polar(
                    at,
                    [p for m in members for p in m.rising()],
                    [p for m in members for p in m.falling()],
                    min(m.earliest for m in members),
                )
            )
        return self.union(groups)

    def _encode_component(self, component: ir.Component) -> None:
        index = component.index
        spec = component.spec
        needs = self._needs(component)
        if isinstance(spec, ir.JobSpec) and spec.writes:
            # the stores a job writes into are needs of the job
            needs = self.union([needs, *[self.down[s] for s, _ in spec.writes]])
        needs = self._lagged(needs, component.rides_out, component.recovers_in)
        base = self.union([self.active[n] for n in self._own_faults(component)] + [needs])
        if isinstance(spec, ir.FailoverSpec):
            self.down[index] = self.union([base, self._failover(component, spec)])
        elif can_fill(spec):
            full_from = self.fresh_int(f"full_{component.name}")
            self.full_from[index] = full_from
            full = self.polar(lambda t: t >= full_from, [full_from], [])
            self.down[index] = self.union([base, full])
        elif isinstance(spec, ir.StoreSpec):
            self.full_from[index] = self.inf  # never full
            self.down[index] = base
        elif isinstance(spec, ir.PartitionSpec):
            self.closed[index] = self._closures(component, spec, base)
            self.down[index] = self.union([base, self.closed[index]])
        elif isinstance(spec, ir.ChannelSpec):
            self.down[index] = self.union([base, self._channel(index, spec)])
        elif isinstance(spec, ir.JobSpec):
            self.down[index] = self._job(component, spec, base)
        else:
            self.down[index] = base

    def _failover(self, component: ir.Component, spec: ir.FailoverSpec) -> Sig:
        primary = self.model.components[spec.primary]
        a, b = self.down[spec.primary], self.down[spec.secondary]
        own = self._own_faults(primary)
        stuck = self.active.get(spec.stuck) if spec.stuck is not None else None
        best = self.inf
        best_stuck: z3.BoolRef = self.false
        for o, starts in self.run_starts(a):
            if starts is self.false:
                continue  # no run of A starts at o: no episode
            # the episode's mode: the first-numbered own fault of A active at o
            cases: list[tuple[z3.BoolRef, int]] = []
            earlier: list[z3.BoolRef] = []
            for n in own:
                is_mode = self.all_of([self.active[n].at(o), *[self.negate(e) for e in earlier]])
                earlier.append(self.active[n].at(o))
                window = spec.window_for(self.model.fault(n).mode)
                if window is not None:
                    cases.append((is_mode, window))
            if spec.detect_any is not None:
                cases.append((self.all_of([self.negate(e) for e in earlier]), spec.detect_any))
            if not cases:
                continue
            window_expr: z3.ArithRef = self.const(cases[-1][1])
            for condition, window in reversed(cases[:-1]):
                window_expr = z3.If(condition, self.const(window), window_expr)
            detected = self.any_of([c for c, _ in cases])
            switch_at = o + window_expr
            complete = self._and_then(
                [starts, detected], self.covers, a, o, self.shift(switch_at, -1)
            )
            if complete is self.false:
                continue
            stuck_now = stuck.at(switch_at) if stuck is not None else self.false
            decisive = (
                complete
                if spec.manual is not None
                else self.all_of([complete, self.negate(stuck_now)])
            )
            better = self.all_of([decisive, self.lt(switch_at, best)])
            best = self.choose(better, switch_at, best)
            best_stuck = self.choose(better, stuck_now, best_stuck)
        switch = self.fresh_int(f"switch_{component.name}")
        switched_stuck = self.fresh_bool(f"stuck_{component.name}")
        self.constraints += [switch == best, switched_stuck == best_stuck]
        manual = spec.manual or 0

        def at(t: z3.ArithRef) -> z3.BoolRef:
            before = self.lt(t, switch)
            if before is self.true:
                return a.at(t)
            on_b = b.at(t)
            after = self.choose(
                switched_stuck, self.any_of([self.lt(t, self.shift(switch, manual)), on_b]), on_b
            )
            return after if before is self.false else self.choose(before, a.at(t), after)

        # before the switch the pair follows A, which is down on [o, switch); from the
        # switch on (or the end of the manual recovery) it follows B: so it starts to
        # be down only where A or B does, and the switch can only bring it up
        # (and a manual recovery comes after a switch, after A was down)
        return self.polar(
            at,
            [*a.rising(), *b.rising()],
            [*a.falling(), *b.falling(), switch, self.shift(switch, manual)],
            min(a.earliest, b.earliest),
        )

    def _comm(self, spec: ir.ChannelSpec) -> Sig:
        if not spec.via:
            return self.never()
        path = self.union([self.down[v] for v in spec.via])
        timeout = spec.timeout
        return self.signal(
            lambda t: self.covers(path, t, self.shift(t, timeout)),
            [*path.points, *[self.shift(p, -timeout) for p in path.points]],
            path.earliest,
        )

    def _closures(self, component: ir.Component, spec: ir.PartitionSpec, own: Sig) -> Sig:
        if spec.closes_after is None or not spec.routed:
            return self.never()
        errors: list[tuple[Fraction, Sig]] = []
        for channel, txn in spec.routed:
            channel_spec = self.model.components[channel].spec
            assert isinstance(channel_spec, ir.ChannelSpec)
            rate = channel_spec.transactions[txn].rate_per_minute
            if rate == 0:
                continue
            comm = self._comm(channel_spec)
            transaction = channel_spec.transactions[txn]
            calls = self.union([self.down[c] for c in transaction.calls])
            eligible = self.signal(
                self._eligible(calls, comm, own),
                [*calls.points, *comm.points, *own.points],
                calls.earliest,
            )
            if transaction.hours is not None:
                # a transaction outside its hours is not attempted and counts no error
                eligible = self.within(eligible, self.windows(transaction.hours, self.bound))
            errors.append((rate, eligible))
        if not errors:
            return self.never()
        scale = math.lcm(*[r.denominator for r, _ in errors])
        weights = [(int(r * scale), s) for r, s in errors]
        target = 60 * spec.closes_after * scale
        bound = self.const(self.bound)
        reopen = spec.reopens_after
        full = count = 1 if reopen is None else self.bound // (reopen + 1) + 1
        if count > MAX_CLOSURES:
            raise Unsupported(
                f"partition {component.name!r} may close more than {MAX_CLOSURES} times "
                "before the time bound"
            )
        count = min(count, self.depths.setdefault(component.index, self.first_depth))
        starts: list[z3.ArithRef] = []
        closings: list[z3.ArithRef] = []
        count_start: z3.ArithRef = self.zero
        for _ in range(count):
            check_deadline(self.deadline)
            close = self.fresh_int(f"close_{component.name}")

            def total(at: z3.ArithRef, start: z3.ArithRef = count_start) -> z3.ArithRef:
                return z3.Sum([w * self.measure(s, start, at) for w, s in weights])

            never = z3.Or(count_start >= bound, total(bound) < target)
            self.constraints.append(
                z3.If(
                    never,
                    close == INF,
                    z3.And(
                        close > count_start,
                        close <= bound,
                        total(close) >= target,
                        total(self.shift(close, -1)) < target,
                    ),
                )
            )
            starts.append(count_start)
            closings.append(close)
            if reopen is None:
                break
            count_start = z3.If(close < INF, close + reopen, self.inf)
        if len(closings) < full:
            tail = self.fresh_int(f"tail_{component.name}")
            self.constraints.append(tail == count_start)
            self.tails[component.index] = tail
        ends = [self.shift(c, reopen) if reopen is not None else self.inf for c in closings]

        def at(t: z3.ArithRef) -> z3.BoolRef:
            return self.any_of(
                [
                    self.all_of([self.lt(c, INF), self.le(c, t), self.lt(t, e)])
                    for c, e in zip(closings, ends, strict=True)
                ]
            )

        # a closing counts errors before it: not before some transaction may fail
        # (and after the count starts, at 0 or later)
        earliest = max(1, min(s.earliest for _, s in weights)) if target > 0 else 1
        return self.signal(at, [*closings, *ends], earliest)

    def _channel(self, index: int, spec: ir.ChannelSpec) -> Sig:
        comm = self._comm(spec)
        partition = self.down[spec.through] if spec.through is not None else self.never()
        partition_class = self.signal(
            lambda t: self.all_of([partition.at(t), self.negate(comm.at(t))]),
            [*partition.points, *comm.points],
            partition.earliest,
        )
        fails_all = []  # each transaction's failing whether attempted or not
        hours_all: list[Sig | None] = []
        for x, txn in enumerate(spec.transactions):
            calls = self.union([self.down[c] for c in txn.calls])
            service = self.signal(
                self._eligible(calls, comm, partition),
                [*calls.points, *comm.points, *partition.points],
                calls.earliest,
            )
            classes = {"comm": comm, "partition": partition_class, "service": service}
            fails = self.union(list(classes.values()))
            hours = None if txn.hours is None else self.windows(txn.hours, self.bound)
            fails_all.append(fails)
            hours_all.append(hours)
            if hours is not None:
                # outside its hours a transaction is not attempted: no class at all
                classes = {klass: self.within(sig, hours) for klass, sig in classes.items()}
                fails = self.within(fails, hours)
            self.txn_class[(index, x)] = classes
            self.txn_fails[(index, x)] = fails
        if not fails_all:
            return self.never()
        points = [p for f in fails_all for p in f.points]
        if all(h is None for h in hours_all):
            return self.signal(
                lambda t: self.all_of([f.at(t) for f in fails_all]),
                points,
                max(f.earliest for f in fails_all),
            )
        points += [p for h in hours_all if h is not None for p in h.points]

        def all_attempted_fail(t: z3.ArithRef) -> z3.BoolRef:
            # some transaction is within its hours, and every one within them fails
            within = [self.true if h is None else h.at(t) for h in hours_all]
            attempted = self.any_of(within)
            if attempted is self.false:
                return attempted
            failing = [self.implies(w, f.at(t)) for w, f in zip(within, fails_all, strict=True)]
            return self.all_of([attempted, *failing])

        # an attempted transaction fails: not before it is within its hours and fails
        earliest = min(
            f.earliest if h is None else max(f.earliest, h.earliest)
            for f, h in zip(fails_all, hours_all, strict=True)
        )
        return self.signal(all_attempted_fail, points, earliest)

    def _job(self, component: ir.Component, spec: ir.JobSpec, base: Sig) -> Sig:
        index = component.index
        start: z3.ArithRef
        if spec.after:
            dones = [self.job_done[j] for j in spec.after]
            latest = dones[0]
            for d in dones[1:]:
                latest = z3.If(d > latest, d, latest)
            start = latest  # INF when one of them never is done
        else:
            start = self.const(spec.at if spec.at is not None else 0)
        start_var = self.fresh_int(f"start_{component.name}")
        self.constraints.append(start_var == start)
        self.job_start[index] = start_var
        inner = base  # the written stores are among its needs already
        down = self.polar(
            lambda t: self._and_then([self.le(start_var, t), self.lt(start_var, INF)], inner.at, t),
            [*inner.rising(), start_var],
            inner.falling(),
            max(0, inner.earliest),  # the start is an instant or INF
        )
        work = self.negation(down)
        self.job_work[index] = work
        done = self.fresh_int(f"done_{component.name}")
        bound = self.const(self.bound)
        never = z3.Or(start_var >= bound, self.measure(work, start_var, bound) < spec.takes)
        self.constraints.append(
            z3.If(
                never,
                done == INF,
                z3.And(
                    done > start_var,
                    done <= bound,
                    self.measure(work, start_var, done) >= spec.takes,
                    self.measure(work, start_var, self.shift(done, -1)) < spec.takes,
                ),
            )
        )
        self.job_done[index] = done
        return down

    def _encode_fullness(self, index: int, spec: ir.StoreSpec) -> None:
        full_from = self.full_from[index]
        writers = []
        for job, records in spec.writers:
            job_spec = self.model.components[job].spec
            assert isinstance(job_spec, ir.JobSpec)
            writers.append((job, records, job_spec.takes))
        capacity = spec.capacity
        assert capacity is not None

        def written(at: z3.ArithRef) -> z3.ArithRef:
            parts = []
            for job, records, takes in writers:
                progress = self.measure(self.job_work[job], self.job_start[job], at)
                progress = z3.If(progress > takes, self.const(takes), progress)
                parts.append((records * progress) / takes)
            return z3.Sum(parts) if len(parts) > 1 else parts[0]

        bound = self.const(self.bound)
        self.constraints.append(
            z3.If(
                written(bound) <= capacity,
                full_from == INF,
                z3.And(
                    full_from >= 1,
                    full_from <= bound,
                    written(full_from) > capacity,
                    written(full_from - 1) <= capacity,
                ),
            )
        )

    # --- the check -------------------------------------------------------------------

    def atom(self, atom: ir.AtomRef) -> Sig:
        c = atom.component
        what = atom.what
        if what == "down":
            return self.down[c]
        if what == "up":
            down = self.down[c]
            return self.signal(lambda t: self.negate(down.at(t)), down.points)
        if what == "closed":
            return self.closed.get(c, self.never())
        if what == "full":
            full_from = self.full_from[c]
            return self.signal(lambda t: self.le(full_from, t), [full_from])
        if what in ("done", "running"):
            start, done = self.job_start[c], self.job_done[c]
            if what == "done":
                return self.signal(lambda t: self.le(done, t), [done])
            return self.signal(
                lambda t: self.all_of([self.le(start, t), self.lt(t, done)]), [start, done]
            )
        if what == "fault":
            for n in self.model.components[c].faults:
                if self.model.fault(n).mode == atom.detail and n in self.active:
                    return self.active[n]
            return self.never()
        spec = self.model.components[c].spec
        assert isinstance(spec, ir.ChannelSpec)
        if what == "txn_fails":
            assert atom.transaction is not None
            return self.txn_fails[(c, atom.transaction)]
        transactions = (
            [atom.transaction] if what == "txn_action" else list(range(len(spec.transactions)))
        )
        parts = []
        for x in transactions:
            assert x is not None
            classes = self.txn_class[(c, x)]
            parts += [
                classes[klass]
                for klass, action in spec.transactions[x].actions
                if action == atom.detail
            ]
        return self.union(parts)

    def expr(self, expr: ir.Expr) -> Sig:
        if isinstance(expr, ir.AtomRef):
            return self.atom(expr)
        if isinstance(expr, ir.NotExpr):
            inner = self.expr(expr.operand)
            return self.signal(lambda t: self.negate(inner.at(t)), inner.points)
        left, right = self.expr(expr.left), self.expr(expr.right)
        points = [*left.points, *right.points]
        if isinstance(expr, ir.AndExpr):
            return self.signal(
                lambda t: self.all_of([left.at(t), right.at(t)]),
                points,
                max(left.earliest, right.earliest),
            )
        return self.signal(
            lambda t: self.any_of([left.at(t), right.at(t)]),
            points,
            min(left.earliest, right.earliest),
        )

    def _holds_at(self, sig: Sig, t: z3.ArithRef, also: z3.BoolRef) -> z3.BoolRef:
        return self.all_of([sig.at(t), also])

    def _covered_to(
        self, sig: Sig, start: z3.ArithRef, end: z3.ArithRef, also: z3.BoolRef
    ) -> z3.BoolRef:
        return self.all_of([self.covers(sig, start, end), also])

    def _encode_check(self) -> tuple[z3.BoolRef, z3.ArithRef]:
        horizon = self.model.horizon
        violation_at = self.violation_at
        cases = []
        for assertion in self.check.assertions:
            if isinstance(assertion, ir.DoneBy):
                late = z3.Not(self.job_done[assertion.job] <= assertion.deadline)
                cases.append(z3.And(late, violation_at == assertion.deadline))
                continue
            sig = self.expr(assertion.expr)
            if isinstance(assertion, ir.Always):
                sig = self.negation(sig)
            if assertion.window is not None:
                # judged only within the window: a gap between windows ends a run
                sig = self.within(sig, self.windows(assertion.window, horizon + 1))
            candidates = [self.zero, *sig.points]
            if isinstance(assertion, (ir.Never, ir.Always)):
                for p in candidates:
                    cases.append(
                        self._and_then(
                            [self.le(0, p), self.le(p, horizon)],
                            self._holds_at,
                            sig,
                            p,
                            violation_at == p,
                        )
                    )
                continue
            limit = assertion.limit
            for p, starts in self.run_starts(sig):
                end = self.shift(p, limit)
                cases.append(
                    self._and_then(
                        [starts, self.le(end, horizon)],
                        self._covered_to,
                        sig,
                        p,
                        end,
                        violation_at == end,
                    )
                )
        return self.any_of(cases), violation_at
