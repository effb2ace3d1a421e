"""The reference simulator: one scenario, evaluated exactly and event-driven.

A scenario maps fault numbers to onsets.  `simulate` computes every signal of
the model as a set of intervals (never second by second) in the evaluation
order of the IR; `judge` finds the check's violation instant; `build_trace`
turns a concrete scenario into the counterexample trace with every state
change and its cause.

The simulator runs over a `Ctx`: with a concrete scenario it is exact
integer arithmetic; the explicit engine also runs it with one onset left free
(see `signals.py`).

The v1 forms: a component's needs reach it through `rides out`/`recovers in`
(`signals.lagged` of its needs combined, a job's written stores included); a
transaction is attempted only within its `open` hours, so its classes, its
errors in a partition and `CH.down` read only those instants; an assertion
with a window judges only the window's instants.  Windows, which repeat every
day, are unrolled up to the run's bound (`ir.time_bound`): nothing after it
can change a judgement.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction

from failspec.checker import ir
from failspec.checker.signals import (
    ALWAYS,
    EMPTY,
    INF,
    Ctx,
    NeedsConcrete,
    Signal,
    Sym,
    Time,
    add,
    at_least,
    combine,
    complement,
    erode,
    from_on,
    holds_at,
    intersect,
    interval,
    is_inf,
    lagged,
    minus,
    scale,
    sub,
    union,
)

Scenario = dict[int, Time]
"""Fault number → onset (integer seconds, or symbolic in the explicit engine)."""


@dataclass
class Episode:
    """One outage of a failover's primary and what the pair did about it."""

    start: Time
    end: Time
    mode: str | None
    """The first-numbered own fault of the primary active at `start` (None: through needs)."""
    window: int | None
    outcome: str
    """`no detect`, `returned`, `switched`, `stuck manual` or `stuck`."""
    switch_at: Time | None
    no_switchover: ir.NoSwitchover | None = None
    """Why the outage opened no window (`detect never` or `no detect line`); None
    when it opened one."""


@dataclass
class Run:
    """Every signal of one scenario."""

    model: ir.Model
    scenario: Scenario
    fault_active: dict[int, Signal] = field(default_factory=dict)
    own_down: dict[int, Signal] = field(default_factory=dict)
    """Per component: down through its own (non-latent) faults."""
    needs_down: dict[int, Signal] = field(default_factory=dict)
    """Per component: down through its needs, after `rides out` and `recovers in`
    (a job's written stores count as needs)."""
    needs_raw: dict[int, Signal] = field(default_factory=dict)
    """Per component: its needs combined before `rides out` and `recovers in` (the
    v0 rule; equal to `needs_down` without them)."""
    down: dict[int, Signal] = field(default_factory=dict)
    episodes: dict[int, list[Episode]] = field(default_factory=dict)
    pair_down: dict[int, Signal] = field(default_factory=dict)
    closed: dict[int, Signal] = field(default_factory=dict)
    full: dict[int, Signal] = field(default_factory=dict)
    job_start: dict[int, Time | None] = field(default_factory=dict)
    job_done: dict[int, Time | None] = field(default_factory=dict)
    job_working: dict[int, Signal] = field(default_factory=dict)
    txn_class: dict[tuple[int, int], dict[str, Signal]] = field(default_factory=dict)
    txn_fails: dict[tuple[int, int], Signal] = field(default_factory=dict)
    all_fail: dict[int, Signal] = field(default_factory=dict)
    hours: dict[tuple[int, int], Signal] = field(default_factory=dict)
    """Per transaction with `open` hours: the instants within them (up to `bound`)."""
    bound: int = 0
    """The instant up to which the run is exact (`ir.time_bound`, or later)."""


