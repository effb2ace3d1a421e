"""`failspec-trace/1`, the legacy trace format: read it (upgraded to version 2's data)
and write it (for consumers that still read version 1).

Version 1 events say what happened as a phrase (`"change": "withdrawal fails
(comm)"`) and name their causes as `component.change`.  Its phrases are a closed
list, fixed by the format (docs/viewer.md, "Version 1"), so this module is the one
place where they are read, and only to turn a version-1 document into the typed
facts of `trace.py`: every consumer then reads facts, whatever version a trace
came in.  Reading gives:

- `fault` for a change that is the mode of an injected fault at its onset
  (`latent` when its detail says so), `repaired` for `MODE repaired`;
- `switchover_started` (its window and due instant from the detail `detect X
  within D`, its secondary from the pair's later `switched to`),
  `switchover_cancelled`, `switched` (`by hand`), `switchover_stuck` for
  `switchover failed` (`manual recovery takes D`);
- `closed` (`after N errors`), `reopened`, `full` (`records exceed capacity N`),
  `started`, `done`, `down`, `up`, `fails`, `recovers`;
- a channel's action (`retain`) as one `action` event per transaction its causes
  name; `ACTION stops` adds no event (a transaction's action ends with its next
  `fails` or `recovers`).

Version 1 has no `stalled`, `resumed` or `no_switchover` events and no causes of
the violation: the violation rests on the latest event that makes each atom of
its assertion true (the job's latest event for `J done by T`).  A field version 1
did not record is None.

Writing goes the other way: the version-2 facts in version 1's phrases, the
channel-level actions rebuilt from the transactions' (`retain` when the first
transaction takes it, `retain stops` when the last one stops), and the kinds
version 1 lacks left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from failspec.counterexamples.trace import (
    Action,
    Attempted,
    Closed,
    Done,
    Down,
    Fact,
    Fails,
    FailureClass,
    Fault,
    Full,
    JsonReader,
    LongRun,
    NoSwitchover,
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
    TraceEvent,
    TraceFault,
    TraceFormatError,
    Up,
    Violation,
    ViolationKind,
    fault_to_json,
    read_components,
    read_edges,
    read_fault,
)
from failspec.spec.ast import render_duration as format_duration
from failspec.spec.durations import parse_duration
from failspec.spec.errors import SpecError

TRACE_V1_FORMAT = "failspec-trace/1"

_FAILS = re.compile(r"^(?P<txn>\S+) fails \((?P<klass>[^)]*)\)$")
_DETECT = re.compile(r"detect (?P<mode>\S+) within (?P<within>(?:\d+[dhms])+)$")
_MANUAL = re.compile(r"manual recovery takes (?P<manual>(?:\d+[dhms])+)$")
_ERRORS = re.compile(r"^after (?P<errors>\d+) errors$")
_CAPACITY = re.compile(r"capacity (?P<capacity>\d+)$")
_SWITCHED = re.compile(r"^switched to (?P<to>\S+?)(?P<by_hand> by hand)?$")
_ATOM = re.compile(r"\b[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+\b")
_WORD = re.compile(r"\b[a-z_][a-z0-9_]*\b")
_LIMIT = re.compile(r" lasts at most (?P<limit>(?:\d+[dhms])+)\b")


@dataclass(frozen=True, slots=True)
class _V1Event:
    at: int
    component: str
    change: str
    cause: tuple[str, ...]
    detail: str | None

    @property
    def ref(self) -> str:
        return f"{self.component}.{self.change}"


def _seconds(text: str) -> int | None:
    try:
        return parse_duration(text)
    except SpecError:
        return None


def _read_v1_event(value: object, position: int) -> _V1Event:
    reader = JsonReader(value, f"event {position}")
    causes = []
    for cause in reader.items("cause"):
        if not isinstance(cause, str):
            raise TraceFormatError(f'event {position}: "cause" must list event names')
        causes.append(cause)
    return _V1Event(
        at=reader.required_instant("at"),
        component=reader.required_text("component"),
        change=reader.required_text("change"),
        cause=tuple(causes),
        detail=reader.text("detail", optional=True),
    )


def _resolve(events: list[_V1Event]) -> list[list[int]]:
    """For every event, the positions of the events its causes name: the latest with
    that name at or before its instant, preferring one listed before it."""
    by_ref: dict[str, list[int]] = {}
    for number, event in enumerate(events):
        by_ref.setdefault(event.ref, []).append(number)
    resolved = []
    for number, event in enumerate(events):
        found: list[int] = []
        for ref in event.cause:
            candidates = [
                j for j in by_ref.get(ref, ()) if j != number and events[j].at <= event.at
            ]
            before = [j for j in candidates if j < number]
            if before:
                found.append(before[-1])
            elif candidates:
                found.append(candidates[0])
        resolved.append(list(dict.fromkeys(found)))
    return resolved


class _Upgrade:
    """Turns version-1 events into facts, keeping what later events need."""

    def __init__(self, faults: tuple[TraceFault, ...], events: list[_V1Event]) -> None:
        self.faults = faults
        self.events = events
        self.switched_to: dict[str, str] = {}
        for event in events:
            match = _SWITCHED.match(event.change)
            if match:
                self.switched_to.setdefault(event.component, match["to"])
        self.due: dict[str, int | None] = {}

    def facts(self, position: int) -> list[Fact]:
        """The facts of the version-1 event at `position` (none for `ACTION stops`)."""
        event = self.events[position]
        change, detail = event.change, event.detail or ""
        fault = self._fault(event)
        if fault is not None:
            return [Fault(fault.mode, fault.repair, detail.startswith("latent"))]
        fails = _FAILS.match(change)
        switched = _SWITCHED.match(change)
        if change in ("down", "up"):
            return [Down() if change == "down" else Up()]
        if change.endswith(" repaired"):
            return [Repaired(change.removesuffix(" repaired"))]
        if change == "switchover started":
            return [self._started(event)]
        if change == "switchover cancelled":
            return [SwitchoverCancelled(self.due.get(event.component))]
        if switched:
            return [Switched(switched["to"], switched["by_hand"] is not None)]
        if change == "switchover failed":
            manual = _MANUAL.search(detail)
            seconds = None if manual is None else _seconds(manual["manual"])
            return [SwitchoverStuck(None if seconds is None else event.at + seconds)]
        if change in ("closed", "full", "reopened", "started", "done"):
            return [self._simple(change, detail)]
        if fails:
            return [Fails(fails["txn"], _failure_class(fails["klass"], position))]
        if change.endswith(" recovers"):
            return [Recovers(change.removesuffix(" recovers"))]
        if change.endswith(" stops"):
            return []
        return list(self._actions(event, position))

    def _fault(self, event: _V1Event) -> TraceFault | None:
        for fault in self.faults:
            if (fault.component, fault.mode, fault.at) == (event.component, event.change, event.at):
                return fault
        return None

    def _started(self, event: _V1Event) -> SwitchoverStarted:
        detect = _DETECT.search(event.detail or "")
        within = None if detect is None else _seconds(detect["within"])
        due = None if within is None else event.at + within
        self.due[event.component] = due
        mode = None if detect is None or detect["mode"] == "any" else detect["mode"]
        to = self.switched_to.get(event.component)
        return SwitchoverStarted(mode, None, within, due, to)

    @staticmethod
    def _simple(change: str, detail: str) -> Fact:
        if change == "closed":
            errors = _ERRORS.match(detail)
            return Closed(None if errors is None else int(errors["errors"]))
        if change == "full":
            capacity = _CAPACITY.search(detail)
            return Full(None, None if capacity is None else int(capacity["capacity"]))
        if change == "reopened":
            return Reopened()
        return Started(None) if change == "started" else Done()

    def _actions(self, event: _V1Event, position: int) -> Iterator[Action]:
        """A channel's action: one per transaction whose failure its causes name."""
        prefix = f"{event.component}."
        transactions = [
            match["txn"]
            for cause in event.cause
            if cause.startswith(prefix)
            for match in [_FAILS.match(cause[len(prefix) :])]
            if match is not None
        ]
        if not transactions:
            raise TraceFormatError(f"event {position + 1}: unknown change {event.change!r}")
        for transaction in transactions:
            yield Action(transaction, event.change)


