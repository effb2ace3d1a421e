"""Every counterexample names every cause: on generated models (the differential
tests' `models()`, `recovery_models()`, whose checks are violated late, after
things come back, and `operations_models()`, whose counterexamples run through the
v1 forms), for every counterexample of both engines, the causal chain
from each injected fault reaches the violation, and every event's causes are
earlier events.  The runs together must meet every violation kind (with faults)
and every event kind on a chain, so that the property is shown for each of them.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from model_strategies import models, operations_models, recovery_models

import failspec
from failspec.checker.causes import build_timeline, build_trace
from failspec.checker.explicit import ExplicitEngine
from failspec.checker.smt import SmtEngine
from failspec.counterexamples.causal_chain import causal_chain
from failspec.counterexamples.text import render_trace_text, timeline_lines
from failspec.counterexamples.trace import (
    EventKind,
    Fault,
    Recovers,
    Stalled,
    Trace,
    TraceEvent,
    ViolationKind,
    trace_from_json,
    trace_to_json,
)

EXAMPLES = 300
RECOVERY_EXAMPLES = 40
OPERATIONS_EXAMPLES = 30


def assert_well_formed(trace: Trace) -> None:
    """Ids 1, 2, … in time order; causes are events listed before (at or before the
    instant); the violation's causes and stalls are events of the trace."""
    for position, event in enumerate(trace.events, start=1):
        assert event.id == position
        for cause in event.cause:
            assert 1 <= cause < event.id
            assert trace.event(cause).at <= event.at
    for cause in trace.violation.cause:
        assert 1 <= cause <= len(trace.events)
    miss = trace.violation.deadline
    if trace.violation.kind == ViolationKind.DONE_BY:
        assert miss is not None
        assert all(isinstance(trace.event(s).fact, Stalled) for s in miss.stalls)
        assert miss.done_at is None or miss.done_at > miss.deadline
    if trace.violation.kind == ViolationKind.LASTS:
        assert trace.violation.run is not None
        assert trace.violation.run.start + trace.violation.run.limit == trace.violation.at
    assert trace_from_json(trace_to_json(trace)) == trace


def fault_events(trace: Trace) -> list[int]:
    """The id of each injected fault's onset event (every fault has one)."""
    ids = []
    for fault in trace.faults:
        (event_id,) = [
            e.id
            for e in trace.events
            if isinstance(e.fact, Fault)
            and (e.component, e.fact.mode, e.at) == (fault.component, fault.mode, fault.at)
        ]
        ids.append(event_id)
    return ids


def check_every_counterexample(text: str, seen: Counter[str]) -> None:
    model = failspec.loads(text, "generated.fspec")
    for check in model.checks:
        for engine in (ExplicitEngine(), SmtEngine()):
            outcome = engine.decide(model, check, None)
            if outcome.scenario is None:
                continue
            trace = build_trace(model, check, outcome.scenario)
            assert_well_formed(trace)
            chain = set(causal_chain(trace))
            # A scenario check (language v1) keeps its scenario's faults even where
            # fewer would violate, and after the violation: the property is the
            # canonical counterexamples' (fewest faults first).
            if check.scenario is None:
                for fault, event_id in zip(trace.faults, fault_events(trace), strict=True):
                    assert event_id in chain, (fault.label, check.name, text)
            kind = trace.violation.kind.value
            seen["violation " + kind + (" with faults" if trace.faults else "")] += 1
            for event in trace.events:
                seen["event " + event.kind.value] += 1
                # What ends a failure comes first, even where it lies ahead: a
                # `comm` failure ends a timeout before its path is back.
                if event.kind == EventKind.RECOVERS:
                    assert event.cause, (event, check.name, text)
                if event.id in chain:
                    seen["chain " + event.kind.value] += 1


