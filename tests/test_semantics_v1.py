"""The v1 forms, read from the contract alone ("The language, v1: operations in
time" and its "Precise readings, v1"): boundary cases at the second before, of and
after every rule, each decided by both engines (see test_semantics.py for the
notation and the helper).

A probe fault `fault p at T repair 1s` is active at the single instant T, so
`never (X and e.p)` asks "does X hold at T?".
"""

from __future__ import annotations

import pytest
from test_semantics import HOLDS, Outcome, verdict, violated

# --- windows ---------------------------------------------------------------------------

WINDOW = """
    horizon $horizon
    device d {
      fault crash at $probe repair 1s
    }
    check "c" {
      faults at most 1
      never d.down during $window
    }
"""


@pytest.mark.parametrize(
    ("window", "probe", "expected"),
    [
        # T..U holds T <= t < U: 100s..200s contains 100 and 199, not 99 or 200
        ("100s..200s", "99s", HOLDS),
        ("100s..200s", "100s", violated(100, ("d.crash", 100))),
        ("100s..200s", "199s", violated(199, ("d.crash", 199))),
        ("100s..200s", "200s", HOLDS),
        # a list is the union of its windows
        ("10s..20s, 100s..200s", "15s", violated(15, ("d.crash", 15))),
        ("10s..20s, 100s..200s", "20s", HOLDS),
        # clock times and `24:00`, which may end a window (= day 2 00:00)
        ("23:00..24:00", "23:59:59", violated(86399, ("d.crash", 86399))),
        ("23:00..24:00", "day 2 00:00", HOLDS),
        ("23:00..day 2 01:00", "day 2 00:59:59", violated(90_000 - 1, ("d.crash", 89_999))),
        ("23:00..day 2 01:00", "day 2 01:00", HOLDS),
    ],
)
def test_window_ends(window: str, probe: str, expected: Outcome) -> None:
    assert verdict(WINDOW, horizon="day 3 00:00", window=window, probe=probe) == expected


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        # 22:00..06:00 daily: time of day >= 22:00 or < 06:00, day 1's 00:00-05:59:59 too
        ("00:00", violated(0, ("d.crash", 0))),
        ("05:59:59", violated(21_599, ("d.crash", 21_599))),
        ("06:00", HOLDS),
        ("21:59:59", HOLDS),
        ("22:00", violated(79_200, ("d.crash", 79_200))),
        # and every day after
        ("day 2 05:59:59", violated(86_400 + 21_599, ("d.crash", 86_400 + 21_599))),
        ("day 2 06:00", HOLDS),
        ("day 2 21:59:59", HOLDS),
        ("day 2 22:00", violated(86_400 + 79_200, ("d.crash", 86_400 + 79_200))),
    ],
)
def test_daily_window_past_midnight(probe: str, expected: Outcome) -> None:
    text = WINDOW.replace("$window", "22:00..06:00 daily")
    assert verdict(text, horizon="day 3 00:00", probe=probe) == expected


@pytest.mark.parametrize(
    ("window", "probe", "expected"),
    [
        ("09:00..10:00 daily", "day 2 08:59:59", HOLDS),
        ("09:00..10:00 daily", "day 2 09:00", violated(86_400 + 32_400, ("d.crash", 118_800))),
        ("09:00..10:00 daily", "day 2 09:59:59", violated(122_399, ("d.crash", 122_399))),
        ("09:00..10:00 daily", "day 2 10:00", HOLDS),
        # the whole day
        ("00:00..24:00 daily", "day 2 13:00", violated(133_200, ("d.crash", 133_200))),
        # abutting daily windows leave no gap, also across midnight
        ("20:00..24:00, 00:00..01:00 daily", "day 2 00:30", violated(88_200, ("d.crash", 88_200))),
    ],
)
def test_daily_windows_repeat_every_day(window: str, probe: str, expected: Outcome) -> None:
    assert verdict(WINDOW, horizon="day 3 00:00", window=window, probe=probe) == expected


