"""Failover semantics read from the contract alone (see test_semantics.py for the
notation and the helper).

Contract: G follows A while A is up.  When A goes from up to down at o (or is
down at 0) with an episode mode that has a detect line (`detect MODE` beats
`detect any`; a needs-only outage is covered by `detect any` alone), G is down
on [o, o+D); if A comes back before o+D there is no switchover and G follows A
again; if A was down at every instant of [o, o+D), G switches at s = o+D to B
and follows B from then on — unless `stuck` is active at s.
"""

from __future__ import annotations

import pytest
from test_semantics import HOLDS, Outcome, verdict, violated

WINDOW = """
    horizon 10m
    device a {
      fault crash at 100s
    }
    device b {
      fault crash at 50s $brepair
    }
    device e {
      fault p at $probe repair 1s
    }
    failover g {
      primary a
      secondary b
      detect crash within 10s
    }
    check "c" {
      faults at most 2 of a, e
      never (g.down and e.p)
    }
    check "run" {
      faults at most 1 of a
      g.down lasts at most $limit
    }
    check "b failed first" {
      faults at most 2 of a, b
      g.down lasts at most $limit
    }
"""


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        # G follows A (up) before 100; window [100, 110); B (up) from 110 on
        ("99s", HOLDS),
        ("100s", violated(100, ("a.crash", 100), ("e.p", 100))),
        ("109s", violated(109, ("a.crash", 100), ("e.p", 109))),
        ("110s", HOLDS),
        ("300s", HOLDS),
    ],
)
def test_switchover_window(probe: str, expected: Outcome) -> None:
    assert verdict(WINDOW, probe=probe, limit="10s", brepair="") == expected


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        # the window is a run of 10 instants 100..109
        ("9s", violated(109, ("a.crash", 100))),
        ("10s", HOLDS),
    ],
)
def test_switchover_window_length(limit: str, expected: Outcome) -> None:
    assert verdict(WINDOW, "run", probe="0s", limit=limit, brepair="") == expected


@pytest.mark.parametrize(
    ("brepair", "limit", "expected"),
    [
        # B down from 50 forever: G switches at 110 to a down B; G down from 100
        # on; at most 10s: t+D = 110
        ("", "10s", violated(110, ("a.crash", 100), ("b.crash", 50))),
        # B down on [50, 120): G down 100..119 (window, then B), up at 120
        ("repair 70s", "19s", violated(119, ("a.crash", 100), ("b.crash", 50))),
        ("repair 70s", "20s", HOLDS),
    ],
)
def test_secondary_that_failed_first(brepair: str, limit: str, expected: Outcome) -> None:
    assert verdict(WINDOW, "b failed first", probe="0s", limit=limit, brepair=brepair) == expected


RETURN = """
    horizon 10m
    device a {
      fault flap at 100s repair $repair
    }
    device b {
      fault crash at 50s
    }
    device e {
      fault p at $probe repair 1s
    }
    failover g {
      primary a
      secondary b
      detect flap within 10s
    }
    check "c" {
      faults at most 3 of device
      never (g.down and e.p)
    }
"""


@pytest.mark.parametrize(
    ("repair", "probe", "expected"),
    [
        # A down [100, 105): back before 110 -> no switchover, G follows A: down
        # 100..104, up from 105 (B, down since 50, never serves G)
        ("5s", "104s", violated(104, ("a.flap", 100), ("e.p", 104))),
        ("5s", "105s", HOLDS),
        ("5s", "110s", HOLDS),
        ("5s", "300s", HOLDS),
        # A down [100, 109): back at 109 < 110 -> no switchover
        ("9s", "109s", HOLDS),
        ("9s", "300s", HOLDS),
        # A down [100, 110): down at every instant of [o, o+D) and back exactly at
        # o+D -> switches at 110 to B, which is down: G down at 300
        ("10s", "109s", violated(109, ("a.flap", 100), ("e.p", 109))),
        ("10s", "110s", violated(110, ("a.flap", 100), ("b.crash", 50), ("e.p", 110))),
        ("10s", "300s", violated(300, ("a.flap", 100), ("b.crash", 50), ("e.p", 300))),
        ("11s", "300s", violated(300, ("a.flap", 100), ("b.crash", 50), ("e.p", 300))),
    ],
)
def test_primary_returning_before_or_at_the_end_of_the_window(
    repair: str, probe: str, expected: Outcome
) -> None:
    assert verdict(RETURN, repair=repair, probe=probe) == expected


