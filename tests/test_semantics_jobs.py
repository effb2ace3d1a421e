"""Jobs and stores, read from the contract and docs/decisions.md alone (see
test_semantics.py for the notation and the helper).

progress(t) = number of instants u in [start, t) at which J is not down; J is
done at the first t with progress(t) >= takes; J.running on [start, done),
J.done on [done, oo); J.down from its start on while a need, a store it writes
into, or its own fault is down/active.  A job writing N records over D has
written floor(N x progress(t) / D) at t; a store is full (and down, for ever)
from the first instant its records exceed its capacity.
"""

from __future__ import annotations

import pytest
from test_semantics import HOLDS, Outcome, verdict, violated

PLAIN = """
    horizon $horizon
    job j {
      at 100s
      takes 10s
    }
    check "done by" {
      j done by $deadline
    }
    check "running" {
      never j.running
    }
    check "done" {
      never j.done
    }
    check "both" {
      never (j.running and j.done)
    }
    check "running run" {
      j.running lasts at most $limit
    }
    check "down" {
      never j.down
    }
"""


@pytest.mark.parametrize(
    ("check", "horizon", "deadline", "limit", "expected"),
    [
        # at 100, takes 10, no stall: running on [100, 110), done from 110
        ("done by", "10m", "109s", "0s", violated(109)),
        ("done by", "10m", "110s", "0s", HOLDS),
        ("done by", "10m", "111s", "0s", HOLDS),
        ("running", "99s", "0s", "0s", HOLDS),
        ("running", "10m", "0s", "0s", violated(100)),
        ("done", "109s", "0s", "0s", HOLDS),
        ("done", "10m", "0s", "0s", violated(110)),
        ("both", "10m", "0s", "0s", HOLDS),
        ("running run", "10m", "0s", "9s", violated(109)),
        ("running run", "10m", "0s", "10s", HOLDS),
        ("down", "10m", "0s", "0s", HOLDS),
    ],
)
def test_job_start_running_and_done(
    check: str, horizon: str, deadline: str, limit: str, expected: Outcome
) -> None:
    subs = {"horizon": horizon, "deadline": deadline, "limit": limit}
    assert verdict(PLAIN, check, **subs) == expected


def test_job_at_noon_taking_an_hour_is_done_at_13() -> None:
    # decisions.md 9: `at 12:00; takes 1h` with no stall is done at 13:00
    text = PLAIN.replace("at 100s", "at 12:00").replace("takes 10s", "takes 1h")
    assert verdict(text, "done by", horizon="1h", deadline="13:00", limit="0s") == HOLDS
    assert verdict(text, "done by", horizon="1h", deadline="12:59:59", limit="0s") == (
        violated(12 * 3600 + 3599)
    )


NEEDS_PAUSE = """
    horizon 10m
    device d {
      fault crash at $onset repair $repair
    }
    job j {
      at 100s
      takes 10s
      needs d
    }
    check "c" {
      faults at most 1 of device
      j done by $deadline
    }
    check "down" {
      faults at most 1 of device
      never j.down
    }
    check "running down" {
      faults at most 1 of device
      never (j.running and j.down)
    }
"""


@pytest.mark.parametrize(
    ("onset", "deadline", "expected"),
    [
        # d down [o, o+3).  o = 97: 97..99, before the start: done at 110
        ("97s", "110s", HOLDS),
        # o = 98: down at 100: progress 101..110 -> done at 111
        ("98s", "110s", violated(110, ("d.crash", 98))),
        ("98s", "111s", HOLDS),
        # o = 105: progress 100..104, 108..112 -> done at 113
        ("105s", "112s", violated(112, ("d.crash", 105))),
        ("105s", "113s", HOLDS),
        # o = 109: 100..108 is 9 s, 112 is the 10th -> done at 113
        ("109s", "110s", violated(110, ("d.crash", 109))),
        # o = 110: already done at 110
        ("110s", "110s", HOLDS),
    ],
)
def test_progress_pauses_while_a_need_is_down(onset: str, deadline: str, expected: Outcome) -> None:
    assert verdict(NEEDS_PAUSE, onset=onset, repair="3s", deadline=deadline) == expected