@pytest.mark.parametrize(
    ("horizon", "probe", "expected"),
    [
        # a window is cut at the horizon: 200s..300s judges 200..250 with horizon 250s
        ("250s", "250s", violated(250, ("d.crash", 250))),
        ("249s", "249s", violated(249, ("d.crash", 249))),
        # a window wholly past the horizon judges nothing (onsets lie in 0..horizon, and
        # the fault is active at its onset only)
        ("199s", "199s", HOLDS),
    ],
)
def test_window_cut_at_the_horizon(horizon: str, probe: str, expected: Outcome) -> None:
    assert verdict(WINDOW, horizon=horizon, window="200s..300s", probe=probe) == expected


def test_a_window_wholly_past_the_horizon_judges_nothing() -> None:
    # d is down from 100 on, forever; the window starts after the 150s horizon
    text = """
        horizon 150s
        device d {
          fault crash at 100s
        }
        check "c" {
          faults at most 1
          never d.down during 200s..300s
          always d.up during 151s..1h
        }
    """
    assert verdict(text) == HOLDS


# The SMT engine reads a window only up to the horizon + 1 (an assertion's) or the
# time bound (hours): a daily interval that opens after that is left out, and one
# that opens before it and closes after it has no end.  Day 2's opening is read at
# the horizon, the second of it and after it.
@pytest.mark.parametrize(
    ("horizon", "probe", "expected"),
    [
        ("day 2 00:00", "23:59:59", HOLDS),
        ("day 2 00:00", "day 2 00:00", violated(86_400, ("d.crash", 86_400))),
        ("day 2 00:00:01", "day 2 00:00:01", violated(86_401, ("d.crash", 86_401))),
        ("23:59:59", "23:59:59", HOLDS),
    ],
)
def test_a_daily_window_opening_at_the_horizon(horizon: str, probe: str, expected: Outcome) -> None:
    assert verdict(WINDOW, horizon=horizon, window="00:00..01:00 daily", probe=probe) == expected


# Before a fault's earliest onset nothing it causes holds, so the SMT engine drops
# the change points there: a window's ends, and the R of `rides out`.
EARLIEST = """
    horizon 10m
    device d {
      fault crash from 100s until 300s$repair
    }
    service s {
      needs d
      $timing
    }
    check "c" {
      faults at most 1
      never s.down during $window
    }
"""


@pytest.mark.parametrize(
    ("repair", "timing", "window", "expected"),
    [
        # a window ending at the earliest onset, holding it, or opening a second later
        ("", "", "99s..100s", HOLDS),
        ("", "", "100s..101s", violated(100, ("d.crash", 100))),
        ("", "", "101s..102s", violated(101, ("d.crash", 100))),
        # the crash lasts 21s: s is down on [onset + 20, onset + 21), at 120 at the
        # earliest, never in the 20 seconds after the earliest onset
        (" repair 21s", "rides out 20s", "119s..120s", HOLDS),
        (" repair 21s", "rides out 20s", "120s..121s", violated(120, ("d.crash", 100))),
        (" repair 21s", "rides out 20s", "121s..122s", violated(121, ("d.crash", 101))),
    ],
)
def test_nothing_holds_before_a_faults_earliest_onset(
    repair: str, timing: str, window: str, expected: Outcome
) -> None:
    assert verdict(EARLIEST, repair=repair, timing=timing, window=window) == expected


AT = """
    horizon 10m
    device d {
      fault crash at $probe repair 1s
    }
    check "never" {
      faults at most 1
      never d.down at 100s
    }
    check "always" {
      faults at most 1
      always d.up at 00:01:40
    }
"""


@pytest.mark.parametrize("check", ["never", "always"])
@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        ("99s", HOLDS),
        ("100s", violated(100, ("d.crash", 100))),
        ("101s", HOLDS),
    ],
)
def test_never_and_always_at_one_instant(check: str, probe: str, expected: Outcome) -> None:
    assert verdict(AT, check, probe=probe) == expected


LASTS = """
    horizon 10m
    device d {
      fault crash at 100s repair 100s
    }
    check "c" {
      faults at most 1
      d.down lasts at most $limit during $window
    }
"""