def simulate(
    model: ir.Model,
    scenario: Scenario,
    ctx: Ctx | None = None,
    until: int | None = None,
    only: frozenset[int] | None = None,
    exact_to: int | None = None,
    reuse: Reuse | None = None,
) -> Run:
    """Return every signal of `model` under `scenario` (fault number → onset).

    The run is exact up to `ir.time_bound(model)`, which covers every judgement; with
    `until` (an instant, for a timeline that reads further) up to that instant too.
    With `only` (a set of components closed under what they read, such as
    `cone.dependency_cone`), just those components are simulated: their signals
    are the same as in the whole model's run, and the others have none.

    With `exact_to` (an instant), the run need only be exact up to that instant:
    partitions' closings are worked out only up to it plus every channel's
    look-ahead (`exact_bound`), so a partition that reopens all day costs only
    its first closings.  Every signal then agrees with the whole run's at every
    instant up to `exact_to`, and a judgement whose violation instant is at most
    `exact_to` is the whole run's.

    With `reuse`, the components outside `reuse.fresh` take their signals from
    `reuse.run` instead of being computed (see `Reuse`)."""
    ctx = ctx or Ctx()
    # a run to reuse was simulated to the time bound (`Reuse`), which costs a walk
    # over the whole model to find
    bound = ir.time_bound(model) if reuse is None else reuse.run.bound
    full_from: dict[int, Time] = {}
    order = list(model.order) if only is None else [i for i in model.order if i in only]
    if until is not None:
        bound = max(bound, exact_bound(model, until, order))
    if exact_to is not None:
        bound = min(bound, exact_bound(model, exact_to, order))
    while True:
        run = _simulate_once(model, scenario, ctx, full_from, bound, order, reuse)
        filling = _next_fullness(model, run, ctx, full_from, order)
        if not filling:
            return run
        full_from.update(filling)


def exact_bound(model: ir.Model, latest: int, simulated: list[int]) -> int:
    """The bound of a run of the components `simulated` (closed under what they read)
    exact up to the instant `latest`: `ir.time_bound`'s rule with `latest` for the
    horizon (a channel reads its access path up to `timeout` seconds ahead, and such
    look-aheads chain, so every timeout on the way is added; a chain of readings
    stays among the simulated components).  Nothing but a partition's closings and
    a transaction's hours stops at the bound; a closing found before it is found as
    without it, and the intervals before it are the same."""
    components = model.components
    lookahead = 0
    for index in simulated:
        spec = components[index].spec
        if isinstance(spec, ir.ChannelSpec):
            lookahead += spec.timeout
    return latest + lookahead + 2


def _simulate_once(
    model: ir.Model,
    scenario: Scenario,
    ctx: Ctx,
    full_from: dict[int, Time],
    bound: int,
    order: list[int],
    reuse: Reuse | None = None,
) -> Run:
    run = Run(model, scenario, bound=bound)
    if reuse is not None:
        _take_signals(reuse, run, model)
    for number, onset in scenario.items():
        fault = model.fault(number)
        end = INF if fault.repair is None else add(onset, fault.repair)
        run.fault_active[number] = interval(ctx, onset, end)
    for index in order:
        component = model.components[index]
        if reuse is not None and index not in reuse.fresh:
            continue
        latent = _latent_faults(component)
        run.own_down[index] = union(
            ctx,
            [
                run.fault_active[n]
                for n in component.faults
                if n in run.fault_active and n not in latent
            ],
        )
        spec = component.spec
        raw = union(
            ctx,
            [
                at_least(ctx, [run.down[m] for m in g.members], len(g.members) - g.k + 1)
                for g in component.needs
            ]
            + ([run.down[s] for s, _ in spec.writes] if isinstance(spec, ir.JobSpec) else []),
        )
        run.needs_raw[index] = raw
        run.needs_down[index] = lagged(ctx, raw, component.rides_out, component.recovers_in)
        base = union(ctx, [run.own_down[index], run.needs_down[index]])
        if isinstance(spec, ir.FailoverSpec):
            run.down[index] = union(ctx, [base, _failover(run, ctx, component, spec)])
        elif isinstance(spec, ir.StoreSpec):
            start = full_from.get(index)
            run.full[index] = EMPTY if start is None else interval(ctx, start, INF)
            run.down[index] = union(ctx, [base, run.full[index]])
        elif isinstance(spec, ir.PartitionSpec):
            run.closed[index] = _closures(run, ctx, spec, base, bound)
            run.down[index] = union(ctx, [base, run.closed[index]])
        elif isinstance(spec, ir.ChannelSpec):
            run.down[index] = union(ctx, [base, _channel(run, ctx, index, spec)])
        elif isinstance(spec, ir.JobSpec):
            run.down[index] = _job(run, ctx, index, spec, base)
        else:
            run.down[index] = base
    return run