def test_no_switch_back_after_switchover() -> None:
    # A down [100, 130): switches at 110 to B and follows B from then on, although
    # A is back at 130; B down [300, 310) takes G down at 305
    text = """
        horizon 10m
        device a {
          fault crash at 100s repair 30s
        }
        device b {
          fault crash at 300s repair 10s
        }
        device e {
          fault p at 305s repair 1s
        }
        failover g {
          primary a
          secondary b
          detect crash within 10s
        }
        check "c" {
          faults at most 3 of device
          never (g.down and e.p)
        }
        check "b alone" {
          faults at most 2 of b, e
          never (g.down and e.p)
        }
    """
    assert verdict(text) == violated(305, ("a.crash", 100), ("b.crash", 300), ("e.p", 305))
    # without the switchover G follows A, and B does not matter
    assert verdict(text, "b alone") == HOLDS


NEEDS_ONLY = """
    horizon 10m
    device p {
      fault f at 100s
    }
    device a {
      needs p
      fault crash at 100s
    }
    device b {
    }
    failover g {
      primary a
      secondary b
      detect crash within 10s
      $detect_any
    }
    check "c" {
      faults at most 1 of p
      g.down lasts at most $limit
    }
"""


@pytest.mark.parametrize(
    ("detect_any", "limit", "expected"),
    [
        # A down from 100 through its need only: `detect any within 20s` covers it;
        # window [100, 120) = 20 instants, then B
        ("detect any within 20s", "19s", violated(119, ("p.f", 100))),
        ("detect any within 20s", "20s", HOLDS),
        # `detect crash` does not cover a needs-only outage: never switches, G follows
        # A, down from 100 forever: at most 400s -> t+D = 500 <= 600
        ("", "400s", violated(500, ("p.f", 100))),
        ("", "500s", violated(600, ("p.f", 100))),
        ("", "501s", HOLDS),
    ],
)
def test_detect_any_covers_needs_only_outage(
    detect_any: str, limit: str, expected: Outcome
) -> None:
    assert verdict(NEEDS_ONLY, detect_any=detect_any, limit=limit) == expected


MODE_BEATS_ANY = """
    horizon 10m
    device a {
      fault crash at 100s
      fault flap at 100s
    }
    device b {
    }
    failover g {
      primary a
      secondary b
      detect any within 1m
      detect crash within 10s
    }
    check "crash" {
      faults at most 1 of a.crash
      g.down lasts at most $limit
    }
    check "flap" {
      faults at most 1 of a.flap
      g.down lasts at most $limit
    }
"""


@pytest.mark.parametrize(
    ("check", "limit", "expected"),
    [
        # crash has its own line (10s), which beats `detect any` (listed first)
        ("crash", "9s", violated(109, ("a.crash", 100))),
        ("crash", "10s", HOLDS),
        # flap has none: `detect any within 1m`, window 100..159
        ("flap", "59s", violated(159, ("a.flap", 100))),
        ("flap", "60s", HOLDS),
    ],
)
def test_detect_mode_beats_detect_any(check: str, limit: str, expected: Outcome) -> None:
    assert verdict(MODE_BEATS_ANY, check, limit=limit) == expected


NO_DETECT = """
    horizon 10m
    device a {
      fault crash at 300s
      fault flap at 100s $repair
    }
    device b {
      fault crash at 0s
    }
    failover g {
      primary a
      secondary b
      detect crash within 10s
    }
    check "c" {
      faults at most 2 of a.flap, b
      g.down lasts at most $limit
    }
"""