@pytest.mark.parametrize(
    ("window", "limit", "expected"),
    [
        # d down on [100, 200).  Abutting windows leave no gap: one run of 100 instants
        ("0s..150s, 150s..300s", "99s", violated(199, ("d.crash", 100))),
        ("0s..150s, 150s..300s", "100s", HOLDS),
        # a gap between windows ends a run: [100, 150) and [151, 200), 50 and 49 instants
        ("0s..150s, 151s..300s", "50s", HOLDS),
        ("0s..150s, 151s..300s", "49s", violated(149, ("d.crash", 100))),
        # (A and in W) lasts at most D: the run starts where the window does
        ("120s..300s", "79s", violated(199, ("d.crash", 100))),
        ("120s..300s", "80s", HOLDS),
    ],
)
def test_lasts_at_most_during_windows(window: str, limit: str, expected: Outcome) -> None:
    assert verdict(LASTS, limit=limit, window=window) == expected


def test_the_violation_instant_of_always_during_is_the_first_instant_of_the_window() -> None:
    text = """
        horizon 10m
        device d {
          fault crash at 50s
        }
        check "c" {
          faults at most 1
          always d.up during 100s..200s, 300s..400s
        }
    """
    assert verdict(text) == violated(100, ("d.crash", 50))


# --- open hours ------------------------------------------------------------------------

HOURS = """
    horizon 10m
    service svc {
      fault crash at 0s
    }
    device e {
      fault p at $probe repair 1s
    }
    channel ch {
      open 100s..200s
      transaction tx {
        calls svc
      }
      on service -> reject
    }
    check "fails" {
      faults at most 2
      never ch.tx.fails and e.p
    }
    check "reject" {
      faults at most 2
      never ch.tx.reject and e.p
    }
    check "down" {
      faults at most 2
      never ch.down and e.p
    }
"""


@pytest.mark.parametrize("check", ["fails", "reject", "down"])
@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        # the first instant a transaction is attempted is 100, the last 199
        ("99s", HOLDS),
        ("100s", violated(100, ("svc.crash", 0), ("e.p", 100))),
        ("199s", violated(199, ("svc.crash", 0), ("e.p", 199))),
        ("200s", HOLDS),
    ],
)
def test_a_transaction_is_attempted_only_within_its_hours(
    check: str, probe: str, expected: Outcome
) -> None:
    assert verdict(HOURS, check, probe=probe) == expected


@pytest.mark.parametrize("check", ["fails", "reject", "down"])
@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        # daily hours whose day 2 opens at the horizon, within the time bound (the
        # SMT engine leaves out only what opens after the bound)
        ("00:59:59", violated(3_599, ("svc.crash", 0), ("e.p", 3_599))),
        ("01:00", HOLDS),
        ("23:59:59", HOLDS),
        ("day 2 00:00", violated(86_400, ("svc.crash", 0), ("e.p", 86_400))),
    ],
)
def test_daily_hours_opening_again_at_the_horizon(
    check: str, probe: str, expected: Outcome
) -> None:
    text = HOURS.replace("horizon 10m", "horizon day 2 00:00").replace(
        "open 100s..200s", "open 00:00..01:00 daily"
    )
    assert verdict(text, check, probe=probe) == expected


COMM_HOURS = """
    horizon 10m
    device link {
      fault crash at 190s repair 40s
    }
    device e {
      fault p at $probe repair 1s
    }
    service svc {
    }
    channel ch {
      via link
      timeout 30s
      open 100s..200s
      transaction tx {
        calls svc
      }
      on comm -> retain
    }
    check "c" {
      faults at most 2
      never ch.retain and e.p
    }
"""


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        # link down on [190, 230): comm at t iff down on all of [t, t+30], t in 190..199;
        # a comm failure looks at [t, t+30] even when the hours end inside it
        ("189s", HOLDS),
        ("190s", violated(190, ("link.crash", 190), ("e.p", 190))),
        ("199s", violated(199, ("link.crash", 190), ("e.p", 199))),
        ("200s", HOLDS),
    ],
)
def test_comm_looks_ahead_past_the_end_of_the_hours(probe: str, expected: Outcome) -> None:
    assert verdict(COMM_HOURS, probe=probe) == expected