@dataclass(frozen=True, slots=True)
class Reuse:
    """Signals to take from another run: that of the same components (`only`) with no
    fault or fewer, and the components `fresh` that depend, through anything they
    read (`cone.dependency_cone`'s readings), on a component with a fault of the
    scenario asked about (`cone.fault_readers`).  Every other component reads
    nothing that differs between the two runs, so its signals are the same, and
    they are exact in any zone (concrete there, where they read no free onset).
    Not for a run whose stores can fill (`cone.can_fill`): the stores' fixed
    point would start from fullness instants found in the other run.  `run` is
    simulated with neither `until` nor `exact_to`, to the time bound."""

    run: Run
    fresh: frozenset[int]


_PER_COMPONENT = (
    "own_down",
    "needs_raw",
    "needs_down",
    "down",
    "episodes",
    "pair_down",
    "closed",
    "full",
    "job_start",
    "job_done",
    "job_working",
    "all_fail",
)
"""The tables of `Run` keyed by a component's index."""

_PER_TRANSACTION = ("txn_class", "txn_fails", "hours")
"""The tables of `Run` keyed by (channel, transaction)."""


def _take_signals(reuse: Reuse, run: Run, model: ir.Model) -> None:
    """Every signal of `reuse.run` into `run`, but for the components `reuse.fresh`,
    which are then computed as in any run."""
    for name in (*_PER_COMPONENT, *_PER_TRANSACTION):
        setattr(run, name, dict(getattr(reuse.run, name)))
    for index in reuse.fresh:
        for name in _PER_COMPONENT:
            getattr(run, name).pop(index, None)
        spec = model.components[index].spec
        if isinstance(spec, ir.ChannelSpec):
            for x in range(len(spec.transactions)):
                for name in _PER_TRANSACTION:
                    getattr(run, name).pop((index, x), None)


def _latent_faults(component: ir.Component) -> tuple[int, ...]:
    spec = component.spec
    if isinstance(spec, ir.FailoverSpec) and spec.stuck is not None:
        return (spec.stuck,)
    return ()


def _failover(run: Run, ctx: Ctx, component: ir.Component, spec: ir.FailoverSpec) -> Signal:
    """The pair's own contribution to G.down: switchover windows, stuck outages, B."""
    primary = run.model.components[spec.primary]
    latent = _latent_faults(primary)
    primary_faults = [n for n in primary.faults if n in run.fault_active and n not in latent]
    stuck = run.fault_active.get(spec.stuck, EMPTY) if spec.stuck is not None else EMPTY
    pieces: list[Signal] = []
    episodes: list[Episode] = []
    for start, end in run.down[spec.primary]:
        mode = None
        for n in primary_faults:
            if holds_at(ctx, run.fault_active[n], start):
                mode = run.model.fault(n).mode
                break
        window = spec.window_for(mode)
        if window is None:
            pieces.append(((start, end),))
            reason = spec.no_switchover_reason(mode)
            episodes.append(Episode(start, end, mode, None, "no detect", None, reason))
            continue
        switch_at = add(start, window)
        if ctx.lt(end, switch_at):
            pieces.append(((start, end),))
            episodes.append(Episode(start, end, mode, window, "returned", None))
            continue
        if holds_at(ctx, stuck, switch_at):
            if spec.manual is not None:
                restored = add(switch_at, spec.manual)
                pieces.append(((start, restored),))
                pieces.append(from_on(ctx, run.down[spec.secondary], restored))
                episodes.append(Episode(start, end, mode, window, "stuck manual", switch_at))
                break
            pieces.append(((start, end),))
            episodes.append(Episode(start, end, mode, window, "stuck", switch_at))
            continue
        pieces.append(((start, switch_at),))
        pieces.append(from_on(ctx, run.down[spec.secondary], switch_at))
        episodes.append(Episode(start, end, mode, window, "switched", switch_at))
        break
    run.episodes[component.index] = episodes
    signal = union(ctx, pieces)
    run.pair_down[component.index] = signal
    return signal


