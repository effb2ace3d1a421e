"""The counterexample trace as data: `failspec-trace/2`.

A trace is the injected faults, every state change of one run up to the
violation instant, and the violated assertion.  Each event has an `id` (1, 2, …
in trace order), an instant, a component, a typed *fact* (its `kind` and the
fields of that kind: `Fault(mode, repair, latent)`, `Fails(transaction,
failure_class)`, …) and its causes as the ids of earlier events (or of events
listed before it at the same instant).  The violation has its kind, its causes,
and for `done by` the instant the job is done and the stalls that made it late,
for `lasts at most` the run's start.  No field holds prose: every consumer reads
the facts, and the words are made by `vocabulary.py`.

`trace_to_json` gives the `failspec-trace/2` document with its keys in a fixed
order (the same trace always prints the same bytes); `trace_from_json` reads it
back and raises `TraceFormatError`, with a one-line message that says where,
on a malformed document.  `failspec-trace/1` documents are read by
`trace_v1.py`; `read_trace` takes either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, ClassVar, TypeVar

TRACE_FORMAT = "failspec-trace/2"

E = TypeVar("E", bound=StrEnum)


class TraceFormatError(ValueError):
    """A document is not a valid trace; the message says where, in our words."""


class EventKind(StrEnum):
    """What an event is.  The value is the `kind` of the JSON document."""

    FAULT = "fault"
    REPAIRED = "repaired"
    DOWN = "down"
    UP = "up"
    SWITCHOVER_STARTED = "switchover_started"
    SWITCHED = "switched"
    SWITCHOVER_CANCELLED = "switchover_cancelled"
    NO_SWITCHOVER = "no_switchover"
    SWITCHOVER_STUCK = "switchover_stuck"
    CLOSED = "closed"
    REOPENED = "reopened"
    FULL = "full"
    STARTED = "started"
    STALLED = "stalled"
    RESUMED = "resumed"
    DONE = "done"
    FAILS = "fails"
    RECOVERS = "recovers"
    ACTION = "action"
    # language v1
    RIDING_OUT = "riding_out"
    RECOVERING = "recovering"
    ATTEMPTED = "attempted"
    NOT_ATTEMPTED = "not_attempted"


class FailureClass(StrEnum):
    """The class with which a transaction fails (the contract's order of precedence)."""

    COMM = "comm"
    PARTITION = "partition"
    SERVICE = "service"


class NoSwitchoverReason(StrEnum):
    """Why an outage of a failover's primary opens no switchover window."""

    NO_DETECT_LINE = "no detect line"
    """No detect line covers the episode's mode (and no `detect any`)."""
    DETECT_NEVER = "detect never"
    """`detect MODE never`: the switchover is configured off for the mode (language v1)."""


class ViolationKind(StrEnum):
    """The kind of the violated assertion."""

    NEVER = "never"
    ALWAYS = "always"
    DONE_BY = "done_by"
    LASTS = "lasts"


# --- facts: one class per event kind -------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fault:
    """An injected fault becomes active: `mode`, repaired after `repair` seconds (None:
    never).  A `latent` fault (a failover's `stuck`) takes nothing down by itself."""

    kind: ClassVar[EventKind] = EventKind.FAULT
    mode: str
    repair: int | None
    latent: bool


@dataclass(frozen=True, slots=True)
class Repaired:
    kind: ClassVar[EventKind] = EventKind.REPAIRED
    mode: str


@dataclass(frozen=True, slots=True)
class Down:
    kind: ClassVar[EventKind] = EventKind.DOWN


@dataclass(frozen=True, slots=True)
class Up:
    kind: ClassVar[EventKind] = EventKind.UP


@dataclass(frozen=True, slots=True)
class SwitchoverStarted:
    """A failover's primary went down: the switchover window opens.

    `mode` is the episode's mode (None: the primary is down through its needs),
    `detect` the detect line that applies (a mode, or `any`), `within` its window
    in seconds, `due` the instant the pair switches to `to` unless the primary
    is back first.  `detect`, `within`, `due` and `to` are None only in a trace
    read from version 1, which did not always record them.
    """

    kind: ClassVar[EventKind] = EventKind.SWITCHOVER_STARTED
    mode: str | None
    detect: str | None
    within: int | None
    due: int | None
    to: str | None


@dataclass(frozen=True, slots=True)
class Switched:
    """The pair follows its secondary `to` from now on (`by_hand`: after a stuck
    switchover, restored by the `manual` recovery)."""

    kind: ClassVar[EventKind] = EventKind.SWITCHED
    to: str
    by_hand: bool


@dataclass(frozen=True, slots=True)
class SwitchoverCancelled:
    """The primary came back before the switchover was `due` (None: not recorded)."""

    kind: ClassVar[EventKind] = EventKind.SWITCHOVER_CANCELLED
    due: int | None


@dataclass(frozen=True, slots=True)
class NoSwitchover:
    """The primary went down and no switchover window opens, for `reason`."""

    kind: ClassVar[EventKind] = EventKind.NO_SWITCHOVER
    mode: str | None
    reason: NoSwitchoverReason


@dataclass(frozen=True, slots=True)
class SwitchoverStuck:
    """The switchover failed (the pair's `stuck` fault is active): the pair is down
    until `manual_until` and then follows its secondary; None: no `manual`, it
    keeps following its primary."""

    kind: ClassVar[EventKind] = EventKind.SWITCHOVER_STUCK
    manual_until: int | None


@dataclass(frozen=True, slots=True)
class Closed:
    """A partition closed after `errors` errors (None: not recorded)."""

    kind: ClassVar[EventKind] = EventKind.CLOSED
    errors: int | None


@dataclass(frozen=True, slots=True)
class Reopened:
    kind: ClassVar[EventKind] = EventKind.REOPENED


@dataclass(frozen=True, slots=True)
class Full:
    """A store is full: `records` written so far exceed `capacity` (None: not recorded)."""

    kind: ClassVar[EventKind] = EventKind.FULL
    records: int | None
    capacity: int | None


@dataclass(frozen=True, slots=True)
class Started:
    """A job started; it needs `takes` seconds of progress (None: not recorded)."""

    kind: ClassVar[EventKind] = EventKind.STARTED
    takes: int | None


@dataclass(frozen=True, slots=True)
class Stalled:
    """A running job stopped making progress (it is down), after `progress` of its
    `takes` seconds (None: not recorded)."""

    kind: ClassVar[EventKind] = EventKind.STALLED
    progress: int | None
    takes: int | None


@dataclass(frozen=True, slots=True)
class Resumed:
    """A stalled job makes progress again, from `progress` of `takes` seconds."""

    kind: ClassVar[EventKind] = EventKind.RESUMED
    progress: int | None
    takes: int | None


@dataclass(frozen=True, slots=True)
class Done:
    kind: ClassVar[EventKind] = EventKind.DONE


@dataclass(frozen=True, slots=True)
class Fails:
    """A channel's `transaction` fails with `failure_class` (from now on, or instead
    of the class it failed with so far)."""

    kind: ClassVar[EventKind] = EventKind.FAILS
    transaction: str
    failure_class: FailureClass


@dataclass(frozen=True, slots=True)
class Recovers:
    """A channel's `transaction` no longer fails.  After a `comm` failure,
    `path_back` is the instant its access path is back: the recovery comes the
    channel's timeout before it, when a retry succeeds within the timeout (None
    after the other classes)."""

    kind: ClassVar[EventKind] = EventKind.RECOVERS
    transaction: str
    path_back: int | None = None


@dataclass(frozen=True, slots=True)
class Action:
    """A channel takes `action` on `transaction` (its failure class maps to it).  The
    action lasts until the transaction's next `fails` or `recovers` event."""

    kind: ClassVar[EventKind] = EventKind.ACTION
    transaction: str
    action: str


@dataclass(frozen=True, slots=True)
class RidingOut:
    """The component's needs went down and it rides the outage out for `rides_out`
    seconds (`rides out`, language v1): `back` is the instant its needs were back
    within them (the outage ridden out), None when they were not (the component is
    then down `rides_out` seconds after the outage began)."""

    kind: ClassVar[EventKind] = EventKind.RIDING_OUT
    rides_out: int
    back: int | None


@dataclass(frozen=True, slots=True)
class Recovering:
    """The component's needs are back and it stays down for `recovers_in` more
    seconds, `until` that instant (`recovers in`, language v1)."""

    kind: ClassVar[EventKind] = EventKind.RECOVERING
    recovers_in: int
    until: int


@dataclass(frozen=True, slots=True)
class Attempted:
    """A channel's `transaction` is attempted again: its `hours` (the `open` list, as
    written) begin, and it fails from then on (language v1).  Only an opening that
    starts a failure is an event."""

    kind: ClassVar[EventKind] = EventKind.ATTEMPTED
    transaction: str
    hours: str


@dataclass(frozen=True, slots=True)
class NotAttempted:
    """A channel's `transaction`, which failed, is not attempted any more: its
    `hours` end (language v1).  Outside its hours it neither fails nor acts."""

    kind: ClassVar[EventKind] = EventKind.NOT_ATTEMPTED
    transaction: str
    hours: str


Fact = (
    Fault
    | Repaired
    | Down
    | Up
    | SwitchoverStarted
    | Switched
    | SwitchoverCancelled
    | NoSwitchover
    | SwitchoverStuck
    | Closed
    | Reopened
    | Full
    | Started
    | Stalled
    | Resumed
    | Done
    | Fails
    | Recovers
    | Action
    | RidingOut
    | Recovering
    | Attempted
    | NotAttempted
)

FACT_TYPES: dict[EventKind, type[Fact]] = {
    cls.kind: cls
    for cls in (
        Fault,
        Repaired,
        Down,
        Up,
        SwitchoverStarted,
        Switched,
        SwitchoverCancelled,
        NoSwitchover,
        SwitchoverStuck,
        Closed,
        Reopened,
        Full,
        Started,
        Stalled,
        Resumed,
        Done,
        Fails,
        Recovers,
        Action,
        RidingOut,
        Recovering,
        Attempted,
        NotAttempted,
    )
}

JSON_FIELD_NAMES = {"failure_class": "class"}
"""A fact's field whose JSON key differs from its Python name (`class` is a keyword)."""


# --- the trace ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TraceEvent:
    """A state change of `component` at instant `at` (integer seconds since 00:00 of
    day 1), number `id` (1-based, trace order).  `cause` holds the ids of the events
    that produced it: earlier in the trace, at the same instant or before."""

    id: int
    at: int
    component: str
    fact: Fact
    cause: tuple[int, ...] = ()

    @property
    def kind(self) -> EventKind:
        return self.fact.kind


@dataclass(frozen=True, slots=True)
class TraceFault:
    """An injected fault: fault `number` (declaration order), `component.mode` at onset `at`."""

    number: int
    component: str
    mode: str
    at: int
    repair: int | None

    @property
    def label(self) -> str:
        return f"{self.component}.{self.mode}"


@dataclass(frozen=True, slots=True)
class TraceComponent:
    """A component of the model: its `name`, `kind` (`device`, `failover`, …), the
    1-based `line` of its declaration (None: not recorded) and, for a channel, every
    action its transactions can take (sorted: the model's own words)."""

    name: str
    kind: str
    line: int | None = None
    actions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Window:
    """The window `[start, end)` (instants) of the assertion's window list in which the
    violation lies.  Windows come with language v1; until then a violation has none."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DeadlineMiss:
    """Why `job done by deadline` is violated: `done_at` is the instant the job is
    done, or None if it is not done by the time bound; `stalls` are the ids of the
    `stalled` events, of the job and of the jobs it runs after, that cost it
    progress before the deadline."""

    job: str
    deadline: int
    done_at: int | None
    stalls: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class LongRun:
    """Why `A lasts at most limit` is violated: A holds on every instant of
    `[start, start + limit]`."""

    start: int
    limit: int


@dataclass(frozen=True, slots=True)
class Violation:
    """The violated assertion (as written), the first instant it is violated, its kind
    and the ids of the events it rests on; `deadline` for `done_by`, `run` for `lasts`."""

    at: int
    kind: ViolationKind
    assertion: str
    cause: tuple[int, ...] = ()
    window: Window | None = None
    deadline: DeadlineMiss | None = None
    run: LongRun | None = None


@dataclass(frozen=True, slots=True)
class Trace:
    model: str
    title: str | None
    check: str
    horizon: int
    faults: tuple[TraceFault, ...]
    events: tuple[TraceEvent, ...]
    violation: Violation
    verdict: str = "violated"
    hypothesis: str | None = None
    """The check's fault hypothesis (`faults at most 1 of nw_card_a, nw_card_b`)."""
    components: tuple[TraceComponent, ...] = ()
    """The model's components in declaration order (empty: unknown)."""
    edges: tuple[tuple[str, str], ...] = ()
    """(reader, read) name pairs, sorted: `reader`'s state depends on `read`'s."""

    def event(self, event_id: int) -> TraceEvent:
        """The event numbered `event_id` (1-based)."""
        return self.events[event_id - 1]


# --- JSON -----------------------------------------------------------------------------


def fact_to_json(fact: Fact) -> dict[str, Any]:
    """The fields of a fact, in declaration order, under their JSON names."""
    result: dict[str, Any] = {}
    for item in fields(fact):
        value = getattr(fact, item.name)
        result[JSON_FIELD_NAMES.get(item.name, item.name)] = (
            value.value if isinstance(value, StrEnum) else value
        )
    return result


def fault_to_json(fault: TraceFault) -> dict[str, Any]:
    """An injected fault: its number, component, mode, onset and repair."""
    return {
        "number": fault.number,
        "component": fault.component,
        "mode": fault.mode,
        "at": fault.at,
        "repair": fault.repair,
    }


def event_to_json(event: TraceEvent) -> dict[str, Any]:
    """An event: its id, instant, component, kind, the fact's fields and its causes."""
    return {
        "id": event.id,
        "at": event.at,
        "component": event.component,
        "kind": event.kind.value,
        **fact_to_json(event.fact),
        "cause": list(event.cause),
    }


def _violation_to_json(violation: Violation) -> dict[str, Any]:
    window = violation.window
    result: dict[str, Any] = {
        "at": violation.at,
        "kind": violation.kind.value,
        "assertion": violation.assertion,
        "window": None if window is None else {"start": window.start, "end": window.end},
    }
    if violation.deadline is not None:
        miss = violation.deadline
        result.update(
            job=miss.job, deadline=miss.deadline, done_at=miss.done_at, stalls=list(miss.stalls)
        )
    if violation.run is not None:
        result.update(run_start=violation.run.start, limit=violation.run.limit)
    result["cause"] = list(violation.cause)
    return result


def _component_to_json(component: TraceComponent) -> dict[str, Any]:
    result: dict[str, Any] = {"name": component.name, "kind": component.kind}
    result["line"] = component.line
    if component.kind == "channel":
        result["actions"] = list(component.actions)
    return result


def trace_to_json(trace: Trace) -> dict[str, Any]:
    """Return the `failspec-trace/2` document (a dict with keys in a fixed order)."""
    return {
        "format": TRACE_FORMAT,
        "model": trace.model,
        "title": trace.title,
        "check": trace.check,
        "verdict": trace.verdict,
        "horizon": trace.horizon,
        "hypothesis": trace.hypothesis,
        "faults": [fault_to_json(f) for f in trace.faults],
        "violation": _violation_to_json(trace.violation),
        "events": [event_to_json(e) for e in trace.events],
        "components": [_component_to_json(c) for c in trace.components],
        "edges": [[reader, read] for reader, read in trace.edges],
    }


class JsonReader:
    """Typed access to one JSON object, with `where` (`event 12`) in every message."""

    def __init__(self, value: object, where: str) -> None:
        if not isinstance(value, dict):
            raise TraceFormatError(f"{where} must be an object, not {_shown(value)}")
        self.value: Mapping[str, Any] = value
        self.where = where

    def _get(self, key: str, optional: bool) -> Any:
        if key not in self.value:
            if optional:
                return None
            raise TraceFormatError(f'{self.where} has no "{key}"')
        return self.value[key]

    def instant(self, key: str, optional: bool = False) -> int | None:
        """A whole number ≥ 0 (None allowed when `optional`)."""
        value = self._get(key, optional)
        if value is None and optional:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise TraceFormatError(
                f'{self.where}: "{key}" must be a whole number of seconds, not {_shown(value)}'
            )
        return value

    def required_instant(self, key: str) -> int:
        value = self.instant(key)
        assert value is not None
        return value

    def text(self, key: str, optional: bool = False) -> str | None:
        value = self._get(key, optional)
        if value is None and optional:
            return None
        if not isinstance(value, str):
            raise TraceFormatError(f'{self.where}: "{key}" must be a string, not {_shown(value)}')
        return value

    def required_text(self, key: str) -> str:
        value = self.text(key)
        assert value is not None
        return value

    def flag(self, key: str) -> bool:
        value = self._get(key, False)
        if not isinstance(value, bool):
            raise TraceFormatError(
                f'{self.where}: "{key}" must be true or false, not {_shown(value)}'
            )
        return value

    def items(self, key: str, optional: bool = False) -> list[Any]:
        value = self._get(key, optional)
        if value is None and optional:
            return []
        if not isinstance(value, list):
            raise TraceFormatError(f'{self.where}: "{key}" must be a list, not {_shown(value)}')
        return value

    def word(self, key: str, enum: type[E]) -> E:
        value = self.required_text(key)
        try:
            return enum(value)
        except ValueError:
            known = ", ".join(f'"{member.value}"' for member in enum)
            raise TraceFormatError(
                f'{self.where}: "{key}" must be one of {known}, not {_shown(value)}'
            ) from None


def _shown(value: object) -> str:
    """A JSON value as a reader sees it, cut short (for messages)."""
    import json

    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = type(value).__name__
    return text if len(text) <= 40 else text[:39] + "…"


_FieldReader = Callable[[JsonReader, str], Any]

_FIELD_READERS: dict[str, _FieldReader] = {
    "mode": lambda r, k: r.required_text(k),
    "repair": lambda r, k: r.instant(k, optional=True),
    "latent": lambda r, k: r.flag(k),
    "to": lambda r, k: r.text(k, optional=True),
    "by_hand": lambda r, k: r.flag(k),
    "detect": lambda r, k: r.text(k, optional=True),
    "within": lambda r, k: r.instant(k, optional=True),
    "due": lambda r, k: r.instant(k, optional=True),
    "manual_until": lambda r, k: r.instant(k, optional=True),
    "reason": lambda r, k: r.word(k, NoSwitchoverReason),
    "errors": lambda r, k: r.instant(k, optional=True),
    "records": lambda r, k: r.instant(k, optional=True),
    "capacity": lambda r, k: r.instant(k, optional=True),
    "takes": lambda r, k: r.instant(k, optional=True),
    "progress": lambda r, k: r.instant(k, optional=True),
    "transaction": lambda r, k: r.required_text(k),
    "class": lambda r, k: r.word(k, FailureClass),
    "action": lambda r, k: r.required_text(k),
    "rides_out": lambda r, k: r.required_instant(k),
    "back": lambda r, k: r.instant(k, optional=True),
    "path_back": lambda r, k: r.instant(k, optional=True),
    "recovers_in": lambda r, k: r.required_instant(k),
    "until": lambda r, k: r.required_instant(k),
    "hours": lambda r, k: r.required_text(k),
}
_OPTIONAL_TEXT_FIELDS = {(NoSwitchover, "mode"), (SwitchoverStarted, "mode")}


def fact_from_json(kind: EventKind, reader: JsonReader) -> Fact:
    """Read the fields of a fact of `kind` from the event object in `reader`."""
    cls = FACT_TYPES[kind]
    values: dict[str, Any] = {}
    for item in fields(cls):
        key = JSON_FIELD_NAMES.get(item.name, item.name)
        if (cls, item.name) in _OPTIONAL_TEXT_FIELDS:
            values[item.name] = reader.text(key, optional=True)
        else:
            values[item.name] = _FIELD_READERS[key](reader, key)
    return cls(**values)


def _read_event(value: object, position: int) -> TraceEvent:
    reader = JsonReader(value, f"event {position}")
    event_id = reader.required_instant("id")
    if event_id != position:
        raise TraceFormatError(f"event {position}: its id must be {position}, not {event_id}")
    kind = reader.word("kind", EventKind)
    cause = tuple(_event_ids(reader, "cause", event_id))
    return TraceEvent(
        id=event_id,
        at=reader.required_instant("at"),
        component=reader.required_text("component"),
        fact=fact_from_json(kind, reader),
        cause=cause,
    )


def _event_ids(reader: JsonReader, key: str, before: int) -> list[int]:
    """A list of event ids, each less than `before` (an event's causes come before it)."""
    ids = []
    for value in reader.items(key):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value < before:
            raise TraceFormatError(
                f'{reader.where}: "{key}" must list ids of events before it, not {_shown(value)}'
            )
        ids.append(value)
    return ids


def _read_violation(value: object, events: tuple[TraceEvent, ...]) -> Violation:
    reader = JsonReader(value, "the violation")
    kind = reader.word("kind", ViolationKind)
    window_value = reader.value.get("window")
    window = None
    if window_value is not None:
        window_reader = JsonReader(window_value, "the violation's window")
        window = Window(
            window_reader.required_instant("start"), window_reader.required_instant("end")
        )
    deadline = None
    run = None
    if kind == ViolationKind.DONE_BY:
        deadline = DeadlineMiss(
            job=reader.required_text("job"),
            deadline=reader.required_instant("deadline"),
            done_at=reader.instant("done_at", optional=True),
            stalls=tuple(_event_ids(reader, "stalls", len(events) + 1)),
        )
    elif kind == ViolationKind.LASTS:
        run = LongRun(reader.required_instant("run_start"), reader.required_instant("limit"))
    at = reader.required_instant("at")
    if events and at < events[-1].at:
        raise TraceFormatError(f"the violation at {at} comes before the last event")
    return Violation(
        at=at,
        kind=kind,
        assertion=reader.required_text("assertion"),
        cause=tuple(_event_ids(reader, "cause", len(events) + 1)),
        window=window,
        deadline=deadline,
        run=run,
    )


def read_fault(value: object, position: int) -> TraceFault:
    reader = JsonReader(value, f"fault {position}")
    number = reader.instant("number", optional=True)
    return TraceFault(
        number=0 if number is None else number,
        component=reader.required_text("component"),
        mode=reader.required_text("mode"),
        at=reader.required_instant("at"),
        repair=reader.instant("repair", optional=True),
    )


def read_components(document: JsonReader) -> tuple[TraceComponent, ...]:
    components = []
    for position, value in enumerate(document.items("components", optional=True), start=1):
        reader = JsonReader(value, f"component {position}")
        actions = tuple(
            JsonReader({"action": a}, f"component {position}").required_text("action")
            for a in reader.items("actions", optional=True)
        )
        components.append(
            TraceComponent(
                name=reader.required_text("name"),
                kind=reader.required_text("kind"),
                line=reader.instant("line", optional=True),
                actions=actions,
            )
        )
    return tuple(components)


def read_edges(document: JsonReader) -> tuple[tuple[str, str], ...]:
    edges = []
    for value in document.items("edges", optional=True):
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(name, str) for name in value)
        ):
            raise TraceFormatError(
                f"an edge must be a pair of component names, not {_shown(value)}"
            )
        edges.append((value[0], value[1]))
    return tuple(edges)


