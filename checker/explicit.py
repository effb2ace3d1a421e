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

Only the check's cone matters (`cone.py`): the engine injects only faults on
components of the cone of influence (a fault outside it changes nothing the
check reads, so the canonical counterexample, fewest faults first, never has
one) and simulates only the dependency cone.  `cone=False` simulates the whole
model with every fault: the differential tests compare that against the SMT
engine, so that the cone analysis the engines share is tested too.

A scenario check (`scenario "NAME"`) is judged on its one scenario: a single
concrete run.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import math
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from failspec.checker import ir
from failspec.checker.cone import (
    can_fill,
    check_parts,
    cone_of,
    dependency_cone,
    downstream_of,
    fault_readers,
    selectable_faults,
)
from failspec.checker.conjuncts import ConjunctScreen, screen_of
from failspec.checker.engine import (
    CutSet,
    CutSetOrder,
    Limits,
    Outcome,
    OutOfTime,
    OverBudget,
    Progress,
    Reason,
    Witness,
    check_deadline,
    scenario_cut_sets,
)
from failspec.checker.race import can_race
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
from failspec.checker.simulate import Reuse, Run, judge, simulate
from failspec.parallel import run_in_order

Candidate = tuple[int, tuple[int, ...], tuple[int, ...]]
"""(violation instant, fault numbers, onsets): smaller is more canonical."""

S = TypeVar("S")
R = TypeVar("R")

PARALLEL_FROM = 64
"""Fault sets of one size are asked about in several processes (`jobs` > 1) only
when there are at least this many: for fewer, forking costs more than it saves."""


@dataclass(frozen=True, slots=True)
class Slow:
    """When the explicit engine's search counts as slow, and what then (`Pace`): once
    the fault sets of one size have taken longer than `seconds` on the wall clock, or
    at the pace measured so far would take longer, `act` is called, once.  With `work`
    (a clock of this process's own work), once the size has taken that long of it,
    unprojected, or at its pace would take longer than `hopeless` of it.  If `act`
    returns, the search goes on under `then`, if any (`auto`'s hand-over,
    `engines.py`)."""

    seconds: float
    act: Callable[[], None]
    work: Callable[[], float] | None = None
    then: Slow | None = None
    hopeless: float | None = None


@dataclass(frozen=True, slots=True)
class NearEnd:
    """When the explicit engine's search is near its end, and what then (`Pace`): once
    `share` of the sets of its last level have been asked about, `act` is told, every
    16 sets, how many seconds the rest of the level would take at the quicker of two
    paces, the level's so far and its last 16 sets' (later rounds at that size
    counted as long as this one); once it answers a number of processes, the rest
    of the search goes on in that many, and the pace's rules (`Slow`) end (`auto`'s
    race, `engines.py`)."""

    act: Callable[[float], int | None]
    share: float = 1 / 8