def _service_eligible(run: Run, ctx: Ctx, channel: int, txn: int, path_comm: Signal) -> Signal:
    """Instants within the transaction's hours at which its calls are down and its
    access path is not."""
    spec = run.model.components[channel].spec
    assert isinstance(spec, ir.ChannelSpec)
    calls_down = union(ctx, [run.down[c] for c in spec.transactions[txn].calls])
    eligible = minus(ctx, calls_down, path_comm)
    hours = _hours(run, channel, txn)
    return eligible if hours is None else intersect(ctx, eligible, hours)


def window_signal(windows: ir.Windows, bound: int) -> Signal:
    """The instants of a window list, up to at least `bound` (a daily list unrolled)."""
    return tuple(windows.unrolled(bound))


def _hours(run: Run, channel: int, txn: int) -> Signal | None:
    """The instants within the transaction's `open` hours, or None without hours."""
    key = (channel, txn)
    if key not in run.hours:
        spec = run.model.components[channel].spec
        assert isinstance(spec, ir.ChannelSpec)
        hours = spec.transactions[txn].hours
        if hours is None:
            return None
        run.hours[key] = window_signal(hours, run.bound)
    return run.hours[key]


def _path_comm(run: Run, ctx: Ctx, spec: ir.ChannelSpec) -> Signal:
    if not spec.via:
        return EMPTY
    return erode(ctx, union(ctx, [run.down[v] for v in spec.via]), spec.timeout)


def _closures(run: Run, ctx: Ctx, spec: ir.PartitionSpec, own: Signal, bound: int) -> Signal:
    """When the partition is closed: it closes at the first instant c at which
    Σ rate_per_minute × failing_seconds over [count_start, c) ≥ 60 × N."""
    if spec.closes_after is None or not spec.routed:
        return EMPTY
    errors: list[tuple[Fraction, Signal]] = []
    for channel, txn in spec.routed:
        channel_spec = run.model.components[channel].spec
        assert isinstance(channel_spec, ir.ChannelSpec)
        rate = channel_spec.transactions[txn].rate_per_minute
        if rate == 0:
            continue
        eligible = _service_eligible(run, ctx, channel, txn, _path_comm(run, ctx, channel_spec))
        eligible = minus(ctx, eligible, own)
        if eligible:
            errors.append((rate, eligible))
    target = Fraction(60 * spec.closes_after)
    closed: list[tuple[Time, Time]] = []
    count_start: Time = 0
    while errors and ctx.lt(count_start, bound):
        ctx.tick()
        close_at = _first_reaching(ctx, errors, count_start, target)
        if close_at is None or not ctx.lt(close_at, bound):
            break
        if spec.reopens_after is None:
            closed.append((close_at, INF))
            break
        count_start = add(close_at, spec.reopens_after)
        closed.append((close_at, count_start))
    return tuple(closed)


