"""`checker/race.py`: racers in processes of their own, a search handed over to a
forked child; `explicit.Pace`, which hands it over."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast

import pytest

from failspec.checker import race
from failspec.checker.engine import CutSetOrder


def slow(value: int, seconds: float) -> int:
    time.sleep(seconds)
    return value


def race_of(*computations: Callable[[], int]) -> list[race.Racer[int]]:
    return [race.Racer.start(c) for c in computations]


def test_the_first_acceptable_answer_wins() -> None:
    started = time.perf_counter()
    answer = race.first_of(race_of(lambda: slow(1, 30), lambda: slow(2, 0.1)), lambda v: v > 0)
    assert answer == 2
    assert time.perf_counter() - started < 10  # the slow racer was stopped, not awaited


def test_an_unacceptable_answer_waits_for_the_others() -> None:
    answer = race.first_of(race_of(lambda: slow(-1, 0), lambda: slow(5, 0.3)), lambda v: v > 0)
    assert answer == 5
    # none acceptable: the first racer's answer
    assert race.first_of(race_of(lambda: slow(-1, 0.2), lambda: slow(-2, 0)), lambda v: v > 0) == -1


def test_none_acceptable_gives_the_answer_ranked_highest() -> None:
    """With `rank`, the unaccepted answer it ranks highest, the first of equals."""
    no = lambda v: False  # noqa: E731
    assert race.first_of(race_of(lambda: slow(1, 0), lambda: slow(3, 0.2)), no, abs) == 3
    assert race.first_of(race_of(lambda: slow(-3, 0.2), lambda: slow(3, 0)), no, abs) == -3
    assert race.first_of(race_of(lambda: slow(1, 0), lambda: slow(3, 0.2)), no) == 1


def test_a_racer_that_fails_loses_and_all_failing_is_an_error() -> None:
    def fail() -> int:
        raise ValueError("no")

    assert race.first_of(race_of(fail, lambda: slow(3, 0.1)), lambda v: True) == 3
    with pytest.raises(RuntimeError, match="ValueError: no"):
        race.first_of(race_of(fail, fail), lambda v: True)


def test_racers_run_in_other_processes() -> None:
    assert race.first_of(race_of(os.getpid, os.getpid), lambda pid: True) != os.getpid()


def search(hand_over: race.HandOver, steps: int, slow_at: int) -> int:
    """A search of `steps` steps that hands itself over at `slow_at`; its answer: the
    steps it took in the process that ends it, and that process's id."""
    here = 0
    for step in range(steps):
        if step == slow_at:
            hand_over.fork()
            here = 0
        here += 1
        time.sleep(0.001)
    return here


def test_a_handed_over_search_goes_on_where_it_was_in_a_child() -> None:
    """Nothing is done twice: the child takes the 30 steps left after the first 20."""
    hand_over = race.HandOver()
    try:
        done = search(hand_over, 50, 20)
    except race.HandedOver as over:
        racer = cast(race.Racer[tuple[int, int]], over.racer)
        answer = race.first_of([racer], lambda v: True)
    else:
        if hand_over.in_child:
            hand_over.finish((done, os.getpid()))
        pytest.fail("the search was not handed over")
    assert answer[0] == 30
    assert answer[1] != os.getpid()


def test_a_search_that_fails_in_the_child_is_an_error_here() -> None:
    hand_over = race.HandOver()
    try:
        hand_over.fork()
        raise ValueError("broken")
    except race.HandedOver as over:
        with pytest.raises(RuntimeError, match="ValueError: broken"):
            race.first_of([over.racer], lambda v: True)
    except ValueError as error:
        assert hand_over.in_child
        hand_over.finish(race.Failed(error))


def test_the_child_of_a_hand_over_is_stopped_when_the_other_racer_wins(tmp_path: Path) -> None:
    done = tmp_path / "done"
    hand_over = race.HandOver()
    try:
        hand_over.fork()
        time.sleep(3)
        done.write_text("the child was not stopped")
        answer = 1
    except race.HandedOver as over:
        assert (
            race.first_of([cast(race.Racer[int], over.racer), *race_of(lambda: 2)], lambda v: True)
            == 2
        )
        time.sleep(3.5)
        assert not done.exists()
        return
    assert hand_over.in_child
    hand_over.finish(answer)


