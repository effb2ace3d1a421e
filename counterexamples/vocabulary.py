"""Every word failspec shows about a trace, made in one place from the trace's facts.

The text timeline (`text.py`), the viewer (`viewer.py`), JUnit and SARIF all
take their words from here: an event's change (`switchover started`,
`withdrawal fails (comm)`, `retain on withdrawal`), its detail (`mode crash,
detect any within 1m, due 23:30:01`), how another event names it in its causes
(`nw_card_a.down`), the violation line (`VIOLATED at 09:00:00: pre_open done by
09:00 — done at 09:10:00, 10 minutes late`), clock times and durations.
Nothing reads these words back: rewording one changes no computed fact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from failspec.counterexamples.statuses import ComponentState, Status
from failspec.counterexamples.trace import (
    Action,
    Attempted,
    Closed,
    DeadlineMiss,
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
    Repaired,
    Resumed,
    RidingOut,
    Stalled,
    Started,
    Switched,
    SwitchoverCancelled,
    SwitchoverStarted,
    SwitchoverStuck,
    TraceEvent,
    TraceFault,
    Violation,
    Window,
)

SECONDS_PER_DAY = 86_400


def format_instant(at: int) -> str:
    """Return instant `at` (integer seconds since 00:00 of day 1) as a clock time.

    `HH:MM:SS` on day 1 (0 ≤ at < 86400), `day N HH:MM:SS` on day N ≥ 2.
    """
    if at < 0:
        raise ValueError(f"instant {at} is before 00:00 of day 1")
    day, within = divmod(at, SECONDS_PER_DAY)
    hours, rest = divmod(within, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return clock if day == 0 else f"day {day + 1} {clock}"


_UNITS = (("d", "day", SECONDS_PER_DAY), ("h", "hour", 3600), ("m", "minute", 60))


def format_duration(seconds: int) -> str:
    """Return a duration in integer seconds the way the language writes it (`1h30m`, `45s`, `2d`)."""
    if seconds <= 0:
        return "0s"
    parts = []
    for unit, _, size in (*_UNITS, ("s", "second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def duration_words(seconds: int) -> str:
    """Return a duration in words: `1 second`, `10 minutes`, `1 hour 5 minutes`."""
    if seconds <= 0:
        return "0 seconds"
    parts = []
    for _, word, size in (*_UNITS, ("s", "second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {word}{'' if count == 1 else 's'}")
    return " ".join(parts)


FAILURE_CLASS_MEANINGS: dict[FailureClass, str] = {
    FailureClass.COMM: (
        "the transaction's access path (a `via` component of the channel) was down for "
        "longer than the channel's timeout, so retrying did not help"
    ),
    FailureClass.PARTITION: "the processing partition it is routed through was down or closed",
    FailureClass.SERVICE: "a component the transaction calls was down",
}

NO_SWITCHOVER_REASONS: dict[NoSwitchoverReason, str] = {
    NoSwitchoverReason.NO_DETECT_LINE: "no detect line for {mode}",
    NoSwitchoverReason.DETECT_NEVER: "detect {mode} never",
}
"""The words of each reason; `{mode}` is the episode's mode (`an outage through its
needs` when the primary is down through its needs)."""


def no_switchover_words(fact: NoSwitchover) -> str:
    """`no detect line for crash`, `no detect line for an outage through its needs`."""
    mode = fact.mode if fact.mode is not None else "an outage through its needs"
    return NO_SWITCHOVER_REASONS[fact.reason].format(mode=mode)


def change_words(fact: Fact) -> str:
    """What happened to the component, as the timeline's change column says it."""
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
        case NoSwitchover():
            return "no switchover"
        case SwitchoverStuck():
            return "switchover stuck"
        case Fails(transaction=transaction, failure_class=failure_class):
            return f"{transaction} fails ({failure_class.value})"
        case Recovers(transaction=transaction):
            return f"{transaction} recovers"
        case Action(transaction=transaction, action=action):
            return f"{action} on {transaction}"
        case RidingOut():
            return "riding out"
        case Attempted(transaction=transaction):
            return f"{transaction} attempted"
        case NotAttempted(transaction=transaction):
            return f"{transaction} not attempted"
    # down, up, closed, reopened, full, started, stalled, resumed, done, recovering
    return fact.kind.value


def _progress(progress: int | None, takes: int | None) -> str | None:
    if progress is None or takes is None:
        return None
    return f"at {format_duration(progress)} of {format_duration(takes)}"


def _switchover_detail(fact: SwitchoverStarted) -> str:
    parts = ["through its needs" if fact.mode is None else f"mode {fact.mode}"]
    if fact.detect is not None and fact.within is not None:
        parts.append(f"detect {fact.detect} within {format_duration(fact.within)}")
    if fact.due is not None:
        parts.append(f"due {format_instant(fact.due)}")
    return ", ".join(parts)


def _fault_detail(fact: Fault) -> str | None:
    if fact.latent:
        return "latent: counts only at a switchover"
    return None if fact.repair is None else f"repaired after {format_duration(fact.repair)}"


def _cancelled_detail(fact: SwitchoverCancelled) -> str | None:
    return None if fact.due is None else f"the primary came back before {format_instant(fact.due)}"


def _stuck_detail(fact: SwitchoverStuck) -> str:
    if fact.manual_until is None:
        return "no manual recovery: it stays with its primary"
    return f"manual recovery until {format_instant(fact.manual_until)}"


def _closed_detail(fact: Closed) -> str | None:
    return None if fact.errors is None else f"after {fact.errors} errors"


def _full_detail(fact: Full) -> str | None:
    if fact.capacity is None:
        return None
    written = "records" if fact.records is None else f"{fact.records} records"
    return f"{written} > capacity {fact.capacity}"


def _started_detail(fact: Started) -> str | None:
    return None if fact.takes is None else f"takes {format_duration(fact.takes)}"


def _stall_detail(fact: Stalled | Resumed) -> str | None:
    return _progress(fact.progress, fact.takes)


def _riding_out_detail(fact: RidingOut) -> str:
    ride = f"rides out {format_duration(fact.rides_out)}"
    return ride if fact.back is None else f"{ride}: needs back at {format_instant(fact.back)}"


def _recovering_detail(fact: Recovering) -> str:
    more = format_duration(fact.recovers_in)
    return f"down {more} more: recovers in {more}, until {format_instant(fact.until)}"


def _recovers_detail(fact: Recovers) -> str | None:
    if fact.path_back is None:
        return None
    return f"its access path is back at {format_instant(fact.path_back)}, within the timeout"


def _hours_detail(fact: Attempted | NotAttempted) -> str:
    where = "within" if isinstance(fact, Attempted) else "outside"
    return f"{where} its hours: open {fact.hours}"


_DETAILS: dict[type, Callable[[Any], str | None]] = {
    RidingOut: _riding_out_detail,
    Recovering: _recovering_detail,
    Recovers: _recovers_detail,
    Attempted: _hours_detail,
    NotAttempted: _hours_detail,
    Fault: _fault_detail,
    SwitchoverStarted: _switchover_detail,
    SwitchoverCancelled: _cancelled_detail,
    NoSwitchover: no_switchover_words,
    SwitchoverStuck: _stuck_detail,
    Closed: _closed_detail,
    Full: _full_detail,
    Started: _started_detail,
    Stalled: _stall_detail,
    Resumed: _stall_detail,
}


def detail_words(fact: Fact) -> str | None:
    """What else the fact says, in words, or None (shown in parentheses)."""
    words = _DETAILS.get(type(fact))
    return None if words is None else words(fact)


def event_label(event: TraceEvent) -> str:
    """How a cause names the event: `nw_card_a.down`, `atm.withdrawal fails (comm)`;
    a fault's onset is `component.mode`."""
    return f"{event.component}.{change_words(event.fact)}"


def is_fault_onset(event: TraceEvent) -> bool:
    """Is the event the onset of an injected fault?"""
    return isinstance(event.fact, Fault)


def cause_words(events: Sequence[TraceEvent], cause: tuple[int, ...]) -> str:
    """`← a.down, b.down` for the events numbered `cause` (1-based positions in
    `events`, a trace's or a simulated timeline's), or '' for none.  Two causes
    with the same label (a transaction's failures at two instants) are named once:
    their ids are in the JSON."""
    if not cause:
        return ""
    labels = dict.fromkeys(event_label(events[c - 1]) for c in cause)
    return "← " + ", ".join(labels)


def explain_event(events: Sequence[TraceEvent], event: TraceEvent) -> str:
    """The timeline's last column: the cause (`← a.down, b.down`, or `fault injected`
    for a fault's onset), then the detail in parentheses."""
    cause = cause_words(events, event.cause)
    if not cause and is_fault_onset(event):
        cause = "fault injected"
    detail = detail_words(event.fact)
    if detail:
        return f"{cause}  ({detail})" if cause else f"({detail})"
    return cause


def fault_words(fault: TraceFault) -> str:
    """`nw_card_a.flap at 00:00:00`, `, repaired after 7h` when it is."""
    line = f"{fault.label} at {format_instant(fault.at)}"
    if fault.repair is not None:
        line += f", repaired after {format_duration(fault.repair)}"
    return line


def deadline_words(miss: DeadlineMiss) -> str:
    """`done at 09:10:00, 10 minutes late`, or `not done by the time bound`."""
    if miss.done_at is None:
        return "not done by the time bound"
    late = miss.done_at - miss.deadline
    return f"done at {format_instant(miss.done_at)}, {duration_words(late)} late"


def run_words(run: LongRun) -> str:
    """`true without a break since 00:00:05`."""
    return f"true without a break since {format_instant(run.start)}"


def window_words(window: Window) -> str:
    return f"in the window {format_instant(window.start)}..{format_instant(window.end)}"


def violation_facts(violation: Violation) -> str:
    """What the violation's fields add to its assertion, or '' (`done at …, 1 second late`)."""
    parts = []
    if violation.deadline is not None:
        parts.append(deadline_words(violation.deadline))
    if violation.run is not None:
        parts.append(run_words(violation.run))
    if violation.window is not None:
        parts.append(window_words(violation.window))
    return "; ".join(parts)


def violation_summary(violation: Violation) -> str:
    """`pre_open done by 09:00 — done at 09:10:00, 10 minutes late`: the assertion and
    what the violation's fields add."""
    facts = violation_facts(violation)
    return f"{violation.assertion} — {facts}" if facts else violation.assertion


def violation_words(violation: Violation) -> str:
    """`VIOLATED at 09:00:00: pre_open done by 09:00 — done at 09:10:00, 10 minutes late`."""
    return f"VIOLATED at {format_instant(violation.at)}: {violation_summary(violation)}"


__all__ = [
    "FAILURE_CLASS_MEANINGS",
    "NO_SWITCHOVER_REASONS",
    "cause_words",
    "change_words",
    "deadline_words",
    "detail_words",
    "duration_words",
    "event_label",
    "explain_event",
    "fault_words",
    "format_duration",
    "format_instant",
    "is_fault_onset",
    "no_switchover_words",
    "violation_facts",
    "violation_summary",
    "violation_words",
]


# --- component states (the viewer) ----------------------------------------------------

STATUS_LABELS: dict[Status, str] = {
    Status.ACTING: "taking an action",
    Status.CLOSED: "closed",
    Status.FULL: "full",
    Status.SWITCHOVER: "in switchover",
    Status.STALLED: "stalled",
    Status.DOWN: "down",
    Status.DEGRADED: "degraded",
    Status.WAITING: "not started",
    Status.RUNNING: "running",
    Status.DONE: "done",
    Status.UP: "up",
}

STATUS_MEANINGS: dict[Status, str] = {
    Status.ACTING: "a channel taking one of its actions",
    Status.CLOSED: "a partition closed after too many errors",
    Status.FULL: "a store whose records exceed its capacity",
    Status.SWITCHOVER: "a failover pair in its switchover window",
    Status.STALLED: "a job that has started and makes no progress",
    Status.DOWN: "down for any other reason",
    Status.DEGRADED: "a channel some of whose transactions fail",
    Status.WAITING: "a job that has not started",
    Status.RUNNING: "a job making progress",
    Status.DONE: "a job that is done",
    Status.UP: "none of these",
}


def state_label(state: ComponentState) -> str:
    """The first word of a box: the status, or for a channel taking actions, the
    actions themselves in the model's words (`retain, return`)."""
    if state.status == Status.ACTING:
        return ", ".join(sorted({action for _, action in state.actions}))
    return STATUS_LABELS[state.status]


def _failing_words(failing: tuple[tuple[str, FailureClass], ...]) -> str:
    counts: dict[FailureClass, int] = {}
    for _, failure_class in failing:
        counts[failure_class] = counts.get(failure_class, 0) + 1
    return ", ".join(
        f"{n} {'transaction fails' if n == 1 else 'transactions fail'} ({c.value})"
        for c, n in counts.items()
    )


def _switchover_note(state: ComponentState) -> list[str]:
    notes = []
    if state.switching_to is not None:
        due = "" if state.switch_due is None else f" at {format_instant(state.switch_due)}"
        notes.append(f"to {state.switching_to}{due}")
    if state.stuck:
        until = state.stuck_until
        notes.append(
            "switchover stuck"
            + ("" if until is None else f", manual recovery until {format_instant(until)}")
        )
    if state.serving is not None:
        notes.append(f"on {state.serving}")
    return notes


def _job_note(state: ComponentState) -> list[str]:
    notes = []
    if state.since is not None:
        notes.append(f"since {format_instant(state.since)}")
    if state.progress is not None and state.takes is not None and state.status != Status.DONE:
        notes.append(f"{format_duration(state.progress)} of {format_duration(state.takes)}")
    return notes


def state_note(state: ComponentState) -> str:
    """Why, or what else is going on: `fault flap; to nw_card_b at 00:03:00`, or ''."""
    notes = []
    if state.faults:
        notes.append("fault " + ", ".join(state.faults))
    notes += _switchover_note(state)
    if state.actions:
        by_action: dict[str, list[str]] = {}
        for transaction, action in state.actions:
            by_action.setdefault(action, []).append(transaction)
        notes += [f"{action} on {', '.join(txns)}" for action, txns in sorted(by_action.items())]
    failing = tuple(f for f in state.failing if f[0] not in dict(state.actions))
    if failing:
        notes.append(_failing_words(failing))
    notes += _job_note(state)
    return "; ".join(notes)