def _first_reaching(
    ctx: Ctx, errors: list[tuple[Fraction, Signal]], start: Time, target: Fraction
) -> Time | None:
    """The first instant c > start with Σ rate × |signal ∩ [start, c)| ≥ target, or None."""
    clipped = [(rate, from_on(ctx, s, start)) for rate, s in errors]
    points: list[Time] = []
    for _, s in clipped:
        for a, b in s:
            points += [a, b]
    if not points:
        return None
    # walk the elementary segments in time order
    from functools import cmp_to_key

    points.sort(key=cmp_to_key(ctx.cmp))
    unique: list[Time] = []
    for p in points:
        if not unique or ctx.lt(unique[-1], p):
            unique.append(p)
    accumulated: Time = Fraction(0)
    for left, right in itertools.pairwise(unique):
        rate = sum((r for r, s in clipped if holds_at(ctx, s, left)), Fraction(0))
        if rate == 0:
            continue
        if not is_inf(right):
            # Does the count reach the target in this segment?  Asked first, as a
            # comparison that the zone often decides, before the closing instant
            # (a ceiling of a fraction of the onsets) is worked out.
            reached = add(accumulated, scale(sub(right, left), rate))
            if ctx.lt(reached, target):
                accumulated = reached
                continue
        needed = sub(Fraction(target), accumulated)
        close_at = add(left, ctx.ceil(scale(needed, 1 / rate)))
        if ctx.le(close_at, right):
            return close_at
        if is_inf(right):
            return None
        accumulated = add(accumulated, scale(sub(right, left), rate))
    return None


def _channel(run: Run, ctx: Ctx, index: int, spec: ir.ChannelSpec) -> Signal:
    """Classify every transaction's failures; return when all of them fail."""
    comm = _path_comm(run, ctx, spec)
    partition_down = run.down[spec.through] if spec.through is not None else EMPTY
    partition = minus(ctx, partition_down, comm)
    fails_all: list[Signal] = []
    hours_all: list[Signal] = []
    for x in range(len(spec.transactions)):
        calls_down = union(ctx, [run.down[c] for c in spec.transactions[x].calls])
        service = minus(ctx, minus(ctx, calls_down, comm), partition_down)
        classes = {"comm": comm, "partition": partition, "service": service}
        hours = _hours(run, index, x)
        if hours is not None:
            # outside its hours a transaction is not attempted: no class at all
            classes = {klass: intersect(ctx, s, hours) for klass, s in classes.items()}
        run.txn_class[(index, x)] = classes
        fails = union(ctx, list(classes.values()))
        run.txn_fails[(index, x)] = fails
        fails_all.append(fails)
        hours_all.append(ALWAYS if hours is None else hours)
    if not fails_all:
        run.all_fail[index] = EMPTY
    elif all(h is ALWAYS for h in hours_all):
        run.all_fail[index] = combine(ctx, fails_all, all)
    else:
        # some transaction is within its hours, and every one within them fails
        count = len(fails_all)

        def all_attempted_fail(m: list[bool]) -> bool:
            return any(m[:count]) and all(not m[i] or m[count + i] for i in range(count))

        run.all_fail[index] = combine(ctx, [*hours_all, *fails_all], all_attempted_fail)
    return run.all_fail[index]


def _job(run: Run, ctx: Ctx, index: int, spec: ir.JobSpec, base: Signal) -> Signal:
    start: Time | None
    if spec.after:
        start = 0
        for previous in spec.after:
            done = run.job_done[previous]
            if done is None:
                start = None
                break
            start = ctx.max(start, done)
    else:
        start = spec.at if spec.at is not None else 0
    run.job_start[index] = start
    if start is None:
        run.job_done[index] = None
        run.job_working[index] = EMPTY
        return EMPTY
    # `base` holds the written stores already: they are needs of the job
    down = from_on(ctx, base, start)
    done = progress_reaches(ctx, start, down, spec.takes)
    run.job_done[index] = done
    end = INF if done is None else done
    run.job_working[index] = minus(ctx, interval(ctx, start, end), down)
    return down


