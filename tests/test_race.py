"""`checker/race.py`: the first acceptable answer wins; the others are stopped."""

from __future__ import annotations

import os
import time

import pytest

from failspec.checker import race


def slow(value: int, seconds: float) -> int:
    time.sleep(seconds)
    return value


def test_the_first_acceptable_answer_wins() -> None:
    started = time.perf_counter()
    answer = race.first_of([lambda: slow(1, 30), lambda: slow(2, 0.1)], lambda v: v > 0)
    assert answer == 2
    assert time.perf_counter() - started < 10  # the slow racer was stopped, not awaited


def test_an_unacceptable_answer_waits_for_the_others() -> None:
    answer = race.first_of([lambda: slow(-1, 0), lambda: slow(5, 0.3)], lambda v: v > 0)
    assert answer == 5
    # none acceptable: the first computation's answer
    assert race.first_of([lambda: slow(-1, 0.2), lambda: slow(-2, 0)], lambda v: v > 0) == -1


def test_a_racer_that_fails_loses_and_all_failing_is_an_error() -> None:
    def fail() -> int:
        raise ValueError("no")

    assert race.first_of([fail, lambda: slow(3, 0.1)], lambda v: True) == 3
    with pytest.raises(RuntimeError, match="ValueError: no"):
        race.first_of([fail, fail], lambda v: True)


def test_racers_run_in_other_processes() -> None:
    assert race.first_of([os.getpid, os.getpid], lambda pid: True) != os.getpid()


def test_without_fork_the_computations_run_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(race, "can_race", lambda: False)
    calls: list[int] = []

    def record(value: int) -> int:
        calls.append(value)
        return value

    assert race.first_of([lambda: record(-1), lambda: record(2)], lambda v: v > 0) == 2
    assert calls == [-1, 2]
    assert race.first_of([os.getpid], lambda pid: True) == os.getpid()


def test_the_explicit_engine_lowers_its_priority_only_past_its_projection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`Pace`: 16 sets done in 1 s with 20 to go projects 1.25 s — under 10 s, the
    process keeps its priority; with 1,000 to go (62.5 s) it yields, once."""
    from failspec.checker.explicit import Pace

    niced: list[int] = []
    monkeypatch.setattr(os, "nice", niced.append)
    now = [0.0]
    pace = Pace(10.0, clock=lambda: now[0])
    pace.level(36)
    now[0] = 1.0
    for _ in range(16):
        pace.step()
    assert niced == []
    pace.level(1016)
    now[0] = 2.0
    for _ in range(16):
        pace.step()
    assert niced == [10]
    for _ in range(32):
        pace.step()
    assert niced == [10]
