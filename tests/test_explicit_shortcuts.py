"""The explicit engine's shortcuts in a search over fault sets are exact.

The conjunction screen (`checker/conjuncts.py`) answers "no" for a fault set
only when no onsets of it violate; the early rounds (`explicit._rounds`) and
the bound from the best violation so far ask the simulator for runs exact only
up to an instant (`simulate(..., exact_to=…)`); a run with faults takes the
signals of what does not depend on them from the fault-free run
(`simulate.Reuse`).  Generated models with a conjunction over two sides,
sharing faults or not, are decided as brute force and the search without the
shortcuts decide them; the boundaries — sides whose instants touch but do not
overlap, a violation at the last instant they overlap, a violation at a
round's last instant and just after it — are checked on models written out."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from model_strategies import conjunction_models, models

import failspec
from failspec.checker import explicit, ir
from failspec.checker import simulate as simulate_module
from failspec.checker.cone import check_parts, dependency_cone, downstream_of
from failspec.checker.conjuncts import screen_of
from failspec.checker.engine import Limits, Reason, Verdict
from failspec.checker.explicit import (
    Baseline,
    Scope,
    canonical_for_fault_set,
    check_brute_force,
    check_explicit,
)
from failspec.checker.signals import Time
from failspec.checker.simulate import Reuse, Run, simulate, violation_of


def plain(model: ir.Model, check: ir.Check, monkeypatch: pytest.MonkeyPatch) -> object:
    """The explicit engine's answer without any of the shortcuts."""
    with monkeypatch.context() as patched:
        patched.setattr(explicit, "SCREEN_FROM", 10**6)
        patched.setattr(explicit, "DEEPEN_FROM", 10**6)
        patched.setattr(explicit, "_until", lambda best, numbers: None)
        patched.setattr(explicit.Baseline, "of", lambda model, only: None)
        return check_explicit(model, check)


@pytest.mark.parametrize("deepening", [explicit.DEEPENING, (4, 2)], ids=["default", "4-2"])
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=conjunction_models())
def test_conjunctions_are_decided_as_brute_force_decides_them(
    text: str, deepening: tuple[int, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    model = failspec.loads(text, "generated.fspec")
    (check,) = model.checks
    with monkeypatch.context() as patched:
        patched.setattr(explicit, "DEEPENING", deepening)
        fast = check_explicit(model, check)
    assert fast == check_brute_force(model, check), text
    assert fast == plain(model, check, monkeypatch), text
    if fast.scenario is not None:
        replay = violation_of(model, check, fast.scenario)
        assert replay is not None and replay[0] == fast.violation_at, text


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=conjunction_models())
def test_the_screen_rules_out_only_sets_that_violate_at_no_onsets(text: str) -> None:
    model = failspec.loads(text, "generated.fspec")
    (check,) = model.checks
    (part,) = check_parts(model, check)
    scope = Scope.of(model, part, True)
    screen = screen_of(model, part, scope.faults, Limits())
    assert screen is not None
    for size in (1, 2):
        for numbers in itertools.combinations(scope.faults, size):
            if screen.rules_out(numbers):
                assert canonical_for_fault_set(model, part, numbers) is None, (numbers, text)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=models())
def test_a_run_exact_to_an_instant_agrees_with_the_whole_run_up_to_it(text: str) -> None:
    """Every signal of a run that need only be exact up to u equals the whole run's at
    every instant up to u (checked at u = 0, 1, … horizon, every fault at its
    earliest onset)."""
    model = failspec.loads(text, "generated.fspec")
    scenario: dict[int, Time] = {
        fault.number: fault.earliest for fault in model.faults if fault.earliest <= fault.latest
    }
    whole = simulate(model, dict(scenario))
    for until in range(model.horizon + 1):
        short = simulate(model, dict(scenario), exact_to=until)
        for table in ("down", "closed", "full"):
            mine, theirs = getattr(short, table), getattr(whole, table)
            for index, signal in theirs.items():
                assert clip(mine[index], until) == clip(signal, until), (table, until, text)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=models())
