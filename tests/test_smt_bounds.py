"""The bounds the SMT engine relies on to leave partition closings out of a question.

A question whose violation instant cannot pass a partition's *shallow limit*
is asked of an encoding without the partition's closings
(`checker/smt.py`, `_Solver.shallow_limit`): no closing comes before its gap
(`closing_gap`), and the check's verdict at v reads the partition up to
v + reach (`reach_of`) only.  These tests pin both numbers on small models and
put violations on either side of the limit, where a wrong bound would give a
wrong (later) violation instant.
"""

from __future__ import annotations

import pytest

import failspec
from failspec.checker.cone import closing_gap, cone_of, reach_of
from failspec.checker.explicit import check_explicit
from failspec.checker.smt import _Solver, check_smt

GAP_MODEL = """\
model gap_edge
horizon 2m

device db {
  fault crash
}

service svc {
  needs db
}

partition part {
  closes after ERRORS errors
}

channel atm {
  through part
  transaction withdrawal {
    calls svc
    rate 60 per minute
  }
  on partition -> retain
}

check "no card is retained" {
  faults at most 1
  never atm.retain
}
"""


@pytest.mark.parametrize("errors", [1, 9, 10, 11])
def test_a_partition_closes_no_sooner_than_its_gap(errors: int) -> None:
    # one error a second from the crash at 00:00:00: the count reaches `errors`
    # at `errors` seconds, the partition closes then and the ATM retains cards
    model = failspec.loads(GAP_MODEL.replace("ERRORS", str(errors)))
    check = model.checks[0]
    part = next(c.index for c in model.components if c.name == "part")
    assert closing_gap(model, part) == errors
    solver = _Solver(model, check, None, None, 1)
    assert solver.reach[part] == 0
    assert solver.shallow_limit == errors - 1  # the second before the earliest closing
    for outcome in (check_explicit(model, check), check_smt(model, check)):
        assert (outcome.verdict, outcome.violation_at) == ("violated", errors)
        assert outcome.scenario is not None
        assert list(outcome.scenario.values()) == [0]


def test_the_gap_counts_every_routed_rate() -> None:
    # 10 errors at 60 + 7 per minute: 600 / 67 = 8.96 -> 9 seconds at the least
    text = GAP_MODEL.replace("ERRORS", "10").replace(
        "  on partition -> retain",
        "  transaction inquiry {\n    calls svc\n    rate 7 per minute\n  }\n"
        "  on partition -> retain",
    )
    model = failspec.loads(text)
    part = next(c.index for c in model.components if c.name == "part")
    assert closing_gap(model, part) == 9


REACH_MODEL = """\
model reach
horizon 1m

device db {
  fault crash at 0s
}

device line {
  fault flap from 0s until 20s repair 3s
}

device echo {
}

service svc {
  needs db
}

partition part {
  closes after 10 errors
}

channel atm {
  through part
  transaction withdrawal {
    calls svc
    rate 60 per minute
  }
}

channel monitor {
  via part, line
  timeout 3s
  transaction ping {
    calls echo
    rate 60 per minute
  }
}

check "the monitor sees the partition only once it is closed" {
  faults at most 2
  never monitor.ping.fails and not part.closed
}
"""


def test_a_channel_reading_the_partition_looks_ahead_by_its_timeout() -> None:
    # The partition closes at 00:00:10 (the crash at 0). The monitor's path (the
    # partition or the line) is down at every instant of [t, t + 3] for t = 7 when
    # the line flaps at 7 (down 7, 8, 9) and the partition is closed from 10: the
    # ping fails at 7, three seconds before the partition closes. An engine that
    # forgot the look-ahead would leave the closing out of questions up to 00:00:09.
    model = failspec.loads(REACH_MODEL)
    check = model.checks[0]
    index = {c.name: c.index for c in model.components}
    cone = cone_of(model, check)
    reach = reach_of(model, check, cone)
    assert reach[index["part"]] == 3 and reach[index["line"]] == 3
    assert reach[index["monitor"]] == 0
    # the partition's closing reads the routed withdrawal's calls at earlier instants
    assert reach[index["svc"]] == 3 and reach[index["db"]] == 3
    assert reach[index["echo"]] == 0
    assert _Solver(model, check, None, None, 1).shallow_limit == 10 - 1 - 3
    crash, flap = (f.number for f in model.faults)
    for outcome in (check_explicit(model, check), check_smt(model, check)):
        assert (outcome.verdict, outcome.violation_at) == ("violated", 7)
        assert outcome.scenario == {crash: 0, flap: 7}