@dataclass(frozen=True, slots=True)
class ExplicitEngine:
    """The explicit engine behind the `Engine` interface.  `max_runs` bounds the
    simulator runs of one `decide` or `cut_sets` (None: no bound); past it the
    verdict is unknown, or the order incomplete, with `Reason.BUDGET`."""

    max_runs: int | None = None
    cone: bool = True
    slow: Slow | None = None
    """What to do once the search is slow (`auto`'s rival, `engines.py`)."""
    near: NearEnd | None = None
    """What to do once the search, slow, is near its end (`auto`'s rival)."""
    jobs: int = 1
    """Ask about the fault sets of one size in up to this many forked processes
    (`ask_each`); the answers are merged in the order of the sets, so every `jobs`
    gives the same answer."""

    def pace(self) -> Pace | None:
        return None if self.slow is None else Pace(self.slow, near=self.near, jobs=self.jobs)

    @property
    def name(self) -> str:
        return "explicit"

    def decide(self, model: ir.Model, check: ir.Check, deadline: float | None) -> Outcome:
        outcome = check_explicit(
            model, check, deadline, self.max_runs, self.cone, self.pace(), self.jobs
        )
        return outcome.by(self.name)

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
        scope = Scope.of(model, check, self.cone)
        candidates = scope.faults
        found: list[CutSet] = []
        limits = Limits(deadline, self.max_runs)
        pace = self.pace()
        if pace is not None:
            limits.watch = pace.poll
        jobs = 1 if self.max_runs is not None else self.jobs
        screens: list[ConjunctScreen | None] = [None]

        def ask(numbers: tuple[int, ...]) -> Candidate | None:
            check_deadline(deadline)
            return _best_for_set(model, check, numbers, limits, scope, None)

        last = min(max_order, len(candidates))
        for size in range(last + 1):
            level: list[tuple[CutSet, Witness]] = []
            if pace is not None:
                pace.level(math.comb(len(candidates), size), _after(size, last, 0))
            try:
                if size == SCREEN_FROM:
                    screens = [_screen(model, check, scope, limits)]
                sets = _screened(_level([(check, scope)], size), screens)
                if pace is not None and screens[0] is not None:
                    # the pace is of the sets that are simulated, without the screen's runs
                    simulated = _count(_screened(_level([(check, scope)], size), screens))
                    pace.level(simulated, _after(size, last, 0))
                unknown = _not_containing((numbers for numbers, _ in sets), found, pace)
                with contextlib.closing(ask_each(unknown, ask, jobs, pace)) as answers:
                    for numbers, best in answers:
                        if pace is not None:
                            pace.step()
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
    cone: bool = True,
    pace: Pace | None = None,
    jobs: int = 1,
) -> Outcome:
    """Decide `check` on `model`.

    `deadline` is a `time.perf_counter()` value; `max_runs` bounds the number of
    simulator runs.  Past either the verdict is `unknown`, with the reason
    `timeout` or `budget`.  `cone=False` injects every fault and simulates the
    whole model (the same answer, slower).  `jobs` > 1 asks about the fault sets
    of one size in that many processes (not under a run budget, which counts the
    runs of one process).  An `unknown` says how many faults were cleared first
    (`Outcome.holds_up_to`).
    """
    progress = Progress()
    try:
        limits = Limits(deadline, max_runs)
        if pace is not None:
            limits.watch = pace.poll
        if check.scenario is not None:
            limits.run()
            return _scenario_outcome(model, check, check.scenario, limits)
        parts = check_parts(model, check) if cone else [check]
        scopes = [(part, Scope.of(model, part, cone)) for part in parts]
        jobs = 1 if max_runs is not None else jobs
        best = _search(
            check, limits, _best_for_set, model, scopes, pace, jobs, deepen=True, progress=progress
        )
    except OutOfTime:
        return Outcome.unknown(Reason.TIMEOUT, holds_up_to=progress.cleared)
    except OverBudget:
        return Outcome.unknown(Reason.BUDGET, holds_up_to=progress.cleared)
    return _outcome(best)


def check_brute_force(model: ir.Model, check: ir.Check) -> Outcome:
    """The same answer by simulating every onset of every fault set: the reference
    against which the engine's onset classes are tested (small models only)."""
    if check.scenario is not None:
        return _scenario_outcome(model, check, check.scenario)
    return _outcome(
        _search(
            check, Limits(), _best_for_set_brute, model, [(check, Scope.of(model, check, False))]
        )
    )


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
    scope = Scope.of(model, check, True)
    return _best_for_set(model, check, numbers, Limits(deadline), scope, None)


def _outcome(best: Candidate | None) -> Outcome:
    if best is None:
        return Outcome.holds()
    at, numbers, onsets = best
    return Outcome.violated(dict(zip(numbers, onsets, strict=True)), at)


@dataclass(frozen=True, slots=True)
class Scope:
    """What a search injects and simulates: the candidate faults (allowed, with an
    onset window), and the components to simulate (None: all)."""

    faults: list[int]
    only: frozenset[int] | None
    baseline: Baseline | None = None
    """The fault-free run of `only`, from which a run with faults takes the signals of
    what does not depend on them (None: every run computes every component)."""

    @staticmethod
    def of(model: ir.Model, check: ir.Check, cone: bool) -> Scope:
        if not cone:
            allowed = [n for n in check.faults if model.fault(n).earliest <= model.fault(n).latest]
            return Scope(sorted(allowed), None)
        faults = selectable_faults(model, check, cone_of(model, check))
        only = frozenset(dependency_cone(model, check))
        return Scope(sorted(faults), only, Baseline.of(model, only))

    def reuse(self, model: ir.Model, numbers: tuple[int, ...]) -> Reuse | None:
        """What a run of the fault set `numbers` may take from the fault-free run."""
        if self.baseline is None or not numbers:
            return None
        faulty = {model.fault(n).component for n in numbers}
        return Reuse(self.baseline.run, downstream_of(self.baseline.readers, faulty))


