"""`checker/race.py`: racers in processes of their own, a search handed over to a
forked child; `explicit.Pace`, which hands it over."""

from __future__ import annotations

import multiprocessing
import os
import threading
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


def state_of(pid: int) -> str:
    """The process's state letter (`T`: stopped), or `gone`."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return "gone"
    return stat.rsplit(")", 1)[1].split()[0]


def handed_over(steps: Callable[[race.HandOver], int]) -> race.Racer[int] | None:
    """`steps` run in a hand-over's child; here, its racer (None in the child, which
    ends in `steps`' answer)."""
    hand_over = race.HandOver()
    try:
        hand_over.fork()
    except race.HandedOver as over:
        return cast(race.Racer[int], over.racer)
    try:
        answer = steps(hand_over)
    except BaseException as error:  # noqa: BLE001 -- carried to the parent
        hand_over.finish(race.Failed(error))
    hand_over.finish(answer)


def test_a_racer_ending_pauses_the_others_until_it_answers() -> None:
    """Decision 66: a racer that says it is ending has the machine; the others are
    stopped (SIGSTOP) meanwhile, and all are stopped on the way out."""

    def ends(hand_over: race.HandOver) -> int:
        hand_over.ending(30.0)
        time.sleep(1.5)
        return 1

    other = race.Racer.start(lambda: slow(2, 60))
    ending = handed_over(ends)
    assert ending is not None
    seen: list[str] = []
    watch = threading.Timer(0.75, lambda: seen.append(state_of(other.pid)))
    watch.start()
    assert race.first_of([ending, other], lambda v: True) == 1
    watch.join()
    assert seen == ["T"]  # paused while the ending racer finished
    assert state_of(other.pid) == "gone"  # and a paused racer is stopped all the same


def busy(value: int, seconds: float) -> int:
    """`value` after `seconds` of this process's own work (a pause delays it)."""
    until = time.process_time() + seconds
    while time.process_time() < until:
        pass
    return value


def test_the_others_go_on_once_the_ending_racer_is_late() -> None:
    """An ending racer that has not answered within its seconds and a second
    (`race.ENDING_GRACE`) lets the others go on, and one of them may win."""

    def late(hand_over: race.HandOver) -> int:
        hand_over.ending(0.5)
        time.sleep(30)
        return 1

    ending = handed_over(late)
    assert ending is not None
    other = race.Racer.start(lambda: busy(2, 2.0))
    seen: list[str] = []
    watches = [threading.Timer(at, lambda: seen.append(state_of(other.pid))) for at in (0.75, 2.5)]
    for watch in watches:
        watch.start()
    assert race.first_of([ending, other], lambda v: True) == 2
    for watch in watches:
        watch.join()
    assert seen[0] == "T"  # paused for the 0.5 s said and the grace second
    assert seen[1] != "T"  # then let go on


def test_a_racer_dies_with_the_process_that_started_it(tmp_path: Path) -> None:
    """A racer left behind by a process that ended at once (killed, say) is killed
    too (`parallel.die_with_parent`): it would search on with nobody to answer."""
    pid_file = tmp_path / "racer"
    middle = os.fork()
    if middle == 0:
        racer = race.Racer.start(lambda: slow(1, 60))
        pid_file.write_text(str(racer.pid))
        os._exit(0)  # no clean-up: as if killed
    os.waitpid(middle, 0)
    racer_pid = int(pid_file.read_text())
    for _ in range(100):
        if state_of(racer_pid) in ("gone", "Z"):
            break
        time.sleep(0.05)
    assert state_of(racer_pid) in ("gone", "Z")


def test_asking_goes_on_in_workers_once_more_processes_are_allowed() -> None:
    """`explicit.ask_each`: asked here until the pace allows two processes, then the
    rest in workers, the answers in the order of the items; never more processes
    than the caller's `jobs`."""
    from failspec.checker.explicit import PARALLEL_FROM, Pace, Slow, ask_each

    items = list(range(20 + PARALLEL_FROM))
    for most, expected in ((2, [True] * 20 + [False] * PARALLEL_FROM), (1, [True] * len(items))):
        pace = Pace(Slow(1e9, lambda: None))
        answers = []
        for item, (value, pid) in ask_each(items, lambda i: (i * i, os.getpid()), most, pace):
            answers.append((item, value, pid == os.getpid()))
            if item == 19:
                pace.jobs = 2
        assert [(i, v) for i, v, _ in answers] == [(i, i * i) for i in items]
        assert [here for _, _, here in answers] == expected


