"""The status of every component after each event of a trace, derived from the events.

Statuses, most telling first (a component shows the first that applies):

- `retaining` — a channel whose `retain` action is happening (it keeps customers' cards);
- `closed` — a partition closed after too many errors;
- `full` — a store whose records exceed its capacity;
- `switchover` — a failover pair in its switchover window (down, switching to its secondary);
- `down` — down for any other reason (its own fault, a need, a failed switchover);
- `degraded` — a channel some of whose transactions fail, but not all;
- `waiting` — a job that has not started;
- `up` — none of these.

Before the first event every component is `up` (a job `waiting`): the trace lists
every change from instant 0 on, including what is down at 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from failspec.counterexamples.text import format_instant
from failspec.counterexamples.trace import Trace, TraceEvent

STATUSES = ("retaining", "closed", "full", "switchover", "down", "degraded", "waiting", "up")

STATUS_LABELS = {
    "retaining": "retaining cards",
    "closed": "closed",
    "full": "full",
    "switchover": "in switchover",
    "down": "down",
    "degraded": "degraded",
    "waiting": "not started",
    "up": "up",
}

_FAILS = re.compile(r"^(?P<txn>\S+) fails \((?P<klass>[^)]*)\)$")
_WITHIN = re.compile(r"within ((?:\d+[dhms])+)$")
_UNITS = {"d": 86_400, "h": 3600, "m": 60, "s": 1}


@dataclass(frozen=True, slots=True)
class ComponentState:
    """What a component looks like at one step: a status of `STATUSES` and a note
    saying why or what else is going on (`fault flap`, `to nw_card_b at 20:01:00`), or ''."""

    status: str
    note: str


@dataclass(slots=True)
class _Tracker:
    """The facts about one component gathered from the events so far."""

    kind: str
    modes: tuple[str, ...]
    down: bool = False
    faults: list[str] = field(default_factory=list)
    switching_to: str | None = None
    switch_due: int | None = None
    switch_failed: bool = False
    serving: str | None = None
    closed: bool = False
    full: bool = False
    actions: list[str] = field(default_factory=list)
    failing: dict[str, str] = field(default_factory=dict)
    job: str = "waiting"

    def apply(self, event: TraceEvent, secondary: str | None) -> None:  # noqa: C901
        change = event.change
        fails = _FAILS.match(change)
        if change == "down":
            self.down = True
        elif change == "up":
            self.down = False
        elif change in self.modes:
            self.faults.append(change)
        elif change.endswith(" repaired") and change[: -len(" repaired")] in self.faults:
            self.faults.remove(change[: -len(" repaired")])
        elif change == "switchover started":
            self.switching_to = secondary
            self.switch_due = _due(event)
        elif change == "switchover cancelled":
            self.switching_to, self.switch_due = None, None
        elif change == "switchover failed":
            self.switching_to, self.switch_due, self.switch_failed = None, None, True
        elif change.startswith("switched to "):
            self.switching_to, self.switch_due, self.switch_failed = None, None, False
            self.serving = change[len("switched to ") :].removesuffix(" by hand")
        elif change == "closed":
            self.closed = True
        elif change == "reopened":
            self.closed = False
        elif change == "full":
            self.full = True
        elif change == "started":
            self.job = "running"
        elif change == "done":
            self.job = "done"
        elif fails:
            self.failing[fails["txn"]] = fails["klass"]
        elif change.endswith(" recovers"):
            self.failing.pop(change[: -len(" recovers")], None)
        elif change.endswith(" stops"):
            action = change[: -len(" stops")]
            if action in self.actions:
                self.actions.remove(action)
        elif self.kind == "channel" and change not in self.actions:
            self.actions.append(change)

    def state(self) -> ComponentState:
        notes: list[str] = []
        if self.faults:
            notes.append("fault " + ", ".join(self.faults))
        if self.switching_to is not None:
            due = f" at {format_instant(self.switch_due)}" if self.switch_due is not None else ""
            notes.append(f"to {self.switching_to}{due}")
        if self.switch_failed:
            notes.append("switchover failed")
        if self.serving is not None:
            notes.append(f"on {self.serving}")
        if self.failing:
            counts: dict[str, int] = {}
            for klass in self.failing.values():
                counts[klass] = counts.get(klass, 0) + 1
            failing = ", ".join(
                f"{n} {'transaction fails' if n == 1 else 'transactions fail'} ({klass})"
                for klass, n in counts.items()
            )
            notes.append(failing)
        if self.actions:
            notes.append("action " + ", ".join(self.actions))
        if self.kind == "job" and self.job != "waiting":
            notes.append(self.job)
        return ComponentState(self._status(), "; ".join(notes))

    def _status(self) -> str:
        if "retain" in self.actions:
            return "retaining"
        if self.closed:
            return "closed"
        if self.full:
            return "full"
        if self.switching_to is not None:
            return "switchover"
        if self.down:
            return "down"
        if self.failing:
            return "degraded"
        if self.kind == "job" and self.job == "waiting":
            return "waiting"
        return "up"


def parse_duration(text: str) -> int:
    """Return the seconds of a duration written as the language writes it (`3m`, `1h30m`)."""
    return sum(int(count) * _UNITS[unit] for count, unit in re.findall(r"(\d+)([dhms])", text))


def _due(event: TraceEvent) -> int | None:
    """The instant a switchover started by `event` completes, from its `detect … within D`."""
    match = _WITHIN.search(event.detail or "")
    return event.at + parse_duration(match.group(1)) if match else None


def component_kinds(trace: Trace) -> dict[str, str]:
    """Return every component's kind: the trace's `components` first, in declaration
    order, then the components only the events name (kind guessed from their changes)."""
    kinds = {c.name: c.kind for c in trace.components}
    for event in trace.events:
        if event.component not in kinds:
            kinds[event.component] = "component"
    for event in trace.events:
        if kinds[event.component] != "component":
            continue
        if _FAILS.match(event.change):
            kinds[event.component] = "channel"
        elif event.change.startswith("switch"):
            kinds[event.component] = "failover"
        elif event.change in ("started", "done"):
            kinds[event.component] = "job"
        elif event.change == "closed":
            kinds[event.component] = "partition"
        elif event.change == "full":
            kinds[event.component] = "store"
    return kinds


def _secondaries(trace: Trace) -> dict[str, str]:
    """Each failover pair's secondary, where a `switched to` event names it."""
    found: dict[str, str] = {}
    for event in trace.events:
        if event.change.startswith("switched to "):
            found.setdefault(
                event.component, event.change[len("switched to ") :].removesuffix(" by hand")
            )
    return found