@dataclass(frozen=True, slots=True)
class Baseline:
    """The fault-free run of a scope's components, and which of them read which."""

    run: Run
    readers: dict[int, tuple[int, ...]]

    @staticmethod
    def of(model: ir.Model, only: frozenset[int]) -> Baseline | None:
        """None where a store of `only` can fill (`simulate.Reuse`)."""
        if any(can_fill(model.components[index].spec) for index in only):
            return None
        return Baseline(simulate(model, {}, Ctx(), only=only), fault_readers(model, only))


BestForSet = Callable[
    [ir.Model, ir.Check, tuple[int, ...], Limits, "Scope", "int | None"], "Candidate | None"
]
"""The canonical violating scenario of exactly one fault set (or None), within limits,
simulating only the scope's components; with a last argument `until` (an instant),
it may also answer None when the set violates only after `until`."""


def _search(
    check: ir.Check,
    limits: Limits,
    best_for_set: BestForSet,
    model: ir.Model,
    scopes: list[tuple[ir.Check, Scope]],
    pace: Pace | None = None,
    jobs: int = 1,
    deepen: bool = False,
    progress: Progress | None = None,
) -> Candidate | None:
    """The canonical counterexample of `check`, or None, asking about each of its parts
    (`cone.check_parts`) in its own scope.  The check is violated exactly when a part
    is, at the earliest of the parts' instants; at the fewest faults that violate it,
    the canonical scenario's faults all lie in the cone of the part that is violated
    first (without the others it would violate that part with fewer), so the
    canonical answer is the least of the parts' canonical answers at that size.

    With `deepen`, the sets of a size are asked first only for violations up to a
    few early instants (`_rounds`), each round exact for the instants it asks
    about: the first round with a violation has the canonical one, which is the
    earliest.  Within a round, once a set is violated at v, a later set is asked
    only for violations before v (`_until`): only those could be more canonical.
    Each size searched to the end without a violation is cleared in `progress`."""
    most = max((len(scope.faults) for _, scope in scopes), default=0)
    screens: list[ConjunctScreen | None] = [None] * len(scopes)
    best: Candidate | None = None
    limit: int | None = None

    def ask(numbered: tuple[tuple[int, ...], int]) -> Candidate | None:
        numbers, i = numbered
        part, scope = scopes[i]
        until = _until(best, numbers)
        if limit is not None:
            until = limit if until is None else min(until, limit)
        return best_for_set(model, part, numbers, limits, scope, until)

    last = min(check.at_most, most)
    for size in range(last + 1):
        total = sum(math.comb(len(scope.faults), size) for _, scope in scopes)
        if pace is not None:
            pace.level(total)
        if size == SCREEN_FROM:
            screens = [_screen(model, part, scope, limits) for part, scope in scopes]
        if any(screen is not None for screen in screens):
            # the pace is of the sets that are simulated, without the screen's runs
            total = _count(_screened(_level(scopes, size), screens))
        rounds = _rounds(model, scopes, size) if deepen else [None]
        for j, round_limit in enumerate(rounds):
            limit = round_limit  # read by `ask`
            if pace is not None:
                pace.level(total, _after(size, last, len(rounds) - 1 - j))
            sets = _screened(_level(scopes, size), screens)
            with contextlib.closing(ask_each(sets, ask, jobs, pace)) as answers:
                for (numbers, _), candidate in answers:
                    if best is not None and best[0] == 0 and numbers > best[1]:
                        break
                    if pace is not None:
                        pace.step()
                    if candidate is not None and (best is None or candidate < best):
                        best = candidate
            if best is not None:
                return best
        if progress is not None:
            progress.clear(size)
    return None


DEEPENING = (64,)
"""The first rounds of a size's search (`_rounds`) ask for violations up to the
horizon divided by each of these, then the last for any.  One early round: where
a set's runs cost as much cut short as whole (the layered models' failovers and
jobs on two free onsets), a check that holds pays every early round on top of
the last, and a second one (horizon / 8) would make that three times."""

DEEPEN_FROM = 2
"""The size of fault sets from which a search deepens: a single fault's runs are
cheap, and a round would only ask them again."""