def test_a_run_that_reuses_the_fault_free_run_has_every_signal_of_a_whole_run(
    text: str,
) -> None:
    """Each fault alone and each pair, at its earliest onset: the components that do
    not depend on a faulty one keep the fault-free run's signals, and every table
    of the run is as if all were computed."""
    model = failspec.loads(text, "generated.fspec")
    for check in model.checks:
        only = frozenset(dependency_cone(model, check))
        baseline = Baseline.of(model, only)
        if baseline is None:
            continue
        allowed = [n for n in check.faults if model.fault(n).earliest <= model.fault(n).latest]
        for size in (1, 2):
            for numbers in itertools.combinations(allowed, size):
                scenario: dict[int, Time] = {n: model.fault(n).earliest for n in numbers}
                faulty = {model.fault(n).component for n in numbers}
                reuse = Reuse(baseline.run, downstream_of(baseline.readers, faulty))
                whole = simulate(model, dict(scenario), only=only)
                reused = simulate(model, dict(scenario), only=only, reuse=reuse)
                for table in TABLES:
                    assert getattr(reused, table) == getattr(whole, table), (table, text)


TABLES = (
    "fault_active",
    "episodes",
    "own_down",
    "needs_raw",
    "needs_down",
    "down",
    "pair_down",
    "closed",
    "full",
    "job_start",
    "job_done",
    "job_working",
    "txn_class",
    "txn_fails",
    "all_fail",
)
"""Every table of `simulate.Run` but its hours (a cache of fixed windows, which the
reused run has for every channel)."""


def test_every_table_of_a_run_is_compared_and_taken_over() -> None:
    """A table added to `Run` must be compared above and taken from the run reused
    (`simulate._PER_COMPONENT`, `_PER_TRANSACTION`; the faults' activity is set by
    every run itself)."""
    tables = {f.name for f in dataclasses.fields(Run)} - {"model", "scenario", "bound"}
    assert set(TABLES) | {"hours"} == tables
    taken = {*simulate_module._PER_COMPONENT, *simulate_module._PER_TRANSACTION}
    assert taken | {"fault_active"} == tables


def clip(signal: tuple[tuple[object, object], ...], until: int) -> list[tuple[int, int]]:
    """The signal's intervals within [0, until]."""
    clipped = []
    for start, end in signal:
        assert isinstance(start, int) and isinstance(end, int)
        if start <= until:
            clipped.append((start, min(end, until + 1)))
    return clipped


TWO_SIDES = """\
model sides
horizon 20s

device a {{
  fault crash at 2s repair 3s
  fault hang
}}

device b {{
  fault crash from {b_from}s until {b_until}s repair 2s
}}

check "c" {{
  faults at most 2 of a.crash, b.crash
  never a.down and b.down
}}
"""


@pytest.mark.parametrize(
    ("b_from", "b_until", "expected"),
    [
        (5, 6, None),  # a is down on [2, 5), b from 5 on: the sides touch, never meet
        (4, 6, (4, {1: 2, 3: 4})),  # b down from 4: they meet at 4, a's last instant
    ],
)
def test_sides_that_touch_are_ruled_out_and_sides_that_meet_at_one_instant_are_not(
    b_from: int, b_until: int, expected: tuple[int, dict[int, int]] | None
) -> None:
    model = failspec.loads(TWO_SIDES.format(b_from=b_from, b_until=b_until), "sides.fspec")
    (check,) = model.checks
    scope = Scope.of(model, check, True)
    screen = screen_of(model, check, scope.faults, Limits())
    assert screen is not None
    pair = (1, 3)
    assert scope.faults == [1, 3]
    assert screen.rules_out(pair) is (expected is None)
    outcome = check_explicit(model, check)
    assert outcome == check_brute_force(model, check)
    if expected is None:
        assert outcome.verdict == Verdict.HOLDS
    else:
        assert (outcome.violation_at, outcome.scenario) == expected