def test_a_transactions_open_replaces_the_channels() -> None:
    text = """
        horizon 10m
        service svc {
          fault crash at 0s
        }
        channel ch {
          open 100s..200s
          transaction early {
            calls svc
            open 50s..60s
          }
          transaction late {
            calls svc
          }
        }
        check "early" {
          faults at most 1
          never ch.early.fails during 0s..50s, 60s..10m
        }
        check "late" {
          faults at most 1
          never ch.late.fails
        }
    """
    assert verdict(text, "early") == HOLDS
    assert verdict(text, "late") == violated(100, ("svc.crash", 0))


CHANNEL_DOWN = """
    horizon 10m
    service bad {
      fault crash at 0s
    }
    service good {
    }
    channel ch {
      transaction morning {
        calls bad
        open 100s..200s
      }
      transaction evening {
        calls $evening
        open 150s..300s
      }
    }
    service user {
      needs ch
    }
    check "c" {
      faults at most 1
      never user.down during $window
    }
"""


@pytest.mark.parametrize(
    ("evening", "window", "expected"),
    [
        # every transaction within its hours fails on [100, 300): CH.down there only
        ("bad", "0s..100s", HOLDS),
        ("bad", "100s..101s", violated(100, ("bad.crash", 0))),
        ("bad", "299s..10m", violated(299, ("bad.crash", 0))),
        # outside all hours no transaction makes CH down, and a component needing CH
        # sees it up then
        ("bad", "300s..10m", HOLDS),
        # evening succeeds: CH.down only while morning alone is within its hours
        ("good", "100s..150s", violated(100, ("bad.crash", 0))),
        ("good", "150s..10m", HOLDS),
    ],
)
def test_channel_down_reads_only_the_transactions_within_their_hours(
    evening: str, window: str, expected: Outcome
) -> None:
    assert verdict(CHANNEL_DOWN, evening=evening, window=window) == expected


def test_a_partition_counts_errors_only_within_the_hours() -> None:
    # 1 error a second, 10 close it: from 100s (the opening) it closes at 110
    text = """
        horizon 10m
        service svc {
          fault crash at 0s
        }
        partition p {
          closes after 10 errors
        }
        channel ch {
          through p
          open $hours
          transaction tx {
            calls svc
            rate 60 per minute
          }
        }
        check "c" {
          faults at most 1
          never p.closed
        }
    """
    assert verdict(text, hours="100s..200s") == violated(110, ("svc.crash", 0))
    # 5 errors on [100, 105), 5 more from 200 on: closed at 205
    assert verdict(text, hours="100s..105s, 200s..300s") == violated(205, ("svc.crash", 0))
    assert verdict(text, hours="100s..109s") == HOLDS


# --- detect MODE never -----------------------------------------------------------------

DETECT = """
    horizon 10m
    device a {
      fault memory at $memory
      fault crash at $crash
    }
    device b {
    }
    failover g {
      primary a
      secondary b
      detect any within 10s
      $detect
    }
    check "c" {
      faults at most 2
      g.down lasts at most $limit
    }
"""