def initial_states(trace: Trace) -> dict[str, ComponentState]:
    """Return every component's state before the first event, in `component_kinds` order."""
    kinds = component_kinds(trace)
    return {name: _Tracker(kind, ()).state() for name, kind in kinds.items()}


def state_changes(trace: Trace) -> tuple[tuple[tuple[str, ComponentState], ...], ...]:
    """Return, for every event, the components whose state the event changed, with
    their new state (usually one; none when the event changes no status or note).

    Applying the changes of events 0..i to `initial_states` gives the states after
    event i.
    """
    kinds = component_kinds(trace)
    modes: dict[str, set[str]] = {}
    for fault in trace.faults:
        modes.setdefault(fault.component, set()).add(fault.mode)
    secondaries = _pair_secondaries(trace)
    secondaries.update(_secondaries(trace))
    trackers = {
        name: _Tracker(kind, tuple(sorted(modes.get(name, ())))) for name, kind in kinds.items()
    }
    current = {name: tracker.state() for name, tracker in trackers.items()}
    changes: list[tuple[tuple[str, ComponentState], ...]] = []
    for event in trace.events:
        tracker = trackers[event.component]
        tracker.apply(event, secondaries.get(event.component))
        state = tracker.state()
        if state != current[event.component]:
            current[event.component] = state
            changes.append(((event.component, state),))
        else:
            changes.append(())
    return tuple(changes)


def _pair_secondaries(trace: Trace) -> dict[str, str]:
    """A failover's secondary from the model's edges: of the two devices it reads, the
    one its `switchover started` event does not name as the cause (the primary)."""
    kinds = component_kinds(trace)
    reads: dict[str, list[str]] = {}
    for reader, read in trace.edges:
        if kinds.get(reader) == "failover":
            reads.setdefault(reader, []).append(read)
    found: dict[str, str] = {}
    for event in trace.events:
        if event.change != "switchover started" or event.component not in reads:
            continue
        primaries = {ref.rsplit(".", 1)[0] for ref in event.cause}
        others = [r for r in reads[event.component] if r not in primaries]
        if len(others) == 1:
            found.setdefault(event.component, others[0])
    return found


def states_at_each_event(trace: Trace) -> tuple[dict[str, ComponentState], ...]:
    """Return the state of every component after each event (for tests and rendering)."""
    current = initial_states(trace)
    result = []
    for changes in state_changes(trace):
        current = dict(current)
        current.update(changes)
        result.append(current)
    return tuple(result)