def test_a_rule_due_while_workers_ask_acts_once_they_are_stopped() -> None:
    """`explicit.ask_each` with a pace that allows two processes: the workers ask
    until a rule is due (here the level's two seconds, while a slow item is asked);
    they are killed, the rule acts in this process with no worker alive, and every
    item not yet answered is asked again here, in order."""
    from failspec.checker.explicit import PARALLEL_FROM, Pace, Slow, ask_each

    acted: list[int] = []

    def act() -> None:
        acted.append(len(multiprocessing.active_children()))

    def ask(i: int) -> tuple[int, int]:
        if i == 10 and os.getpid() != here:
            time.sleep(30)  # only a worker is slow: asked again here, it is quick
        return i * i, os.getpid()

    here = os.getpid()
    pace = Pace(Slow(2.0, act), jobs=2)
    pace.level(2 * PARALLEL_FROM)
    started = time.perf_counter()
    answers = [
        (item, value, pid == here)
        for item, (value, pid) in ask_each(list(range(2 * PARALLEL_FROM)), ask, 2, pace)
    ]
    assert time.perf_counter() - started < 10
    assert acted == [0]  # acted once, no worker left alive
    assert [(i, v) for i, v, _ in answers] == [(i, i * i) for i in range(2 * PARALLEL_FROM)]
    assert [here for _, _, here in answers] == [False] * 10 + [True] * (2 * PARALLEL_FROM - 10)


def test_the_pace_tells_how_long_the_last_level_would_take() -> None:
    """`NearEnd`: at the last size only, once an eighth of its sets are done, every
    16 sets, the seconds the rest would take, its later rounds counted as as long as
    this one; once it answers a number of processes, that is the search's, and no
    rule (the yield) acts any more."""
    from failspec.checker.explicit import NearEnd, Pace, Slow

    told: list[float] = []
    answer: list[int | None] = [None]

    def near(seconds: float) -> int | None:
        told.append(seconds)
        return answer[0]

    acted: list[str] = []
    now = [0.0]
    pace = Pace(
        Slow(1000.0, lambda: acted.append("yield")), clock=lambda: now[0], near=NearEnd(near)
    )
    pace.level(160)  # not the last size
    for _ in range(64):
        now[0] += 0.5
        pace.step()
    assert told == []
    pace.level(256, later=1)  # the last size, one more round after this one
    for _ in range(31):
        now[0] += 0.5
        pace.step()
    assert told == []  # 31 of 256: under an eighth
    now[0] += 0.5
    pace.step()  # 32 done in 16 s: 0.5 s a set, 224 + 256 to go
    assert told == [240.0]
    answer[0] = 2
    for _ in range(16):
        now[0] += 0.5
        pace.step()
    assert told == [240.0, 232.0] and pace.processes() == 2
    now[0] += 5000.0
    for _ in range(32):
        pace.step()
    pace.poll()
    assert told == [240.0, 232.0] and acted == []


def test_the_pace_near_the_end_is_the_quicker_of_the_level_s_and_the_last_sets() -> None:
    """The first sets of a level are often the costliest: 32 sets at 1 s, then 16 at
    0.25 s, with 208 to go — 52 s at the last sets' pace, not 164 s at the level's;
    and a stretch slower than the level's so far counts at the level's."""
    from failspec.checker.explicit import NearEnd, Pace, Slow

    told: list[float] = []
    now = [0.0]
    pace = Pace(Slow(1e9, lambda: None), clock=lambda: now[0], near=NearEnd(told.append))
    pace.level(256, later=0)
    for cost in [1.0] * 32 + [0.25] * 16 + [2.0] * 16:
        now[0] += cost
        pace.step()
    assert told == [224.0, 52.0, 68.0 / 64 * 192]


WIDE = "\n".join(
    [
        'model wide "two groups of five devices: a pair with one in each stops the batch"',
        "horizon 12:00",
        *(f"device d{i} {{ fault crash; fault flap repair 2m }}" for i in range(10)),
        "service left { needs " + ", ".join(f"d{i}" for i in range(5)) + " }",
        "service right { needs " + ", ".join(f"d{i}" for i in range(5, 10)) + " }",
        "service either { needs any of left, right }",
        "job batch { at 07:00; takes 40m; needs either }",
        'check "k2" { faults at most 2; batch done by 09:00 }',
    ]
)