@pytest.mark.parametrize(
    ("detect", "memory", "crash", "limit", "expected"),
    [
        # detect any covers memory: down 0..9, switched at 10
        ("", "0s", "5m", "9s", violated(9, ("a.memory", 0))),
        ("", "0s", "5m", "10s", HOLDS),
        # detect memory never beats detect any: no switchover, down from 0 on
        ("detect memory never", "0s", "5m", "9m", violated(540, ("a.memory", 0))),
        # (a run still going at the horizon, 0 + 10m, violates there)
        ("detect memory never", "0s", "5m", "10m", violated(600, ("a.memory", 0))),
        ("detect memory never", "0s", "5m", "11m", HOLDS),
        # a crash is still detected within 10s
        ("detect memory never", "5m", "0s", "9s", violated(9, ("a.crash", 0))),
        # ... and the memory outage from 5m on is never switched over
        ("detect memory never", "5m", "0s", "10s", violated(310, ("a.memory", 300))),
    ],
)
def test_detect_mode_never_beside_detect_any(
    detect: str, memory: str, crash: str, limit: str, expected: Outcome
) -> None:
    # the single-fault scenarios come first (fewest faults), so with memory at 0s
    # and crash at 5m the memory fault alone is the counterexample
    assert verdict(DETECT, detect=detect, memory=memory, crash=crash, limit=limit) == expected


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        # a crash at 5s during the memory episode opens no window: down from 0 on
        ("a.memory at 0s\n  a.crash at 5s", violated(540, ("a.memory", 0), ("a.crash", 5))),
        # the crash alone switches at 15
        ("a.crash at 5s", HOLDS),
    ],
)
def test_a_crash_during_a_never_episode_opens_no_window(scenario: str, expected: Outcome) -> None:
    text = (
        DETECT.replace("fault memory at $memory", "fault memory")
        .replace("fault crash at $crash", "fault crash")
        .replace("faults at most 2", 'scenario "s"')
        + 'scenario "s" {\n  $scenario\n}\n'
    )
    outcome = verdict(text, detect="detect memory never", limit="9m", scenario=scenario)
    assert outcome == expected


def test_detect_any_alone_covers_an_outage_through_the_needs_also_with_a_never_line() -> None:
    text = """
        horizon 10m
        device power {
          fault cut at 0s
        }
        service a {
          fault memory
          needs power
        }
        device b {
        }
        failover g {
          primary a
          secondary b
          detect any within 10s
          detect memory never
        }
        check "c" {
          faults at most 1 of power
          g.down lasts at most $limit
        }
    """
    assert verdict(text, limit="9s") == violated(9, ("power.cut", 0))
    assert verdict(text, limit="10s") == HOLDS


# --- rides out and recovers in ---------------------------------------------------------

RIDES = """
    horizon 10m
    device d {
      fault crash at 100s repair $outage
    }
    device e {
      fault p at $probe repair 1s
    }
    service s {
      needs d
      $timing
    }
    check "c" {
      faults at most 2
      never s.down and e.p
    }
"""


@pytest.mark.parametrize(
    ("outage", "timing", "probe", "expected"),
    [
        # rides out 20s: an outage of at most 20 seconds is ridden out
        ("20s", "rides out 20s", "119s", HOLDS),
        ("20s", "rides out 20s", "120s", HOLDS),
        # 21 seconds: reaches s 20 seconds after it began, at 120 only
        ("21s", "rides out 20s", "119s", HOLDS),
        ("21s", "rides out 20s", "120s", violated(120, ("d.crash", 100), ("e.p", 120))),
        ("21s", "rides out 20s", "121s", HOLDS),
        # recovers in 5m: down 300 seconds more after the needs are back at 121
        (
            "21s",
            "rides out 20s\n  recovers in 5m",
            "420s",
            violated(420, ("d.crash", 100), ("e.p", 420)),
        ),
        ("21s", "rides out 20s\n  recovers in 5m", "421s", HOLDS),
        # recovers in alone: down on [100, 100 + L + Q)
        ("10s", "recovers in 30s", "99s", HOLDS),
        ("10s", "recovers in 30s", "100s", violated(100, ("d.crash", 100), ("e.p", 100))),
        ("10s", "recovers in 30s", "139s", violated(139, ("d.crash", 100), ("e.p", 139))),
        ("10s", "recovers in 30s", "140s", HOLDS),
    ],
)
def test_rides_out_and_recovers_in(outage: str, timing: str, probe: str, expected: Outcome) -> None:
    assert verdict(RIDES, outage=outage, timing=timing, probe=probe) == expected


@pytest.mark.parametrize(
    ("outage", "expected"),
    [
        # instants before 0 count as the needs up: down on [0, 20) is 20 instants
        ("20s", HOLDS),
        ("21s", violated(20, ("d.crash", 0))),
    ],
)
def test_rides_out_counts_from_instant_0(outage: str, expected: Outcome) -> None:
    text = """
        horizon 10m
        device d {
          fault crash at 0s repair $outage
        }
        service s {
          needs d
          rides out 20s
        }
        check "c" {
          faults at most 1
          never s.down
        }
    """
    assert verdict(text, outage=outage) == expected


