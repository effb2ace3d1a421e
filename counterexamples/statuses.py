"""The state of every component after each event of a trace, from the events' facts.

Statuses, most telling first (a component shows the first that applies):

- `acting` — a channel taking one of its actions (the model's own words:
  `retain`, `reject`, …) on some transaction;
- `closed` — a partition closed after too many errors;
- `full` — a store whose records exceed its capacity;
- `switchover` — a failover pair in its switchover window;
- `stalled` — a job that has started, is not done and is down (no progress);
- `down` — down for any other reason (its own fault, a need, a stuck switchover);
- `degraded` — a channel some of whose transactions fail, none with an action;
- `waiting`, `running`, `done` — a job not started, making progress, done;
- `up` — none of these.

Before the first event every component is `up` (a job `waiting`): the trace lists
every change from instant 0 on.  A state is data (`ComponentState`); its words
are `vocabulary.state_label` and `vocabulary.state_note`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from failspec.counterexamples.trace import (
    Action,
    Attempted,
    Closed,
    Done,
    Down,
    Fails,
    FailureClass,
    Fault,
    Full,
    NotAttempted,
    Recovers,
    Reopened,
    Repaired,
    Resumed,
    Stalled,
    Started,
    Switched,
    SwitchoverCancelled,
    SwitchoverStarted,
    SwitchoverStuck,
    Trace,
    TraceEvent,
    Up,
)


class Status(StrEnum):
    ACTING = "acting"
    CLOSED = "closed"
    FULL = "full"
    SWITCHOVER = "switchover"
    STALLED = "stalled"
    DOWN = "down"
    DEGRADED = "degraded"
    WAITING = "waiting"
    RUNNING = "running"
    DONE = "done"
    UP = "up"


HEALTHY = frozenset({Status.UP, Status.WAITING, Status.RUNNING, Status.DONE})
"""Statuses in which a component does what it should (the others are failures)."""

STATUSES_OF_KIND: dict[str, tuple[Status, ...]] = {
    "channel": (Status.ACTING, Status.DOWN, Status.DEGRADED, Status.UP),
    "partition": (Status.CLOSED, Status.DOWN, Status.UP),
    "store": (Status.FULL, Status.DOWN, Status.UP),
    "failover": (Status.SWITCHOVER, Status.DOWN, Status.UP),
    "job": (Status.STALLED, Status.DOWN, Status.WAITING, Status.RUNNING, Status.DONE),
}
"""The statuses a component of each kind can show (any other kind: down, up)."""


def statuses_of(kind: str) -> tuple[Status, ...]:
    return STATUSES_OF_KIND.get(kind, (Status.DOWN, Status.UP))


@dataclass(frozen=True, slots=True)
class ComponentState:
    """What a component looks like at one step: its status and the facts behind it."""

    status: Status
    faults: tuple[str, ...] = ()
    """The modes of its active faults."""
    switching_to: str | None = None
    switch_due: int | None = None
    stuck_until: int | None = None
    """A stuck switchover: manual recovery until then (None with `stuck`: no manual)."""
    stuck: bool = False
    serving: str | None = None
    """The secondary a failover pair follows since it switched."""
    failing: tuple[tuple[str, FailureClass], ...] = ()
    """(transaction, class) of a channel's failing transactions, in the order they failed."""
    actions: tuple[tuple[str, str], ...] = ()
    """(transaction, action) of the actions a channel takes."""
    progress: int | None = None
    """A job's seconds of progress when it last started, stalled or resumed."""
    takes: int | None = None
    since: int | None = None
    """When a job's current stall began."""


@dataclass(slots=True)
class _Tracker:
    """The facts about one component gathered from the events so far."""

    kind: str
    down: bool = False
    faults: list[str] = field(default_factory=list)
    switching_to: str | None = None
    switch_due: int | None = None
    stuck: bool = False
    stuck_until: int | None = None
    serving: str | None = None
    closed: bool = False
    full: bool = False
    failing: dict[str, FailureClass] = field(default_factory=dict)
    actions: dict[str, str] = field(default_factory=dict)
    job: Status = Status.WAITING
    stalled_since: int | None = None
    progress: int | None = None
    takes: int | None = None

    def apply(self, event: TraceEvent) -> None:
        fact = event.fact
        match fact:
            case Down() | Up():
                self.down = isinstance(fact, Down)
            case Fault(mode=mode, latent=False):
                self.faults.append(mode)
            case Repaired(mode=mode) if mode in self.faults:
                self.faults.remove(mode)
            case SwitchoverStarted(to=to, due=due):
                self.switching_to, self.switch_due = to or "its secondary", due
            case SwitchoverCancelled():
                self.switching_to, self.switch_due = None, None
            case SwitchoverStuck(manual_until=until):
                self.switching_to, self.switch_due = None, None
                self.stuck, self.stuck_until = True, until
            case Switched(to=to):
                self.switching_to, self.switch_due, self.stuck = None, None, False
                self.serving = to
            case Closed() | Reopened():
                self.closed = isinstance(fact, Closed)
            case Full():
                self.full = True
            case _:
                self._apply_job_or_channel(event)

    def _apply_job_or_channel(self, event: TraceEvent) -> None:
        fact = event.fact
        match fact:
            case Started(takes=takes):
                self.job, self.progress, self.takes = Status.RUNNING, 0, takes
            case Stalled(progress=progress, takes=takes):
                self.stalled_since, self.progress, self.takes = event.at, progress, takes
            case Resumed(progress=progress, takes=takes):
                self.stalled_since, self.progress, self.takes = None, progress, takes
            case Done():
                self.job, self.stalled_since = Status.DONE, None
                self.progress = self.takes
            case Fails(transaction=transaction, failure_class=failure_class):
                self.failing.pop(transaction, None)
                self.failing[transaction] = failure_class
                self.actions.pop(transaction, None)
            case Recovers(transaction=transaction) | NotAttempted(transaction=transaction):
                self.failing.pop(transaction, None)
                self.actions.pop(transaction, None)
            case Action(transaction=transaction, action=action):
                self.actions[transaction] = action

    def state(self) -> ComponentState:
        return ComponentState(
            status=self._status(),
            faults=tuple(self.faults),
            switching_to=self.switching_to,
            switch_due=self.switch_due,
            stuck_until=self.stuck_until,
            stuck=self.stuck,
            serving=self.serving,
            failing=tuple(self.failing.items()),
            actions=tuple(self.actions.items()),
            progress=self.progress if self.kind == "job" else None,
            takes=self.takes if self.kind == "job" else None,
            since=self.stalled_since,
        )

    def _status(self) -> Status:
        if self.actions:
            return Status.ACTING
        if self.closed:
            return Status.CLOSED
        if self.full:
            return Status.FULL
        if self.switching_to is not None:
            return Status.SWITCHOVER
        if self.kind == "job" and self.job == Status.RUNNING and self.stalled_since is not None:
            return Status.STALLED
        if self.down:
            return Status.DOWN
        if self.failing:
            return Status.DEGRADED
        if self.kind == "job":
            return self.job
        return Status.UP


