"""Channel classes, actions and partition closing, read from the contract alone
(see test_semantics.py for the notation and the helper).

Contract: at every instant every transaction is attempted; it fails with class
`comm` if the access path is down at every instant of [t, t+T], else `partition`
if P.down at t, else `service` if a component it calls is down at t.  P closes
at the first c with sum(rate_per_minute x failing_seconds on [0, c)) >= 60 N,
counting only `service` failures of transactions routed through P.
"""

from __future__ import annotations

import pytest
from test_semantics import HOLDS, Outcome, verdict, violated

COMM = """
    horizon 10m
    device link {
      fault crash at 100s repair $outage
    }
    service svc {
    }
    partition p {
      closes after 1000 errors
    }
    channel atm {
      via link
      through p
      $timeout
      transaction w {
        calls svc
        rate 60 per minute
      }
      on comm -> retain
      on partition -> hold
      on service -> give_back
    }
    check "c" {
      faults at most 1 of device
      never atm.retain
    }
    check "fails" {
      faults at most 1 of device
      never atm.w.fails
    }
    check "run" {
      faults at most 1 of device
      atm.retain lasts at most $limit
    }
"""


@pytest.mark.parametrize(
    ("outage", "check", "limit", "expected"),
    [
        # timeout 30s: comm at t iff link down on all of [t, t+30] (31 instants).
        # Outage [100, 100+L): comm at t iff 100 <= t <= L+69.
        # L = 31: comm at 100 only
        ("31s", "c", "0s", violated(100, ("link.crash", 100))),
        ("31s", "run", "0s", violated(100, ("link.crash", 100))),
        ("31s", "run", "1s", HOLDS),
        # L = 32: comm at 100 and 101
        ("32s", "run", "1s", violated(101, ("link.crash", 100))),
        ("32s", "run", "2s", HOLDS),
        # L = 30: ridden out by retries; svc and P are up, so no failure at all
        ("30s", "c", "0s", HOLDS),
        ("30s", "fails", "0s", HOLDS),
    ],
)
def test_comm_needs_the_path_down_for_timeout_plus_one_instants(
    outage: str, check: str, limit: str, expected: Outcome
) -> None:
    assert verdict(COMM, check, outage=outage, timeout="timeout 30s", limit=limit) == expected


@pytest.mark.parametrize(
    ("outage", "limit", "expected"),
    [
        # no timeout line: T = 0, comm exactly while the link is down
        ("1s", "0s", violated(100, ("link.crash", 100))),
        ("5s", "4s", violated(104, ("link.crash", 100))),
        ("5s", "5s", HOLDS),
    ],
)
def test_comm_with_default_timeout_zero(outage: str, limit: str, expected: Outcome) -> None:
    assert verdict(COMM, "run", outage=outage, timeout="", limit=limit) == expected


PRECEDENCE = """
    horizon 10m
    device link {
      fault crash at 100s
    }
    service svc {
      fault bug at 100s
    }
    partition p {
      closes after 1000 errors
      fault jam at 100s
    }
    channel atm {
      via link
      through p
      transaction w {
        calls svc
        rate 60 per minute
      }
      on comm -> retain
      on partition -> hold
      on service -> give_back
    }
    check "no hold under comm" {
      faults at most 3
      never (atm.hold and link.crash)
    }
    check "no give_back under comm or partition" {
      faults at most 3
      never (atm.give_back and (link.crash or p.jam))
    }
    check "hold" {
      faults at most 3
      never atm.hold
    }
    check "give_back" {
      faults at most 3
      never atm.give_back
    }
    check "retain" {
      faults at most 3
      never atm.retain
    }
"""


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        # T = 0: comm whenever the link is down, and it beats partition and service
        ("no hold under comm", HOLDS),
        # partition beats service
        ("no give_back under comm or partition", HOLDS),
        ("hold", violated(100, ("p.jam", 100))),
        # svc alone from 100: service; P closes only at 100+1000, past the horizon
        ("give_back", violated(100, ("svc.bug", 100))),
        ("retain", violated(100, ("link.crash", 100))),
    ],
)
def test_class_precedence_comm_partition_service(check: str, expected: Outcome) -> None:
    assert verdict(PRECEDENCE, check) == expected


