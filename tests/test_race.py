"""`checker/race.py`: a rival joins a running search, and the first accepted answer
wins; `explicit.Pace`, which starts it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from failspec.checker import race


def slow(value: int, seconds: float) -> int:
    time.sleep(seconds)
    return value


def search_until(rival: race.Rival[int], seconds: float) -> str:
    """A search of `seconds` that polls `rival` as it goes."""
    until = time.perf_counter() + seconds
    try:
        while time.perf_counter() < until:
            rival.poll()
            time.sleep(0.001)
    except race.Overtaken as won:
        return f"overtaken by {won.answer}"
    return "searched to the end"


def test_an_accepted_answer_of_the_rival_ends_the_search() -> None:
    started = time.perf_counter()
    with race.Rival(lambda: slow(2, 0.1), lambda v: v > 0) as rival:
        assert search_until(rival, 30) == "searched to the end"  # not started: not looked at
    with race.Rival(lambda: slow(2, 0.1), lambda v: v > 0) as rival:
        rival.start()
        assert search_until(rival, 30) == "overtaken by 2"
    assert time.perf_counter() - started < 40  # the second search was cut short


def test_an_unaccepted_answer_lets_the_search_go_on_and_is_kept() -> None:
    with race.Rival(lambda: slow(-1, 0), lambda v: v > 0) as rival:
        rival.start()
        assert search_until(rival, 0.5) == "searched to the end"
        assert rival.answer() == -1


def test_a_search_that_ends_first_stops_the_rival(tmp_path: Path) -> None:
    done = tmp_path / "done"

    def long_rival() -> int:
        time.sleep(3)
        done.write_text("the rival was not stopped")
        return 1

    with race.Rival(long_rival, lambda v: True) as rival:
        rival.start()
        assert search_until(rival, 0.2) == "searched to the end"
    time.sleep(3.5)
    assert not done.exists()


def test_a_rival_that_fails_gives_none() -> None:
    def fail() -> int:
        raise ValueError("no")

    with race.Rival(fail, lambda v: True) as rival:
        rival.start()
        assert search_until(rival, 0.3) == "searched to the end"
        assert rival.answer() is None
    with race.Rival(fail, lambda v: True) as rival:
        assert rival.answer() is None  # not wanted: nothing was computed


def test_the_rival_runs_in_another_process() -> None:
    with race.Rival(os.getpid, lambda pid: True) as rival:
        rival.start()
        assert rival.answer() not in (None, os.getpid())


def test_without_fork_the_rival_runs_after_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(race, "can_race", lambda: False)
    calls: list[int] = []

    def record() -> int:
        calls.append(os.getpid())
        return 2

    with race.Rival(record, lambda v: True) as rival:
        rival.start()
        assert search_until(rival, 0.2) == "searched to the end"
        assert calls == []
        assert rival.answer() == 2
        assert calls == [os.getpid()]


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


def test_auto_starts_the_smt_engine_only_when_the_search_is_slow() -> None:
    """The explicit engine acts once its pace is slow, in this process even when it
    was given workers, and decides alone when it is quick."""
    import failspec
    from failspec.checker.explicit import ExplicitEngine, Slow

    model = failspec.load(
        Path(__file__).parent / "engine_regressions" / "parts-with-different-cones.fspec"
    )
    (k2,) = [c for c in model.checks if c.name == "k2"]
    acted: list[int] = []
    quick = ExplicitEngine(slow=Slow(60.0, lambda: acted.append(os.getpid())), jobs=2)
    assert quick.decide(model, k2, None).verdict == "violated"
    assert acted == []
    slow_one = ExplicitEngine(slow=Slow(0.0, lambda: acted.append(os.getpid())), jobs=2)
    assert slow_one.decide(model, k2, None).verdict == "violated"
    assert acted == [os.getpid()]