def test_rides_out_reads_the_needs_combined_not_each_need() -> None:
    # a down [100, 106) and b down [106, 112): each 6 s, together 12 s > 10 s
    text = """
        horizon 10m
        device a {
          fault crash at 100s repair 6s
        }
        device b {
          fault crash at 106s repair 6s
        }
        service s {
          needs a, b
          rides out 10s
        }
        check "c" {
          faults at most 2
          never s.down
        }
        check "one" {
          faults at most 1
          never s.down
        }
    """
    assert verdict(text) == violated(110, ("a.crash", 100), ("b.crash", 106))
    assert verdict(text, "one") == HOLDS


def test_rides_out_does_not_touch_own_faults() -> None:
    text = """
        horizon 10m
        service s {
          fault crash at 100s repair 1s
          rides out 1h
        }
        check "c" {
          faults at most 1
          never s.down
        }
    """
    assert verdict(text) == violated(100, ("s.crash", 100))


JOB = """
    horizon 10m
    device d {
      fault crash at $onset repair $outage
    }
    job j {
      at 100s
      takes 10s
      needs d
      rides out 5s
    }
    check "c" {
      faults at most 1
      j done by 110s
    }
"""


@pytest.mark.parametrize(
    ("onset", "outage", "expected"),
    [
        # a job keeps progressing through a ridden-out outage: done at 110
        ("102s", "5s", HOLDS),
        # 6 s: down at 107 only, done at 111
        ("102s", "6s", violated(110, ("d.crash", 102))),
        # before its start the outage is already being ridden out: [98, 103) is 5 s
        ("98s", "5s", HOLDS),
        # [97, 103): down at 102 (the job started at 100), done at 111
        ("97s", "6s", violated(110, ("d.crash", 97))),
    ],
)
def test_rides_out_on_a_job(onset: str, outage: str, expected: Outcome) -> None:
    assert verdict(JOB, onset=onset, outage=outage) == expected


def test_a_job_that_has_not_started_is_not_down_even_with_recovers_in() -> None:
    text = """
        horizon 10m
        device d {
          fault crash at 10s repair 10s
        }
        job j {
          at 100s
          takes 10s
          needs d
          recovers in 80s
        }
        check "c" {
          faults at most 1
          never j.down
        }
        check "late" {
          faults at most 1
          j done by 110s
        }
    """
    # needs back at 20, down until 100 through recovery: at 100 the job starts and is
    # no longer down
    assert verdict(text) == HOLDS
    assert verdict(text, "late") == HOLDS
    assert verdict(text.replace("recovers in 80s", "recovers in 81s")) == violated(
        100, ("d.crash", 10)
    )


FAILOVER_TIMING = """
    horizon 10m
    device power {
      fault cut at 100s repair 10s
    }
    device disk {
      needs power
      $primary
    }
    device spare {
    }
    failover g {
      primary disk
      secondary spare
      detect any within 1h
      $own
    }
    check "c" {
      faults at most 1
      never g.down
    }
"""


@pytest.mark.parametrize(
    ("primary", "own", "expected"),
    [
        # the primary's outages are read from its own down, with its own rides out
        ("rides out 10s", "", HOLDS),
        ("rides out 9s", "", violated(109, ("power.cut", 100))),
        # a failover's rides out applies to its own needs, not to its primary
        ("", "rides out 1h", violated(100, ("power.cut", 100))),
        ("", "needs power\n  rides out 10s", violated(100, ("power.cut", 100))),
    ],
)
def test_rides_out_on_a_failover_and_on_its_primary(
    primary: str, own: str, expected: Outcome
) -> None:
    assert verdict(FAILOVER_TIMING, primary=primary, own=own) == expected


