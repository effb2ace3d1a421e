"""Turn one concrete run into the counterexample trace (`failspec-trace/2` data).

This is the one place where a run of the reference simulator becomes events:
every state change at or before the violation instant, as a typed fact
(`counterexamples/trace.py`), with the ids of the events that caused it, and
the violation with the events it rests on.

How it is built:

1. Each component, in evaluation order, proposes its events (`_Proposal`): its
   faults and repairs, what its kind does (switchovers, closures, fullness, a
   job's start, stalls and end, a channel's failures and actions), and the
   edges of its `down` signal.  A cause is a `_Ref`: "the latest event of this
   component and kind (and transaction) at or before instant t", so a cause
   never needs to know an id; or, for what lies ahead (a `comm` failure ends
   a timeout before its path is back), an `_Ahead`: what announced that later
   event, found on its chains of causes (decision 56).
2. The proposals are sorted by instant, then by evaluation order, then by kind
   within a component (a fault before the `down` it causes, a `fails` before its
   `action`), and numbered 1, 2, …; then every reference is resolved to the
   latest matching event listed before the one that names it.
3. The violation's causes explain the assertion at its instant (`_Explainer`):
   the events that made its atoms take the value that violates it, and what
   keeps those states going (a need that took over while another came back);
   for `done by`, the job's start and every stall of it and of the jobs it
   runs after; for `lasts at most`, the states at the run's start and through
   the run.  Causes already reachable through the chain are not listed twice.

The v1 forms: `no_switchover` gives `detect never` for a `detect MODE never`
line; a component with `rides out` has `riding_out` when its needs go down
(saying whether they are back in time), and its `down` names it; one with
`recovers in` has `recovering` when its needs are back, and its `up` names it;
a failing transaction whose hours end is `not_attempted` (not `recovers`), and
one whose failure begins at an opening of its hours is `attempted` first; a
violation judged on a window names it (`violation.window`).  The facts are the
simulator's (`Run.needs_raw`, `Run.hours`, `Episode.no_switchover`).
"""

from __future__ import annotations

import bisect
import collections
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from failspec.checker import ir
from failspec.checker.signals import INF, Ctx, Signal, Sym, Time, intersect
from failspec.checker.simulate import (
    Episode,
    Run,
    atom_signal,
    expr_signal,
    judge,
    simulate,
    window_signal,
)
from failspec.counterexamples.trace import (
    Action,
    Attempted,
    Closed,
    DeadlineMiss,
    Done,
    Down,
    EventKind,
    Fact,
    Fails,
    FailureClass,
    Fault,
    Full,
    LongRun,
    NoSwitchover,
    NoSwitchoverReason,
    NotAttempted,
    Recovering,
    Recovers,
    Reopened,
    Repaired,
    Resumed,
    RidingOut,
    Stalled,
    Started,
    Switched,
    SwitchoverCancelled,
    SwitchoverStarted,
    SwitchoverStuck,
    Trace,
    TraceComponent,
    TraceEvent,
    TraceFault,
    Up,
    Violation,
    ViolationKind,
    Window,
)
from failspec.spec.spans import UNKNOWN_SPAN

Intervals = tuple[tuple[int, int], ...]
"""A concrete signal: sorted, disjoint half-open integer intervals (INF: forever)."""

KIND_RANK: dict[EventKind, int] = {
    EventKind.FAULT: 0,
    EventKind.REPAIRED: 1,
    EventKind.NO_SWITCHOVER: 2,
    EventKind.SWITCHOVER_STARTED: 2,
    EventKind.SWITCHOVER_CANCELLED: 2,
    EventKind.SWITCHOVER_STUCK: 2,
    EventKind.SWITCHED: 3,
    EventKind.CLOSED: 2,
    EventKind.REOPENED: 2,
    EventKind.FULL: 2,
    EventKind.STARTED: 2,
    EventKind.FAILS: 4,
    EventKind.RECOVERS: 4,
    EventKind.ACTION: 5,
    EventKind.DOWN: 6,
    EventKind.UP: 6,
    EventKind.STALLED: 7,
    EventKind.RESUMED: 7,
    EventKind.DONE: 8,
    EventKind.RIDING_OUT: 5,
    EventKind.RECOVERING: 2,
    EventKind.ATTEMPTED: 3,
    EventKind.NOT_ATTEMPTED: 4,
}
"""The order of one component's events at one instant: every cause is listed before
its effect (a fault before `down`, `switched` before `up`, `down` before `stalled`)."""


def _n(value: Time | None) -> int:
    """A time value of a concrete run as an int (a trace is built from a concrete run)."""
    assert value is not None and not isinstance(value, Sym)
    assert not isinstance(value, Fraction) or value.denominator == 1
    return int(value)


def _concrete(signal: Signal) -> Intervals:
    return tuple((_n(a), _n(b)) for a, b in signal)


def _holds(intervals: Intervals, t: int) -> bool:
    """Whether the concrete signal holds at instant t."""
    i = bisect.bisect_right(intervals, (t, INF + 1)) - 1
    return i >= 0 and intervals[i][0] <= t < intervals[i][1]


def _working_before(intervals: Intervals, t: int) -> int:
    """How many instants of [0, t) the signal holds on (a job's progress)."""
    return sum(max(0, min(b, t) - a) for a, b in intervals if a < t)


# --- references and proposed events ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Key:
    """Names events: those of `component` of `kind` (for a channel's `fails`,
    `recovers` and `action`, of one transaction; for a fault and its repair, of one mode)."""

    component: int
    kind: EventKind
    transaction: int | None = None
    mode: str | None = None


@dataclass(frozen=True, slots=True)
class _Ref:
    """A cause: the latest event named by `key` at or before instant `at`."""

    key: _Key
    at: int


@dataclass(frozen=True, slots=True)
class _Ahead:
    """A cause that lies ahead: the event named by `key` at instant `at`, later than
    the event it explains at `by`.  A cause must come first, so what is named is
    what announced it: on each chain of that event's causes, the first event at or
    before `by` (a fault with its repair, a switchover started with its due
    instant, a switchover stuck until its manual recovery)."""

    key: _Key
    at: int
    by: int