def test_a_search_that_goes_on_in_workers_near_its_end_gives_the_same_answers() -> None:
    """Once told it is near its end, the explicit engine asks the rest of its last
    level (190 pairs; the 25 of a crash on each side violate the check) in two processes: the same
    verdict, scenario and cut sets as alone."""
    import failspec
    from failspec.checker.explicit import ExplicitEngine, NearEnd, Slow

    model = failspec.loads(WIDE)
    (k2,) = model.checks
    told: list[float] = []

    def near(seconds: float) -> int:
        told.append(seconds)
        return 2

    # the rule acts at once (among the single faults, in one process), so the pairs
    # are asked about in one process until `near` allows two
    ending = ExplicitEngine(slow=Slow(0.0, lambda: None), near=NearEnd(near), jobs=2)
    alone = ExplicitEngine()
    decided, expected = ending.decide(model, k2, None), alone.decide(model, k2, None)
    assert (decided.verdict, decided.scenario, decided.violation_at) == (
        expected.verdict,
        expected.scenario,
        expected.violation_at,
    )
    assert len(told) == 1
    listed = [(o.order, o.cut_sets, o.complete) for o in ending.cut_sets(model, k2, 2, None)]
    assert listed == [(o.order, o.cut_sets, o.complete) for o in alone.cut_sets(model, k2, 2, None)]
    assert len(told) == 2 and len(listed[2][1]) == 25


def test_a_search_whose_workers_are_stopped_for_a_rule_gives_the_same_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`auto`'s first phase (decision 68): the pairs are asked about in two workers
    until the pace's rule is due (here at once, by a clock that starts with them);
    the workers are stopped, the rule acts with none alive, and the rest is asked in
    this process: the same verdict, scenario and cut sets as the engine alone."""
    import failspec
    from failspec import parallel
    from failspec.checker import explicit
    from failspec.checker.explicit import ExplicitEngine, Pace, Slow, check_explicit

    model = failspec.loads(WIDE)
    (k2,) = model.checks
    stopped: list[tuple[int, int]] = []  # (answers taken, tasks) of each pool

    def run_in_order(
        tasks: list[object],
        run_one: Callable[[object], object],
        jobs: int,
        stop: Callable[[], bool] | None = None,
    ) -> Iterable[object]:
        taken = 0
        for answer in parallel.run_in_order(tasks, run_one, jobs, stop):
            taken += 1
            yield answer
        stopped.append((taken, len(tasks)))

    monkeypatch.setattr(explicit, "run_in_order", run_in_order)

    acted: list[int] = []  # the workers alive each time the rule acted

    def paced() -> Pace:
        made: list[Pace] = []
        ticks = [0.0]

        def clock() -> float:
            """No time passes until the pairs (190 sets), then 1,000 s a look."""
            if made and made[0].total >= PAIRS:
                ticks[0] += 1000.0
            return ticks[0]

        pace = Pace(
            Slow(10.0, lambda: acted.append(len(multiprocessing.active_children()))),
            clock=clock,
            jobs=2,
        )
        made.append(pace)
        return pace

    class Paced(ExplicitEngine):
        def pace(self) -> Pace:
            return paced()

    pace = paced()
    decided = check_explicit(model, k2, pace=pace, jobs=2)
    expected = ExplicitEngine().decide(model, k2, None)
    assert (decided.verdict, decided.scenario, decided.violation_at) == (
        expected.verdict,
        expected.scenario,
        expected.violation_at,
    )
    assert acted == [0]
    assert len(stopped) == 1 and stopped[0][0] < stopped[0][1] == PAIRS
    listed = [(o.order, o.cut_sets, o.complete) for o in Paced(jobs=2).cut_sets(model, k2, 2, None)]
    alone = ExplicitEngine().cut_sets(model, k2, 2, None)
    assert listed == [(o.order, o.cut_sets, o.complete) for o in alone]
    assert acted == [0, 0]
    assert len(stopped) == 2 and stopped[1][0] < stopped[1][1] <= PAIRS


PAIRS = 190
"""The pairs of WIDE's 20 faults."""


def sets_before_acting(total: int, steps: int, work_per_set: float) -> list[int]:
    """The sets done when a yield-like rule (`engines.HOPELESS`'s) acts, if it does."""
    from failspec.checker.explicit import Pace, Slow

    acted: list[int] = []
    work = [0.0]
    pace = Pace(Slow(10.0, lambda: acted.append(pace.done), work=lambda: work[0], hopeless=60.0))
    pace.level(total)
    for _ in range(steps):
        work[0] += work_per_set
        pace.step()
    return acted


def test_a_hopeless_size_yields_at_once_by_its_projected_work() -> None:
    """`Slow.hopeless` (`engines.HOPELESS`): by its own work, 16 sets in 1 s with 984
    to go would take 61.5 s: over 60, it acts at the 16th set; with 944 to go
    (59 s), not until the size has taken its 10 s."""
    assert sets_before_acting(1000, 16, 1 / 16) == [16]
    assert sets_before_acting(960, 16, 1 / 16) == []
    assert sets_before_acting(960, 170, 1 / 16) == [161]