def progress_reaches(ctx: Ctx, start: Time, down: Signal, amount: Time) -> Time | None:
    """The first instant t at which the number of instants in [start, t) outside `down`
    reaches `amount` (≥ 1), or None if it never does."""
    t = start
    remaining = amount
    for a, b in down:
        if ctx.le(b, t):
            continue
        if ctx.lt(t, a):
            gap = sub(a, t)
            if ctx.le(remaining, gap):
                return add(t, remaining)
            remaining = sub(remaining, gap)
        if is_inf(b):
            return None
        t = b
    return add(t, remaining)


def _next_fullness(
    model: ir.Model, run: Run, ctx: Ctx, full_from: dict[int, Time], order: list[int]
) -> dict[int, Time]:
    """Stores that fill first among those not yet full, with their fullness instant."""
    candidates: list[tuple[int, Time]] = []
    for index in sorted(order):
        component = model.components[index]
        spec = component.spec
        if not isinstance(spec, ir.StoreSpec) or component.index in full_from:
            continue
        if spec.capacity is None or not spec.writers:
            continue
        at = _fullness_instant(model, run, ctx, spec)
        if at is not None:
            candidates.append((component.index, at))
    if not candidates:
        return {}
    earliest = candidates[0][1]
    for _, at in candidates[1:]:
        earliest = ctx.min(earliest, at)
    return {index: at for index, at in candidates if ctx.eq(at, earliest)}


def _fullness_instant(model: ir.Model, run: Run, ctx: Ctx, spec: ir.StoreSpec) -> Time | None:
    """The first instant at which the records written exceed the capacity."""
    assert spec.capacity is not None
    writers = []
    for job, records in spec.writers:
        job_spec = model.components[job].spec
        assert isinstance(job_spec, ir.JobSpec)
        if run.job_start[job] is not None and records > 0:
            writers.append((job, records, job_spec.takes))
    if sum(records for _, records, _ in writers) <= spec.capacity:
        return None
    if len(writers) == 1:
        job, records, takes = writers[0]
        # floor(N·p/D) > C  ⟺  p ≥ ceil((C + 1)·D / N)
        needed = math.ceil(Fraction((spec.capacity + 1) * takes, records))
        start = run.job_start[job]
        assert start is not None
        down = minus(ctx, ALWAYS, run.job_working[job])
        return progress_reaches(ctx, start, from_on(ctx, down, start), needed)
    return _fullness_many(ctx, spec.capacity, [(run.job_working[j], n, d) for j, n, d in writers])


def _fullness_many(ctx: Ctx, capacity: int, writers: list[tuple[Signal, int, int]]) -> Time | None:
    """Several writers: binary search on the monotone count of records (concrete only)."""
    concrete = [
        (
            [(ctx.require_concrete(a), ctx.require_concrete(b)) for a, b in working],
            records,
            takes,
        )
        for working, records, takes in writers
    ]

    def written(t: int) -> int:
        total = 0
        for working, records, takes in concrete:
            progress: int | Fraction = 0
            for a, b in working:
                if a >= t:
                    break
                progress += min(b, t) - a
            total += (records * min(progress, takes)) // takes
        return total

    ends = [b for working, _, _ in concrete for _, b in working]
    last = int(max(ends)) if ends else 0
    if last >= INF:
        raise NeedsConcrete("unbounded writer")
    if written(last) <= capacity:
        return None
    lo, hi = 0, last
    while lo < hi:
        mid = (lo + hi) // 2
        if written(mid) > capacity:
            hi = mid
        else:
            lo = mid + 1
    return lo


# --- judging ---------------------------------------------------------------------------


