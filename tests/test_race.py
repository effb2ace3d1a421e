"""`checker/race.py`: the first acceptable answer wins; the others are stopped."""

from __future__ import annotations

import os
import time
from pathlib import Path

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


@pytest.mark.parametrize("fork", [True, False])
def test_none_acceptable_gives_the_answer_ranked_highest(
    fork: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With `rank`, the unaccepted answer it ranks highest, the first of equals."""
    monkeypatch.setattr(race, "can_race", lambda: fork)
    no = lambda v: False  # noqa: E731
    assert race.first_of([lambda: slow(1, 0), lambda: slow(3, 0.2)], no, abs) == 3
    assert race.first_of([lambda: slow(-3, 0.2), lambda: slow(3, 0)], no, abs) == -3
    assert race.first_of([lambda: slow(1, 0), lambda: slow(3, 0.2)], no) == 1


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


def test_the_explicit_engine_acts_on_its_pace_once_past_its_projection() -> None:
    """`Pace`: 16 sets done in 1 s with 20 to go projects 1.25 s — under 10 s, nothing
    happens; with 1,000 to go (62.5 s) it acts, once; and a size that has taken
    longer than 10 s by itself acts at the next set."""
    from failspec.checker.explicit import Pace

    acted: list[float] = []
    now = [0.0]
    pace = Pace(10.0, lambda: acted.append(now[0]), clock=lambda: now[0])
    pace.level(36)
    now[0] = 1.0
    for _ in range(16):
        pace.step()
    assert acted == []
    pace.level(1016)
    now[0] = 2.0
    for _ in range(16):
        pace.step()
    assert acted == [2.0]
    for _ in range(32):
        pace.step()
    assert acted == [2.0]
    slow = Pace(10.0, lambda: acted.append(now[0]), clock=lambda: now[0])
    slow.level(3)
    now[0] = 12.5
    slow.step()
    assert acted == [2.0, 12.5]
    # inside one fault set's search (`Limits.watch`): the time spent on the size alone
    within = Pace(10.0, lambda: acted.append(now[0]), clock=lambda: now[0])
    within.level(1)
    now[0] = 22.0
    within.poll()
    assert acted == [2.0, 12.5]
    now[0] = 22.6
    within.poll()
    within.poll()
    assert acted == [2.0, 12.5, 22.6]


def test_the_racing_explicit_engine_yields_by_its_own_processor_time() -> None:
    """The race's yield projects by the racer's own work (decision 58): on a busy
    machine the clock counts other processes' too; what a size has taken stays on
    the clock.  `auto`'s first phase, whose search may have workers, projects by
    the clock."""
    import time

    from failspec.checker.explicit import ExplicitEngine

    racing = ExplicitEngine(yield_after=10.0).pace()
    first = ExplicitEngine(stop_after=2.0).pace()
    assert racing is not None and racing.work is time.process_time
    assert racing.clock is time.perf_counter
    assert first is not None and first.work is first.clock is time.perf_counter


def test_auto_hands_a_slow_search_over_and_keeps_a_quick_one() -> None:
    """The first phase stops with `budget` when its pace is slow (the race follows),
    and decides in process when it is quick."""
    import failspec
    from failspec.checker.engine import Reason
    from failspec.checker.explicit import ExplicitEngine

    model = failspec.load(
        Path(__file__).parent / "engine_regressions" / "parts-with-different-cones.fspec"
    )
    (k2,) = [c for c in model.checks if c.name == "k2"]
    quick = ExplicitEngine(stop_after=60.0).decide(model, k2, None)
    assert quick.verdict == "violated"
    assert ExplicitEngine(stop_after=0.0).decide(model, k2, None).reason == Reason.BUDGET