@pytest.mark.parametrize(
    ("repair", "limit", "expected"),
    [
        # flap has no detect line: no switchover, G follows A: down 100..159, then
        # up with A (B, down from 0, never serves G)
        ("repair 1m", "59s", violated(159, ("a.flap", 100))),
        ("repair 1m", "60s", HOLDS),
        # no repair: G down from 100 forever
        ("", "500s", violated(600, ("a.flap", 100))),
        ("", "501s", HOLDS),
    ],
)
def test_mode_without_detect_line_never_switches(
    repair: str, limit: str, expected: Outcome
) -> None:
    assert verdict(NO_DETECT, repair=repair, limit=limit) == expected


EPISODE_MODE = """
    horizon 10m
    device a {
      $first
      $second
    }
    device b {
    }
    failover g {
      primary a
      secondary b
      detect crash within 10s
    }
    check "c" {
      faults at most 2 of a
      g.down lasts at most 20s
    }
"""

CRASH = "fault crash at {0}s"
FLAP = "fault flap at {0}s repair 20s"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        # alone, each is fine: crash -> window 10 instants then B; flap (no detect
        # line) -> G follows A, down 20 instants.
        # Both at 100, crash numbered first: the episode's mode is crash -> window
        # 100..109, then B -> run of 10
        (CRASH.format(100), FLAP.format(100), HOLDS),
        # flap numbered first: mode flap, no detect line -> never switches; A stays
        # down (crash, no repair) -> G down from 100: at most 20s fails at 120
        (
            FLAP.format(100),
            CRASH.format(100),
            violated(120, ("a.flap", 100), ("a.crash", 100)),
        ),
        # crash numbered first but starting at 101, while A is already down through
        # flap (episode at 100, mode flap): a fault of A starting while A is down
        # changes nothing -> G down from 100 forever
        (
            CRASH.format(101),
            FLAP.format(100),
            violated(120, ("a.crash", 101), ("a.flap", 100)),
        ),
        # flap on [99, 119), crash from 100: A is down from 99 without a break;
        # the episode opens at 99 with mode flap and never switches -> run from 99
        (
            CRASH.format(100),
            FLAP.format(99),
            violated(119, ("a.crash", 100), ("a.flap", 99)),
        ),
        # flap [80, 100) then crash from 100: A down from 80 without a break; the
        # episode opens at 80 with mode flap -> G down from 80: fails at 80+20
        (
            CRASH.format(100),
            FLAP.format(80),
            violated(100, ("a.crash", 100), ("a.flap", 80)),
        ),
        # flap [79, 99): A is up at 99, so crash at 100 opens its own episode with
        # mode crash -> window 100..109, then B: runs of 20 and 10
        (CRASH.format(100), FLAP.format(79), HOLDS),
    ],
)
def test_episode_mode_is_first_numbered_fault_active_at_onset(
    first: str, second: str, expected: Outcome
) -> None:
    assert verdict(EPISODE_MODE, first=first, second=second) == expected


def test_fault_starting_while_primary_is_down_opens_no_new_window() -> None:
    # crash at 100 (detect 10s) -> switches at 110 to B.  flap at 105 starts while
    # A is down: no new window (a restarted window with flap's 3m would keep G
    # down to 285).  Alone, flap [105, 125) is back before 285: G down 20 instants.
    text = """
        horizon 10m
        device a {
          fault crash at 100s
          fault flap at 105s repair 20s
        }
        device b {
        }
        failover g {
          primary a
          secondary b
          detect crash within 10s
          detect flap within 3m
        }
        check "c" {
          faults at most 2 of a
          g.down lasts at most 20s
        }
    """
    assert verdict(text) == HOLDS


