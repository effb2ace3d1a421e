"""The SMT engine: the model and the negated check as Z3 constraints over integer onsets.

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

A scenario check (`scenario "NAME"`) pins every selection and onset to its
scenario; the question is only whether that scenario violates, and the least
violation instant (`_solve_scenario`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

import z3

from failspec.checker import ir
from failspec.checker.cone import (
    check_parts,
    closing_gap,
    cone_of,
    reach_of,
    selectable_faults,
)
from failspec.checker.engine import (
    CutSet,
    CutSetOrder,
    InternalError,
    Outcome,
    OutOfTime,
    Progress,
    Reason,
    Verdict,
    Witness,
    remaining_seconds,
    scenario_cut_sets,
)
from failspec.checker.smt_encoding import Encoding, Unsupported


class SolverGaveUp(Exception):
    """Z3 answered unknown for a reason other than the deadline."""


SLOTS_FROM = 4
"""Encode the fault selection by slots when more than this many faults per allowed
fault are selectable (see `Encoding._encode_slots`)."""

MAX_HINTS = 4
"""The most window instants probed first when the earliest violation instant is sought."""

FIRST_DEPTH = 1
"""The closings of a reopening partition unrolled at first (see `Encoding`); when
more matter, all of them are (see `_Solver.deepen`)."""


@dataclass(frozen=True, slots=True)
class SmtEngine:
    """The SMT engine behind the `Engine` interface.  `slots` and `first_depth` choose
    the encoding (see `check_smt`); they never change an answer, only its time."""

    slots: bool | None = None
    first_depth: int = FIRST_DEPTH

    @property
    def name(self) -> str:
        return "smt"

    def decide(self, model: ir.Model, check: ir.Check, deadline: float | None) -> Outcome:
        outcome = check_smt(model, check, deadline, slots=self.slots, first_depth=self.first_depth)
        return outcome.by(self.name)

    def cut_sets(
        self, model: ir.Model, check: ir.Check, max_order: int, deadline: float | None
    ) -> Iterator[CutSetOrder]:
        """Enumerate the minimal violating sets (`minimal_violating_sets`), then each
        set's canonical scenario: the check restricted to the set (`faults at most
        |S|` over S) has no violating proper subset (it would contain a cut set found
        before), so its canonical counterexample is that of exactly S."""
        if check.scenario is not None:
            outcome = self.decide(model, check, deadline)
            yield from scenario_cut_sets(outcome, check, max_order, self.name)
            return
        candidates = [n for n in check.faults if model.fault(n).earliest <= model.fault(n).latest]
        orders = minimal_violating_sets(model, check, min(max_order, len(candidates)), deadline)
        for order, (sets, complete) in enumerate(orders):
            level: list[tuple[CutSet, Witness]] = []
            for numbers in sorted(sets):
                restricted = dataclasses.replace(check, at_most=len(numbers), faults=numbers)
                outcome = self.decide(model, restricted, deadline)
                if outcome.verdict == Verdict.UNKNOWN:
                    yield CutSetOrder(order, tuple(level), False, self.name, outcome.reason)
                    return
                scenario, at = outcome.scenario, outcome.violation_at
                if scenario is None or at is None or tuple(sorted(scenario)) != numbers:
                    raise InternalError(
                        f"the SMT engine found {numbers} violating, then {scenario}"
                    )
                witness = Witness(at, tuple(scenario[n] for n in numbers))
                level.append((numbers, witness))
            yield CutSetOrder(order, tuple(level), complete, self.name)
            if not complete:
                return


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
    progress = Progress()
    try:
        parts = check_parts(model, check)
        solvers = [_Solver(model, part, deadline, slots, first_depth) for part in parts]
        if check.scenario is not None:
            return _solve_scenario(solvers, check.scenario)
        return _solve_parts(solvers, progress)
    except Unsupported as error:
        return Outcome.unknown(Reason.UNSUPPORTED, str(error), progress.cleared)
    except SolverGaveUp as error:
        return Outcome.unknown(Reason.SOLVER, str(error), progress.cleared)
    except OutOfTime:
        return Outcome.unknown(Reason.TIMEOUT, holds_up_to=progress.cleared)


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
    except (Unsupported, SolverGaveUp, OutOfTime):
        yield [], False
        return
    for k in range(max_order + 1):
        level = len(found)
        try:
            for solver in solvers:
                if k <= len(solver.selectable) and _enumerate(solver, k, found):
                    break
        except (Unsupported, SolverGaveUp, OutOfTime):
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


def _solve_parts(solvers: list[_Solver], progress: Progress) -> Outcome:
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
            progress.clear(k)
            continue
        numbers = [q.fewest_numbers() for q in queries]
        least = min(numbers)
        onsets = [
            q.earliest_onsets(least) for q, n in zip(queries, numbers, strict=True) if n == least
        ]
        return Outcome.violated(min(onsets, key=lambda o: [o[n] for n in least]), best)
    return Outcome.holds()


def _solve_scenario(solvers: list[_Solver], scenario: tuple[tuple[int, int], ...]) -> Outcome:
    """A scenario check: each part is asked about the scenario's faults in its cone, each
    selected at its onset (the others cannot change the part); the check is violated
    at the earliest instant any part is, with the whole scenario."""
    onsets = dict(scenario)
    best: int | None = None
    for solver in solvers:
        query = _Query(solver, len(solver.selectable))
        for n in solver.selectable:
            query.facts += [
                z3.Bool(f"sel_{n}", solver.ctx),
                z3.Int(f"onset_{n}", solver.ctx) == onsets[n],
            ]
        if best is None:
            found = query.first()
        else:
            found = query.satisfiable([solver.violation_at < best], (best - 1,))
        if found is not None:
            best = query.earliest_violation()
    return Outcome.holds() if best is None else Outcome.violated(onsets, best)


def question_solver(ctx: z3.Context) -> z3.Solver:
    """A fresh solver for one question: Z3's SMT core after simplification, value
    propagation, solving equalities and eliminating if-then-else terms.  Measured
    against `SolverFor("QF_LIA")` (bench/bench_v1.py, docs/performance.md): several
    times faster on the encodings of `rides out`/`recovers in`, whose formulas
    evaluate shifted instants through the if-then-else of a failover, and no slower
    on the MINORI and generated v0 models.  Only time depends on it."""
    tactic = z3.Then("simplify", "propagate-values", "solve-eqs", "elim-term-ite", "smt", ctx=ctx)
    return tactic.solver()


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
        self.encodings: dict[tuple[int | None, bool], Encoding] = {}
        self.violation_at = z3.Int("violation_at", self.ctx)
        self.latest = max(
            [model.horizon] + [a.deadline for a in check.assertions if isinstance(a, ir.DoneBy)]
        )
        self.shallow_limit = min(
            [self.latest] + [gap - 1 - self.reach[index] for index, gap in self.gaps.items()]
        )
        """The latest violation instant for which the shallow encoding is exact."""

    def encoding(self, size: int, shallow: bool) -> Encoding:
        """The encoding for questions about `size` faults (built on first use)."""
        # no fault at all needs no slot, whichever the encoding
        slot_count = min(size, len(self.selectable)) if self.slots or size == 0 else None
        key = (slot_count, shallow)
        if key not in self.encodings:
            self.encodings[key] = Encoding(
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

    def window_hints(self, below: int) -> tuple[int, ...]:
        """Instants before `below` at which a windowed assertion's earliest violation
        often lies: the first instants of its windows (for `lasts at most D`, D
        later), at most `MAX_HINTS` of them, earliest first."""
        hints: set[int] = set()
        for assertion in self.check.assertions:
            if isinstance(assertion, ir.DoneBy) or assertion.window is None:
                continue  # `done by` takes no window
            window = assertion.window
            shift = assertion.limit if isinstance(assertion, ir.LastsAtMost) else 0
            for start, _ in window.unrolled(self.latest):
                if 0 < start + shift < below:
                    hints.add(start + shift)
        return tuple(sorted(hints)[:MAX_HINTS])

    def limit_time(self, solver: z3.Solver) -> None:
        """Give a Z3 solver what is left of the deadline (or stop if nothing is)."""
        remaining = remaining_seconds(self.deadline)
        if remaining is not None:
            solver.set("timeout", max(1, int(remaining * 1000)))

    def early_closings(self, encoding: Encoding) -> dict[int, z3.BoolRef]:
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
    a fresh, non-incremental solver (`question_solver`).

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
    def encoding(self) -> Encoding:
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
        solver = question_solver(self.solver.ctx)
        self.solver.limit_time(solver)
        solver.add(*constraints, *self.facts)
        result = solver.check()
        if result == z3.unknown:
            reason = solver.reason_unknown()
            if "timeout" in reason or "canceled" in reason:
                raise OutOfTime
            raise SolverGaveUp(f"the solver gave up: {reason}")
        return solver.model() if result == z3.sat else None

    def minimise(self, term: z3.ArithRef, low: int, high: int, hints: tuple[int, ...] = ()) -> int:
        """The least value of `term` in [low, high] for which the facts are satisfiable
        (they are with term = high, in `last`); `term == value` becomes a fact and
        `last` a model of the facts.  The first probe is `low` itself, the common
        answer (canonical scenarios are the earliest), then the `hints` (ascending;
        values the answer often is), then `high - 1` (the model found is often the
        least already), then bisection.  Probes only narrow [low, high], so the
        answer never depends on them."""
        probes = [low, *sorted(hints)]
        just_below = True  # then `high - 1` for the `high` found by then
        bounded = term.eq(self.solver.violation_at)
        while low < high:
            if probes:
                probe = probes.pop(0)
            elif just_below:
                probe, just_below = high - 1, False
            else:
                probe = (low + high) // 2
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
        high = self.value(violation_at)
        return self.minimise(violation_at, 0, high, self.solver.window_hints(high))

    def earliest_onsets(self, chosen: list[int]) -> dict[int, int]:
        """Pin down the least onsets of the chosen faults, in order; return them.
        `last` satisfies every fact: each was true in it, or implied by those that were."""
        scenario = {}
        for n in chosen:
            onset = z3.Int(f"onset_{n}", self.solver.ctx)
            earliest = self.solver.model.fault(n).earliest
            scenario[n] = self.minimise(onset, earliest, self.value(onset))
        return scenario