def test_without_fork_the_search_goes_on_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(race, "can_race", lambda: False)
    hand_over = race.HandOver()
    assert search(hand_over, 50, 20) == 30
    assert hand_over.wanted and not hand_over.in_child


def test_the_explicit_engine_acts_on_its_pace_once_past_its_projection() -> None:
    """`Pace`: 16 sets done in 1 s with 20 to go projects 1.25 s — under 10 s, nothing
    happens; with 1,000 to go (62.5 s) it acts, once; and a size that has taken
    longer than 10 s by itself acts at the next set."""
    from failspec.checker.explicit import Pace, Slow

    acted: list[float] = []
    now = [0.0]
    clock = lambda: now[0]  # noqa: E731
    act = lambda: acted.append(now[0])  # noqa: E731
    pace = Pace(Slow(10.0, act), clock=clock)
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
    slow_size = Pace(Slow(10.0, act), clock=clock)
    slow_size.level(3)
    now[0] = 12.5
    slow_size.step()
    assert acted == [2.0, 12.5]
    # inside one fault set's search (`Limits.watch`): the time spent on the size alone
    within = Pace(Slow(10.0, act), clock=clock)
    within.level(1)
    now[0] = 22.0
    within.poll()
    assert acted == [2.0, 12.5]
    now[0] = 22.6
    within.poll()
    within.poll()
    assert acted == [2.0, 12.5, 22.6]


def test_after_acting_the_pace_follows_its_next_rule_by_its_own_work() -> None:
    """`auto`'s hand-over, then the yield (decision 64): after the first rule acts at
    2.5 s on the clock, the next counts those 2.5 s as work and acts once the size
    has taken 10 s of work — not projected (16 sets in 2.5 s with 984 to go), and
    not by the clock (a busy machine)."""
    from failspec.checker.explicit import Pace, Slow

    acted: list[str] = []
    now, work = [0.0], [100.0]
    yielding = Slow(10.0, lambda: acted.append("yield"), work=lambda: work[0])
    pace = Pace(Slow(2.0, lambda: acted.append("hand over"), then=yielding), clock=lambda: now[0])
    pace.level(1000)
    now[0] = 2.5
    pace.step()
    assert acted == ["hand over"]
    for _ in range(15):
        pace.step()
    now[0] = 100.0
    pace.step()
    pace.poll()
    assert acted == ["hand over"]
    work[0] = 107.4  # 2.5 + 7.4 = 9.9 s of work
    pace.step()
    pace.poll()
    assert acted == ["hand over"]
    work[0] = 107.6  # 10.1 s
    pace.poll()
    assert acted == ["hand over", "yield"]
    pace.level(10)  # a new size: the yield acted once and for all
    work[0] = 200.0
    pace.step()
    assert acted == ["hand over", "yield"]


def test_auto_hands_over_only_a_slow_search() -> None:
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


def test_auto_handed_over_at_once_gives_the_engines_answers() -> None:
    """`auto` slow at its first fault set (its rest in a child, racing the SMT engine)
    decides and lists the cut sets as the explicit engine alone does."""
    import failspec
    from failspec.checker.engines import AutoEngine
    from failspec.checker.explicit import ExplicitEngine

    model = failspec.load(
        Path(__file__).parent / "engine_regressions" / "parts-with-different-cones.fspec"
    )
    (k2,) = [c for c in model.checks if c.name == "k2"]
    alone, raced = ExplicitEngine().decide(model, k2, None), AutoEngine(0.0).decide(model, k2, None)
    assert (raced.verdict, raced.scenario) == (alone.verdict, alone.scenario)
    assert raced.engine in ("explicit", "smt")

    def sets(orders: Iterable[CutSetOrder]) -> list[tuple[int, object, bool]]:
        return [(o.order, o.cut_sets, o.complete) for o in orders]

    expected = sets(ExplicitEngine().cut_sets(model, k2, 2, None))
    assert sets(AutoEngine(0.0).cut_sets(model, k2, 2, None)) == expected