OVERRIDE = """
    horizon 10m
    device link {
      fault crash at 200s
    }
    service svc {
      fault bug at 100s
    }
    channel atm {
      via link
      transaction w {
        calls svc
      }
      transaction inq {
        calls svc
        on service -> queue
      }
      on comm -> retain
      on service -> give_back
    }
    check "c" {
      faults at most 2
      never $atom
    }
"""


@pytest.mark.parametrize(
    ("atom", "expected"),
    [
        # inq replaces the channel's `service` line only.  (The validator rejects
        # `atm.inq.give_back` and `atm.w.queue` as actions these transactions never
        # take, so ask through the channel-wide events instead.)
        ("(atm.give_back and not atm.w.give_back)", HOLDS),
        ("atm.inq.queue", violated(100, ("svc.bug", 100))),
        # ... and keeps the channel's `comm` line
        ("atm.inq.retain", violated(200, ("link.crash", 200))),
        ("(atm.queue and not atm.inq.queue)", HOLDS),
        ("atm.w.give_back", violated(100, ("svc.bug", 100))),
        # CH.ACTION: some transaction fails with a class that maps to it for it
        ("atm.queue", violated(100, ("svc.bug", 100))),
        ("atm.give_back", violated(100, ("svc.bug", 100))),
        ("(atm.give_back and not atm.w.fails)", HOLDS),
        # both fail at 100 with service: the whole channel is down
        ("atm.down", violated(100, ("svc.bug", 100))),
    ],
)
def test_transaction_on_line_overrides_its_class_only(atom: str, expected: Outcome) -> None:
    assert verdict(OVERRIDE, atom=atom) == expected


UNMAPPED = """
    horizon 10m
    service svc {
      fault bug at 100s repair 10s
    }
    partition p {
      closes after 1000 errors
      fault jam at 300s
    }
    channel atm {
      through p
      transaction w {
        calls svc
      }
      on comm -> retain
    }
    check "c" {
      faults at most 2
      never $atom
    }
"""


@pytest.mark.parametrize(
    ("atom", "expected"),
    [
        # service and partition have no mapping: no action, but w fails
        ("atm.retain", HOLDS),
        ("atm.w.fails", violated(100, ("svc.bug", 100))),
        ("(atm.w.fails and p.jam)", violated(300, ("p.jam", 300))),
        ("atm.down", violated(100, ("svc.bug", 100))),
    ],
)
def test_class_without_mapping_takes_no_action(atom: str, expected: Outcome) -> None:
    assert verdict(UNMAPPED, atom=atom) == expected


CHANNEL_DOWN = """
    horizon 10m
    service s1 {
      fault bug at 100s
    }
    service s2 {
      fault bug at $t2 repair 10s
    }
    device x {
      fault crash at 400s repair 10s
    }
    channel atm {
      needs x
      fault hang at 300s repair 10s
      transaction w {
        calls s1
      }
      transaction d {
        calls s2
      }
      on service -> give_back
      on comm -> retain
    }
    check "c" {
      faults at most 2 of s1, s2
      never atm.down
    }
    check "own" {
      faults at most 4
      never atm.down
    }
    check "own no class" {
      faults at most 2 of atm, x
      never (atm.w.fails or atm.d.fails or atm.give_back or atm.retain)
    }
    check "own down" {
      faults at most 2 of atm, x
      never (atm.down and not atm.hang)
    }
"""


@pytest.mark.parametrize(
    ("t2", "expected"),
    [
        # down when every transaction fails: w from 100 on, d on [t2, t2+10)
        ("50s", HOLDS),  # d 50..59, w not yet failing
        ("91s", violated(100, ("s1.bug", 100), ("s2.bug", 91))),
        ("105s", violated(105, ("s1.bug", 100), ("s2.bug", 105))),
    ],
)
def test_channel_down_when_every_transaction_fails(t2: str, expected: Outcome) -> None:
    assert verdict(CHANNEL_DOWN, t2=t2) == expected