EARLY_CLOSING_MODEL = """\
model early_closing
horizon 1m

store ledger {
  capacity 0
}

job posting {
  at 0s
  takes 10s
  writes 10 into ledger
}

service svc {
  needs ledger
}

device line {
  fault flap from 2s until 20s repair 3s
}

device echo {
}

partition part {
  closes after 4 errors
}

channel atm {
  through part
  transaction withdrawal {
    calls svc
    rate 60 per minute
  }
}

channel monitor {
  via part, line
  timeout 3s
  transaction ping {
    calls echo
    rate 60 per minute
  }
}

check "the monitor notices every flap of the line" {
  faults at most 1
  never line.down and not monitor.ping.fails
}
"""


def test_a_closing_within_the_look_ahead_is_never_left_out() -> None:
    # With no fault the ledger is full from 00:00:01, so the withdrawal fails from
    # then on and the partition closes at 00:00:05 (errors at 1, 2, 3, 4). A flap
    # at o >= 2 keeps the line down at o, o+1, o+2 and the partition is closed by
    # o + 3, so the monitor's path is down at every instant of [t, t + 3] while
    # the line is: the check holds. Without the closing (an encoding that left it
    # out for instants up to 00:00:03, as a look-ahead of 0 would allow: gap 4 - 1)
    # the flap at 2 would be unnoticed at 2.
    model = failspec.loads(EARLY_CLOSING_MODEL)
    check = model.checks[0]
    solver = _Solver(model, check, None, None, 1)
    part = next(c.index for c in model.components if c.name == "part")
    assert (closing_gap(model, part), solver.reach[part], solver.shallow_limit) == (4, 3, 0)
    assert check_explicit(model, check).verdict == "holds"
    for slots in (False, True):
        assert check_smt(model, check, slots=slots).verdict == "holds"


# --- the v1 forms: the same bounds, re-derived -------------------------------------------

WATCHER = """
service watcher {
  needs part
  rides out 5s
  recovers in 20s
}

check "the watcher never sees the partition" {
  faults at most 1
  never watcher.down
}
"""


def test_rides_out_and_recovers_in_read_back_so_the_reach_is_v0s() -> None:
    # The crash at 0 makes an error a second; 10 close the partition at 10 for good.
    # The watcher reads the partition on [t - 25, t] only (never ahead): its reach is
    # 0 as in v0, the shallow limit stays gap - 1 = 9, and the violation, at 15 (the
    # closing ridden out for 5 s), is found past it.
    model = failspec.loads(GAP_MODEL.replace("ERRORS", "10") + WATCHER)
    check = model.checks[1]
    part = next(c.index for c in model.components if c.name == "part")
    solver = _Solver(model, check, None, None, 1)
    assert (solver.reach[part], solver.shallow_limit) == (0, 9)
    for outcome in (
        check_explicit(model, check),
        *(check_smt(model, check, slots=s, first_depth=d) for s in (False, True) for d in (1, 64)),
    ):
        assert (outcome.verdict, outcome.violation_at) == ("violated", 15)
        assert outcome.scenario is not None and list(outcome.scenario.values()) == [0]


def test_open_hours_only_delay_a_closing_past_its_gap() -> None:
    # errors count only within the hours (from 30): the partition closes at 40, never
    # before its gap (10) after its count starts
    text = GAP_MODEL.replace("ERRORS", "10").replace(
        "  transaction withdrawal {", "  open 30s..2m\n  transaction withdrawal {"
    )
    model = failspec.loads(text)
    check = model.checks[0]
    assert _Solver(model, check, None, None, 1).shallow_limit == 9
    for outcome in (check_explicit(model, check), check_smt(model, check)):
        assert (outcome.verdict, outcome.violation_at) == ("violated", 40)