def test_fault_of_primary_during_needs_only_outage_changes_nothing() -> None:
    # A down from 100 through p only; no `detect any`, so no switchover.  A's own
    # crash at 105 starts while A is down: no new window, G stays down (follows A)
    text = """
        horizon 10m
        device p {
          fault f at 100s
        }
        device a {
          needs p
          fault crash at 105s
        }
        device b {
        }
        device e {
          fault p at 300s repair 1s
        }
        failover g {
          primary a
          secondary b
          detect crash within 10s
        }
        check "c" {
          faults at most 3 of device
          never (g.down and a.crash and e.p)
        }
    """
    assert verdict(text) == violated(300, ("p.f", 100), ("a.crash", 105), ("e.p", 300))


def test_primary_down_at_instant_zero_opens_a_window() -> None:
    text = """
        horizon 10m
        device a {
          fault crash at 0s
        }
        device b {
        }
        failover g {
          primary a
          secondary b
          detect crash within 10s
        }
        check "c" {
          faults at most 1 of device
          g.down lasts at most $limit
        }
    """
    # window [0, 10), then B
    assert verdict(text, limit="9s") == violated(9, ("a.crash", 0))
    assert verdict(text, limit="10s") == HOLDS


STUCK_MANUAL = """
    horizon 10m
    device a {
      fault crash at 100s
    }
    device b {
    }
    failover g {
      primary a
      secondary b
      detect crash within 10s
      fault stuck at $stuck
      manual 5m
    }
    device e {
      fault p at $probe repair 1s
    }
    check "run" {
      faults at most 2 of a, g
      g.down lasts at most $limit
    }
    check "probe" {
      faults at most 3 of a, g, e
      never (g.down and e.p)
    }
    check "latent" {
      faults at most 1 of g
      never g.down
    }
    check "atom" {
      faults at most 1 of g
      never g.stuck
    }
"""


@pytest.mark.parametrize(
    ("stuck", "limit", "expected"),
    [
        # stuck active at s = 110: window 100..109, manual 110..409, B from 410:
        # one run of 310 instants
        ("110s", "309s", violated(409, ("a.crash", 100), ("g.stuck", 110))),
        ("110s", "310s", HOLDS),
        ("100s", "309s", violated(409, ("a.crash", 100), ("g.stuck", 100))),
        # stuck from 111: not active at s, the switchover works -> 10 instants
        ("111s", "10s", HOLDS),
        # stuck on [100, 110): not active at s = 110
        ("100s repair 10s", "10s", HOLDS),
        # stuck on [101, 111): active at s
        ("101s repair 10s", "309s", violated(409, ("a.crash", 100), ("g.stuck", 101))),
    ],
)
def test_stuck_with_manual(stuck: str, limit: str, expected: Outcome) -> None:
    assert verdict(STUCK_MANUAL, "run", stuck=stuck, limit=limit, probe="0s") == expected


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        ("409s", violated(409, ("a.crash", 100), ("g.stuck", 110), ("e.p", 409))),
        ("410s", HOLDS),  # served by B from s+M = 410
    ],
)
def test_stuck_with_manual_restored_at_s_plus_m(probe: str, expected: Outcome) -> None:
    assert verdict(STUCK_MANUAL, "probe", stuck="110s", limit="0s", probe=probe) == expected


def test_stuck_is_latent_and_its_atom_is_true_while_active() -> None:
    assert verdict(STUCK_MANUAL, "latent", stuck="50s", limit="0s", probe="0s") == HOLDS
    assert verdict(STUCK_MANUAL, "atom", stuck="50s", limit="0s", probe="0s") == violated(
        50, ("g.stuck", 50)
    )


