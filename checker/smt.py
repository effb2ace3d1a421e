"""The SMT engine: the model and the negated check as Z3 constraints over integer onsets.

Nothing here is stepped through time.  A fault that the hypothesis may inject
gets a Boolean `sel_f` (injected or not) and an integer onset `o_f` — directly,
or, when many faults are selectable, through K *slots* (fault number, onset) so
that signals change only at slot instants (`_Encoding._encode_slots`); every
signal of the model is a *formula in an instant* (`at(t)`: does it hold at
the instant term t?) together with the finite list of instant terms at which
it may change (`points`).  Between two consecutive change points a signal is
constant, so "A holds at every instant of [t, u]" is `A(t)` and `A(p)` for
every change point p in (t, u], the first instant of a run of A is 0 or a
change point, and the measure of A over [lo, hi) is a sum over the
elementary segments between change points.  Instants that the semantics
defines as "the first instant at which …" (a partition's closing, a job's
completion, a store's fullness, the decisive switchover of a failover pair)
are fresh integer variables pinned down by their defining property, e.g.
`F(c) ≥ target ∧ F(c − 1) < target` for a monotone count F.

A partition that reopens may close many times before the time bound; its
closings are unrolled one at first and all of them only when a question shows
that a later one can matter to the violation (`_Query.satisfiable`), and none
at all in a question whose violation instant is too early for any closing to be
read (`_Solver.shallow_limit`).

`unsat` of "some allowed scenario violates the check" is the proof of
`holds`.  Otherwise the canonical counterexample is found by tightening:
fewest faults, then the earliest violation instant, then the smallest fault
numbers, then the smallest onsets.  This engine shares only the IR with the
explicit engine and the simulator; its counterexamples are replayed by the
simulator before they are shown (see `failspec.api`).
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeGuard

import z3
from failspec.checker import ir
from failspec.checker.lowering import reference_edges

INF = 10**15
"""'Never' / 'forever' as an integer instant, beyond every instant a model reaches."""

MAX_CLOSURES = 64
"""The most closings of one reopening partition the encoding unrolls."""

SLOTS_FROM = 4
"""Encode the fault selection by slots when more than this many faults per allowed
fault are selectable (see `_Encoding._encode_slots`)."""

FIRST_DEPTH = 1
"""The closings of a reopening partition unrolled at first (see `_Encoding`); when
more matter, all of them are (see `_Solver.deepen`)."""


@dataclass(frozen=True)
class Outcome:
    """`holds`, `violated` (with the canonical scenario) or `unknown` (with the reason)."""

    verdict: str
    scenario: dict[int, int] | None = None
    violation_at: int | None = None
    reason: str | None = None


class Unsupported(Exception):
    """The model needs more than this encoding unrolls; the verdict is unknown."""


class _OutOfTime(Exception):
    pass


@dataclass
class Sig:
    """A signal: a formula in an instant, and the instants at which it may change."""

    at: Callable[[z3.ArithRef], z3.BoolRef]
    points: list[z3.ArithRef] = field(default_factory=list)


def check_smt(
    model: ir.Model,
    check: ir.Check,
    deadline: float | None = None,
    *,
    slots: bool | None = None,
    first_depth: int = FIRST_DEPTH,
) -> Outcome:
    """Decide `check` on `model`; `deadline` is a `time.perf_counter()` value or None.

    `slots` chooses the encoding of the fault selection (None: by `SLOTS_FROM`) and
    `first_depth` how many closings of each reopening partition are unrolled at
    first; the verdict and counterexample never depend on them (the tests run
    every combination), only the time does.
    """
    try:
        parts = check_parts(model, check)
        return _solve_parts([_Solver(model, part, deadline, slots, first_depth) for part in parts])
    except Unsupported as error:
        return Outcome("unknown", reason=str(error))
    except _OutOfTime:
        return Outcome("unknown", reason="timeout")


def minimal_violating_sets(
    model: ir.Model, check: ir.Check, max_order: int, deadline: float | None = None
) -> Iterator[tuple[list[tuple[int, ...]], bool]]:
    """Every minimal set of at most `max_order` faults of the check's hypothesis for
    which some onsets violate the check (its minimal cut sets), order by order: one
    (sets of that order, complete) per order, the last one incomplete when a time
    or solver limit was hit.

    For k = 0, 1, …, each part (`check_parts`) is asked for violating scenarios of
    exactly k faults containing none of the sets found so far, until there is none.
    A set found at k is minimal: a violating proper subset would contain a minimal
    set of fewer faults, all of which were found before and are excluded.  (A
    minimal set has no fault outside the part it violates: without that fault the
    part would still be violated.)  So there is one question per set plus a few per
    part and k, instead of one per candidate set.  Within a part and k the sets
    come from one incremental solver that learns each exclusion as a clause (on
    the 100-component bench model, K = 2: 31 pairs in 6 s against 36 s with a
    fresh solver per set); its "no more" is then confirmed by `_Query.satisfiable`,
    which also decides whether partition closings left out of the encoding could
    matter (and unrolls them if so).  If the empty set violates, it is the only
    minimal set.
    """
    found: list[tuple[int, ...]] = []
    try:
        solvers = [
            _Solver(model, part, deadline, None, FIRST_DEPTH) for part in check_parts(model, check)
        ]
    except (Unsupported, _OutOfTime):
        yield [], False
        return
    for k in range(max_order + 1):
        level = len(found)
        try:
            for solver in solvers:
                if k <= len(solver.selectable) and _enumerate(solver, k, found):
                    break
        except (Unsupported, _OutOfTime):
            yield found[level:], False
            return
        yield found[level:], True
        if () in found:
            return


def _enumerate(solver: _Solver, k: int, found: list[tuple[int, ...]]) -> bool:
    """Add to `found` every set of k faults that violates the solver's part and contains
    no set found before; return True if the empty set violates."""
    selectable = set(solver.selectable)

    def sel(n: int) -> z3.BoolRef:
        return z3.Bool(f"sel_{n}", solver.ctx)

    def exclude(c: tuple[int, ...]) -> z3.BoolRef:
        return z3.Not(z3.And([sel(n) for n in c]))

    def record(witness: z3.ModelRef) -> tuple[int, ...]:
        chosen = tuple(
            n for n in solver.selectable if z3.is_true(witness.eval(sel(n), model_completion=True))
        )
        found.append(chosen)
        return chosen

    query = _Query(solver, k)
    query.facts += [exclude(c) for c in found if c and selectable.issuperset(c)]
    while True:
        encoding = query.encoding
        exact = [z3.Not(e) for e in solver.early_closings(encoding).values()]
        incremental = z3.SolverFor("QF_LIA", ctx=solver.ctx)
        incremental.add(*encoding.constraints, encoding.violated, *exact, *query.facts)
        while True:
            solver.limit_time(incremental)
            result = incremental.check()
            if result != z3.sat:
                break
            chosen = record(incremental.model())
            if not chosen:
                return True
            incremental.add(exclude(chosen))
            query.facts.append(exclude(chosen))
        # unknown or no more exact violations: the full question settles it
        witness = query.satisfiable([])
        if witness is None:
            return False
        chosen = record(witness)
        if not chosen:
            return True
        query.facts.append(exclude(chosen))


MERGE_OVERLAP = Fraction(3, 4)
"""Parts whose cones share at least this fraction of their union are decided together."""


def check_parts(model: ir.Model, check: ir.Check) -> list[ir.Check]:
    """The check as checks of one part each, so that each has its own (smaller) cone.

    Each assertion is a part, and `never A or B` splits into `never A`, `never B`
    (likewise `always A and B`): the check is violated exactly when a part is, at
    the earliest of the parts' violation instants.  Parts whose cones mostly
    overlap (`MERGE_OVERLAP`) stay together: apart they would only ask the same
    questions about nearly the same components again.
    """
    pieces: list[ir.Assertion] = []

    def split(assertion: ir.Assertion) -> None:
        if isinstance(assertion, ir.Never) and isinstance(assertion.expr, ir.OrExpr):
            split(ir.Never(assertion.expr.left, assertion.text))
            split(ir.Never(assertion.expr.right, assertion.text))
        elif isinstance(assertion, ir.Always) and isinstance(assertion.expr, ir.AndExpr):
            split(ir.Always(assertion.expr.left, assertion.text))
            split(ir.Always(assertion.expr.right, assertion.text))
        else:
            pieces.append(assertion)

    for assertion in check.assertions:
        split(assertion)
    groups: list[tuple[set[int], list[ir.Assertion]]] = []
    for piece in pieces:
        cone = cone_of(model, dataclasses.replace(check, assertions=(piece,)))
        for group_cone, group in groups:
            if len(cone & group_cone) >= MERGE_OVERLAP * len(cone | group_cone):
                group_cone |= cone
                group.append(piece)
                break
        else:
            groups.append((cone, [piece]))
    return [dataclasses.replace(check, assertions=tuple(group)) for _, group in groups]


def _solve_parts(solvers: list[_Solver]) -> Outcome:
    """The canonical counterexample of a check split into parts (`check_parts`).

    A scenario violates the check when it violates some part, at the earliest of
    the parts' instants, so each step of the canonical order is a minimum over the
    parts: the fewest faults any part needs; the earliest instant at which a part
    is violated with that many (once one part is, the others are asked only
    whether they are violated as early); the least fault numbers among the parts
    violated at that instant; the least onsets among the parts with those
    numbers.  With the fewest faults, a part's scenario has no fault outside that
    part's cone (without it the part would still be violated), so each part's own
    selectable faults are enough.
    """
    check = solvers[0].check
    for k in range(check.at_most + 1):
        best: int | None = None
        queries: list[_Query] = []
        for solver in solvers:
            if k > len(solver.selectable):
                continue
            query = _Query(solver, k)
            if best is None:
                found = query.first()
            else:
                found = query.satisfiable([solver.violation_at <= best], (best,))
            if found is None:
                continue
            at = query.earliest_violation()
            if best is None or at < best:
                best, queries = at, [query]
            else:
                queries.append(query)
        if best is None:
            continue
        numbers = [q.fewest_numbers() for q in queries]
        least = min(numbers)
        onsets = [
            q.earliest_onsets(least) for q, n in zip(queries, numbers, strict=True) if n == least
        ]
        return Outcome("violated", min(onsets, key=lambda o: [o[n] for n in least]), best)
    return Outcome("holds")


def cone_of(model: ir.Model, check: ir.Check) -> set[int]:
    """The components the check's atoms and jobs depend on, transitively (the cone
    of influence); nothing outside it can change the verdict."""
    reads: dict[int, list[int]] = {}
    for reader, read in reference_edges(model.components):
        reads.setdefault(reader, []).append(read)
    for component in model.components:
        if can_fill(component.spec):
            # a store's records come from the jobs that write into it
            reads.setdefault(component.index, []).extend(j for j, _ in component.spec.writers)
    roots = _roots(check)
    cone: set[int] = set()
    while roots:
        index = roots.pop()
        if index not in cone:
            cone.add(index)
            roots.extend(reads.get(index, []))
    return cone


def can_fill(spec: ir.KindSpec) -> TypeGuard[ir.StoreSpec]:
    """Is this a store that its writers can fill?  (One whose capacity is at least
    all the records written into it is never full, whatever its writers do.)"""
    return (
        isinstance(spec, ir.StoreSpec)
        and spec.capacity is not None
        and sum(records for _, records in spec.writers) > spec.capacity
    )


def _roots(check: ir.Check) -> list[int]:
    """The components the check's atoms and deadlines name."""
    roots: list[int] = []

    def collect(expr: ir.Expr) -> None:
        if isinstance(expr, ir.AtomRef):
            roots.append(expr.component)
        elif isinstance(expr, ir.NotExpr):
            collect(expr.operand)
        else:
            collect(expr.left)
            collect(expr.right)

    for assertion in check.assertions:
        if isinstance(assertion, ir.DoneBy):
            roots.append(assertion.job)
        else:
            collect(assertion.expr)
    return roots