def trace_from_json(document: object) -> Trace:
    """Read a `failspec-trace/2` document; raise TraceFormatError if it is not a valid one.

    Events must come in time order with ids 1, 2, …; causes name earlier events.
    """
    reader = JsonReader(document, "the trace")
    if reader.value.get("format") != TRACE_FORMAT:
        raise TraceFormatError(f"not a {TRACE_FORMAT} document")
    events: list[TraceEvent] = []
    for position, value in enumerate(reader.items("events"), start=1):
        event = _read_event(value, position)
        if events and event.at < events[-1].at:
            raise TraceFormatError(f"event {position} comes before event {position - 1} in time")
        events.append(event)
    return Trace(
        model=reader.required_text("model"),
        title=reader.text("title", optional=True),
        check=reader.required_text("check"),
        verdict=reader.text("verdict", optional=True) or "violated",
        horizon=reader.instant("horizon", optional=True) or 0,
        faults=tuple(read_fault(f, i) for i, f in enumerate(reader.items("faults"), start=1)),
        events=tuple(events),
        violation=_read_violation(reader.value.get("violation"), tuple(events)),
        hypothesis=reader.text("hypothesis", optional=True),
        components=read_components(reader),
        edges=read_edges(reader),
    )


def read_trace(document: object) -> Trace:
    """Read a trace of either version (`failspec-trace/2`, or `failspec-trace/1`,
    upgraded by `trace_v1.py`); raise TraceFormatError on anything else."""
    from failspec.counterexamples.trace_v1 import TRACE_V1_FORMAT, trace_from_json_v1

    if isinstance(document, dict):
        version = document.get("format")
        if version == TRACE_V1_FORMAT:
            return trace_from_json_v1(document)
        if version != TRACE_FORMAT:
            shown = _shown(version) if version is not None else "none"
            raise TraceFormatError(
                f"its format is {shown}; failspec reads {TRACE_FORMAT} and {TRACE_V1_FORMAT}"
            )
    return trace_from_json(document)