def test_channel_own_faults_and_needs_make_it_down_but_change_no_class() -> None:
    # one fault suffices through the channel's own fault (300) or need (400);
    # s1 or s2 alone leave one transaction working.  Earliest: hang at 300
    assert verdict(CHANNEL_DOWN, "own", t2="50s") == violated(300, ("atm.hang", 300))
    # neither makes a transaction fail nor an action happen
    assert verdict(CHANNEL_DOWN, "own no class", t2="50s") == HOLDS
    # the need x takes the channel down at 400
    assert verdict(CHANNEL_DOWN, "own down", t2="50s") == violated(400, ("x.crash", 400))


# --- partitions ----------------------------------------------------------------------

CLOSING = """
    horizon $horizon
    device link {
    }
    service svc {
      fault bug at 100s
    }
    partition p {
      closes after $n errors
    }
    channel atm {
      via link
      through p
      transaction w {
        calls svc
        $rate
      }
      on partition -> hold
      on service -> give_back
    }
    check "c" {
      faults at most 1 of svc
      never p.closed
    }
"""


@pytest.mark.parametrize(
    ("rate", "n", "closes"),
    [
        # w fails with `service` at every instant from 100 until P closes; the sum
        # over [0, c) is rate x (c - 100); the first c with rate x (c-100) >= 60 n:
        ("rate 60 per minute", 10, 110),  # 60k >= 600: k = 10
        ("rate 6 per minute", 1, 110),  # 6k >= 60: k = 10 exactly
        ("rate 7 per minute", 1, 109),  # 7k >= 60: k = 9 (63)
        ("rate 59 per minute", 1, 102),  # 59 < 60 <= 118
        ("rate 61 per minute", 1, 101),
        ("rate 2.5 per minute", 1, 124),  # 2.5 x 24 = 60 exactly
        ("rate 1 per second", 5, 105),  # 60 per minute: k = 5
        ("rate 0.5 per second", 1, 102),  # 30 per minute: k = 2
        ("rate 90 per hour", 1, 140),  # 1.5 per minute: k = 40
        ("rate 120 per minute", 3, 102),  # 120k >= 180: k = 2 (1.5 rounded up)
    ],
)
def test_partition_closes_at_the_first_instant_reaching_the_threshold(
    rate: str, n: int, closes: int
) -> None:
    # at c it is closed (the violation instant), and with horizon c-1 never
    assert verdict(CLOSING, rate=rate, n=n, horizon=f"{closes}s") == violated(
        closes, ("svc.bug", 100)
    )
    assert verdict(CLOSING, rate=rate, n=n, horizon=f"{closes - 1}s") == HOLDS


def test_transaction_without_rate_never_counts() -> None:
    assert verdict(CLOSING, rate="", n=1, horizon="10m") == HOLDS


TWO_RATES = """
    horizon $horizon
    service s1 {
      fault bug at 100s
    }
    service s2 {
      fault bug at 103s
    }
    partition p {
      closes after 2 errors
    }
    channel atm {
      through p
      transaction w {
        calls s1
        rate 20 per minute
      }
      transaction d {
        calls s2
        rate 40 per minute
      }
      on partition -> hold
    }
    check "both" {
      faults at most 2
      never (p.closed and s1.bug and s2.bug)
    }
    check "any" {
      faults at most 2
      never p.closed
    }
"""


def test_partition_sums_transactions_at_their_rates() -> None:
    # threshold 60 x 2 = 120.  Both: 20(c-100) + 40(c-103) over [0, c):
    # c = 103: 60; c = 104: 80 + 40 = 120 -> closes at 104
    assert verdict(TWO_RATES, "both", horizon="10m") == violated(
        104, ("s1.bug", 100), ("s2.bug", 103)
    )
    assert verdict(TWO_RATES, "both", horizon="103s") == HOLDS
    # alone: s1 20k >= 120 -> k = 6 -> 106; s2 40k >= 120 -> k = 3 -> 106.  One fault
    # beats two; equal instants: the smaller fault number, s1
    assert verdict(TWO_RATES, "any", horizon="10m") == violated(106, ("s1.bug", 100))