@pytest.mark.parametrize(
    ("onset", "check", "expected"),
    [
        # d down [o, o+5); not started, not down: o = 95 covers 95..99 only
        ("95s", "down", HOLDS),
        ("96s", "down", violated(100, ("d.crash", 96))),
        # after it is done, still down while a need is down (decisions.md 10)
        ("200s", "down", violated(200, ("d.crash", 200))),
        # running while stalled
        ("105s", "running down", violated(105, ("d.crash", 105))),
        ("200s", "running down", HOLDS),
    ],
)
def test_job_down_only_from_its_start(onset: str, check: str, expected: Outcome) -> None:
    assert verdict(NEEDS_PAUSE, check, onset=onset, repair="5s", deadline="0s") == expected


OWN_FAULT = """
    horizon 10m
    job j {
      at 100s
      takes 10s
      fault hang at $onset repair 4s
    }
    check "c" {
      faults at most 1
      j done by $deadline
    }
    check "down" {
      faults at most 1
      never j.down
    }
"""


@pytest.mark.parametrize(
    ("onset", "check", "deadline", "expected"),
    [
        # hang [103, 107): progress 100..102, 107..113 -> done at 114
        ("103s", "c", "113s", violated(113, ("j.hang", 103))),
        ("103s", "c", "114s", HOLDS),
        # hang [96, 100): before the start, no pause and not down
        ("96s", "c", "110s", HOLDS),
        ("96s", "down", "0s", HOLDS),
        # hang [97, 101): active at 100: down at 100, done at 111
        ("97s", "down", "0s", violated(100, ("j.hang", 97))),
        ("97s", "c", "110s", violated(110, ("j.hang", 97))),
    ],
)
def test_own_fault_pauses_progress(
    onset: str, check: str, deadline: str, expected: Outcome
) -> None:
    assert verdict(OWN_FAULT, check, onset=onset, deadline=deadline) == expected


AFTER = """
    horizon 10m
    device d {
      fault crash at 5s
    }
    device e {
      fault p at $probe repair 1s
    }
    job j1 {
      at 0s
      takes 10s
    }
    job j2 {
      at 0s
      takes 20s
      needs d
    }
    job j3 {
      after j1, j2
      takes 5s
    }
    check "done" {
      j3 done by $deadline
    }
    check "start" {
      faults at most 1 of e
      never (j3.running and e.p)
    }
    check "never starts" {
      faults at most 1 of d
      never (j3.running and d.crash)
    }
    check "never done" {
      faults at most 1 of d
      j3 done by 1h
    }
"""


@pytest.mark.parametrize(
    ("check", "probe", "deadline", "expected"),
    [
        # j1 done at 10, j2 at 20: j3 starts at 20 (the last), done at 25
        ("done", "0s", "24s", violated(24)),
        ("done", "0s", "25s", HOLDS),
        ("start", "19s", "0s", HOLDS),
        ("start", "20s", "0s", violated(20, ("e.p", 20))),
        ("start", "24s", "0s", violated(24, ("e.p", 24))),
        ("start", "25s", "0s", HOLDS),
        # d down from 5 for ever: j2 never done (progress 5), so j3 never starts
        ("never starts", "0s", "0s", HOLDS),
        # ... and is not done by 1h: violated at 3600 (past the 10 min horizon)
        ("never done", "0s", "0s", violated(3600, ("d.crash", 5))),
    ],
)
def test_after_starts_when_the_last_is_done(
    check: str, probe: str, deadline: str, expected: Outcome
) -> None:
    assert verdict(AFTER, check, probe=probe, deadline=deadline) == expected


# --- stores --------------------------------------------------------------------------

STORE = """
    horizon 10m
    store s {
      $capacity
    }
    job w {
      at 0s
      takes $takes
      writes $records into s
    }
    check "full" {
      never s.full
    }
    check "done" {
      w done by $deadline
    }
    check "full run" {
      s.full lasts at most $limit
    }
    check "down" {
      never w.down
    }
"""