def closing_gap(model: ir.Model, index: int) -> int | None:
    """The fewest seconds between the instant a partition starts counting errors and
    its closing: its count grows by at most the sum of its weights per second, and
    a closing comes at least a second after its count starts.  None when the
    partition never closes."""
    spec = model.components[index].spec
    assert isinstance(spec, ir.PartitionSpec)
    rates = []
    for channel, txn in spec.routed:
        channel_spec = model.components[channel].spec
        assert isinstance(channel_spec, ir.ChannelSpec)
        rates.append(channel_spec.transactions[txn].rate_per_minute)
    if spec.closes_after is None or not any(rates):
        return None
    # errors per second are rate / 60; the count reaches closes_after no sooner than
    # 60 × closes_after / Σ rate seconds after it starts
    return max(1, math.ceil(Fraction(60 * spec.closes_after) / sum(rates)))


def reach_of(model: ir.Model, check: ir.Check, cone: set[int]) -> dict[int, int]:
    """For each component of the cone: how far past an instant v the check's verdict
    at v can read its signal.  The check reads its atoms at v or before; a channel's
    comm at t reads its `via` components up to t + timeout, and a partition's
    closing at t reads its routed channels' comm before t; every other reading is
    of the same instant or earlier.  (Stores' readings of the jobs that write into
    them close cycles of zero delay, so the longest delays are found by relaxing
    until nothing changes.)"""

    def delay(reader: int, read: int) -> int:
        spec = model.components[reader].spec
        if isinstance(spec, ir.ChannelSpec) and read in spec.via:
            return spec.timeout
        if isinstance(spec, ir.PartitionSpec):
            channels = [model.components[channel].spec for channel, _ in spec.routed]
            return max(
                [c.timeout for c in channels if isinstance(c, ir.ChannelSpec) and read in c.via],
                default=0,
            )
        return 0

    edges = [
        (reader, read, delay(reader, read))
        for reader, read in reference_edges(model.components)
        if reader in cone
    ]
    for component in model.components:
        if component.index in cone and can_fill(component.spec):
            edges += [(component.index, job, 0) for job, _ in component.spec.writers]
    reach = {index: 0 for index in _roots(check)}
    changed = True
    while changed:
        changed = False
        for reader, read, ahead in edges:
            if reader in reach and reach.get(read, -1) < reach[reader] + ahead:
                reach[read] = reach[reader] + ahead
                changed = True
    return reach