STUCK_NO_MANUAL = """
    horizon 10m
    device a {
      fault crash at 100s repair 1m
      fault flap at 200s
    }
    device b {
    }
    failover g {
      primary a
      secondary b
      detect crash within 10s
      detect flap within 10s
      fault stuck at 105s $stuck_repair
    }
    device e {
      fault p at $probe repair 1s
    }
    check "run" {
      faults at most 3 of a, g
      g.down lasts at most $limit
    }
    check "probe" {
      faults at most 4 of device, g
      never (g.down and e.p)
    }
"""


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        # stuck on [105, 205).  crash: window 100..109, stuck at 110 -> the switchover
        # fails; no manual: G follows A, down until A is back at 160 (run 100..159).
        # flap at 200: A's next outage tries again: window 200..209, stuck no longer
        # active at 210 -> switches to B (run of 10)
        ("59s", violated(159, ("a.crash", 100), ("g.stuck", 105))),
        ("60s", HOLDS),
    ],
)
def test_stuck_without_manual_follows_primary(limit: str, expected: Outcome) -> None:
    subs = {"limit": limit, "probe": "0s", "stuck_repair": "repair 100s"}
    assert verdict(STUCK_NO_MANUAL, "run", **subs) == expected


@pytest.mark.parametrize(
    ("stuck_repair", "probe", "expected"),
    [
        # the second episode switches at 210: G up at 210
        ("repair 100s", "209s", violated(209, ("a.flap", 200), ("e.p", 209))),
        ("repair 100s", "210s", HOLDS),
        # stuck without repair is active at 210 too: that switchover fails as well,
        # G follows A (down from 200 forever); crash is not needed
        ("", "210s", violated(210, ("a.flap", 200), ("g.stuck", 105), ("e.p", 210))),
    ],
)
def test_stuck_without_manual_next_outage_tries_again(
    stuck_repair: str, probe: str, expected: Outcome
) -> None:
    subs = {"limit": "0s", "probe": probe, "stuck_repair": stuck_repair}
    assert verdict(STUCK_NO_MANUAL, "probe", **subs) == expected


OTHER_FAULT = """
    horizon 10m
    device a {
    }
    device b {
    }
    failover g {
      primary a
      secondary b
      detect any within 10s
      fault hang at 100s repair 5s
    }
    check "never" {
      faults at most 1 of g
      never g.down
    }
    check "run" {
      faults at most 1 of g.hang
      g.down lasts at most $limit
    }
"""


def test_other_fault_on_failover_takes_it_down_while_active() -> None:
    # G down on [100, 105) with A and B up
    assert verdict(OTHER_FAULT, "never", limit="0s") == violated(100, ("g.hang", 100))
    assert verdict(OTHER_FAULT, "run", limit="4s") == violated(104, ("g.hang", 100))
    assert verdict(OTHER_FAULT, "run", limit="5s") == HOLDS


REDOWN = """
    horizon 10m
    device a {
      fault flap at 100s repair 3s
      fault crash at $crash
    }
    device b {
      fault crash at 0s
    }
    device e {
      fault p at $probe repair 1s
    }
    failover g {
      primary a
      secondary b
      detect flap within 10s
      detect crash within 10s
    }
    check "c" {
      faults at most 4 of device
      never (g.down and e.p)
    }
"""


@pytest.mark.parametrize(
    ("crash", "probe", "expected"),
    [
        # flap [100, 103): back before 110, G follows A again: up at 103 and 104.
        # crash at 105 goes from up to down: a new episode, window [105, 115), then
        # B; B is down (since 0) so G stays down from 105 on
        ("105s", "103s", HOLDS),
        ("105s", "104s", HOLDS),
        ("105s", "105s", violated(105, ("a.crash", 105), ("e.p", 105))),
        ("105s", "114s", violated(114, ("a.crash", 105), ("e.p", 114))),
        # switch at 115 (not at 110, the end of the flap's window) to B
        ("105s", "115s", violated(115, ("a.crash", 105), ("b.crash", 0), ("e.p", 115))),
    ],
)
def test_primary_going_down_again_after_returning_opens_a_new_window(
    crash: str, probe: str, expected: Outcome
) -> None:
    assert verdict(REDOWN, crash=crash, probe=probe) == expected