def test_recovers_in_keeps_a_primary_down_and_its_failover_switches() -> None:
    # disk down [100, 110 + 50): a 60 s outage; detect any within 30s switches at 130
    text = FAILOVER_TIMING.replace("detect any within 1h", "detect any within 30s").replace(
        "never g.down", "g.down lasts at most $limit"
    )
    subs = {"primary": "recovers in 50s", "own": ""}
    assert verdict(text, limit="29s", **subs) == violated(129, ("power.cut", 100))
    assert verdict(text, limit="30s", **subs) == HOLDS


def test_a_partitions_closure_is_not_ridden_out() -> None:
    # rides out on a partition applies to its needs only: its closure takes it down
    text = """
        horizon 10m
        service svc {
          fault crash at 0s
        }
        partition p {
          closes after 10 errors
          rides out 1h
        }
        channel ch {
          through p
          transaction tx {
            calls svc
            rate 60 per minute
          }
        }
        check "c" {
          faults at most 1
          never p.down
        }
    """
    assert verdict(text) == violated(10, ("svc.crash", 0))


# --- scenarios -------------------------------------------------------------------------

SCENARIO = """
    horizon 10m
    device a {
      fault crash
    }
    device b {
      fault crash from 1m
    }
    service s {
      needs any of a, b
    }
    scenario "both" {
      b.crash at 2m
      a.crash at 3m
    }
    scenario "late a" {
      a.crash at 5m
    }
    scenario "quiet" {
    }
    check "c" {
      scenario "$name"
      never $atom
    }
"""


@pytest.mark.parametrize(
    ("name", "atom", "expected"),
    [
        # its counterexample is the scenario, its faults in fault-number order
        ("both", "s.down", violated(180, ("a.crash", 180), ("b.crash", 120))),
        # ... even when fewer faults would violate
        ("both", "a.down or b.down", violated(120, ("a.crash", 180), ("b.crash", 120))),
        ("late a", "s.down", HOLDS),
        ("late a", "a.down", violated(300, ("a.crash", 300))),
        # the empty scenario is the fault-free run
        ("quiet", "a.down", HOLDS),
        ("quiet", "s.up", violated(0)),
    ],
)
def test_a_scenario_check_is_judged_on_its_scenario(
    name: str, atom: str, expected: Outcome
) -> None:
    assert verdict(SCENARIO, name=name, atom=atom) == expected


def test_a_scenario_check_at_the_end_of_the_horizon() -> None:
    text = SCENARIO.replace("a.crash at 5m", "a.crash at 10m")
    assert verdict(text, name="late a", atom="a.down") == violated(600, ("a.crash", 600))


@pytest.mark.parametrize("engine", ["explicit", "smt"])
def test_the_cut_sets_of_a_scenario_check_are_its_scenario(engine: str) -> None:
    # decision 47: the one fault set a scenario check allows is its scenario's
    import failspec
    from failspec.checker.cut_sets import timed_cut_sets

    text = SCENARIO.replace("$name", "both").replace("$atom", "s.down")
    model = failspec.loads(text, "t.fspec")
    (check,) = model.checks
    result = timed_cut_sets(model, check, engine=engine)
    assert result.complete
    assert result.cut_sets == ((1, 2),)
    assert [(w.violation_at, w.onsets) for w in result.witnesses] == [(180, (180, 120))]
    holds = failspec.loads(text.replace("never s.down", "never s.down and s.up"), "t.fspec")
    assert timed_cut_sets(holds, holds.checks[0], engine=engine).cut_sets == ()


def test_a_scenario_checks_fingerprint_covers_its_scenario_block() -> None:
    # the result cache (checker/fingerprint.py): moving a scenario's onset changes the
    # answer of the check judged on it, and so its key; other checks keep theirs
    import failspec
    from failspec.checker.fingerprint import check_fingerprint

    text = SCENARIO.replace("$name", "both").replace("$atom", "s.down")
    text += 'check "other" {\n  faults at most 1\n  never a.down\n}\n'
    before = failspec.loads(text, "t.fspec")
    after = failspec.loads(text.replace("a.crash at 3m", "a.crash at 4m"), "t.fspec")
    same = [
        check_fingerprint(before, c) == check_fingerprint(after, d)
        for c, d in zip(before.checks, after.checks, strict=True)
    ]
    assert same == [False, True]
