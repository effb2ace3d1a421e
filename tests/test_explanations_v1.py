"""The trace explains every v1 form, as `failspec-trace/2` facts: a stall ridden out
or not (`riding_out`), the time a component recovers in (`recovering`), a
switchover configured off (`no_switchover` with reason `detect never`), a
transaction not attempted outside its hours (`not_attempted`, and `attempted` where
a failure begins at an opening) — with no event for an opening or a closing that
changes nothing — and the window a violation was judged in (`violation.window`).
Each fact comes from the simulator's run as data (`Episode.no_switchover`,
`Run.needs_raw`, `Run.hours`), not from prose."""

from __future__ import annotations

import json
from pathlib import Path

import failspec
from failspec.checker import ir
from failspec.checker.causes import build_timeline
from failspec.checker.signals import Ctx
from failspec.checker.simulate import simulate
from failspec.counterexamples.report import dump_trace
from failspec.counterexamples.trace import (
    Action,
    Attempted,
    Down,
    Fact,
    Fails,
    FailureClass,
    NoSwitchover,
    NoSwitchoverReason,
    NotAttempted,
    Recovering,
    RidingOut,
    TraceEvent,
    Up,
    Window,
    trace_from_json,
)
from failspec.counterexamples.vocabulary import detail_words

ROOT = Path(__file__).resolve().parent.parent

EXCHANGE = """
horizon day 3 00:00
device disk_a {
  fault memory
  fault crash
}
device disk_b {
}
failover shared_disk {
  primary disk_a
  secondary disk_b
  detect crash within 30s
  detect memory never
}
service auth {
  needs shared_disk
  rides out 20s
  recovers in 5m
}
channel brokers {
  open 08:00..15:00 daily
  transaction new_order {
    calls auth
  }
  on service -> reject
}
"""


def events(text: str, scenario: dict[str, int], until: int) -> tuple[TraceEvent, ...]:
    model = failspec.loads(text, "t.fspec")
    numbers = {f.label: f.number for f in model.faults}
    return build_timeline(model, {numbers[k]: v for k, v in scenario.items()}, until)


def of(found: tuple[TraceEvent, ...], component: str) -> list[tuple[int, Fact, list[str]]]:
    """(instant, fact, causes as `component.kind`) of the component's events."""
    by_id = {e.id: e for e in found}
    return [
        (e.at, e.fact, [f"{by_id[c].component}.{by_id[c].kind.value}" for c in e.cause])
        for e in found
        if e.component == component
    ]


def test_a_stall_not_ridden_out_and_the_time_it_recovers_in() -> None:
    # a crash at 14:59 is switched over at 14:59:30; auth rides out 20 s of it, not 30
    found = events(EXCHANGE, {"disk_a.crash": 53_940}, 60_000)
    assert of(found, "auth") == [
        (53_940, RidingOut(20, None), ["shared_disk.down"]),
        (53_960, Down(), ["shared_disk.down", "auth.riding_out"]),
        (53_970, Recovering(300, 54_270), ["shared_disk.up"]),
        (54_270, Up(), ["auth.recovering"]),
    ]
    assert detail_words(Recovering(300, 54_270)) == ("down 5m more: recovers in 5m, until 15:04:30")


def test_a_stall_ridden_out() -> None:
    text = EXCHANGE.replace("detect crash within 30s", "detect crash within 15s")
    found = events(text, {"disk_a.crash": 100}, 1000)
    assert of(found, "auth") == [(100, RidingOut(20, 115), ["shared_disk.down"])]
    assert detail_words(RidingOut(20, 115)) == "rides out 20s: needs back at 00:01:55"


def test_no_switchover_says_why() -> None:
    found = events(EXCHANGE, {"disk_a.memory": 100}, 1000)
    never = NoSwitchover("memory", NoSwitchoverReason.DETECT_NEVER)
    assert (100, never, ["disk_a.down"]) in of(found, "shared_disk")
    assert detail_words(never) == "detect memory never"
    # a mode without a detect line
    text = EXCHANGE.replace("  detect memory never\n", "")
    found = events(text, {"disk_a.memory": 100}, 1000)
    missing = NoSwitchover("memory", NoSwitchoverReason.NO_DETECT_LINE)
    assert (100, missing, ["disk_a.down"]) in of(found, "shared_disk")
    # the reason is data in the simulator's run
    model = failspec.loads(EXCHANGE, "t.fspec")
    run = simulate(model, {1: 100}, Ctx())
    (episode,) = run.episodes[2]
    assert episode.no_switchover is ir.NoSwitchover.DETECT_NEVER


def test_a_transaction_outside_its_hours_is_not_attempted_without_noise() -> None:
    # auth is down for good from 07:04:20 (no switchover): new_order fails from each
    # opening to each closing, and nothing else happens at openings and closings
    found = events(EXCHANGE, {"disk_a.memory": 25_440}, 2 * 86_400)
    hours = "08:00..15:00 daily"
    day: list[tuple[int, Fact, list[str]]] = []
    for opening in (28_800, 115_200):
        closing = opening + 7 * 3600
        day += [
            (opening, Attempted("new_order", hours), []),
            (
                opening,
                Fails("new_order", FailureClass.SERVICE),
                ["brokers.attempted", "auth.down"],
            ),
            (opening, Action("new_order", "reject"), ["brokers.fails"]),
            (opening, Down(), ["brokers.fails"]),
            (closing, NotAttempted("new_order", hours), []),
            (closing, Up(), ["brokers.not_attempted"]),
        ]
    assert of(found, "brokers") == day
    # with nothing failing, the hours alone make no event at all
    assert of(events(EXCHANGE, {}, 2 * 86_400), "brokers") == []


def test_the_violation_names_the_window_it_was_judged_in() -> None:
    model = failspec.load(ROOT / "models" / "examples" / "exchange.fspec")
    [sessions, opening] = failspec.check(model)
    assert sessions.counterexample is not None and opening.counterexample is not None
    assert sessions.counterexample.violation.window == Window(9 * 3600, 11 * 3600 + 1800)
    assert opening.counterexample.violation.window == Window(9 * 3600, 9 * 3600 + 1)
    # and it survives the JSON document
    document = json.loads(dump_trace(sessions.counterexample))
    assert document["violation"]["window"] == {"start": 32_400, "end": 41_400}
    assert trace_from_json(document) == sessions.counterexample