REOPENS = """
    horizon 10m
    service svc {
      fault bug at 100s repair $repair
    }
    partition p {
      closes after 10 errors
      reopens after 30s
    }
    device e {
      fault p at $probe repair 1s
    }
    channel atm {
      through p
      transaction w {
        calls svc
        rate 60 per minute
      }
      on partition -> hold
      on service -> give_back
    }
    check "run" {
      faults at most 1 of svc
      p.closed lasts at most $limit
    }
    check "probe" {
      faults at most 2
      never (p.closed and e.p)
    }
    check "service" {
      faults at most 2
      never (atm.give_back and e.p)
    }
"""


@pytest.mark.parametrize(
    ("repair", "check", "probe", "limit", "expected"),
    [
        # svc down [100, 100+r): 10 failing seconds 100..109 -> closed at 110;
        # reopens at 140 and counts from zero
        ("40s", "run", "0s", "29s", violated(139, ("svc.bug", 100))),
        ("40s", "run", "0s", "30s", HOLDS),
        ("40s", "probe", "139s", "0s", violated(139, ("svc.bug", 100), ("e.p", 139))),
        ("40s", "probe", "140s", "0s", HOLDS),
        # r = 50: while closed, w fails with partition (no give_back); open again at
        # 140 with svc still down: service -> give_back
        ("50s", "service", "139s", "0s", HOLDS),
        ("50s", "service", "140s", "0s", violated(140, ("svc.bug", 100), ("e.p", 140))),
        # r = 50: failing again 140..149 = 10 from zero -> closes again at 150
        ("50s", "probe", "149s", "0s", HOLDS),
        ("50s", "probe", "150s", "0s", violated(150, ("svc.bug", 100), ("e.p", 150))),
        # r = 49: only 9 after reopening -> stays open
        ("49s", "probe", "150s", "0s", HOLDS),
    ],
)
def test_partition_reopens_and_counts_from_zero(
    repair: str, check: str, probe: str, limit: str, expected: Outcome
) -> None:
    assert verdict(REOPENS, check, repair=repair, probe=probe, limit=limit) == expected


CLOSED_VS_DOWN = """
    horizon 10m
    device x {
      fault crash at 200s repair 10s
    }
    service svc {
    }
    partition p {
      closes after 5 errors
      needs x
      fault jam at 100s repair 10s
    }
    channel atm {
      through p
      transaction w {
        calls svc
        rate 60 per minute
      }
      on partition -> hold
    }
    check "closed" {
      faults at most 2
      never p.closed
    }
    check "down" {
      faults at most 2
      never p.down
    }
    check "hold" {
      faults at most 1 of x
      never atm.hold
    }
    check "hold run" {
      faults at most 2
      atm.hold lasts at most $limit
    }
"""


@pytest.mark.parametrize(
    ("check", "limit", "expected"),
    [
        # own faults and needs make P.down, not P.closed
        ("closed", "0s", HOLDS),
        ("down", "0s", violated(100, ("p.jam", 100))),
        # class partition uses P.down
        ("hold", "0s", violated(200, ("x.crash", 200))),
        ("hold run", "9s", violated(109, ("p.jam", 100))),
        ("hold run", "10s", HOLDS),
    ],
)
def test_closed_is_the_closure_alone_down_covers_own_faults(
    check: str, limit: str, expected: Outcome
) -> None:
    assert verdict(CLOSED_VS_DOWN, check, limit=limit) == expected


COMM_NOT_COUNTED = """
    horizon 10m
    device link {
      fault crash at 100s
    }
    service svc {
      fault bug at $bug
    }
    partition p {
      closes after 10 errors
    }
    channel atm {
      via link
      through p
      transaction w {
        calls svc
        rate 60 per minute
      }
      on comm -> retain
    }
    check "c" {
      faults at most 2
      never (p.closed and link.crash)
    }
"""