@pytest.mark.parametrize(
    ("capacity", "takes", "records", "expected"),
    [
        # 100 records over 10 s: floor(100 p / 10) = 10 p; full when 10 t > cap
        ("capacity 50", "10s", 100, violated(6)),  # 60 > 50; at 5, 50 is not
        ("capacity 59", "10s", 100, violated(6)),
        ("capacity 60", "10s", 100, violated(7)),
        # exceeded by one record: 100 > 99 at 10
        ("capacity 99", "10s", 100, violated(10)),
        # never more than the 100 it writes
        ("capacity 100", "10s", 100, HOLDS),
        # 7 over 3 s: floor(7t/3) = 2, 4, 7 at t = 1, 2, 3
        ("capacity 1", "3s", 7, violated(1)),
        ("capacity 2", "3s", 7, violated(2)),
        ("capacity 3", "3s", 7, violated(2)),
        ("capacity 4", "3s", 7, violated(3)),
        ("capacity 6", "3s", 7, violated(3)),
        ("capacity 7", "3s", 7, HOLDS),
        # capacity 0: the first record fills it: 1 over 10 s is written at 10
        ("capacity 0", "10s", 1, violated(10)),
        ("capacity 0", "10s", 10, violated(1)),
        # no capacity: never fills
        ("", "10s", 100, HOLDS),
    ],
)
def test_store_full_when_records_exceed_capacity(
    capacity: str, takes: str, records: int, expected: Outcome
) -> None:
    subs = {"capacity": capacity, "takes": takes, "records": records, "deadline": "0s"}
    assert verdict(STORE, "full", limit="0s", **subs) == expected


@pytest.mark.parametrize(
    ("capacity", "check", "deadline", "limit", "expected"),
    [
        # capacity 50: full at 6, an implicit need of w: w stalls with progress 6 for
        # ever, and is never done
        ("capacity 50", "done", "1h", "0s", violated(3600)),
        ("capacity 50", "down", "0s", "0s", violated(6)),
        # capacity 99: full at 10, when w is done (progress(10) = 10): not stalled
        ("capacity 99", "done", "10s", "0s", HOLDS),
        # fullness never ends: 10..600 is a run of 591 instants
        ("capacity 99", "full run", "0s", "590s", violated(600)),
        ("capacity 99", "full run", "0s", "591s", HOLDS),
        # w is down from 10 (after done) while its store is down
        ("capacity 99", "down", "0s", "0s", violated(10)),
    ],
)
def test_full_store_stalls_its_job_and_stays_full(
    capacity: str, check: str, deadline: str, limit: str, expected: Outcome
) -> None:
    subs = {"capacity": capacity, "takes": "10s", "records": 100}
    assert verdict(STORE, check, deadline=deadline, limit=limit, **subs) == expected


TWO_WRITERS = """
    horizon 10m
    store s {
      capacity $capacity
    }
    job w1 {
      at 0s
      takes 10s
      writes 30 into s
    }
    job w2 {
      at 5s
      takes 10s
      writes 30 into s
    }
    check "full" {
      never s.full
    }
    check "done" {
      w2 done by 1h
    }
"""


@pytest.mark.parametrize(
    ("capacity", "expected"),
    [
        # records(t) = 3 min(t, 10) + 3 max(0, min(t-5, 10)):
        # t = 8: 24 + 9 = 33; t = 9: 27 + 12 = 39
        (33, violated(9)),
        (38, violated(9)),
        (39, violated(10)),  # t = 10: 30 + 15 = 45
        (59, violated(15)),  # w1 done with 30; w2 done at 15 with 30: 60 > 59
        (60, HOLDS),
    ],
)
def test_store_sums_the_records_of_all_its_jobs(capacity: int, expected: Outcome) -> None:
    assert verdict(TWO_WRITERS, "full", capacity=capacity) == expected


def test_both_writers_stall_once_full() -> None:
    # capacity 33: full at 9; w2 (progress 4) never finishes
    assert verdict(TWO_WRITERS, "done", capacity=33) == violated(3600)


def test_store_own_fault_stalls_its_writer() -> None:
    # a store it writes into is an implicit need: s down [3, 5) -> done at 12
    text = """
        horizon 10m
        store s {
          fault corrupt at 3s repair 2s
        }
        job w {
          at 0s
          takes 10s
          writes 100 into s
        }
        check "c" {
          faults at most 1
          w done by $deadline
        }
    """
    assert verdict(text, deadline="11s") == violated(11, ("s.corrupt", 3))
    assert verdict(text, deadline="12s") == HOLDS