def _rounds(model: ir.Model, scopes: list[tuple[ir.Check, Scope]], size: int) -> list[int | None]:
    """The latest violation instants the rounds of a size's search ask about (None:
    any), in increasing order.  Only a partition that reopens makes a run's cost
    grow with the instant it must be exact to (its closings are worked out one by
    one up to the run's bound, and with free onsets each may split the zone), so
    without one in a scope there is one round."""
    if size < DEEPEN_FROM or not any(_reopens(model, scope) for _, scope in scopes):
        return [None]
    early = sorted({model.horizon // d for d in DEEPENING if model.horizon // d > 0})
    return [*early, None]


def _reopens(model: ir.Model, scope: Scope) -> bool:
    """Does a partition the scope simulates reopen?"""
    components = (
        model.components if scope.only is None else [model.components[i] for i in scope.only]
    )
    return any(
        isinstance(c.spec, ir.PartitionSpec) and c.spec.reopens_after is not None
        for c in components
    )


def _until(best: Candidate | None, numbers: tuple[int, ...]) -> int | None:
    """The latest violation instant at which the set `numbers` could still be more
    canonical than `best` (None: any): the instant of `best` for a set of no greater
    fault numbers, the instant before it for a later set."""
    if best is None:
        return None
    return best[0] if numbers <= best[1] else best[0] - 1


SCREEN_FROM = 2
"""The size of fault sets from which a part's conjunction is screened side by side
(`conjuncts.py`): a single fault is its own table's question, so the screen's one
zone exploration per fault and side pays only from pairs on."""


def _screen(model: ir.Model, part: ir.Check, scope: Scope, limits: Limits) -> ConjunctScreen | None:
    """The part's conjunction screen, in its cone only: without the cone
    (`cone=False`) nothing the cone analysis says is used, the screen included."""
    if scope.only is None:
        return None
    return screen_of(model, part, scope.faults, limits)


class Pace:
    """Measures the time the current size of fault sets has taken and acts once
    (`Slow`); then goes on under the next rule (`Slow.then`).  With `near`, tells it
    how long the search's last level would still take (`NearEnd`), and keeps the
    number of processes it answers (`processes`).

    Until its first rule acts the search may use `jobs` processes; from then on one
    (`auto`'s race: a core of its own), until `near` answers more.  A rule due
    while workers ask about a level (`pooled`) waits for them to be stopped
    (`stopping`, `settle`): a search cannot be handed to a forked child with a pool
    of workers, whose threads and processes are this process's alone."""

    def __init__(
        self,
        slow: Slow,
        clock: Callable[[], float] = time.perf_counter,
        near: NearEnd | None = None,
        jobs: int = 1,
    ) -> None:
        self.wall = clock
        self.near = near
        self.jobs = jobs
        self.pooled = False
        """Workers are asking about the current level's sets (`ask_each`)."""
        self.pending = False
        """A rule is due, to act once the workers are stopped."""
        self.inert = False
        """In a worker: the pace is its parent's, and nothing acts here."""
        self._follow(slow)
        self.level(0)

    def _follow(self, slow: Slow) -> None:
        self.slow = slow
        self.clock = slow.work or self.wall
        self.projects = slow.work is None
        self.acted = False

    def level(self, total: int, later: int | None = None) -> None:
        """A level of `total` fault sets begins, with `later` levels after it, each
        expected to take about as long (None: more than can be told)."""
        self.started, self.total, self.done = self.clock(), total, 0
        self.level_started, self.later = self.wall(), later
        self.mark = (self.level_started, 0)
        """When `NearEnd` was last told, and the sets done then."""

    def processes(self) -> int:
        """The processes the rest of the search may use."""
        return self.jobs

    def step(self) -> None:
        """One more fault set of the current size is being asked about."""
        if self.inert:
            return
        self.done += 1
        if self.near is not None and self.later is not None and self.done % 16 == 0:
            self._near_end(self.near)
        if self.acted:
            return
        spent = self.clock() - self.started
        beyond = self.slow.seconds if self.projects else self.slow.hopeless
        projected = 0.0
        if beyond is not None and self.done % 16 == 0:
            projected = spent / self.done * (self.total - self.done)
        if spent > self.slow.seconds or (beyond is not None and projected > beyond):
            self._due()

    def _near_end(self, near: NearEnd) -> None:
        now, (then, done_then) = self.wall(), self.mark
        self.mark = (now, self.done)
        if self.done < near.share * self.total:
            return
        assert self.later is not None
        elapsed = now - self.level_started
        # the quicker of two paces: all the level's sets so far, and the last 16
        # (the first sets of a level are often the costliest, and a projection
        # too short costs the paused racer only itself and a second)
        each = min(elapsed / self.done, (now - then) / (self.done - done_then))
        rest = each * (self.total - self.done)
        jobs = near.act(rest + self.later * (elapsed + rest))
        if jobs is not None:
            self.jobs, self.near = jobs, None
            self.acted = True  # no rule acts any more: the search is ending

    def poll(self) -> None:
        """Inside one fault set's search (`Limits.watch`): act once the current size has
        taken longer than its seconds, however few sets it has."""
        if self.inert or self.acted:
            return
        if self.pending:
            if not self.pooled:
                self.settle()
        elif self.clock() - self.started > self.slow.seconds:
            self._due()

    def _due(self) -> None:
        if self.pooled:
            self.pending = True
        else:
            self.act()

    def stopping(self) -> bool:
        """Asked by the workers' pool (`parallel.run_in_order`): should it stop, for a
        rule that is due to act?"""
        self.poll()
        return self.pending

    def settle(self) -> None:
        """With no workers: a rule that became due while there were acts now."""
        if self.pending:
            self.pending = False
            self.act()

    def act(self) -> None:
        """Act, once; if the search goes on, in one process and under the next rule,
        whose clock starts as if this size's time so far had been measured on it."""
        self.acted, self.pending = True, False
        self.jobs = 1
        self.slow.act()
        then = self.slow.then
        if then is not None:
            spent = self.clock() - self.started
            self._follow(then)
            self.started = self.clock() - spent


def _after(size: int, last: int, rounds: int) -> int | None:
    """The levels after one with `rounds` more rounds at `size`, in a search whose
    last size is `last` (None: not at the last size, so more than can be told)."""
    return rounds if size == last else None


def _not_containing(
    sets: Iterable[tuple[int, ...]], found: list[CutSet], pace: Pace | None
) -> Iterator[tuple[int, ...]]:
    """The sets that contain no set of `found`; a set left out counts as a step of
    `pace` (as one asked about does, once its answer is in)."""
    for numbers in sets:
        if any(set(numbers).issuperset(c) for c in found):
            if pace is not None:
                pace.step()
            continue
        yield numbers


def ask_each(
    items: Iterable[S], ask: Callable[[S], R], jobs: int, pace: Pace | None = None
) -> Generator[tuple[S, R], None, None]:
    """`(item, ask(item))` for every item, in the order of `items`: in this process,
    or, with `jobs` > 1 and at least `PARALLEL_FROM` items, in up to `jobs` processes
    forked from this one (`parallel.run_in_order`).  Each item is a task of its own:
    the cost of a fault set varies by orders of magnitude (on the generated
    100-component model six pairs of 500 take 90 % of the time, next to each
    other in the order), and a worker free takes the next.  An exception `ask`
    raises in a worker (OutOfTime, OverBudget) is raised here at its item's turn.
    A caller that stops early closes the iterator (`contextlib.closing`): the
    items not yet started are cancelled.

    With `pace`, at most as many processes as it allows (`Pace.processes`): once
    one of its rules is due while workers ask, they are stopped, the rule acts
    (in `auto`, the search is handed to a forked child), and the items they had
    not answered are asked about again under it; asked here, once it allows more
    processes than one, the rest is asked about in them."""
    most = jobs
    if pace is not None:
        pace.settle()
        jobs = min(most, pace.processes())
    if jobs > 1 and can_race():
        listed = list(items)
        if len(listed) >= PARALLEL_FROM:
            yield from _ask_in_workers(listed, ask, jobs, pace)
            return
        items = listed
    rest = iter(items)
    for item in rest:
        yield item, ask(item)
        if pace is not None and min(most, pace.processes()) > jobs and can_race():
            yield from ask_each(list(rest), ask, min(most, pace.processes()))
            return


def _ask_in_workers(
    listed: list[S], ask: Callable[[S], R], jobs: int, pace: Pace | None
) -> Generator[tuple[S, R], None, None]:
    """`ask_each` in `jobs` workers; with `pace`, stopped once one of its rules is due
    (`Pace.stopping`), and the items not answered then asked about under it."""
    if pace is None:
        with contextlib.closing(run_in_order(listed, ask, jobs)) as answers:
            yield from zip(listed, answers, strict=True)
        return
    watched = pace

    def ask_in_worker(item: S) -> R:
        watched.inert = True  # the worker's copy of the pace
        return ask(item)

    answered = 0
    pace.pooled = True
    try:
        with contextlib.closing(
            run_in_order(listed, ask_in_worker, jobs, stop=pace.stopping)
        ) as answers:
            for answer in answers:
                answered += 1
                yield listed[answered - 1], answer
    finally:
        pace.pooled = False
    if answered < len(listed):  # stopped for a rule: it acts, and the rest goes on under it
        yield from ask_each(listed[answered:], ask, jobs, pace)


def _level(
    scopes: list[tuple[ir.Check, Scope]], size: int
) -> Iterator[tuple[tuple[int, ...], int]]:
    """Every part's fault sets of `size` in one ascending order of fault numbers, each
    with its part's index: once a scenario is violated at the first instant there
    is, no later set can be more canonical."""
    return heapq.merge(*(_sets_of(i, scope, size) for i, (_, scope) in enumerate(scopes)))


def _screened(
    sets: Iterable[tuple[tuple[int, ...], int]], screens: list[ConjunctScreen | None]
) -> Iterator[tuple[tuple[int, ...], int]]:
    """The sets their part's screen does not rule out, in order (in this process, so
    that the sets left out cost other processes nothing)."""
    for numbers, part in sets:
        screen = screens[part]
        if screen is None or not screen.rules_out(numbers):
            yield numbers, part


def _count(items: Iterable[object]) -> int:
    return sum(1 for _ in items)


def _sets_of(part: int, scope: Scope, size: int) -> Iterator[tuple[tuple[int, ...], int]]:
    """The scope's fault sets of `size`, ascending, each with its part's index."""
    for numbers in itertools.combinations(scope.faults, size):
        yield numbers, part


def _windows(model: ir.Model, numbers: tuple[int, ...]) -> list[range]:
    return [range(model.fault(n).earliest, model.fault(n).latest + 1) for n in numbers]


def _concrete_violation(
    model: ir.Model,
    check: ir.Check,
    numbers: tuple[int, ...],
    onsets: tuple[int, ...],
    limits: Limits | None = None,
    only: frozenset[int] | None = None,
    reuse: Reuse | None = None,
) -> int | None:
    ctx = Ctx(limits=limits)
    scenario: dict[int, Time] = dict(zip(numbers, onsets, strict=True))
    result = judge(simulate(model, scenario, ctx, only=only, reuse=reuse), ctx, check)
    if result is None:
        return None
    return int(concrete(result[0]))


def _best_for_set_brute(
    model: ir.Model,
    check: ir.Check,
    numbers: tuple[int, ...],
    limits: Limits,
    scope: Scope,
    until: int | None,
) -> Candidate | None:
    best: Candidate | None = None
    for onsets in itertools.product(*_windows(model, numbers)):
        at = _concrete_violation(model, check, numbers, onsets, None, scope.only)
        if at is not None and (best is None or (at, numbers, onsets) < best):
            best = (at, numbers, onsets)
    return best


def _best_for_set(
    model: ir.Model,
    check: ir.Check,
    numbers: tuple[int, ...],
    limits: Limits,
    scope: Scope,
    until: int | None,
) -> Candidate | None:
    """The canonical violating scenario of the fault set `numbers` (or None), zone by
    zone.  With `until` (an instant), only violations at or before it are looked
    for: the runs need only be exact up to it (`simulate`'s `exact_to`), and a zone
    whose least violation instant is later is dropped — where the run was exact up
    to `until`, a violation at or before it is the whole run's, and one after it in
    the short run means none at or before it in the whole run."""
    if not numbers:
        limits.run()
        at = _concrete_violation(model, check, (), (), limits, scope.only)
        return None if at is None else (at, (), ())
    only, reuse = scope.only, scope.reuse(model, numbers)
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
            run = simulate(model, scenario, ctx, only=only, exact_to=until, reuse=reuse)
            result = judge(run, ctx, check)
            found = None if result is None else _minimum(ctx.zone, result[0])
        except NeedsConcrete:
            work.extend(ctx.pending)
            work.extend(_split(ctx.zone))
            continue
        work.extend(ctx.pending)
        if found is not None and (until is None or found[0] <= until):
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