def selectable_faults(model: ir.Model, check: ir.Check, cone: set[int]) -> list[int]:
    """The faults a scenario may need: allowed by the hypothesis, with an onset window,
    on a component in the cone.  A fault outside the cone changes nothing the check
    reads, so a violating scenario stays violating without it, and the canonical
    counterexample (fewest faults first) never has one."""
    return [
        n
        for n in check.faults
        if model.fault(n).earliest <= model.fault(n).latest and model.fault(n).component in cone
    ]


class _Encoding:
    """The model and the check under one choice of unrolling depths.

    A partition's closings are unrolled up to `depths[index]` (none in the
    *shallow* encoding, one at first otherwise); closings after those are left
    out, and `tails[index]` is the instant from which the first left-out
    closing would count its errors, so that it comes no sooner than
    tail + gap (`closing_gap`, `_Solver.gaps`).  The encoding is then exact for every scenario
    whose violation instant v satisfies `tail + gap > v + reach` for every
    tail: the check's verdict at v reads the partition's signal at instants up
    to v + reach (`reach_of`) only.  See `_Query.satisfiable` for how the
    depths grow.  `slot_count` is the number of slots (`_encode_slots`), or
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
        self.true = z3.BoolVal(True, self.ctx)
        self.false = z3.BoolVal(False, self.ctx)
        self.zero = self.const(0)
        self.inf = self.const(INF)
        self.fresh_count = 0
        self.segment_cache: dict[
            int, tuple[Sig, list[tuple[z3.ArithRef, z3.ArithRef, z3.BoolRef]]]
        ] = {}
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
        return z3.IntVal(value, self.ctx)

    def fresh_int(self, name: str) -> z3.ArithRef:
        self.fresh_count += 1
        return z3.Int(f"{name}_{self.fresh_count}", self.ctx)

    def fresh_bool(self, name: str) -> z3.BoolRef:
        self.fresh_count += 1
        return z3.Bool(f"{name}_{self.fresh_count}", self.ctx)

    def any_of(self, items: list[z3.BoolRef]) -> z3.BoolRef:
        if not items:
            return self.false
        return items[0] if len(items) == 1 else z3.Or(items)

    def all_of(self, items: list[z3.BoolRef]) -> z3.BoolRef:
        if not items:
            return self.true
        return items[0] if len(items) == 1 else z3.And(items)

    def memo(self, fn: Callable[[z3.ArithRef], z3.BoolRef]) -> Callable[[z3.ArithRef], z3.BoolRef]:
        cache: dict[int, z3.BoolRef] = {}

        def at(t: z3.ArithRef) -> z3.BoolRef:
            key = t.get_id()
            if key not in cache:
                cache[key] = fn(t)
            return cache[key]

        return at

    def tick(self) -> None:
        """Stop building the encoding once the deadline has passed."""
        if self.deadline is not None and time.perf_counter() > self.deadline:
            raise _OutOfTime

    def signal(self, fn: Callable[[z3.ArithRef], z3.BoolRef], points: list[z3.ArithRef]) -> Sig:
        self.tick()
        unique: dict[int, z3.ArithRef] = {}
        for p in points:
            p = z3.simplify(p)
            unique.setdefault(p.get_id(), p)
        return Sig(self.memo(fn), list(unique.values()))

    def union(self, sigs: list[Sig]) -> Sig:
        if not sigs:
            return Sig(lambda t: self.false, [])
        if len(sigs) == 1:
            return sigs[0]
        return self.signal(
            lambda t: self.any_of([s.at(t) for s in sigs]), [p for s in sigs for p in s.points]
        )

    def negation(self, sig: Sig) -> Sig:
        return self.signal(lambda t: z3.Not(sig.at(t)), sig.points)

    def _eligible(self, calls: Sig, comm: Sig, blocked: Sig) -> Callable[[z3.ArithRef], z3.BoolRef]:
        """At an instant: the calls are down, and neither comm nor `blocked` holds."""
        return lambda t: z3.And(calls.at(t), z3.Not(comm.at(t)), z3.Not(blocked.at(t)))

    def covers(self, sig: Sig, start: z3.ArithRef, end: z3.ArithRef) -> z3.BoolRef:
        """Does the signal hold at every instant of [start, end] (end inclusive)?"""
        items = [sig.at(start)]
        for p in sig.points:
            items.append(z3.Implies(z3.And(start < p, p <= end), sig.at(p)))
        return self.all_of(items)

    def run_starts(self, sig: Sig) -> list[tuple[z3.ArithRef, z3.BoolRef]]:
        """(instant, is it the first instant of a run of the signal at or after 0)."""
        result = []
        for p in [self.zero, *sig.points]:
            starts = z3.And(
                p >= 0,
                p < INF,
                sig.at(p),
                z3.Or(p == 0, z3.Not(sig.at(p - 1))),
            )
            result.append((p, starts))
        return result

    def segments(self, sig: Sig) -> list[tuple[z3.ArithRef, z3.ArithRef, z3.BoolRef]]:
        """The elementary segments [p, next) of the signal, on each of which it is constant:
        (p, next, whether p is the first change point with its value and the signal holds).

        Built once per signal, so that each `measure` of it is linear in its points.
        """
        key = id(sig)
        if key in self.segment_cache:
            return self.segment_cache[key][1]
        points = [self.zero, *sig.points]
        result = []
        for i, p in enumerate(points):
            # the least point after p, or INF: bounded by every later point and equal
            # to one of them (as constraints rather than a chain of if-then-elses,
            # which measured up to four times slower to refute on partition counts)
            following_var = self.fresh_int("next")
            others = [q for q in points if q is not p]
            self.constraints.append(following_var <= self.inf)
            self.constraints += [z3.Implies(q > p, following_var <= q) for q in others]
            self.constraints.append(
                self.any_of(
                    [
                        following_var == self.inf,
                        *[z3.And(q > p, following_var == q) for q in others],
                    ]
                )
            )
            first = self.all_of([p != points[j] for j in range(i)])
            result.append((p, following_var, z3.And(first, sig.at(p))))
        # keep the signal alive with its cache entry, so that its id is not reused
        self.segment_cache[key] = (sig, result)
        return result

    def measure(self, sig: Sig, lo: z3.ArithRef, hi: z3.ArithRef) -> z3.ArithRef:
        """The number of instants of [lo, hi) at which the signal holds (0 if hi ≤ lo)."""
        self.tick()
        total: list[z3.ArithRef] = []
        for p, following, holds in self.segments(sig):
            start = z3.If(p > lo, p, lo)
            end = z3.If(following < hi, following, hi)
            total.append(z3.If(z3.And(holds, start < end), end - start, self.zero))
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
        repair = self.model.fault(n).repair
        if self.slot_count is None:
            sel, onset = self.sel[n], self.onset[n]
            if repair is None:
                return self.signal(lambda t: z3.And(sel, onset <= t), [onset])
            end = onset + repair
            return self.signal(lambda t: z3.And(sel, onset <= t, t < end), [onset, end])
        cases = [(number == n, start) for number, start in self.slots]
        if repair is None:
            return self.signal(
                lambda t: self.any_of([z3.And(here, start <= t) for here, start in cases]),
                [start for _, start in cases],
            )
        return self.signal(
            lambda t: self.any_of(
                [z3.And(here, start <= t, t < start + repair) for here, start in cases]
            ),
            [p for _, start in cases for p in (start, start + repair)],
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

            groups.append(self.signal(at, [p for m in members for p in m.points]))
        return self.union(groups)

    def _encode_component(self, component: ir.Component) -> None:
        index = component.index
        base = self.union(
            [self.active[n] for n in self._own_faults(component)] + [self._needs(component)]
        )
        spec = component.spec
        if isinstance(spec, ir.FailoverSpec):
            self.down[index] = self.union([base, self._failover(component, spec)])
        elif can_fill(spec):
            full_from = self.fresh_int(f"full_{component.name}")
            self.full_from[index] = full_from
            full = self.signal(lambda t: t >= full_from, [full_from])
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
            # the episode's mode: the first-numbered own fault of A active at o
            cases: list[tuple[z3.BoolRef, int]] = []
            earlier: list[z3.BoolRef] = []
            for n in own:
                is_mode = self.all_of([self.active[n].at(o), *[z3.Not(e) for e in earlier]])
                earlier.append(self.active[n].at(o))
                window = spec.window_for(self.model.fault(n).mode)
                if window is not None:
                    cases.append((is_mode, window))
            if spec.detect_any is not None:
                cases.append((self.all_of([z3.Not(e) for e in earlier]), spec.detect_any))
            if not cases:
                continue
            window_expr: z3.ArithRef = self.const(cases[-1][1])
            for condition, window in reversed(cases[:-1]):
                window_expr = z3.If(condition, self.const(window), window_expr)
            detected = self.any_of([c for c, _ in cases])
            switch_at = o + window_expr
            complete = z3.And(starts, detected, self.covers(a, o, switch_at - 1))
            stuck_now = stuck.at(switch_at) if stuck is not None else self.false
            decisive = complete if spec.manual is not None else z3.And(complete, z3.Not(stuck_now))
            better = z3.And(decisive, switch_at < best)
            best = z3.If(better, switch_at, best)
            best_stuck = z3.If(better, stuck_now, best_stuck)
        switch = self.fresh_int(f"switch_{component.name}")
        switched_stuck = self.fresh_bool(f"stuck_{component.name}")
        self.constraints += [switch == best, switched_stuck == best_stuck]
        manual = spec.manual or 0

        def at(t: z3.ArithRef) -> z3.BoolRef:
            after = z3.If(switched_stuck, z3.Or(t < switch + manual, b.at(t)), b.at(t))
            return z3.If(t < switch, a.at(t), after)

        return self.signal(at, [*a.points, *b.points, switch, switch + manual])

    def _comm(self, spec: ir.ChannelSpec) -> Sig:
        if not spec.via:
            return Sig(lambda t: self.false, [])
        path = self.union([self.down[v] for v in spec.via])
        timeout = spec.timeout
        return self.signal(
            lambda t: self.covers(path, t, t + timeout),
            [*path.points, *[p - timeout for p in path.points]],
        )

    def _closures(self, component: ir.Component, spec: ir.PartitionSpec, own: Sig) -> Sig:
        if spec.closes_after is None or not spec.routed:
            return Sig(lambda t: self.false, [])
        errors: list[tuple[Fraction, Sig]] = []
        for channel, txn in spec.routed:
            channel_spec = self.model.components[channel].spec
            assert isinstance(channel_spec, ir.ChannelSpec)
            rate = channel_spec.transactions[txn].rate_per_minute
            if rate == 0:
                continue
            comm = self._comm(channel_spec)
            calls = self.union([self.down[c] for c in channel_spec.transactions[txn].calls])
            eligible = self.signal(
                self._eligible(calls, comm, own), [*calls.points, *comm.points, *own.points]
            )
            errors.append((rate, eligible))
        if not errors:
            return Sig(lambda t: self.false, [])
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
                        total(close - 1) < target,
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
        ends = [c + reopen if reopen is not None else self.inf for c in closings]

        def at(t: z3.ArithRef) -> z3.BoolRef:
            return self.any_of(
                [z3.And(c < INF, c <= t, t < e) for c, e in zip(closings, ends, strict=True)]
            )

        return self.signal(at, [*closings, *ends])

    def _channel(self, index: int, spec: ir.ChannelSpec) -> Sig:
        comm = self._comm(spec)
        partition = (
            self.down[spec.through] if spec.through is not None else Sig(lambda t: self.false, [])
        )
        partition_class = self.signal(
            lambda t: z3.And(partition.at(t), z3.Not(comm.at(t))),
            [*partition.points, *comm.points],
        )
        fails_all = []
        for x, txn in enumerate(spec.transactions):
            calls = self.union([self.down[c] for c in txn.calls])
            service = self.signal(
                self._eligible(calls, comm, partition),
                [*calls.points, *comm.points, *partition.points],
            )
            classes = {"comm": comm, "partition": partition_class, "service": service}
            self.txn_class[(index, x)] = classes
            fails = self.union(list(classes.values()))
            self.txn_fails[(index, x)] = fails
            fails_all.append(fails)
        if not fails_all:
            return Sig(lambda t: self.false, [])
        return self.signal(
            lambda t: self.all_of([f.at(t) for f in fails_all]),
            [p for f in fails_all for p in f.points],
        )

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
        stores = [self.down[s] for s, _ in spec.writes]
        inner = self.union([base, *stores])
        down = self.signal(
            lambda t: z3.And(t >= start_var, start_var < INF, inner.at(t)),
            [*inner.points, start_var],
        )
        work = self.signal(lambda t: z3.Not(down.at(t)), down.points)
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
                    self.measure(work, start_var, done - 1) < spec.takes,
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
            return self.signal(lambda t: z3.Not(down.at(t)), down.points)
        if what == "closed":
            return self.closed.get(c, Sig(lambda t: self.false, []))
        if what == "full":
            full_from = self.full_from[c]
            return self.signal(lambda t: t >= full_from, [full_from])
        if what in ("done", "running"):
            start, done = self.job_start[c], self.job_done[c]
            if what == "done":
                return self.signal(lambda t: t >= done, [done])
            return self.signal(lambda t: z3.And(start <= t, t < done), [start, done])
        if what == "fault":
            for n in self.model.components[c].faults:
                if self.model.fault(n).mode == atom.detail and n in self.active:
                    return self.active[n]
            return Sig(lambda t: self.false, [])
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
            return self.signal(lambda t: z3.Not(inner.at(t)), inner.points)
        left, right = self.expr(expr.left), self.expr(expr.right)
        points = [*left.points, *right.points]
        if isinstance(expr, ir.AndExpr):
            return self.signal(lambda t: z3.And(left.at(t), right.at(t)), points)
        return self.signal(lambda t: z3.Or(left.at(t), right.at(t)), points)

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
            candidates = [self.zero, *sig.points]
            if isinstance(assertion, (ir.Never, ir.Always)):
                for p in candidates:
                    cases.append(z3.And(p >= 0, p <= horizon, sig.at(p), violation_at == p))
                continue
            limit = assertion.limit
            for p, starts in self.run_starts(sig):
                cases.append(
                    z3.And(
                        starts,
                        p + limit <= horizon,
                        self.covers(sig, p, p + limit),
                        violation_at == p + limit,
                    )
                )
        return self.any_of(cases), violation_at

    # --- the canonical counterexample ------------------------------------------------------


class _Solver:
    """The questions about one part of a check, over encodings built as they are needed:
    one per number of slots (a question about k faults needs only k), each either
    *shallow* (no closings; exact while no partition can have closed by the
    violation instant plus its reach) or deep (closings unrolled as the questions
    require)."""

    def __init__(
        self,
        model: ir.Model,
        check: ir.Check,
        deadline: float | None,
        slots: bool | None,
        first_depth: int,
    ) -> None:
        self.model = model
        self.check = check
        self.deadline = deadline
        self.ctx = z3.Context()
        self.depths: dict[int, int] = {}
        self.first_depth = first_depth
        self.cone = cone_of(model, check)
        self.reach = reach_of(model, check, self.cone)
        self.selectable = selectable_faults(model, check, self.cone)
        self.slots = (
            slots if slots is not None else len(self.selectable) > SLOTS_FROM * check.at_most
        )
        self.gaps = {
            index: gap
            for index in sorted(self.cone)
            if isinstance(model.components[index].spec, ir.PartitionSpec)
            and (gap := closing_gap(model, index)) is not None
        }
        self.encodings: dict[tuple[int | None, bool], _Encoding] = {}
        self.violation_at = z3.Int("violation_at", self.ctx)
        self.latest = max(
            [model.horizon] + [a.deadline for a in check.assertions if isinstance(a, ir.DoneBy)]
        )
        self.shallow_limit = min(
            [self.latest] + [gap - 1 - self.reach[index] for index, gap in self.gaps.items()]
        )
        """The latest violation instant for which the shallow encoding is exact."""

    def encoding(self, size: int, shallow: bool) -> _Encoding:
        """The encoding for questions about `size` faults (built on first use)."""
        # no fault at all needs no slot, whichever the encoding
        slot_count = min(size, len(self.selectable)) if self.slots or size == 0 else None
        key = (slot_count, shallow)
        if key not in self.encodings:
            self.encodings[key] = _Encoding(
                self.model,
                self.check,
                self.deadline,
                self.ctx,
                {} if shallow else self.depths,
                slot_count,
                0 if shallow else self.first_depth,
                self.cone,
            )
        return self.encodings[key]

    def limit_time(self, solver: z3.Solver) -> None:
        """Give a Z3 solver what is left of the deadline (or stop if nothing is)."""
        if self.deadline is not None:
            remaining = self.deadline - time.perf_counter()
            if remaining <= 0:
                raise _OutOfTime
            solver.set("timeout", max(1, int(remaining * 1000)))

    def early_closings(self, encoding: _Encoding) -> dict[int, z3.BoolRef]:
        """For each partition with closings left out of the encoding: can the first of
        them be read by the verdict at the violation instant?  It comes no sooner than
        tail + gap, and the verdict at v reads the partition up to v + reach; where
        none can, the encoding is exact."""
        at = encoding.violation_at
        return {
            index: tail + self.gaps[index] <= at + self.reach[index]
            for index, tail in encoding.tails.items()
        }

    def earliest_tail(self, index: int) -> int:
        """No scenario has this partition's tail earlier: each closing comes at least
        its gap after its count starts, and the count restarts `reopens after` later."""
        spec = self.model.components[index].spec
        assert isinstance(spec, ir.PartitionSpec)
        return self.depths[index] * (self.gaps[index] + (spec.reopens_after or 0))

    def deepen(self, partitions: list[int]) -> None:
        """Unroll every closing of these partitions before the time bound (new
        encodings; the questions' facts name only onsets, selections, slots and the
        violation instant, which every encoding shares).  Unrolling all at once
        rather than a few more at a time: measured on the MINORI model (6 closings),
        partly unrolled encodings with their exactness conditions made each
        question several times slower than the whole unrolling."""
        for index in partitions:
            spec = self.model.components[index].spec
            assert isinstance(spec, ir.PartitionSpec) and spec.reopens_after is not None
            self.depths[index] = ir.time_bound(self.model) // (spec.reopens_after + 1) + 1
        self.encodings = {key: e for key, e in self.encodings.items() if key[1]}

    def size_is(self, k: int) -> z3.BoolRef:
        """Exactly k faults are injected (in terms every encoding shares)."""
        sels = [z3.Bool(f"sel_{n}", self.ctx) for n in self.selectable]
        one, nought = z3.IntVal(1, self.ctx), z3.IntVal(0, self.ctx)
        size = z3.Sum([z3.If(s, one, nought) for s in sels]) if sels else nought
        return size == k


class _Query:
    """Satisfiability questions about scenarios of exactly `size` faults, each asked of
    a fresh, non-incremental QF_LIA solver.

    Every constraint is linear integer arithmetic (division by numerals only).
    A fresh solver per question lets Z3 preprocess the whole problem: measured
    on models with reopening partitions several times faster than one
    incremental solver with push and pop (10 s instead of 32 s for a
    13-component model at K = 1), at the cost of some start-up per question on
    small models.  `facts` grows as the canonical counterexample is pinned down;
    facts name only selections, onsets, slots and the violation instant.
    """

    def __init__(self, solver: _Solver, size: int) -> None:
        self.solver = solver
        self.size = size
        self.facts = [solver.size_is(size)]
        self.last: z3.ModelRef | None = None
        self.latest_violation = solver.latest
        """An upper bound on the violation instant that the facts imply."""

    @property
    def encoding(self) -> _Encoding:
        """The deep encoding for this size (its terms name every shared variable)."""
        return self.solver.encoding(self.size, shallow=False)

    def first(self) -> z3.ModelRef | None:
        """Any violating scenario: one early enough for the shallow encoding first
        (cheap, and canonical counterexamples are the earliest), then any."""
        limit = self.solver.shallow_limit
        if 0 <= limit < min(self.solver.latest, self.latest_violation):
            found = self.satisfiable([self.solver.violation_at <= limit], (limit,))
            if found is not None:
                return found
        return self.satisfiable([])

    def satisfiable(
        self, extra: list[z3.BoolRef], bounds: tuple[int, ...] = ()
    ) -> z3.ModelRef | None:
        """A violating scenario with the facts and `extra`, or None if there is none.

        When the facts and `bounds` (upper bounds on the violation instant that
        `extra` implies) keep the violation instant within the shallow limit, the
        shallow encoding answers.  Otherwise: a model of the deep encoding restricted
        to scenarios for which its unrolling is exact (every left-out closing after
        the violation instant plus the partition's reach) is a real violating
        scenario.  If there is none, and no scenario with the facts (violating or
        not, at any violation instant the facts allow) can have a left-out closing
        early enough to matter, there is no violating scenario at all; otherwise
        the partitions whose closings matter are unrolled further and the question
        is asked again.  The two are asked as one question first (the
        disjunction), then apart only when its model is not a real violating
        scenario.  Depths only grow, up to every closing before the time bound.
        """
        latest = min(self.solver.latest, self.latest_violation, *bounds)
        if latest <= self.solver.shallow_limit:
            shallow = self.solver.encoding(self.size, shallow=True)
            found = self._ask([*shallow.constraints, shallow.violated, *extra])
            if found is not None:
                self.last = found
            return found
        while True:
            encoding = self.encoding
            at, reach, gaps = encoding.violation_at, self.solver.reach, self.solver.gaps
            early = self.solver.early_closings(encoding)
            real = encoding.all_of([encoding.violated, *[z3.Not(e) for e in early.values()]])
            relevant = {
                index: e
                for index, e in early.items()
                if self.solver.earliest_tail(index) + gaps[index] <= latest + reach[index]
            }
            if not relevant:
                found = self._ask([*encoding.constraints, real, *extra])
                if found is not None:
                    self.last = found
                return found
            # Both questions at once: "no" to both is the common answer, and one
            # question then costs about what each alone did.
            matters = z3.And(at >= 0, at <= latest, encoding.any_of(list(relevant.values())))
            witness = self._ask([*encoding.constraints, z3.Or(real, matters), *extra])
            if witness is None:
                return None
            found = witness
            if not z3.is_true(witness.eval(real, model_completion=True)):
                found = self._ask([*encoding.constraints, real, *extra])
            if found is not None:
                self.last = found
                return found
            self.solver.deepen(
                [
                    i
                    for i, r in relevant.items()
                    if z3.is_true(witness.eval(r, model_completion=True))
                ]
            )

    def _ask(self, constraints: list[z3.BoolRef]) -> z3.ModelRef | None:
        solver = z3.SolverFor("QF_LIA", ctx=self.solver.ctx)
        self.solver.limit_time(solver)
        solver.add(*constraints, *self.facts)
        result = solver.check()
        if result == z3.unknown:
            reason = solver.reason_unknown()
            if "timeout" in reason or "canceled" in reason:
                raise _OutOfTime
            raise Unsupported(f"the solver gave up: {reason}")
        return solver.model() if result == z3.sat else None

    def minimise(self, term: z3.ArithRef, low: int, high: int) -> int:
        """The least value of `term` in [low, high] for which the facts are satisfiable
        (they are with term = high, in `last`); `term == value` becomes a fact and
        `last` a model of the facts.  The first probe is `low` itself, the common
        answer (canonical scenarios are the earliest), the second `high - 1` (the
        model found is often the least already), then bisection."""
        probes = [low, high - 1]
        bounded = term.eq(self.solver.violation_at)
        while low < high:
            probe = probes.pop(0) if probes else (low + high) // 2
            if not low <= probe < high:
                continue
            found = self.satisfiable([term <= probe], (probe,) if bounded else ())
            if found is not None:
                high = found.eval(term, model_completion=True).as_long()
            else:
                low = probe + 1
        self.facts.append(term == low)
        if bounded:
            self.latest_violation = low
        return low

    def value(self, term: z3.ArithRef) -> int:
        assert self.last is not None
        return int(self.last.eval(term, model_completion=True).as_long())

    def fewest_numbers(self) -> list[int]:
        """Pin down the lexicographically least set of fault numbers; return it."""
        solver = self.solver
        chosen: list[int] = []
        if solver.slots:
            # slots hold the faults in ascending numbers: minimise each slot's in turn
            for i in range(min(self.size, len(solver.selectable))):
                number = z3.Int(f"fault_{i}", solver.ctx)
                low = chosen[-1] + 1 if chosen else 1
                chosen.append(self.minimise(number, low, self.value(number)))
            return chosen
        selectable = solver.selectable
        for i, n in enumerate(selectable):
            sel = z3.Bool(f"sel_{n}", solver.ctx)
            needed = self.size - len(chosen)
            # the count is fixed: once it is reached, or once every remaining fault is
            # needed, the answer is known without a question
            if needed > 0 and (needed == len(selectable) - i or self.satisfiable([sel])):
                self.facts.append(sel)
                chosen.append(n)
            else:
                self.facts.append(z3.Not(sel))
        return chosen

    def earliest_violation(self) -> int:
        """Pin down the earliest violation instant (`last` is a model); return it."""
        violation_at = self.solver.violation_at
        return self.minimise(violation_at, 0, self.value(violation_at))

    def earliest_onsets(self, chosen: list[int]) -> dict[int, int]:
        """Pin down the least onsets of the chosen faults, in order; return them.
        `last` satisfies every fact: each was true in it, or implied by those that were."""
        scenario = {}
        for n in chosen:
            onset = z3.Int(f"onset_{n}", self.solver.ctx)
            earliest = self.solver.model.fault(n).earliest
            scenario[n] = self.minimise(onset, earliest, self.value(onset))
        return scenario
