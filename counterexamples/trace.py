"""The counterexample trace: the injected faults, every state change with its cause,
and the violated assertion.  `trace_to_json` gives the `failspec-trace/1` document
with its keys in a fixed order, so the same trace always prints the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TRACE_FORMAT = "failspec-trace/1"


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
class TraceEvent:
    """A state change at instant `at` (integer seconds).

    `change` is what happened to `component` (`down`, `up`, `flap`, `flap repaired`,
    `switchover started`, `switched to nw_card_b`, `closed`, `full`, `started`, `done`,
    `withdrawal fails (comm)`, `retain`, …).  `cause` names the earlier (or
    simultaneous) events that produced it as `component.change` (a fault onset is
    `component.mode`); `detail` is an optional human explanation.
    """

    at: int
    component: str
    change: str
    cause: tuple[str, ...]
    detail: str | None = None

    @property
    def ref(self) -> str:
        """How other events name this one in their `cause`."""
        return f"{self.component}.{self.change}"


@dataclass(frozen=True, slots=True)
class TraceComponent:
    """A component of the model: its `name` and its `kind` (`device`, `failover`, …)."""

    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class Violation:
    at: int
    assertion: str


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


def trace_to_json(trace: Trace) -> dict[str, Any]:
    """Return the `failspec-trace/1` document (a dict with keys in a fixed order).

    The model's graph (`hypothesis`, `components`, `edges`) comes after `events`;
    a trace without them has `null`, `[]` and `[]` there.
    """
    events = []
    for event in trace.events:
        item: dict[str, Any] = {
            "at": event.at,
            "component": event.component,
            "change": event.change,
            "cause": list(event.cause),
        }
        if event.detail is not None:
            item["detail"] = event.detail
        events.append(item)
    return {
        "format": TRACE_FORMAT,
        "model": trace.model,
        "title": trace.title,
        "check": trace.check,
        "verdict": trace.verdict,
        "horizon": trace.horizon,
        "faults": [
            {
                "number": f.number,
                "component": f.component,
                "mode": f.mode,
                "at": f.at,
                "repair": f.repair,
            }
            for f in trace.faults
        ],
        "violation": {"at": trace.violation.at, "assertion": trace.violation.assertion},
        "events": events,
        "hypothesis": trace.hypothesis,
        "components": [{"name": c.name, "kind": c.kind} for c in trace.components],
        "edges": [[reader, read] for reader, read in trace.edges],
    }


def trace_from_json(document: dict[str, Any]) -> Trace:
    """Read a `failspec-trace/1` document back; raise ValueError if it is not one.

    `hypothesis`, `components` and `edges` are optional (older traces lack them).
    """
    if document.get("format") != TRACE_FORMAT:
        raise ValueError(f"not a {TRACE_FORMAT} document")
    return Trace(
        model=document["model"],
        title=document.get("title"),
        check=document["check"],
        verdict=document.get("verdict", "violated"),
        horizon=document.get("horizon", 0),
        faults=tuple(
            TraceFault(f.get("number", 0), f["component"], f["mode"], f["at"], f.get("repair"))
            for f in document["faults"]
        ),
        events=tuple(
            TraceEvent(e["at"], e["component"], e["change"], tuple(e["cause"]), e.get("detail"))
            for e in document["events"]
        ),
        violation=Violation(document["violation"]["at"], document["violation"]["assertion"]),
        hypothesis=document.get("hypothesis"),
        components=tuple(
            TraceComponent(c["name"], c["kind"]) for c in document.get("components") or ()
        ),
        edges=tuple((reader, read) for reader, read in document.get("edges") or ()),
    )
