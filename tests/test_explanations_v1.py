"""The trace explains every v1 form (in the trace format of today, `failspec-trace/1`):
a stall ridden out or not, the time a component recovers in, a switchover configured
off, a transaction not attempted outside its hours — with no event for an opening or
a closing that changes nothing.  Each fact comes from the simulator's run as data
(`Episode.no_switchover`, `Run.needs_raw`, `Run.hours`), not from prose."""

from __future__ import annotations

import failspec
from failspec.checker import ir
from failspec.checker.causes import build_timeline
from failspec.checker.signals import Ctx
from failspec.checker.simulate import simulate
from failspec.counterexamples.trace import TraceEvent

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


def events(text: str, scenario: dict[str, int], until: int) -> list[TraceEvent]:
    model = failspec.loads(text, "t.fspec")
    numbers = {f.label: f.number for f in model.faults}
    return list(build_timeline(model, {numbers[k]: v for k, v in scenario.items()}, until))


def lines(
    found: list[TraceEvent], component: str
) -> list[tuple[int, str, tuple[str, ...], str | None]]:
    return [(e.at, e.change, e.cause, e.detail) for e in found if e.component == component]


def test_a_stall_not_ridden_out_and_the_time_it_recovers_in() -> None:
    # a crash at 14:59 is switched over at 14:59:30; auth rides out 20 s of it, not 30
    found = events(EXCHANGE, {"disk_a.crash": 53_940}, 60_000)
    assert lines(found, "auth") == [
        (53_940, "riding out", ("shared_disk.down",), "rides out 20s"),
        (53_960, "down", ("shared_disk.down", "auth.riding out"), None),
        (53_970, "recovering", ("shared_disk.up",), "down 5m more: recovers in 5m"),
        (54_270, "up", ("auth.recovering",), None),
    ]


def test_a_stall_ridden_out() -> None:
    text = EXCHANGE.replace("detect crash within 30s", "detect crash within 15s")
    found = events(text, {"disk_a.crash": 100}, 1000)
    assert lines(found, "auth") == [
        (100, "riding out", ("shared_disk.down",), "rides out 20s: needs back after 15s"),
    ]


def test_no_switchover_says_why() -> None:
    found = events(EXCHANGE, {"disk_a.memory": 100}, 1000)
    assert (100, "no switchover", ("disk_a.down",), "no switchover: detect memory never") in lines(
        found, "shared_disk"
    )
    # a mode without a detect line (v0) is said too
    text = EXCHANGE.replace("  detect memory never\n", "")
    found = events(text, {"disk_a.memory": 100}, 1000)
    assert (
        100,
        "no switchover",
        ("disk_a.down",),
        "no switchover: no detect line for memory",
    ) in lines(found, "shared_disk")
    # the recorded reason is data
    model = failspec.loads(EXCHANGE, "t.fspec")
    run = simulate(model, {1: 100}, Ctx())
    (episode,) = run.episodes[2]
    assert episode.no_switchover is ir.NoSwitchover.DETECT_NEVER


def test_a_transaction_outside_its_hours_is_not_attempted_without_noise() -> None:
    # auth is down for good from 07:04:20 (no switchover): new_order fails from each
    # opening to each closing, and nothing else happens at openings and closings
    found = events(EXCHANGE, {"disk_a.memory": 25_440}, 2 * 86_400)
    assert lines(found, "brokers") == [
        (
            28_800,
            "new_order fails (service)",
            ("auth.down",),
            "attempted from 08:00: open 08:00..15:00 daily",
        ),
        (28_800, "reject", ("brokers.new_order fails (service)",), None),
        (28_800, "down", ("brokers.new_order fails (service)",), None),
        (54_000, "new_order not attempted", (), "outside its hours: open 08:00..15:00 daily"),
        (54_000, "reject stops", ("brokers.new_order not attempted",), None),
        (54_000, "up", ("brokers.new_order not attempted",), None),
        (
            115_200,
            "new_order fails (service)",
            ("auth.down",),
            "attempted from day 2 08:00: open 08:00..15:00 daily",
        ),
        (115_200, "reject", ("brokers.new_order fails (service)",), None),
        (115_200, "down", ("brokers.new_order fails (service)",), None),
        (140_400, "new_order not attempted", (), "outside its hours: open 08:00..15:00 daily"),
        (140_400, "reject stops", ("brokers.new_order not attempted",), None),
        (140_400, "up", ("brokers.new_order not attempted",), None),
    ]
    # with nothing failing, the hours alone make no event at all
    assert lines(events(EXCHANGE, {}, 2 * 86_400), "brokers") == []


def test_the_violation_names_the_window_it_was_judged_on() -> None:
    model = failspec.load("models/examples/exchange.fspec")
    [result, _] = failspec.check(model)
    assert result.counterexample is not None
    assert result.counterexample.violation.assertion == (
        "brokers.down lasts at most 5m during 09:00..11:30, 12:30..15:00"
    )