_Cause = _Ref | _Ahead


@dataclass(slots=True)
class _Proposal:
    """An event before it has an id: where it sorts, what it is, what caused it."""

    at: int
    position: int
    sequence: int
    key: _Key
    component: str
    fact: Fact
    cause: list[_Cause]

    def sort_key(self) -> tuple[int, int, int, int]:
        return (self.at, self.position, KIND_RANK[self.key.kind], self.sequence)


# --- the run, as concrete facts ----------------------------------------------------------


@dataclass
class _Facts:
    """The run's signals as concrete intervals, and the questions the builder asks."""

    run: Run
    down: dict[int, Intervals] = field(default_factory=dict)
    working: dict[int, Intervals] = field(default_factory=dict)
    classes: dict[tuple[int, int], dict[FailureClass, Intervals]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        run = self.run
        self.down = {i: _concrete(s) for i, s in run.down.items()}
        self.working = {i: _concrete(s) for i, s in run.job_working.items()}
        for key, by_class in run.txn_class.items():
            self.classes[key] = {FailureClass(k): _concrete(s) for k, s in by_class.items()}

    @property
    def model(self) -> ir.Model:
        return self.run.model

    def name(self, index: int) -> str:
        return self.model.components[index].name

    def is_down(self, index: int, t: int) -> bool:
        return _holds(self.down[index], t)

    def went_up(self, index: int, t: int) -> bool:
        return t > 0 and self.is_down(index, t - 1) and not self.is_down(index, t)

    def fault_active(self, number: int, t: int) -> bool:
        signal = self.run.fault_active.get(number)
        return signal is not None and _holds(_concrete(signal), t)

    def closed(self, index: int) -> Intervals:
        return _concrete(self.run.closed.get(index, ()))

    def full(self, index: int) -> Intervals:
        return _concrete(self.run.full.get(index, ()))

    def class_at(self, channel: int, txn: int, t: int) -> FailureClass | None:
        for failure_class, intervals in self.classes[(channel, txn)].items():
            if _holds(intervals, t):
                return failure_class
        return None

    def job_start(self, index: int) -> int | None:
        start = self.run.job_start.get(index)
        return None if start is None else _n(start)

    def job_done(self, index: int) -> int | None:
        done = self.run.job_done.get(index)
        return None if done is None else _n(done)

    def progress(self, job: int, t: int) -> int:
        """Seconds of progress the job made before instant t."""
        return _working_before(self.working.get(job, ()), t)

    def stall_intervals(self, job: int) -> Intervals:
        """The intervals during which the job is running and down (its stalls)."""
        start, done = self.job_start(job), self.job_done(job)
        if start is None:
            return ()
        end = INF if done is None else done
        return tuple((a, min(b, end)) for a, b in self.down[job] if a < end)

    def needs_outages(self, index: int) -> Intervals:
        """The outages of the component's needs before `rides out`/`recovers in`."""
        return _concrete(self.run.needs_raw.get(index, ()))

    def hours(self, channel: int, txn: int) -> Intervals | None:
        """The instants within the transaction's hours, or None without hours."""
        hours = self.run.hours.get((channel, txn))
        return None if hours is None else _concrete(hours)

    def opens_at(self, channel: int, txn: int, t: int) -> bool:
        """Does an interval of the transaction's hours begin at t (after 0)?"""
        hours = self.hours(channel, txn)
        return hours is not None and t > 0 and _holds(hours, t) and not _holds(hours, t - 1)

    def episode_at(self, failover: int, t: int) -> Episode | None:
        """The latest episode of the failover's primary that began at or before t."""
        found = None
        for episode in self.run.episodes.get(failover, []):
            if _n(episode.start) <= t:
                found = episode
        return found


def _failover_spec(facts: _Facts, index: int) -> ir.FailoverSpec:
    spec = facts.model.components[index].spec
    assert isinstance(spec, ir.FailoverSpec)
    return spec


def _channel_spec(facts: _Facts, index: int) -> ir.ChannelSpec:
    spec = facts.model.components[index].spec
    assert isinstance(spec, ir.ChannelSpec)
    return spec


def _job_spec(facts: _Facts, index: int) -> ir.JobSpec:
    spec = facts.model.components[index].spec
    assert isinstance(spec, ir.JobSpec)
    return spec


def _latent_faults(component: ir.Component) -> tuple[int, ...]:
    spec = component.spec
    if isinstance(spec, ir.FailoverSpec) and spec.stuck is not None:
        return (spec.stuck,)
    return ()


# --- why a component is down, why it came back ------------------------------------------


def _need_reasons(facts: _Facts, component: ir.Component, t: int) -> Iterator[_Ref]:
    for group in component.needs:
        members_down = [m for m in group.members if facts.is_down(m, t)]
        if len(group.members) - len(members_down) < group.k:
            yield from (_Ref(_Key(m, EventKind.DOWN), t) for m in members_down)


def _pair_reasons(facts: _Facts, index: int, t: int) -> Iterator[_Ref]:
    """Why a failover pair is down at t through its own logic (not its faults or needs)."""
    spec = _failover_spec(facts, index)
    episode = facts.episode_at(index, t)
    if episode is None or not _holds(_concrete(facts.run.pair_down.get(index, ())), t):
        return
    switch_at = None if episode.switch_at is None else _n(episode.switch_at)
    restored = (
        switch_at + spec.manual
        if switch_at is not None and spec.manual is not None and episode.outcome == "stuck manual"
        else None
    )
    switched = episode.outcome == "switched" and switch_at is not None and t >= switch_at
    if switched or (restored is not None and t >= restored):
        own = _Key(index, EventKind.SWITCHED)
        yield from (_Ref(_Key(spec.secondary, EventKind.DOWN), t), _Ref(own, t))
    elif switch_at is not None and t >= switch_at and episode.outcome.startswith("stuck"):
        if episode.outcome == "stuck":
            yield _Ref(_Key(spec.primary, EventKind.DOWN), t)
        yield _Ref(_Key(index, EventKind.SWITCHOVER_STUCK), t)
    else:
        kind = EventKind.NO_SWITCHOVER if episode.window is None else EventKind.SWITCHOVER_STARTED
        yield from (_Ref(_Key(spec.primary, EventKind.DOWN), t), _Ref(_Key(index, kind), t))


def _down_reasons(facts: _Facts, index: int, t: int) -> list[_Ref]:
    """The direct reasons the component is down at t: its active faults, the needs
    that take it down, and what its kind adds (switchover, closure, fullness, the
    stores a job writes into, the failing transactions of a channel)."""
    component = facts.model.components[index]
    latent = _latent_faults(component)
    reasons = [
        _Ref(_Key(index, EventKind.FAULT, mode=facts.model.fault(n).mode), t)
        for n in component.faults
        if n not in latent and facts.fault_active(n, t)
    ]
    reasons += _need_reasons(facts, component, t)
    if _reached_after_riding_out(facts, component, t):
        reasons.append(_Ref(_Key(index, EventKind.RIDING_OUT), t))
    spec = component.spec
    if isinstance(spec, ir.FailoverSpec):
        reasons += _pair_reasons(facts, index, t)
    elif isinstance(spec, ir.PartitionSpec) and _holds(facts.closed(index), t):
        reasons.append(_Ref(_Key(index, EventKind.CLOSED), t))
    elif isinstance(spec, ir.StoreSpec) and _holds(facts.full(index), t):
        reasons.append(_Ref(_Key(index, EventKind.FULL), t))
    elif isinstance(spec, ir.JobSpec):
        reasons += [
            _Ref(_Key(store, EventKind.DOWN), t)
            for store, _ in spec.writes
            if facts.is_down(store, t)
        ]
    elif isinstance(spec, ir.ChannelSpec) and _holds(
        _concrete(facts.run.all_fail.get(index, ())), t
    ):
        reasons += [
            _Ref(_Key(index, EventKind.FAILS, transaction=x), t)
            for x in range(len(spec.transactions))
            if facts.class_at(index, x, t) is not None
        ]
    return reasons


def _inputs(component: ir.Component) -> list[int]:
    """The components whose coming back can bring this one back up."""
    inputs = [m for group in component.needs for m in group.members]
    spec = component.spec
    if isinstance(spec, ir.FailoverSpec):
        inputs += [spec.primary, spec.secondary]
    elif isinstance(spec, ir.JobSpec):
        inputs += [store for store, _ in spec.writes]
    return list(dict.fromkeys(inputs))


def _up_reasons(facts: _Facts, index: int, t: int) -> list[_Ref]:
    """What changed at t that brought the component back: repairs, inputs back up,
    the pair switched or its switchover cancelled, a reopening, recovered transactions."""
    component = facts.model.components[index]
    reasons = []
    for n in component.faults:
        fault = facts.model.fault(n)
        onset = facts.run.scenario.get(n)
        if onset is not None and fault.repair is not None and _n(onset) + fault.repair == t:
            reasons.append(_Ref(_Key(index, EventKind.REPAIRED, mode=fault.mode), t))
    reasons += [_Ref(_Key(m, EventKind.UP), t) for m in _inputs(component) if facts.went_up(m, t)]
    if _recovered(facts, component, t):
        reasons.append(_Ref(_Key(index, EventKind.RECOVERING), t))
    spec = component.spec
    if isinstance(spec, ir.FailoverSpec):
        for kind in (EventKind.SWITCHED, EventKind.SWITCHOVER_CANCELLED):
            reasons.append(_Ref(_Key(index, kind), t))
    elif isinstance(spec, ir.PartitionSpec) and any(b == t for _, b in facts.closed(index)):
        reasons.append(_Ref(_Key(index, EventKind.REOPENED), t))
    elif isinstance(spec, ir.ChannelSpec):
        reasons += [
            _Ref(_Key(index, _no_class_kind(facts, index, x, t), transaction=x), t)
            for x in range(len(spec.transactions))
            if facts.class_at(index, x, t) is None
        ]
    return reasons


def _class_reasons(
    facts: _Facts, channel: int, txn: int, failure_class: FailureClass, t: int
) -> list[_Ref]:
    """Why the transaction fails with `failure_class` at t."""
    spec = _channel_spec(facts, channel)
    if failure_class == FailureClass.COMM:
        members = [v for v in spec.via if facts.is_down(v, t)]
    elif failure_class == FailureClass.PARTITION:
        assert spec.through is not None
        if _holds(facts.closed(spec.through), t):
            return [_Ref(_Key(spec.through, EventKind.CLOSED), t)]
        members = [spec.through]
    else:
        members = [c for c in spec.transactions[txn].calls if facts.is_down(c, t)]
    return [_Ref(_Key(m, EventKind.DOWN), t) for m in members]


def _recovery_reasons(
    facts: _Facts, channel: int, txn: int, failed: FailureClass, t: int
) -> list[_Cause]:
    """What came back at t so that the transaction no longer fails with `failed`.

    A `comm` failure ends `timeout` seconds before its access path is back (a
    retry from t on succeeds within the timeout): its causes are what announced
    the return of the path's members that come back then (`_Ahead`).
    """
    spec = _channel_spec(facts, channel)
    if failed == FailureClass.COMM:
        back = t + spec.timeout
        return [_Ahead(_Key(v, EventKind.UP), back, t) for v in spec.via if facts.went_up(v, back)]
    if failed == FailureClass.PARTITION and spec.through is not None:
        return [
            _Ref(_Key(spec.through, EventKind.REOPENED), t),
            _Ref(_Key(spec.through, EventKind.UP), t),
        ]
    if failed == FailureClass.SERVICE:
        calls = spec.transactions[txn].calls
        return [_Ref(_Key(c, EventKind.UP), t) for c in calls if facts.went_up(c, t)]
    return []


# --- the events of each component --------------------------------------------------------


class _Proposals:
    """Collects one component's proposed events up to the instant `until`."""

    def __init__(self, facts: _Facts, until: int) -> None:
        self.facts = facts
        self.until = until
        self.items: list[_Proposal] = []
        self.position = 0

    def add(self, at: int, key: _Key, fact: Fact, cause: Iterable[_Cause] = ()) -> None:
        if at <= self.until:
            name = self.facts.name(key.component)
            self.items.append(
                _Proposal(at, self.position, len(self.items), key, name, fact, list(cause))
            )


def _propose_faults(p: _Proposals, component: ir.Component) -> None:
    facts = p.facts
    latent = _latent_faults(component)
    for n in component.faults:
        onset = facts.run.scenario.get(n)
        if onset is None:
            continue
        fault = facts.model.fault(n)
        at = _n(onset)
        key = _Key(component.index, EventKind.FAULT, mode=fault.mode)
        p.add(at, key, Fault(fault.mode, fault.repair, n in latent))
        if fault.repair is not None:
            repaired = _Key(component.index, EventKind.REPAIRED, mode=fault.mode)
            p.add(at + fault.repair, repaired, Repaired(fault.mode), [_Ref(key, at)])


def no_switchover_reason(spec: ir.FailoverSpec, mode: str | None) -> NoSwitchoverReason:
    """Why an episode of `mode` (None: through the primary's needs) opens no window:
    a `detect MODE never` line, or no detect line covers it."""
    if spec.no_switchover_reason(mode) is ir.NoSwitchover.DETECT_NEVER:
        return NoSwitchoverReason.DETECT_NEVER
    return NoSwitchoverReason.NO_DETECT_LINE


def _detect_line(spec: ir.FailoverSpec, mode: str | None) -> str:
    """The detect line that applies to an episode of `mode`: the mode's own, else `any`."""
    if mode is not None and any(detect_mode == mode for detect_mode, _ in spec.detect):
        return mode
    return "any"


def _propose_episode(
    p: _Proposals, index: int, spec: ir.FailoverSpec, episode: Episode, stuck_mode: str | None
) -> None:
    facts = p.facts
    start, end = _n(episode.start), _n(episode.end)
    primary_down = _Ref(_Key(spec.primary, EventKind.DOWN), start)
    secondary = facts.name(spec.secondary)
    if episode.window is None:
        reason = no_switchover_reason(spec, episode.mode)
        fact: Fact = NoSwitchover(episode.mode, reason)
        p.add(start, _Key(index, EventKind.NO_SWITCHOVER), fact, [primary_down])
        return
    due = start + episode.window
    started = _Key(index, EventKind.SWITCHOVER_STARTED)
    detect = _detect_line(spec, episode.mode)
    fact = SwitchoverStarted(episode.mode, detect, episode.window, due, secondary)
    p.add(start, started, fact, [primary_down])
    if episode.outcome == "returned":
        primary_up = _Ref(_Key(spec.primary, EventKind.UP), end)
        p.add(
            end, _Key(index, EventKind.SWITCHOVER_CANCELLED), SwitchoverCancelled(due), [primary_up]
        )
        return
    switched = _Key(index, EventKind.SWITCHED)
    if episode.outcome == "switched":
        p.add(due, switched, Switched(secondary, False), [_Ref(started, start)])
        return
    stuck = _Key(index, EventKind.SWITCHOVER_STUCK)
    causes = [_Ref(started, start), _Ref(_Key(index, EventKind.FAULT, mode=stuck_mode), due)]
    if episode.outcome == "stuck manual":
        assert spec.manual is not None
        restored = due + spec.manual
        p.add(due, stuck, SwitchoverStuck(restored), causes)
        p.add(restored, switched, Switched(secondary, True), [_Ref(stuck, due)])
    else:
        p.add(due, stuck, SwitchoverStuck(None), causes)


def _propose_failover(p: _Proposals, component: ir.Component, spec: ir.FailoverSpec) -> None:
    stuck_mode = None if spec.stuck is None else p.facts.model.fault(spec.stuck).mode
    for episode in p.facts.run.episodes.get(component.index, []):
        _propose_episode(p, component.index, spec, episode, stuck_mode)


def _propose_partition(p: _Proposals, component: ir.Component, spec: ir.PartitionSpec) -> None:
    facts = p.facts
    index = component.index
    count_start = 0
    for closed_at, reopens_at in facts.closed(index):
        # The errors it counted: every `service` failure of a routed transaction on
        # [count_start, closed_at), named by the `fails` event that began it.
        causes = []
        for channel, txn in spec.routed:
            if _channel_spec(facts, channel).transactions[txn].rate_per_minute == 0:
                continue
            for a, b in facts.classes[(channel, txn)][FailureClass.SERVICE]:
                if a < closed_at and b > count_start:
                    causes.append(_Ref(_Key(channel, EventKind.FAILS, transaction=txn), a))
        closed = _Key(index, EventKind.CLOSED)
        p.add(closed_at, closed, Closed(spec.closes_after), causes)
        if reopens_at < INF:
            p.add(
                reopens_at, _Key(index, EventKind.REOPENED), Reopened(), [_Ref(closed, closed_at)]
            )
        count_start = reopens_at


def _records_written(facts: _Facts, spec: ir.StoreSpec, t: int) -> int:
    """Records written into the store before instant t: Σ floor(N × progress / D)."""
    total = 0
    for job, records in spec.writers:
        takes = _job_spec(facts, job).takes
        progress = min(facts.progress(job, t), takes)
        total += records * progress // takes
    return total


def _propose_store(p: _Proposals, component: ir.Component, spec: ir.StoreSpec) -> None:
    facts = p.facts
    for full_at, _ in facts.full(component.index):
        writers = [
            _Ref(_Key(job, EventKind.STARTED), full_at)
            for job, _ in spec.writers
            if facts.job_start(job) is not None
        ]
        fact = Full(_records_written(facts, spec, full_at), spec.capacity)
        p.add(full_at, _Key(component.index, EventKind.FULL), fact, writers)


def _propose_job(p: _Proposals, component: ir.Component, spec: ir.JobSpec) -> None:
    facts = p.facts
    index = component.index
    start, done = facts.job_start(index), facts.job_done(index)
    if start is None:
        return
    started = _Key(index, EventKind.STARTED)
    after = [_Ref(_Key(j, EventKind.DONE), start) for j in spec.after]
    p.add(start, started, Started(spec.takes), after)
    delays = [_Ref(started, start)]
    for a, b in facts.stall_intervals(index):
        stalled = _Key(index, EventKind.STALLED)
        p.add(
            a,
            stalled,
            Stalled(facts.progress(index, a), spec.takes),
            [_Ref(_Key(index, EventKind.DOWN), a)],
        )
        delays.append(_Ref(stalled, a))
        if b < INF and (done is None or b < done):
            resumed = _Key(index, EventKind.RESUMED)
            up = _Ref(_Key(index, EventKind.UP), b)
            p.add(b, resumed, Resumed(facts.progress(index, b), spec.takes), [up])
            delays.append(_Ref(resumed, b))
    if done is not None:
        p.add(done, _Key(index, EventKind.DONE), Done(), delays)


def _class_changes(
    facts: _Facts, channel: int, txn: int, until: int
) -> list[tuple[int, FailureClass | None]]:
    """(instant, class or None) at every change of the transaction's class up to `until`."""
    points = sorted(
        {p for intervals in facts.classes[(channel, txn)].values() for iv in intervals for p in iv}
    )
    changes: list[tuple[int, FailureClass | None]] = []
    previous: FailureClass | None = None
    for at in points:
        if at > until:
            break
        now = facts.class_at(channel, txn, at)
        if now != previous:
            changes.append((at, now))
            previous = now
    return changes


def _propose_channel(p: _Proposals, component: ir.Component, spec: ir.ChannelSpec) -> None:
    facts = p.facts
    index = component.index
    for x, txn in enumerate(spec.transactions):
        previous: FailureClass | None = None
        for at, now in _class_changes(facts, index, x, p.until):
            if now is None:
                assert previous is not None
                if _no_class_kind(facts, index, x, at) == EventKind.NOT_ATTEMPTED:
                    key = _Key(index, EventKind.NOT_ATTEMPTED, transaction=x)
                    p.add(at, key, NotAttempted(txn.name, _hours_text(txn)))
                else:
                    key = _Key(index, EventKind.RECOVERS, transaction=x)
                    back = at + spec.timeout if previous == FailureClass.COMM else None
                    reasons = _recovery_reasons(facts, index, x, previous, at)
                    p.add(at, key, Recovers(txn.name, back), reasons)
            else:
                fails = _Key(index, EventKind.FAILS, transaction=x)
                cause = _class_reasons(facts, index, x, now, at)
                if previous is None and facts.opens_at(index, x, at):
                    attempted = _Key(index, EventKind.ATTEMPTED, transaction=x)
                    p.add(at, attempted, Attempted(txn.name, _hours_text(txn)))
                    cause.insert(0, _Ref(attempted, at))
                p.add(at, fails, Fails(txn.name, now), cause)
                action = txn.action_for(now.value)
                if action is not None:
                    key = _Key(index, EventKind.ACTION, transaction=x)
                    p.add(at, key, Action(txn.name, action), [_Ref(fails, at)])
            previous = now


def _propose_timing(p: _Proposals, component: ir.Component) -> None:
    """`riding_out` where the needs of a component with `rides out` go down, and
    `recovering` where they are back and `recovers in` keeps it down."""
    ride, recover = component.rides_out, component.recovers_in
    if ride == 0 and recover == 0:
        return
    facts = p.facts
    index = component.index
    for start, end in facts.needs_outages(index):
        if ride > 0:
            back = end if end - start <= ride else None
            riding = _Key(index, EventKind.RIDING_OUT)
            p.add(start, riding, RidingOut(ride, back), _needs_down(facts, component, start))
        if recover > 0 and end - start > ride and end < INF:
            recovering = _Key(index, EventKind.RECOVERING)
            fact = Recovering(recover, end + recover)
            p.add(end, recovering, fact, _needs_up(facts, component, end))


def _needs_down(facts: _Facts, component: ir.Component, t: int) -> list[_Ref]:
    """The needs (a job's written stores too) that are down at t."""
    refs = list(_need_reasons(facts, component, t))
    spec = component.spec
    if isinstance(spec, ir.JobSpec):
        refs += [_Ref(_Key(s, EventKind.DOWN), t) for s, _ in spec.writes if facts.is_down(s, t)]
    return refs


def _needs_up(facts: _Facts, component: ir.Component, t: int) -> list[_Ref]:
    """The needs (a job's written stores too) that came back at t."""
    inputs = [m for group in component.needs for m in group.members]
    if isinstance(component.spec, ir.JobSpec):
        inputs += [s for s, _ in component.spec.writes]
    return [_Ref(_Key(m, EventKind.UP), t) for m in dict.fromkeys(inputs) if facts.went_up(m, t)]


def _reached_after_riding_out(facts: _Facts, component: ir.Component, t: int) -> bool:
    """Does an outage of the needs reach the component at t, once ridden out?"""
    ride = component.rides_out
    return ride > 0 and any(a + ride == t < b for a, b in facts.needs_outages(component.index))


def _recovered(facts: _Facts, component: ir.Component, t: int) -> bool:
    """Is t the end of the time the component recovers in after its needs came back?"""
    recover = component.recovers_in
    return recover > 0 and any(
        b + recover == t and b - a > component.rides_out
        for a, b in facts.needs_outages(component.index)
    )


def _no_class_kind(facts: _Facts, channel: int, txn: int, t: int) -> EventKind:
    """A transaction that does not fail at t: `not_attempted` outside its hours, else
    `recovers`."""
    hours = facts.hours(channel, txn)
    outside = hours is not None and not _holds(hours, t)
    return EventKind.NOT_ATTEMPTED if outside else EventKind.RECOVERS


def _hours_text(txn: ir.TransactionSpec) -> str:
    assert txn.hours is not None
    return txn.hours.text


def _propose_edges(p: _Proposals, component: ir.Component) -> None:
    facts = p.facts
    index = component.index
    for a, b in facts.down[index]:
        p.add(a, _Key(index, EventKind.DOWN), Down(), _down_reasons(facts, index, a))
        if b < INF:
            p.add(b, _Key(index, EventKind.UP), Up(), _up_reasons(facts, index, b))


def _propose(facts: _Facts, until: int) -> list[_Proposal]:
    proposals = _Proposals(facts, until)
    for position, index in enumerate(facts.model.order):
        proposals.position = position
        component = facts.model.components[index]
        _propose_faults(proposals, component)
        _propose_timing(proposals, component)
        spec = component.spec
        if isinstance(spec, ir.FailoverSpec):
            _propose_failover(proposals, component, spec)
        elif isinstance(spec, ir.PartitionSpec):
            _propose_partition(proposals, component, spec)
        elif isinstance(spec, ir.StoreSpec):
            _propose_store(proposals, component, spec)
        elif isinstance(spec, ir.JobSpec):
            _propose_job(proposals, component, spec)
        elif isinstance(spec, ir.ChannelSpec):
            _propose_channel(proposals, component, spec)
        _propose_edges(proposals, component)
    return sorted(proposals.items, key=_Proposal.sort_key)


# --- numbering and resolving ------------------------------------------------------------


class _Index:
    """The numbered events by key, to resolve references to ids."""

    def __init__(self, proposals: list[_Proposal]) -> None:
        self.by_key: dict[_Key, list[tuple[int, int]]] = {}
        for event_id, proposal in enumerate(proposals, start=1):
            self.by_key.setdefault(proposal.key, []).append((proposal.at, event_id))
        self.instants = sorted({p.at for p in proposals})

    def resolve(self, ref: _Ref, before: int) -> int | None:
        """The id of the latest event named by `ref` at or before `ref.at` and
        numbered below `before`, or None."""
        entries = self.by_key.get(ref.key, [])
        i = bisect.bisect_right(entries, (ref.at, INF)) - 1
        while i >= 0 and entries[i][1] >= before:
            i -= 1
        return entries[i][1] if i >= 0 else None

    def resolve_all(self, refs: Iterable[_Ref], before: int) -> tuple[int, ...]:
        ids = (self.resolve(ref, before) for ref in refs)
        return tuple(dict.fromkeys(i for i in ids if i is not None))

    def instants_in(self, after: int, until: int) -> list[int]:
        """Event instants t with after < t ≤ until."""
        lo = bisect.bisect_right(self.instants, after)
        hi = bisect.bisect_right(self.instants, until)
        return self.instants[lo:hi]


def _events_until(facts: _Facts, until: int) -> tuple[list[_Proposal], tuple[TraceEvent, ...]]:
    """The proposals and numbered events at instants up to `until`.  Events are
    proposed a channel's timeout further, so that a cause lying ahead (`_Ahead`)
    finds what announced it; the events past `until` come last and are cut off."""
    proposals = _propose(facts, until + _lookahead(facts.model))
    events = _number(proposals, _Index(proposals))
    kept = bisect.bisect_right([p.at for p in proposals], until)
    return proposals[:kept], events[:kept]


def _lookahead(model: ir.Model) -> int:
    """How far ahead of an event a cause of it may lie: the longest channel timeout."""
    timeouts = [c.spec.timeout for c in model.components if isinstance(c.spec, ir.ChannelSpec)]
    return max(timeouts, default=0)


def _number(proposals: list[_Proposal], index: _Index) -> tuple[TraceEvent, ...]:
    plain = [
        index.resolve_all([c for c in proposal.cause if isinstance(c, _Ref)], event_id)
        for event_id, proposal in enumerate(proposals, start=1)
    ]
    events = []
    for event_id, proposal in enumerate(proposals, start=1):
        cause = plain[event_id - 1]
        ahead = [c for c in proposal.cause if isinstance(c, _Ahead)]
        if ahead:
            found = [a for c in ahead for a in _announcers(c, index, proposals, plain, event_id)]
            cause = tuple(dict.fromkeys([*cause, *found]))
        events.append(TraceEvent(event_id, proposal.at, proposal.component, proposal.fact, cause))
    return tuple(events)


def _announcers(
    ahead: _Ahead,
    index: _Index,
    proposals: list[_Proposal],
    plain: list[tuple[int, ...]],
    before: int,
) -> list[int]:
    """The ids of what announced the event `ahead` names: walking back along its
    causes (`plain`, the resolved `_Ref`s of every event), the first event on each
    chain at or before `ahead.by` and numbered below `before`."""
    start = index.resolve(_Ref(ahead.key, ahead.at), NEVER_RESOLVED)
    if start is None or proposals[start - 1].at != ahead.at:
        return []
    found = []
    seen = {start}
    queue = collections.deque([start])
    while queue:
        for cause in plain[queue.popleft() - 1]:
            if cause in seen:
                continue
            seen.add(cause)
            if proposals[cause - 1].at <= ahead.by and cause < before:
                found.append(cause)
            else:
                queue.append(cause)
    return found


# --- the violation ----------------------------------------------------------------------


NEVER_RESOLVED = 1 << 62
"""An id above every event's: the violation may name any event."""


class _Explainer:
    """The events a violation rests on.  `primary` collects the events that made the
    assertion's atoms take their value; `sustaining` what keeps those states going."""

    def __init__(self, facts: _Facts, index: _Index) -> None:
        self.facts = facts
        self.index = index
        self.primary: list[_Ref] = []
        self.sustaining: list[_Ref] = []
        self._atoms: dict[ir.AtomRef, Intervals] = {}
        self._sustained: set[tuple[_Key, int]] = set()

    def value(self, expr: ir.Expr, t: int) -> bool:
        if isinstance(expr, ir.AtomRef):
            if expr not in self._atoms:
                self._atoms[expr] = _concrete(atom_signal(self.facts.run, Ctx(), expr))
            return _holds(self._atoms[expr], t)
        if isinstance(expr, ir.NotExpr):
            return not self.value(expr.operand, t)
        left, right = self.value(expr.left, t), self.value(expr.right, t)
        return left and right if isinstance(expr, ir.AndExpr) else left or right

    def explain(self, expr: ir.Expr, t: int) -> None:
        """Why `expr` has its value at t: the operands that decide it, down to atoms."""
        if isinstance(expr, ir.AtomRef):
            self._atom(expr, self.value(expr, t), t)
        elif isinstance(expr, ir.NotExpr):
            self.explain(expr.operand, t)
        else:
            wanted = self.value(expr, t)
            deciding = [e for e in (expr.left, expr.right) if self.value(e, t) == wanted]
            conjunction = isinstance(expr, ir.AndExpr)
            # `a and b` true and `a or b` false need both; otherwise either decides.
            for operand in (expr.left, expr.right) if wanted == conjunction else deciding:
                self.explain(operand, t)

    def _atom(self, atom: ir.AtomRef, holds: bool, t: int) -> None:
        c, what = atom.component, atom.what
        if what in ("down", "up"):
            if holds == (what == "down"):
                self.primary.append(_Ref(_Key(c, EventKind.DOWN), t))
                self.sustain(_Key(c, EventKind.DOWN), t)
            else:
                self.primary.append(_Ref(_Key(c, EventKind.UP), t))
        elif what == "closed":
            kind = EventKind.CLOSED if holds else EventKind.REOPENED
            self.primary.append(_Ref(_Key(c, kind), t))
        elif what == "full":
            self._full(c, holds, t)
        elif what in ("done", "running"):
            self._job(c, what, holds, t)
        elif what == "fault":
            mode = atom.detail
            kind = EventKind.FAULT if holds else EventKind.REPAIRED
            self.primary.append(_Ref(_Key(c, kind, mode=mode), t))
        else:
            self._channel(atom, holds, t)

    def _full(self, store: int, holds: bool, t: int) -> None:
        if holds:
            self.primary.append(_Ref(_Key(store, EventKind.FULL), t))
            return
        spec = self.facts.model.components[store].spec
        assert isinstance(spec, ir.StoreSpec)
        for job, _ in spec.writers:  # not full yet: what held its writers back
            self.lateness(job, t)

    def _job(self, job: int, what: str, holds: bool, t: int) -> None:
        done = self.facts.job_done(job)
        is_done = done is not None and done <= t
        if what == "done" and holds or what == "running" and not holds and is_done:
            self.primary.append(_Ref(_Key(job, EventKind.DONE), t))
        else:
            # Not done yet (`done` false, `running` true), or not started (`running` false).
            self.lateness(job, t)

    def lateness(self, job: int, t: int) -> None:
        """Why `job` is not done at t: its start (or why it has not started) and every
        stall of it and of the jobs it runs after before t."""
        start = self.facts.job_start(job)
        if start is not None and start <= t:
            self.primary.append(_Ref(_Key(job, EventKind.STARTED), t))
        else:
            for previous in _job_spec(self.facts, job).after:
                done = self.facts.job_done(previous)
                if done is None or done > t:
                    self.lateness(previous, t)
        for j, a in self.stalls(job, t):
            self.primary.append(_Ref(_Key(j, EventKind.STALLED), a))
        self.sustain_stalls(job, t)

    def stalls(self, job: int, t: int) -> list[tuple[int, int]]:
        """(job, instant) of every stall before t of `job` and the jobs it runs after."""
        found: list[tuple[int, int]] = []
        for j in self.jobs_before(job):
            found += [(j, a) for a, _ in self.facts.stall_intervals(j) if a < t]
        return found

    def jobs_before(self, job: int) -> list[int]:
        """The job and every job it runs after, transitively, each once."""
        seen: list[int] = []
        pending = [job]
        while pending:
            j = pending.pop()
            if j not in seen:
                seen.append(j)
                pending.extend(_job_spec(self.facts, j).after)
        return seen

    def sustain_stalls(self, job: int, t: int) -> None:
        """What kept the stalls before t going: the job's reasons to be down at each
        instant of a stall at which some event happens."""
        for j in self.jobs_before(job):
            for a, b in self.facts.stall_intervals(j):
                if a >= t:
                    continue
                for instant in [a, *self.index.instants_in(a, min(b, t) - 1)]:
                    self.sustain(_Key(j, EventKind.DOWN), instant)

    def _channel(self, atom: ir.AtomRef, holds: bool, t: int) -> None:
        c = atom.component
        spec = _channel_spec(self.facts, c)
        if atom.what == "action":  # CH.ACTION: any transaction can take it
            transactions = list(range(len(spec.transactions)))
        else:
            assert atom.transaction is not None
            transactions = [atom.transaction]
        for x in transactions:
            failure_class = self.facts.class_at(c, x, t)
            takes = (
                None
                if failure_class is None
                else spec.transactions[x].action_for(failure_class.value)
            )
            if atom.what == "action" and holds and takes != atom.detail:
                continue  # another transaction takes the action
            if failure_class is None:
                kind = _no_class_kind(self.facts, c, x, t)
                self.primary.append(_Ref(_Key(c, kind, transaction=x), t))
            elif atom.what != "txn_fails" and takes == atom.detail:
                self.primary.append(_Ref(_Key(c, EventKind.ACTION, transaction=x), t))
                self.sustain(_Key(c, EventKind.FAILS, transaction=x), t)
            else:
                self.primary.append(_Ref(_Key(c, EventKind.FAILS, transaction=x), t))
                if atom.what == "txn_fails":
                    self.sustain(_Key(c, EventKind.FAILS, transaction=x), t)

    def sustain(self, key: _Key, t: int) -> None:
        """What keeps the state named by `key` (a `down` or a transaction's `fails`)
        going at t, through the components it rests on (as deep as the model is:
        iterative, so a long chain of needs cannot exhaust the stack)."""
        pending = [key]
        while pending:
            current = pending.pop()
            if (current, t) in self._sustained:
                continue
            self._sustained.add((current, t))
            for reason in self._reasons(current, t):
                self.sustaining.append(reason)
                pending.append(reason.key)

    def _reasons(self, key: _Key, t: int) -> list[_Ref]:
        """The direct reasons of the state named by `key` at t (none if it does not hold)."""
        if key.kind == EventKind.DOWN and self.facts.is_down(key.component, t):
            return _down_reasons(self.facts, key.component, t)
        if key.kind == EventKind.FAILS and key.transaction is not None:
            failure_class = self.facts.class_at(key.component, key.transaction, t)
            if failure_class is not None:
                return _class_reasons(self.facts, key.component, key.transaction, failure_class, t)
        return []


def _reduce(
    events: tuple[TraceEvent, ...], primary: Iterable[int], extra: Iterable[int]
) -> tuple[int, ...]:
    """`primary`, and those of `extra` that no chosen event reaches through its causes
    (latest first, so that an event's own causes are not listed beside it)."""
    chosen = set(primary)
    reached: set[int] = set()

    def reach(event_id: int) -> None:
        pending = [event_id]
        while pending:
            e = pending.pop()
            if e not in reached:
                reached.add(e)
                pending.extend(events[e - 1].cause)

    for event_id in chosen:
        reach(event_id)
    for event_id in sorted(set(extra), reverse=True):
        if event_id not in reached:
            chosen.add(event_id)
            reach(event_id)
    return tuple(sorted(chosen))


_KINDS: dict[type, ViolationKind] = {
    ir.Never: ViolationKind.NEVER,
    ir.Always: ViolationKind.ALWAYS,
    ir.DoneBy: ViolationKind.DONE_BY,
    ir.LastsAtMost: ViolationKind.LASTS,
}


def _run_start(facts: _Facts, assertion: ir.LastsAtMost, at: int) -> int:
    """The first instant of the run of the assertion's expression (within its window)
    that holds at `at`."""
    ctx = Ctx()
    signal = expr_signal(facts.run, ctx, assertion.expr)
    if assertion.window is not None:
        signal = intersect(ctx, signal, window_signal(assertion.window, facts.model.horizon + 1))
    for a, b in _concrete(signal):
        if a <= at < b:
            return a
    raise AssertionError("a lasts violation lies inside a run")


def _violation(
    facts: _Facts, index: _Index, events: tuple[TraceEvent, ...], assertion: ir.Assertion, at: int
) -> Violation:
    explainer = _Explainer(facts, index)
    kind = _KINDS[type(assertion)]
    deadline = None
    run = None
    if isinstance(assertion, ir.DoneBy):
        explainer.lateness(assertion.job, at)
        done = facts.job_done(assertion.job)
        bound = ir.time_bound(facts.model)
        stalls = index.resolve_all(
            (_Ref(_Key(j, EventKind.STALLED), a) for j, a in explainer.stalls(assertion.job, at)),
            NEVER_RESOLVED,
        )
        done_at = done if done is not None and done <= bound else None
        deadline = DeadlineMiss(
            facts.name(assertion.job), assertion.deadline, done_at, tuple(sorted(stalls))
        )
    elif isinstance(assertion, ir.LastsAtMost):
        start = _run_start(facts, assertion, at)
        run = LongRun(start, assertion.limit)
        for instant in dict.fromkeys([start, *index.instants_in(start, at), at]):
            explainer.explain(assertion.expr, instant)
    else:
        explainer.explain(assertion.expr, at)
    primary = index.resolve_all(explainer.primary, NEVER_RESOLVED)
    extra = index.resolve_all(explainer.sustaining, NEVER_RESOLVED)
    return Violation(
        at=at,
        kind=kind,
        assertion=assertion.text,
        cause=_reduce(events, primary, extra),
        window=_window(facts, assertion, at),
        deadline=deadline,
        run=run,
    )


def _window(facts: _Facts, assertion: ir.Assertion, at: int) -> Window | None:
    """The interval of the assertion's window list in which the violation lies."""
    if isinstance(assertion, ir.DoneBy) or assertion.window is None:
        return None  # `done by` takes no window
    windows = assertion.window
    for start, end in windows.unrolled(facts.model.horizon + 1):
        if start <= at < end:
            return Window(start, end)
    raise AssertionError("a violation judged on a window lies inside it")


# --- the trace --------------------------------------------------------------------------


def _component(component: ir.Component) -> TraceComponent:
    line = None if component.span.file == UNKNOWN_SPAN.file else component.span.line
    actions = component.spec.actions if isinstance(component.spec, ir.ChannelSpec) else ()
    return TraceComponent(component.name, component.kind, line, actions)


def build_trace(model: ir.Model, check: ir.Check, scenario: dict[int, int]) -> Trace:
    """The trace of a violating concrete scenario; raise ValueError if it does not violate.

    Besides the events it carries the model's graph for the viewer and the reports:
    every component (name, kind, declaration line, a channel's actions) in declaration
    order, the sorted (reader, read) name pairs of `model.reads`, and the check's fault
    hypothesis as written (`no faults` without a `faults` line).
    """
    ctx = Ctx()
    run = simulate(model, dict(scenario), ctx)
    verdict = judge(run, ctx, check)
    if verdict is None:
        raise ValueError("the scenario does not violate the check")
    at, assertion_index = _n(verdict[0]), verdict[1]
    facts = _Facts(run)
    proposals, events = _events_until(facts, at)
    index = _Index(proposals)
    violation = _violation(facts, index, events, check.assertions[assertion_index], at)
    faults = tuple(
        TraceFault(
            number=n,
            component=model.fault(n).component_name,
            mode=model.fault(n).mode,
            at=scenario[n],
            repair=model.fault(n).repair,
        )
        for n in sorted(scenario)
    )
    names = [c.name for c in model.components]
    edges = sorted({(names[reader], names[read]) for reader, read in model.reads})
    return Trace(
        model=model.name,
        title=model.title,
        check=check.name,
        horizon=model.horizon,
        faults=faults,
        events=events,
        violation=violation,
        hypothesis=check.hypothesis or "no faults",
        components=tuple(_component(c) for c in model.components),
        edges=tuple(edges),
    )


# --- v1: the timeline of one scenario (`failspec simulate`) ----------------------------


def build_timeline(model: ir.Model, scenario: dict[int, int], until: int) -> tuple[TraceEvent, ...]:
    """Every event of the concrete scenario's run at instants up to `until`, numbered
    from 1, each with the ids of its causes: the timeline `failspec simulate` prints."""
    run = simulate(model, dict(scenario), Ctx(), until=until + _lookahead(model))
    return _events_until(_Facts(run), until)[1]