def test_failover_own_needs_take_it_down() -> None:
    # any kind may declare needs: g down while y is down, A and B up
    text = """
        horizon 10m
        device a {
        }
        device b {
        }
        device y {
          fault crash at 100s repair 5s
        }
        failover g {
          primary a
          secondary b
          detect any within 10s
          needs y
        }
        check "c" {
          faults at most 1
          g.down lasts at most $limit
        }
    """
    assert verdict(text, limit="4s") == violated(104, ("y.crash", 100))
    assert verdict(text, limit="5s") == HOLDS


def test_fault_starting_as_another_ends_continues_the_episode() -> None:
    # flap [100, 103) and crash from 103: A is down at every instant from 100, so
    # the flap's episode goes on (no new window at 103) and switches at 110 to B:
    # G down 100..109.  Alone, crash at 103 gives 103..112 and flap 100..102; a new
    # window at 103 would keep G down 100..112 (13 instants)
    text = """
        horizon 10m
        device a {
          fault flap at 100s repair 3s
          fault crash at 103s
        }
        device b {
        }
        failover g {
          primary a
          secondary b
          detect flap within 10s
          detect crash within 10s
        }
        check "c" {
          faults at most 2 of a
          g.down lasts at most 10s
        }
    """
    assert verdict(text) == HOLDS


def test_free_onsets_stuck_switchover() -> None:
    # a at 0 (down at instant 0 opens the window), s = 10; stuck active at 10,
    # smallest onset 0: down 0..309 (window 10, manual 300)
    text = """
        horizon 10m
        device a {
          fault crash
        }
        device b {
        }
        failover g {
          primary a
          secondary b
          detect crash within 10s
          fault stuck
          manual 5m
        }
        check "c" {
          faults at most 2
          g.down lasts at most $limit
        }
    """
    assert verdict(text, limit="309s") == violated(309, ("a.crash", 0), ("g.stuck", 0))
    assert verdict(text, limit="310s") == HOLDS
    # with a stuck repaired after 5 s, it must still be active at s = o+10:
    # onsets (0, 6) is the smallest with 6 <= 10 < 11
    text = text.replace("fault stuck\n", "fault stuck repair 5s\n")
    assert verdict(text, limit="309s") == violated(309, ("a.crash", 0), ("g.stuck", 6))


def test_own_fault_at_onset_beats_needs_outage_for_the_mode() -> None:
    # p.f and a.crash both at 100: the first-numbered own fault of A active at o
    # is crash, so `detect crash` applies (no `detect any`): switch at 110 to B.
    # p.f alone is a needs-only outage with no `detect any`: G follows A for ever.
    # a.crash at 101 starts while A is down through p: no switch, G down at 111
    # (alone, a.crash at 101 switches at 111).
    text = """
        horizon 10m
        device p {
          fault f at 100s
        }
        device a {
          needs p
          fault crash at $crash
        }
        device b {
        }
        device e {
          fault p at 111s repair 1s
        }
        failover g {
          primary a
          secondary b
          detect crash within 10s
        }
        check "c" {
          faults at most 3
          never (g.down and a.crash and e.p)
        }
    """
    assert verdict(text, crash="100s") == HOLDS
    assert verdict(text, crash="101s") == violated(
        111, ("p.f", 100), ("a.crash", 101), ("e.p", 111)
    )


def test_manual_recovery_ignores_primary_returning() -> None:
    # stuck at s = 110: G down on [110, 410) and served by B from 410, although A
    # is back at 120 (no switch back, restored by hand): one run 100..409
    text = """
        horizon 10m
        device a {
          fault crash at 100s repair 20s
        }
        device b {
        }
        failover g {
          primary a
          secondary b
          detect crash within 10s
          fault stuck at 110s
          manual 5m
        }
        check "c" {
          faults at most 2
          g.down lasts at most $limit
        }
    """
    assert verdict(text, limit="309s") == violated(409, ("a.crash", 100), ("g.stuck", 110))
    assert verdict(text, limit="310s") == HOLDS