@pytest.mark.parametrize(
    ("bug", "expected"),
    [
        # from 100 the link is down: w fails with comm, which does not count
        ("100s", HOLDS),
        ("91s", HOLDS),  # 9 service failures 91..99
        # 10 service failures 90..99 -> closed at 100
        ("90s", violated(100, ("link.crash", 100), ("svc.bug", 90))),
    ],
)
def test_comm_failures_do_not_count_towards_closing(bug: str, expected: Outcome) -> None:
    assert verdict(COMM_NOT_COUNTED, bug=bug) == expected


PATH_PAST_HORIZON = """
    horizon 100s
    device link {
      fault crash at 95s $repair
    }
    service svc {
    }
    channel atm {
      via link
      timeout 30s
      transaction w {
        calls svc
      }
      on comm -> retain
    }
    check "c" {
      faults at most 1
      never atm.retain
    }
"""


@pytest.mark.parametrize(
    ("repair", "expected"),
    [
        # comm at 95 needs the link down on [95, 125], past the horizon: signals are
        # defined for all t >= 0 (no new faults after the horizon)
        ("repair 31s", violated(95, ("link.crash", 95))),
        ("repair 30s", HOLDS),
        ("", violated(95, ("link.crash", 95))),
    ],
)
def test_comm_looks_past_the_horizon(repair: str, expected: Outcome) -> None:
    assert verdict(PATH_PAST_HORIZON, repair=repair) == expected


TWO_VIAS = """
    horizon 10m
    device l1 {
      fault crash at 100s repair 20s
    }
    device l2 {
      fault crash at $t2 repair 20s
    }
    service svc {
    }
    channel atm {
      via l1, l2
      timeout 30s
      transaction w {
        calls svc
      }
      on comm -> retain
    }
    check "c" {
      faults at most 2
      never atm.retain
    }
"""


@pytest.mark.parametrize(
    ("t2", "expected"),
    [
        # the access path is down while any via is down: l1 100..119 and l2 120..139
        # make 40 instants, comm at 100..109; each alone is 20 < 31
        ("120s", violated(100, ("l1.crash", 100), ("l2.crash", 120))),
        # l2 111..130: path down 100..130 = 31 instants: comm at 100
        ("111s", violated(100, ("l1.crash", 100), ("l2.crash", 111))),
        # l2 110..129: path down 100..129 = 30 instants: ridden out
        ("110s", HOLDS),
        # l2 121..140: a gap at 120
        ("121s", HOLDS),
    ],
)
def test_access_path_is_down_while_any_via_is_down(t2: str, expected: Outcome) -> None:
    assert verdict(TWO_VIAS, t2=t2) == expected


def test_failures_while_partition_is_down_do_not_count() -> None:
    # x crashes at 100: svc (needs x) is down from 100; g (the partition's need) is
    # down in its switchover window [100, 105), so P is down and w fails with
    # `partition` at 100..104, not counted; `service` from 105: 10 errors at
    # 60/min reach 60 x 10 over [105, 115): closed at 115
    text = """
        horizon 10m
        device x {
          fault crash at 100s
        }
        device x2 {
        }
        failover g {
          primary x
          secondary x2
          detect crash within 5s
        }
        service svc {
          needs x
        }
        partition p {
          closes after 10 errors
          needs g
        }
        channel atm {
          through p
          transaction w {
            calls svc
            rate 60 per minute
          }
          on partition -> hold
        }
        check "c" {
          faults at most 1
          never p.closed
        }
    """
    assert verdict(text) == violated(115, ("x.crash", 100))


def test_partition_own_fault_stops_counting() -> None:
    # svc from 100 and jam from 105 for ever: 5 service errors (100..104), then
    # class partition, never counted: never closed while jam is active.  Without
    # jam P closes at 110, when jam is not active.
    text = """
        horizon 10m
        service svc {
          fault bug at 100s
        }
        partition p {
          closes after 10 errors
          fault jam at 105s
        }
        channel atm {
          through p
          transaction w {
            calls svc
            rate 60 per minute
          }
          on partition -> hold
        }
        check "c" {
          faults at most 2
          never (p.closed and p.jam)
        }
    """
    assert verdict(text) == HOLDS