def test_a_single_fault_side_that_never_holds_rules_out_every_set_with_it() -> None:
    """`b` goes down only when both its halves are, `a` only through its own crash:
    every pair has a side that sees at most one of its faults and never holds then,
    while a set of three, with two faults on `b`'s side, is simulated (and violates:
    the check needs three faults)."""
    text = """\
model sides
horizon 12s

device a {
  fault crash at 1s
}

device b1 {
  fault crash from 2s until 4s
}

device b2 {
  fault crash from 3s until 5s
}

service b {
  needs any of b1, b2
}

check "c" {
  faults at most 3
  never a.down and b.down
}
"""
    model = failspec.loads(text, "sides.fspec")
    (check,) = model.checks
    scope = Scope.of(model, check, True)
    screen = screen_of(model, check, scope.faults, Limits())
    assert screen is not None
    assert all(screen.rules_out(pair) for pair in itertools.combinations((1, 2, 3), 2))
    assert not screen.rules_out((1, 2, 3))
    outcome = check_explicit(model, check)
    assert outcome == check_brute_force(model, check)
    assert (outcome.violation_at, outcome.scenario) == (3, {1: 1, 2: 2, 3: 3})


REOPENING = """\
model rounds
horizon 64s

device d {{
  fault crash from {onset}s until 20s
}}

device e {{
  fault crash from {onset}s until 20s
}}

service s {{
  needs any of d, e
}}

partition p {{
  closes after 1 errors
  reopens after 2s
}}

channel atm {{
  through p
  on service -> give_back
  on partition -> retain
  transaction tx {{
    calls s
    rate 60 per minute
  }}
}}

check "c" {{
  faults at most 2
  never atm.retain
}}
"""


@pytest.mark.parametrize("onset", [6, 7, 8])
def test_a_violation_at_the_last_instant_of_an_early_round_and_just_after_it(
    onset: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two early rounds, the second asks for violations up to 64 // 8 = 8 (the
    first up to 64 // 64 = 1):
    the partition closes a second after `s` goes down (one error at 60 a minute), so
    the violation comes at onset + 1: 7, 8 (the round's last instant) or 9 (the next
    round's).  Each of `d` and `e` alone leaves `s` up."""
    monkeypatch.setattr(explicit, "DEEPENING", (64, 8))
    model = failspec.loads(REOPENING.format(onset=onset), "rounds.fspec")
    (check,) = model.checks
    assert explicit._rounds(model, [(check, Scope.of(model, check, True))], 2) == [1, 8, None]
    outcome = check_explicit(model, check)
    assert outcome == check_brute_force(model, check)
    assert outcome.verdict == Verdict.VIOLATED
    assert outcome.violation_at == onset + 1


PAIRS = """\
model pairs
horizon 24h

{devices}

service left {{
  needs {left}
}}

service right {{
  needs {right}
}}

check "c" {{
  faults at most 2
  never left.down and right.down
}}
"""


def test_pairs_across_the_sides_are_answered_without_a_run() -> None:
    """Eight devices on each side, each of which alone takes its side down only as
    one of two: no pair with at most one fault per side violates, and the 120 such
    pairs cost no run.  Without the screen the search needs more than the budget."""
    names = [f"l{i}" for i in range(8)] + [f"r{i}" for i in range(8)]
    devices = "\n\n".join(f"device {n} {{\n  fault crash from 1h until 2h\n}}" for n in names)
    left = "7 of " + ", ".join(names[:8])  # down once two of the eight are
    right = "7 of " + ", ".join(names[8:])
    text = PAIRS.format(devices=devices, left=left, right=right)
    model = failspec.loads(text, "pairs.fspec")
    (check,) = model.checks
    budget = 150  # 35 runs with the screen, 249 without (2026-12-01)
    outcome = check_explicit(model, check, max_runs=budget)
    assert outcome.verdict == Verdict.HOLDS
    monkeypatched = pytest.MonkeyPatch()
    try:
        monkeypatched.setattr(explicit, "SCREEN_FROM", 10**6)
        without = check_explicit(model, check, max_runs=budget)
    finally:
        monkeypatched.undo()
    assert (without.verdict, without.reason) == (Verdict.UNKNOWN, Reason.BUDGET)