def test_the_chain_from_every_fault_reaches_the_violation() -> None:
    seen: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(models())
    def every_generated_model(text: str) -> None:
        check_every_counterexample(text, seen)

    @settings(
        max_examples=RECOVERY_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(recovery_models())
    def every_recovery_model(text: str) -> None:
        check_every_counterexample(text, seen)

    @settings(
        max_examples=OPERATIONS_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(operations_models())
    def every_operations_model(text: str) -> None:
        check_every_counterexample(text, seen)

    every_generated_model()
    every_recovery_model()
    every_operations_model()
    # Every kind met: the property above is shown for each of them.
    for kind in ViolationKind:
        assert seen[f"violation {kind.value} with faults"], (kind, seen)
    for event_kind in EventKind:
        assert seen[f"event {event_kind.value}"], (event_kind, seen)
        assert seen[f"chain {event_kind.value}"], (event_kind, seen)


MORNING = """model morning "a morning start-up on a shared disk"
horizon 10:00

device nas1 {
  fault memory at 08:00 REPAIR
  fault crash
}
device nas2 {
  fault crash
}
failover shared_disk_auto {
  primary nas1
  secondary nas2
  detect crash within 30s      # the switchover is configured off for memory faults
}
job morning_startup {
  at 08:00
  takes 30m
  needs shared_disk_auto
}
job pre_open {
  after morning_startup
  takes 20m
}
check "pre_open done by 09:00" {
  faults at most 1 of nas1.memory
  pre_open done by 09:00
}
"""


@pytest.mark.parametrize(
    ("repair", "late"),
    [
        ("repair 20m", "done at 09:10:00, 10 minutes late"),
        ("", "not done by the time bound"),
    ],
)
def test_a_late_job_names_the_fault_the_missing_switchover_and_the_stall(
    repair: str, late: str
) -> None:
    """The issue's model: the explanation goes from the fault through the outage (and
    why no switchover happened) to the start-up's stall, and says how late it is."""
    model = failspec.loads(MORNING.replace("REPAIR", repair))
    (result,) = failspec.check(model)
    trace = result.counterexample
    assert trace is not None
    text = render_trace_text(trace)
    assert f"VIOLATED at 09:00:00: pre_open done by 09:00 — {late}\n" in text
    assert "shared_disk_auto  no switchover" in text
    assert "(no detect line for memory)" in text
    chain = [trace.event(n) for n in causal_chain(trace)]
    steps = [(e.component, e.kind.value) for e in chain]
    for step in [
        ("nas1", "fault"),
        ("nas1", "down"),
        ("shared_disk_auto", "no_switchover"),
        ("shared_disk_auto", "down"),
        ("morning_startup", "stalled"),
    ]:
        assert step in steps, (step, steps)
    miss = trace.violation.deadline
    assert miss is not None and [trace.event(s).component for s in miss.stalls] == [
        "morning_startup"
    ]


COMM = """model comm "a channel's retries outlast an outage of its path"
horizon 1h

device card_a {
  fault flap repair 5m
  fault crash
}
device card_b {
  fault crash
}
failover pair {
  primary card_a
  secondary card_b
  detect crash within 10s
  fault stuck
  manual 20m
}
service host {
}
channel atm {
  via card_a
  timeout 30s
  transaction withdrawal {
    calls host
  }
  on comm -> retain
}
channel atm2 {
  via pair
  timeout 30s
  transaction withdrawal {
    calls host
  }
  on comm -> retain
}
scenario "a stuck switchover" {
  pair.stuck at 00:00
  card_a.crash at 00:10
}
check "the ATM is not back before its pair" {
  scenario "a stuck switchover"
  never atm2.up and pair.down
}
"""


def _recoveries(events: tuple[TraceEvent, ...], channel: str) -> list[TraceEvent]:
    return [e for e in events if e.component == channel and isinstance(e.fact, Recovers)]


def test_a_comm_recovery_names_what_announced_its_path_back() -> None:
    """A `comm` failure ends the timeout before its path is back (00:15:00 − 30 s):
    its cause is the fault that carries the repair, and `path_back` says when."""
    model = failspec.loads(COMM)
    flap = failspec.api.fault_numbers(model, [("card_a", "flap")])
    assert flap is not None
    events = build_timeline(model, {flap[0]: 600}, model.horizon)
    (recovery,) = _recoveries(events, "atm")
    assert (recovery.at, recovery.fact) == (14 * 60 + 30, Recovers("withdrawal", 900))
    assert [(events[c - 1].component, events[c - 1].kind) for c in recovery.cause] == [
        ("card_a", EventKind.FAULT)
    ]
    assert all(c < recovery.id for c in recovery.cause)
    # The second before it the transaction still fails: nothing else ends it.
    assert not [e for e in events if e.component == "atm" and 600 < e.at < recovery.at]
    line = next(x for x in timeline_lines(events) if "withdrawal recovers" in x)
    assert "← card_a.flap  (its access path is back at 00:15:00, within the timeout)" in line


def test_a_trace_cut_at_the_violation_still_names_the_cause_ahead() -> None:
    """The violation (00:29:40, the ATM back while its pair is down) comes before the
    path is back (00:30:10): the trace ends at the violation, and the recovery names
    the stuck switchover whose manual recovery brings the path back."""
    model = failspec.loads(COMM)
    (result,) = failspec.check(model)
    trace = result.counterexample
    assert trace is not None
    assert trace.violation.at == 29 * 60 + 40
    assert max(e.at for e in trace.events) == trace.violation.at
    (recovery,) = _recoveries(trace.events, "atm2")
    assert recovery.at == trace.violation.at
    assert recovery.fact == Recovers("withdrawal", 30 * 60 + 10)
    causes = [trace.event(c) for c in recovery.cause]
    assert [(e.component, e.kind) for e in causes] == [("pair", EventKind.SWITCHOVER_STUCK)]
    assert_well_formed(trace)
    document = trace_to_json(trace)
    (event,) = [e for e in document["events"] if e["id"] == recovery.id]
    assert event["path_back"] == 30 * 60 + 10
    del event["path_back"]  # a trace written before the field: read as None
    (read,) = _recoveries(trace_from_json(document).events, "atm2")
    assert read.fact == Recovers("withdrawal", None)