SEPARATE_OUTAGES = """
    horizon 10m
    service svc {
      fault bug1 at 100s repair 3s
      fault bug2 at 110s repair 10s
    }
    device e {
      fault p at $probe repair 1s
    }
    partition p {
      closes after 5 errors
    }
    channel atm {
      through p
      transaction w {
        calls svc
        rate 60 per minute
      }
      on partition -> hold
    }
    check "c" {
      faults at most 3
      never (p.closed and e.p)
    }
"""


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        # errors accumulate over [0, c) across outages: 100..102 and 110, 111 make 5
        # at c = 112 (bug2 alone: 110..114, closed at 115)
        ("111s", HOLDS),
        ("112s", violated(112, ("svc.bug1", 100), ("svc.bug2", 110), ("e.p", 112))),
        ("115s", violated(115, ("svc.bug2", 110), ("e.p", 115))),
    ],
)
def test_errors_accumulate_across_outages(probe: str, expected: Outcome) -> None:
    assert verdict(SEPARATE_OUTAGES, probe=probe) == expected


def test_free_onsets_partition_closing_and_comm() -> None:
    text = """
        horizon 10m
        device link {
          fault crash repair 31s
        }
        service svc {
          fault bug
        }
        partition p {
          closes after 10 errors
        }
        channel atm {
          via link
          through p
          timeout 30s
          transaction w {
            calls svc
            rate 60 per minute
          }
          on comm -> retain
          on partition -> hold
        }
        check "closed" {
          faults at most 1 of svc
          never p.closed
        }
        check "retain" {
          faults at most 1 of link
          never atm.retain
        }
        check "hold" {
          faults at most 2
          never atm.hold
        }
    """
    # svc from 0: 10 errors on [0, 10): closed at 10
    assert verdict(text, "closed") == violated(10, ("svc.bug", 0))
    # the link down 0..30 (31 instants): comm at 0
    assert verdict(text, "retain") == violated(0, ("link.crash", 0))
    # hold (class partition) first at 10, when P has closed, svc alone
    assert verdict(text, "hold") == violated(10, ("svc.bug", 0))


MORE_CHANNELS = """
    horizon 10m
    service s1 {
      fault bug at 100s
    }
    service s2 {
      fault bug at 200s
    }
    partition p {
      closes after 10 errors
    }
    channel atm {
      through p
      transaction w {
        calls s1, s2
        rate 60 per minute
      }
      transaction inq {
        calls s2
        on service -> queue
      }
      on comm -> retain
    }
    channel web {
      transaction x {
        calls s1
        rate 600 per minute
      }
      on service -> apologise
    }
    channel idle {
      fault hang at 300s
    }
    check "calls any" {
      faults at most 1 of s2
      never atm.w.fails
    }
    check "added mapping" {
      faults at most 2
      never atm.queue
    }
    check "not through p" {
      faults at most 1 of s1
      never p.closed
    }
    check "idle" {
      faults at most 3
      never idle.down
    }
"""


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        # w calls s1 and s2: service if any of them is down
        ("calls any", violated(200, ("s2.bug", 200))),
        # the channel maps no `service`; inq's own line adds one for inq
        ("added mapping", violated(200, ("s2.bug", 200))),
        # only atm is routed through p: w's 10 errors 100..109 close it at 110;
        # web's x (600/min) does not count, or p would close at 101
        ("not through p", violated(110, ("s1.bug", 100))),
        # decisions.md 6: a channel without transactions is down only through its
        # own faults and needs
        ("idle", violated(300, ("idle.hang", 300))),
    ],
)
def test_calls_routing_and_transactionless_channels(check: str, expected: Outcome) -> None:
    assert verdict(MORE_CHANNELS, check) == expected