def component_kinds(trace: Trace) -> dict[str, str]:
    """Every component's kind: the trace's `components` first, in declaration order,
    then the components only the events name (their kind read from their facts)."""
    kinds = {c.name: c.kind for c in trace.components}
    for event in trace.events:
        if event.component in kinds and kinds[event.component] != "component":
            continue
        kinds[event.component] = _kind_of(event)
    return kinds


def _kind_of(event: TraceEvent) -> str:
    match event.fact:
        case Fails() | Recovers() | Action() | Attempted() | NotAttempted():
            return "channel"
        case SwitchoverStarted() | Switched() | SwitchoverStuck() | SwitchoverCancelled():
            return "failover"
        case Started() | Done() | Stalled() | Resumed():
            return "job"
        case Closed() | Reopened():
            return "partition"
        case Full():
            return "store"
    return "component"


def initial_states(trace: Trace) -> dict[str, ComponentState]:
    """Every component's state before the first event, in `component_kinds` order."""
    return {name: _Tracker(kind).state() for name, kind in component_kinds(trace).items()}


def state_changes(trace: Trace) -> tuple[tuple[tuple[str, ComponentState], ...], ...]:
    """For every event, the components whose state the event changed, with their new
    state (one, or none when the event changes nothing shown).

    Applying the changes of events 1..i to `initial_states` gives the states after
    event i.
    """
    trackers = {name: _Tracker(kind) for name, kind in component_kinds(trace).items()}
    current = {name: tracker.state() for name, tracker in trackers.items()}
    changes: list[tuple[tuple[str, ComponentState], ...]] = []
    for event in trace.events:
        tracker = trackers[event.component]
        tracker.apply(event)
        state = tracker.state()
        if state != current[event.component]:
            current[event.component] = state
            changes.append(((event.component, state),))
        else:
            changes.append(())
    return tuple(changes)


def states_at_each_event(trace: Trace) -> tuple[dict[str, ComponentState], ...]:
    """The state of every component after each event (for tests and rendering)."""
    current = initial_states(trace)
    result = []
    for changes in state_changes(trace):
        current = dict(current)
        current.update(changes)
        result.append(current)
    return tuple(result)


def worst_event(trace: Trace) -> int | None:
    """The id of the first event after which the most components are failing (not in a
    `HEALTHY` status); None for a trace without events."""
    best: tuple[int, int] | None = None
    for event, states in zip(trace.events, states_at_each_event(trace), strict=True):
        failing = sum(1 for s in states.values() if s.status not in HEALTHY)
        if best is None or failing > best[0]:
            best = (failing, event.id)
    return None if best is None else best[1]


@dataclass(frozen=True, slots=True)
class JobProgress:
    """A job's progress over the trace, for a progress bar at any instant: its start,
    `takes` seconds, its stalls `[start, end)` (end None: still stalled at the
    trace's end) and when it is done (None: not in the trace)."""

    start: int
    takes: int
    stalls: tuple[tuple[int, int | None], ...]
    done: int | None


def job_progress(trace: Trace) -> dict[str, JobProgress]:
    """Every job that starts in the trace and whose `takes` the trace records."""
    found: dict[str, JobProgress] = {}
    for event in trace.events:
        fact = event.fact
        job = found.get(event.component)
        if isinstance(fact, Started) and fact.takes is not None:
            found[event.component] = JobProgress(event.at, fact.takes, (), None)
        elif job is None:
            continue
        elif isinstance(fact, Stalled):
            found[event.component] = replace(job, stalls=(*job.stalls, (event.at, None)))
        elif isinstance(fact, Resumed) and job.stalls:
            start, _ = job.stalls[-1]
            found[event.component] = replace(job, stalls=(*job.stalls[:-1], (start, event.at)))
        elif isinstance(fact, Done):
            found[event.component] = replace(job, done=event.at)
    return found