def atom_signal(run: Run, ctx: Ctx, atom: ir.AtomRef) -> Signal:
    """The instants at which the atom holds."""
    c = atom.component
    what = atom.what
    if what == "down":
        return run.down[c]
    if what == "up":
        return complement(ctx, run.down[c])
    if what == "closed":
        return run.closed.get(c, EMPTY)
    if what == "full":
        return run.full.get(c, EMPTY)
    if what == "done":
        done = run.job_done.get(c)
        return EMPTY if done is None else interval(ctx, done, INF)
    if what == "running":
        start = run.job_start.get(c)
        if start is None:
            return EMPTY
        done = run.job_done.get(c)
        return interval(ctx, start, INF if done is None else done)
    if what == "fault":
        for n in run.model.components[c].faults:
            if run.model.fault(n).mode == atom.detail:
                return run.fault_active.get(n, EMPTY)
        return EMPTY
    spec = run.model.components[c].spec
    assert isinstance(spec, ir.ChannelSpec)
    if what == "txn_fails":
        assert atom.transaction is not None
        return run.txn_fails[(c, atom.transaction)]
    if what == "txn_action":
        assert atom.transaction is not None
        return _txn_action(run, ctx, c, atom.transaction, atom.detail)
    return union(
        ctx, [_txn_action(run, ctx, c, x, atom.detail) for x in range(len(spec.transactions))]
    )


def _txn_action(run: Run, ctx: Ctx, channel: int, txn: int, action: str | None) -> Signal:
    spec = run.model.components[channel].spec
    assert isinstance(spec, ir.ChannelSpec)
    classes = run.txn_class[(channel, txn)]
    return union(
        ctx,
        [classes[klass] for klass, act in spec.transactions[txn].actions if act == action],
    )


def expr_signal(run: Run, ctx: Ctx, expr: ir.Expr) -> Signal:
    if isinstance(expr, ir.AtomRef):
        return atom_signal(run, ctx, expr)
    if isinstance(expr, ir.NotExpr):
        return complement(ctx, expr_signal(run, ctx, expr.operand))
    left = expr_signal(run, ctx, expr.left)
    right = expr_signal(run, ctx, expr.right)
    if isinstance(expr, ir.AndExpr):
        return intersect(ctx, left, right)
    return union(ctx, [left, right])


def assertion_violation(run: Run, ctx: Ctx, assertion: ir.Assertion, horizon: int) -> Time | None:
    """The violation instant of one assertion, or None if it holds."""
    if isinstance(assertion, ir.DoneBy):
        done = run.job_done.get(assertion.job)
        if done is not None and ctx.le(done, assertion.deadline):
            return None
        return assertion.deadline
    signal = expr_signal(run, ctx, assertion.expr)
    if isinstance(assertion, ir.Always):
        signal = complement(ctx, signal)
    if assertion.window is not None:
        # judged only within the window: a gap between windows ends a run
        signal = intersect(ctx, signal, window_signal(assertion.window, horizon + 1))
    if isinstance(assertion, (ir.Never, ir.Always)):
        if signal and ctx.le(signal[0][0], horizon):
            return signal[0][0]
        return None
    for start, end in signal:
        at = add(start, assertion.limit)
        if not ctx.le(at, horizon):
            return None
        if ctx.lt(at, end):
            return at
    return None


def judge(run: Run, ctx: Ctx, check: ir.Check) -> tuple[Time, int] | None:
    """The check's violation instant and the index of the assertion violated first
    (the first in declaration order among those violated at that instant), or None."""
    best: tuple[Time, int] | None = None
    for i, assertion in enumerate(check.assertions):
        at = assertion_violation(run, ctx, assertion, run.model.horizon)
        if at is not None and (best is None or ctx.lt(at, best[0])):
            best = (at, i)
    return best


def violation_of(
    model: ir.Model, check: ir.Check, scenario: dict[int, int]
) -> tuple[int, int] | None:
    """Concrete: the violation (instant, assertion index) of the scenario, or None."""
    ctx = Ctx()
    result = judge(simulate(model, dict(scenario), ctx), ctx, check)
    if result is None:
        return None
    at, index = result
    assert not isinstance(at, Sym)
    return int(at), index


__all__ = [
    "Episode",
    "Reuse",
    "Run",
    "Scenario",
    "assertion_violation",
    "atom_signal",
    "expr_signal",
    "judge",
    "progress_reaches",
    "simulate",
    "violation_of",
    "window_signal",
]