def _failure_class(text: str, position: int) -> FailureClass:
    try:
        return FailureClass(text)
    except ValueError:
        raise TraceFormatError(f"event {position + 1}: unknown failure class {text!r}") from None


def _violation_kind(assertion: str) -> ViolationKind:
    if assertion.startswith("never "):
        return ViolationKind.NEVER
    if assertion.startswith("always "):
        return ViolationKind.ALWAYS
    if " lasts at most " in assertion:
        return ViolationKind.LASTS
    if " done by " in assertion:
        return ViolationKind.DONE_BY
    raise TraceFormatError(f"the violated assertion {assertion!r} is not one failspec writes")


def _matches(event: TraceEvent, atom: tuple[str, ...]) -> bool:
    """Whether the event makes the atom (component, …, word) true (or, for `up`, false)."""
    word, fact = atom[-1], event.fact
    if len(atom) == 3:  # CH.X.fails, CH.X.ACTION
        return isinstance(fact, (Fails, Action)) and fact.transaction == atom[1]
    if word == "running":
        return isinstance(fact, Started)
    if word == "up":
        return isinstance(fact, (Up, Down))
    if isinstance(fact, Action):
        return fact.action == word
    if isinstance(fact, Fault):
        return fact.mode == word
    return fact.kind.value == word


def _violation_roots(assertion: str, at: int, events: tuple[TraceEvent, ...]) -> tuple[int, ...]:
    """The latest event at or before `at` that makes each atom of the assertion true; for
    a name without a dot (the job of `J done by T`), that component's latest event."""
    seen = [e for e in events if e.at <= at]
    names = {e.component for e in seen}
    roots: set[int] = set()
    named: list[str] = []
    for match in _ATOM.finditer(assertion):
        atom = tuple(match.group(0).split("."))
        hits = [e.id for e in seen if e.component == atom[0] and _matches(e, atom)]
        if hits:
            roots.add(hits[-1])
        else:
            named.append(atom[0])
    named += [w for w in _WORD.findall(_ATOM.sub(" ", assertion)) if w in names]
    for component in named:
        hits = [e.id for e in seen if e.component == component]
        if hits:
            roots.add(hits[-1])
    return tuple(sorted(roots))


def _read_violation(reader: JsonReader) -> tuple[int, str]:
    violation = JsonReader(reader.value.get("violation"), "the violation")
    return violation.required_instant("at"), violation.required_text("assertion")


def trace_from_json_v1(document: object) -> Trace:
    """Read a `failspec-trace/1` document into version 2's data; raise TraceFormatError."""
    reader = JsonReader(document, "the trace")
    if reader.value.get("format") != TRACE_V1_FORMAT:
        raise TraceFormatError(f"not a {TRACE_V1_FORMAT} document")
    faults = tuple(read_fault(f, i) for i, f in enumerate(reader.items("faults"), start=1))
    old = [_read_v1_event(e, i) for i, e in enumerate(reader.items("events"), start=1)]
    for position in range(1, len(old)):
        if old[position].at < old[position - 1].at:
            raise TraceFormatError(f"event {position + 1} comes before event {position} in time")
    upgrade = _Upgrade(faults, old)
    causes = _resolve(old)
    ids: list[list[int]] = []
    events: list[TraceEvent] = []
    for position, event in enumerate(old):
        mine = []
        for fact in upgrade.facts(position):
            cause = [i for j in causes[position] for i in ids[j]]
            if isinstance(fact, Action):  # each transaction's action rests on its own failure
                cause = [i for i in cause if _fails_of(events[i - 1], fact.transaction)] or cause
            event_id = len(events) + 1
            events.append(
                TraceEvent(event_id, event.at, event.component, fact, tuple(dict.fromkeys(cause)))
            )
            mine.append(event_id)
        ids.append(mine)
    at, assertion = _read_violation(reader)
    if events and at < events[-1].at:
        raise TraceFormatError(f"the violation at {at} comes before the last event")
    kind = _violation_kind(assertion)
    run = None
    limit = _LIMIT.search(assertion)
    if kind == ViolationKind.LASTS and limit is not None:
        seconds = _seconds(limit["limit"])
        if seconds is not None and seconds <= at:
            run = LongRun(at - seconds, seconds)
    trace_events = tuple(events)
    return Trace(
        model=reader.required_text("model"),
        title=reader.text("title", optional=True),
        check=reader.required_text("check"),
        verdict=reader.text("verdict", optional=True) or "violated",
        horizon=reader.instant("horizon", optional=True) or 0,
        faults=faults,
        events=trace_events,
        violation=Violation(
            at, kind, assertion, _violation_roots(assertion, at, trace_events), run=run
        ),
        hypothesis=reader.text("hypothesis", optional=True),
        components=read_components(reader),
        edges=read_edges(reader),
    )


def _fails_of(event: TraceEvent, transaction: str) -> bool:
    return isinstance(event.fact, Fails) and event.fact.transaction == transaction


# --- writing ------------------------------------------------------------------------------


def _v1_change(fact: Fact) -> str | None:
    """The version-1 phrase of a fact, or None for a kind version 1 does not have."""
    match fact:
        case Fault(mode=mode):
            return mode
        case Repaired(mode=mode):
            return f"{mode} repaired"
        case SwitchoverStarted():
            return "switchover started"
        case Switched(to=to, by_hand=by_hand):
            return f"switched to {to}" + (" by hand" if by_hand else "")
        case SwitchoverCancelled():
            return "switchover cancelled"
        case SwitchoverStuck():
            return "switchover failed"
        case Fails(transaction=transaction, failure_class=failure_class):
            return f"{transaction} fails ({failure_class.value})"
        case Recovers(transaction=transaction) | NotAttempted(transaction=transaction):
            return f"{transaction} recovers"
        case NoSwitchover() | Stalled() | Resumed() | Action():
            return None
        case RidingOut() | Recovering() | Attempted():
            return None  # language v1: version 1 has no such change
    return fact.kind.value


def _v1_detail(event: TraceEvent) -> str | None:
    fact = event.fact
    match fact:
        case Fault(latent=latent):
            return "latent: counts only at a switchover" if latent else "fault injected"
        case SwitchoverStarted(mode=mode, within=within) if within is not None:
            return f"detect {mode or 'any'} within {format_duration(within)}"
        case SwitchoverCancelled():
            return "the primary came back before the switchover"
        case SwitchoverStuck(manual_until=until):
            if until is None:
                return "stays with the primary"
            return f"manual recovery takes {format_duration(until - event.at)}"
        case Closed(errors=errors) if errors is not None:
            return f"after {errors} errors"
        case Full(capacity=capacity) if capacity is not None:
            return f"records exceed capacity {capacity}"
    return None


class _V1Writer:
    """Builds the version-1 events; `refs` maps a version-2 id to the version-1 names
    its effects cite (none for a kind version 1 lacks)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.refs: dict[int, list[str]] = {}
        self.taking: dict[str, dict[str, str]] = {}
        """channel → transaction → the action it takes."""
        self.group: list[TraceEvent] = []
        """A channel's `fails`, `recovers` and `action` events of one instant."""

    def cited(self, cause: tuple[int, ...]) -> list[str]:
        return list(dict.fromkeys(ref for c in cause for ref in self.refs.get(c, [])))

    def add(
        self, at: int, component: str, change: str, cause: list[str], detail: str | None
    ) -> None:
        entry: dict[str, Any] = {"at": at, "component": component, "change": change, "cause": cause}
        if detail is not None:
            entry["detail"] = detail
        self.events.append(entry)

    def event(self, event: TraceEvent) -> None:
        if self.group and (
            (event.at, event.component) != (self.group[0].at, self.group[0].component)
            or not isinstance(event.fact, (Fails, Recovers, Action))
        ):
            self.flush()
        if isinstance(event.fact, Action):
            self.group.append(event)
            self.refs[event.id] = [f"{event.component}.{event.fact.action}"]
            return
        change = _v1_change(event.fact)
        if change is None:
            self.refs[event.id] = []
            return
        self.refs[event.id] = [f"{event.component}.{change}"]
        self.add(event.at, event.component, change, self.cited(event.cause), _v1_detail(event))
        if isinstance(event.fact, (Fails, Recovers)):
            self.group.append(event)

    def flush(self) -> None:
        """The channel-level actions that start or stop with this group's changes."""
        if not self.group:
            return
        channel, at = self.group[0].component, self.group[0].at
        before = dict(self.taking.get(channel, {}))
        now = dict(before)
        changed: list[str] = []
        takers: dict[str, list[int]] = {}
        for event in self.group:
            fact = event.fact
            if isinstance(fact, Action):
                now[fact.transaction] = fact.action
                takers.setdefault(fact.action, []).append(event.id)
            else:
                assert isinstance(fact, (Fails, Recovers))
                now.pop(fact.transaction, None)
                changed += self.refs[event.id]
        self.taking[channel] = now
        for action in sorted(set(before.values()) | set(now.values())):
            if action in now.values() and action not in before.values():
                cause = [c for i in takers.get(action, []) for c in self.cited_of(i)]
                self.add(at, channel, action, list(dict.fromkeys(cause)), None)
            elif action in before.values() and action not in now.values():
                self.add(at, channel, f"{action} stops", changed, None)
        self.group = []

    def cited_of(self, event_id: int) -> list[str]:
        event = next(e for e in self.group if e.id == event_id)
        return self.cited(event.cause)


def trace_to_json_v1(trace: Trace) -> dict[str, Any]:
    """Return the trace as a `failspec-trace/1` document (keys in version 1's order)."""
    writer = _V1Writer()
    for event in trace.events:
        writer.event(event)
    writer.flush()
    return {
        "format": TRACE_V1_FORMAT,
        "model": trace.model,
        "title": trace.title,
        "check": trace.check,
        "verdict": trace.verdict,
        "horizon": trace.horizon,
        "faults": [fault_to_json(f) for f in trace.faults],
        "violation": {"at": trace.violation.at, "assertion": trace.violation.assertion},
        "events": writer.events,
        "hypothesis": trace.hypothesis,
        "components": [{"name": c.name, "kind": c.kind} for c in trace.components],
        "edges": [[reader, read] for reader, read in trace.edges],
    }
