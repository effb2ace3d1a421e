"""Semantics read from the contract alone: exact verdicts, violation instants and
canonical counterexamples of small models.

Every expectation below is derived by hand from `shared/DESIGN.md` (and
`docs/decisions.md` where the contract is silent); the derivation is the comment
beside it.  Notation: a fault "at o repair D" is active on [o, o+D); a run of n
instants t..t+n-1 violates `A lasts at most D` iff n > D, at instant t+D, and
only when t+D <= horizon.  "Probe" faults (`device e { fault p at T repair 1s }`)
are active at the single instant T, so `never (X and e.p)` asks "is X true at T?".

Each case is decided by both engines, forced one at a time; they must give the
same verdict and a byte-identical counterexample (`both_engines`).

This file covers fault windows, `needs`, assertions, fault hypotheses, the
canonical counterexample and the DESIGN.md examples; failovers, channels and
partitions, jobs and stores have their own `test_semantics_*.py` files.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from failspec import CheckResult
    from failspec.checker import ir

Outcome = tuple[str, int | None, list[tuple[str, int]]]

HOLDS: Outcome = ("holds", None, [])


def both_engines(model: ir.Model, check: str) -> CheckResult:
    """The result of `check` by the explicit engine, after asserting that the SMT
    engine gives the same verdict and a byte-identical counterexample."""
    import json

    import failspec
    from failspec.counterexamples.trace import trace_to_json

    [explicit] = failspec.check(model, check, engine="explicit")
    [smt] = failspec.check(model, check, engine="smt")
    assert smt.verdict == explicit.verdict, (smt.verdict, smt.reason, explicit.verdict)
    traces = [
        None if r.counterexample is None else json.dumps(trace_to_json(r.counterexample))
        for r in (explicit, smt)
    ]
    assert traces[0] == traces[1]
    return explicit


def verdict(text: str, check: str = "c", **subs: object) -> Outcome:
    """Check `check` of the model `text` (with `$name` substituted from `subs`) with
    both engines, which must agree (`both_engines`).

    Return (verdict, violation instant or None, [(fault label, onset), …] of the
    canonical counterexample in fault-number order).
    """
    import failspec

    source = Template(textwrap.dedent(text)).substitute(subs)
    model = failspec.loads(source, "t.fspec")
    result = both_engines(model, check)
    trace = result.counterexample
    if trace is None:
        return (result.verdict, None, [])
    faults = sorted(trace.faults, key=lambda fault: fault.number)
    return (result.verdict, trace.violation.at, [(f.label, f.at) for f in faults])


def violated(at: int, *faults: tuple[str, int]) -> Outcome:
    return ("violated", at, list(faults))


# --- fault windows -------------------------------------------------------------------

AT_ONSET = """
    horizon $horizon
    device d {
      fault crash at 100s
    }
    check "c" {
      faults at most 1 of device
      never d.down
    }
"""


@pytest.mark.parametrize(
    ("horizon", "expected"),
    [
        # onsets lie in [0, horizon]: an `at 100s` past a 99s horizon never occurs
        ("99s", HOLDS),
        # horizon 100: the only onset is 100; d is down from 100, first instant 100
        ("100s", violated(100, ("d.crash", 100))),
        ("101s", violated(100, ("d.crash", 100))),
    ],
)
def test_fault_at_onset_and_horizon(horizon: str, expected: Outcome) -> None:
    assert verdict(AT_ONSET, horizon=horizon) == expected


def test_fault_at_clock_time() -> None:
    # 00:01:40 is 100 s after 00:00 of day 1
    text = AT_ONSET.replace("at 100s", "at 00:01:40")
    assert verdict(text, horizon="10m") == violated(100, ("d.crash", 100))


def test_fault_at_far_past_horizon_never_occurs() -> None:
    text = AT_ONSET.replace("at 100s", "at 2h")
    assert verdict(text, horizon="1h") == HOLDS


REPAIR_PROBE = """
    horizon 10m
    device d {
      fault crash at 100s repair 10s
    }
    device e {
      fault p at $probe repair 1s
    }
    check "c" {
      faults at most 2 of device
      never (d.down and e.p)
    }
"""


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        # repair 10s: d is down on [100, 110), i.e. at 100..109
        ("99s", HOLDS),
        ("100s", violated(100, ("d.crash", 100), ("e.p", 100))),
        ("101s", violated(101, ("d.crash", 100), ("e.p", 101))),
        ("109s", violated(109, ("d.crash", 100), ("e.p", 109))),
        ("110s", HOLDS),
    ],
)
def test_repair_window_is_half_open(probe: str, expected: Outcome) -> None:
    assert verdict(REPAIR_PROBE, probe=probe) == expected


REPAIR_RUN = """
    horizon 10m
    device d {
      fault crash at 100s $repair
    }
    check "c" {
      faults at most 1 of device
      d.down lasts at most $limit
    }
"""


@pytest.mark.parametrize(
    ("repair", "limit", "expected"),
    [
        # down at 100..109: a run of 10 instants; it violates `at most D` iff 10 > D,
        # at t+D = 100+D
        ("repair 10s", "8s", violated(108, ("d.crash", 100))),
        ("repair 10s", "9s", violated(109, ("d.crash", 100))),
        ("repair 10s", "10s", HOLDS),
        # no repair: down from 100 forever; horizon 600, so t+D <= 600 iff D <= 500
        ("", "499s", violated(599, ("d.crash", 100))),
        ("", "500s", violated(600, ("d.crash", 100))),
        ("", "501s", HOLDS),
    ],
)
def test_repair_run_length_and_no_repair_is_forever(
    repair: str, limit: str, expected: Outcome
) -> None:
    assert verdict(REPAIR_RUN, repair=repair, limit=limit) == expected


FROM_UNTIL = """
    horizon 10m
    device d {
      fault f from 100s until 200s repair 1s
    }
    device e {
      fault g at $probe repair 1s
    }
    check "c" {
      faults at most 2 of device
      never (d.f and e.g)
    }
"""


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        # d.f with repair 1s is active only at its onset, which lies in [100, 200],
        # both ends included; e.g is active only at `probe`
        ("99s", HOLDS),
        ("100s", violated(100, ("d.f", 100), ("e.g", 100))),
        ("101s", violated(101, ("d.f", 101), ("e.g", 101))),
        ("199s", violated(199, ("d.f", 199), ("e.g", 199))),
        ("200s", violated(200, ("d.f", 200), ("e.g", 200))),
        ("201s", HOLDS),
    ],
)
def test_from_until_includes_both_ends(probe: str, expected: Outcome) -> None:
    assert verdict(FROM_UNTIL, probe=probe) == expected


def test_from_alone_allows_onsets_up_to_the_horizon() -> None:
    # `from 100s`: onsets in [100, 600]; the earliest violation of `never d.down`
    # is at 100 with onset 100; an onset at exactly the horizon is allowed
    text = """
        horizon 10m
        device d {
          fault crash from 100s
        }
        device e {
          fault p at $probe repair 1s
        }
        check "c" {
          faults at most 1 of d
          never d.down
        }
        check "late" {
          faults at most 2 of device
          never (d.down and e.p)
        }
    """
    assert verdict(text, probe="600s") == violated(100, ("d.crash", 100))
    # d.down at 600 and e.p at 600: smallest onsets (fault-number order) put d at 100
    assert verdict(text, "late", probe="600s") == violated(600, ("d.crash", 100), ("e.p", 600))
    # d cannot be down at 99
    assert verdict(text, "late", probe="99s") == HOLDS


CLIPPED = """
    horizon $horizon
    device d {
      fault crash from 50s until 2h repair 10s
    }
    job j {
      at 120s
      takes 10s
      needs d
    }
    check "c" {
      faults at most 1 of device
      j done by 130s
    }
"""


@pytest.mark.parametrize(
    ("horizon", "expected"),
    [
        # j runs 120..129, done at 130 unless d is down at some instant of [120, 130).
        # until 2h is clipped to the horizon: onset o <= 110 gives d down on
        # [o, o+10) within [50, 120): no effect
        ("110s", HOLDS),
        # horizon 111: o = 111 makes d down at 120, j is done at 131 > 130; the
        # violation instant is 130 (past the horizon) and 111 is the only onset
        ("111s", violated(130, ("d.crash", 111))),
        # horizon 120: onsets 111..120 all violate at 130; smallest onset 111
        ("120s", violated(130, ("d.crash", 111))),
    ],
)
def test_until_is_clipped_to_the_horizon(horizon: str, expected: Outcome) -> None:
    assert verdict(CLIPPED, horizon=horizon) == expected


def test_from_past_the_horizon_never_occurs() -> None:
    # no onset lies in [110, 2h] ∩ [0, 100]
    text = CLIPPED.replace("from 50s until 2h", "from 110s")
    assert verdict(text, horizon="100s") == HOLDS


def test_each_fault_occurs_at_most_once() -> None:
    # j runs from 0 and needs 100 s of progress; the only fault (repair 10s) can
    # stall it for 10 s once, so it is done at 110 at the latest, even with K = 5
    text = """
        horizon 10m
        device d {
          fault crash repair 10s
        }
        job j {
          at 0s
          takes 100s
          needs d
        }
        check "c" {
          faults at most 5
          j done by $deadline
        }
    """
    assert verdict(text, deadline="110s") == HOLDS
    # done by 109 fails for every onset 0..99; the smallest is 0
    assert verdict(text, deadline="109s") == violated(109, ("d.crash", 0))


# --- needs ---------------------------------------------------------------------------

NEEDS_ALL = """
    horizon 10m
    device a {
      fault crash at 100s repair 10s
    }
    device b {
      fault crash at 200s repair 10s
    }
    device e {
      fault p at $probe repair 1s
    }
    program c {
      needs a, b
    }
    check "c" {
      faults at most 3 of device
      never (c.down and e.p)
    }
    check "first" {
      faults at most 2 of a, b
      never c.down
    }
    check "b" {
      faults at most 2 of a, b
      never (c.down and b.crash)
    }
    check "run" {
      faults at most 2 of a, b
      c.down lasts at most $limit
    }
"""


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        # c is down whenever a (100..109) or b (200..209) is down
        ("99s", HOLDS),
        ("100s", violated(100, ("a.crash", 100), ("e.p", 100))),
        ("109s", violated(109, ("a.crash", 100), ("e.p", 109))),
        ("110s", HOLDS),
        ("199s", HOLDS),
        ("200s", violated(200, ("b.crash", 200), ("e.p", 200))),
        ("209s", violated(209, ("b.crash", 200), ("e.p", 209))),
        ("210s", HOLDS),
    ],
)
def test_needs_all_is_down_when_any_is_down(probe: str, expected: Outcome) -> None:
    assert verdict(NEEDS_ALL, probe=probe, limit="10s") == expected


def test_needs_all_counterexamples() -> None:
    assert verdict(NEEDS_ALL, "first", probe="0s", limit="10s") == violated(100, ("a.crash", 100))
    # b.crash alone suffices: the fewest faults
    assert verdict(NEEDS_ALL, "b", probe="0s", limit="10s") == violated(200, ("b.crash", 200))
    # the two outages are separate runs of 10 instants
    assert verdict(NEEDS_ALL, "run", probe="0s", limit="10s") == HOLDS
    assert verdict(NEEDS_ALL, "run", probe="0s", limit="9s") == violated(109, ("a.crash", 100))


NEEDS_ANY = """
    horizon 10m
    device a {
      fault crash at 100s repair 10s
    }
    device b {
      fault crash at $tb repair 10s
    }
    program c {
      needs $needs
    }
    check "c" {
      faults at most 2 of device
      never c.down
    }
"""


@pytest.mark.parametrize("needs", ["any of a, b", "1 of a, b"])
@pytest.mark.parametrize(
    ("tb", "expected"),
    [
        # c is down only while both are down: a 100..109, b tb..tb+9
        ("90s", HOLDS),  # b 90..99
        ("91s", violated(100, ("a.crash", 100), ("b.crash", 91))),  # both at 100
        ("109s", violated(109, ("a.crash", 100), ("b.crash", 109))),
        ("110s", HOLDS),
    ],
)
def test_needs_any_of_is_down_only_when_all_are_down(
    needs: str, tb: str, expected: Outcome
) -> None:
    assert verdict(NEEDS_ANY, needs=needs, tb=tb) == expected


VOTER = """
    horizon 10m
    device a {
      fault crash at 100s repair 10s
    }
    device b {
      fault crash at $tb repair 10s
    }
    device x {
      fault crash at 500s repair 10s
    }
    program v {
      needs $k of a, b, x
    }
    check "c" {
      faults at most 3 of device
      never v.down
    }
"""


@pytest.mark.parametrize(
    ("tb", "expected"),
    [
        # 2 of 3: v is down while fewer than 2 are up, i.e. while 2 are down;
        # x (500..509) overlaps neither a nor b
        ("90s", HOLDS),
        ("91s", violated(100, ("a.crash", 100), ("b.crash", 91))),
        ("109s", violated(109, ("a.crash", 100), ("b.crash", 109))),
        ("110s", HOLDS),
    ],
)
def test_two_out_of_three_voter(tb: str, expected: Outcome) -> None:
    assert verdict(VOTER, k="2", tb=tb) == expected


def test_three_of_three_is_down_with_any_one_down() -> None:
    # fewer than 3 up as soon as one is down: a alone at 100 is the canonical case
    assert verdict(VOTER, k="3", tb="300s") == violated(100, ("a.crash", 100))


COMBINED = """
    horizon 10m
    device a {
      fault crash at 100s repair 10s
    }
    device b {
      fault crash at $tb repair 10s
    }
    device x {
      fault crash at 300s repair 10s
    }
    device y {
      fault crash at 100s repair 10s
    }
    program c {
      needs x
      needs any of a, b
    }
    program g {
      needs any of a, b
      needs any of x, y
    }
    check "c" {
      faults at most 2 of a, b, x
      never c.down
    }
    check "group" {
      faults at most 2 of a, b, x
      never (c.down and not x.down)
    }
    check "two groups" {
      faults at most 4 of device
      never (g.down and not (a.down and b.down))
    }
"""


def test_plain_needs_and_any_of_group_combine() -> None:
    # c is down while x is down, or while a and b both are.  {x} (1 fault, at 300)
    # beats {a, b} (2 faults, at 100): fewest faults first
    assert verdict(COMBINED, tb="105s") == violated(300, ("x.crash", 300))
    # the any-of group: a and b overlap on 105..109
    assert verdict(COMBINED, "group", tb="105s") == violated(
        105, ("a.crash", 100), ("b.crash", 105)
    )
    assert verdict(COMBINED, "group", tb="110s") == HOLDS


def test_two_any_of_groups_are_separate() -> None:
    # g is down while (a and b) or (x and y); a and y together (100..109) do not take
    # it down; x and y overlap only if x is at 300 and y at 100: never
    assert verdict(COMBINED, "two groups", tb="105s") == HOLDS


# --- assertions ----------------------------------------------------------------------

ASSERTIONS = """
    horizon $horizon
    device a {
      fault crash at $ta $repair
    }
    device b {
      fault crash at 105s repair 10s
    }
    check "never" {
      faults at most 1 of a
      never a.down
    }
    check "always" {
      faults at most 1 of a
      always a.up
    }
    check "zero" {
      faults at most 1 of a
      a.down lasts at most 0s
    }
    check "run" {
      faults at most 1 of a
      a.down lasts at most $limit
    }
    check "earliest" {
      faults at most 2 of device
      b.down lasts at most 0s
      a.down lasts at most 3s
      never b.down
    }
    check "not" {
      faults at most 2 of device
      never ((a.down or b.down) and not a.down)
    }
    check "and" {
      faults at most 2 of device
      always (a.up or not b.down)
    }
"""


def test_never_and_always_are_violated_at_the_first_instant() -> None:
    subs = {"horizon": "10m", "ta": "100s", "repair": "repair 10s", "limit": "9s"}
    assert verdict(ASSERTIONS, "never", **subs) == violated(100, ("a.crash", 100))
    assert verdict(ASSERTIONS, "always", **subs) == violated(100, ("a.crash", 100))
    # at most 0s: no run of more than 0 instants; t+0 = 100
    assert verdict(ASSERTIONS, "zero", **subs) == violated(100, ("a.crash", 100))


def test_check_violation_instant_is_earliest_over_assertions() -> None:
    # one fault: a at 100..109 violates `at most 3s` at 103; b alone violates
    # `b.down at most 0s` and `never b.down` at 105.  Fewest faults (1) and
    # earliest instant: {a} at 103.
    subs = {"horizon": "10m", "ta": "100s", "repair": "repair 10s", "limit": "9s"}
    assert verdict(ASSERTIONS, "earliest", **subs) == violated(103, ("a.crash", 100))
    # a at 110: b's assertions at 105 come first (a's run would violate at 113)
    subs["ta"] = "110s"
    assert verdict(ASSERTIONS, "earliest", **subs) == violated(105, ("b.crash", 105))


def test_violated_assertion_is_named() -> None:
    import failspec

    text = Template(textwrap.dedent(ASSERTIONS)).substitute(
        horizon="10m", ta="110s", repair="repair 10s", limit="9s"
    )
    result = both_engines(failspec.loads(text, "t.fspec"), "earliest")
    assert result.counterexample is not None
    # both b assertions are violated at 105; the first listed is reported
    assert result.counterexample.violation.assertion in ("b.down lasts at most 0s", "never b.down")


def test_not_and_or() -> None:
    subs = {"horizon": "10m", "ta": "100s", "repair": "repair 10s", "limit": "9s"}
    # (a or b) and not a == b and not a: b alone at 105
    assert verdict(ASSERTIONS, "not", **subs) == violated(105, ("b.crash", 105))
    # a.up or not b.down fails where both are down: a 100..109, b 105..114 -> 105
    assert verdict(ASSERTIONS, "and", **subs) == violated(105, ("a.crash", 100), ("b.crash", 105))


@pytest.mark.parametrize(
    ("horizon", "limit", "expected"),
    [
        # a down from 0 forever: run 0..horizon; violates at t+D = D iff D <= horizon
        ("100s", "99s", violated(99, ("a.crash", 0))),
        ("100s", "100s", violated(100, ("a.crash", 0))),
        ("100s", "101s", HOLDS),
        ("101s", "101s", violated(101, ("a.crash", 0))),
    ],
)
def test_run_violates_only_when_t_plus_d_within_horizon(
    horizon: str, limit: str, expected: Outcome
) -> None:
    subs = {"horizon": horizon, "ta": "0s", "repair": "", "limit": limit}
    assert verdict(ASSERTIONS, "run", **subs) == expected


DONE_BY = """
    horizon 100s
    job j {
      at 0s
      takes 150s
    }
    check "c" {
      j done by $deadline
    }
"""


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        # no faults line: no faults; j is done at 150 (past the horizon), and
        # `done by` is judged there; its violation instant is the deadline itself
        ("149s", violated(149)),
        ("150s", HOLDS),
        ("151s", HOLDS),
        ("00:02:29", violated(149)),
    ],
)
def test_done_by_is_inclusive_and_judged_past_the_horizon(deadline: str, expected: Outcome) -> None:
    assert verdict(DONE_BY, deadline=deadline) == expected


# --- fault hypotheses ----------------------------------------------------------------

HYPOTHESES = """
    horizon 10m
    device d {
      fault crash at 200s
      fault flap at 150s
    }
    program p {
      fault defect at 100s
    }
    service s {
      needs p, d
    }
    check "none" {
      never s.down
    }
    check "device" {
      faults at most 1 of device
      never s.down
    }
    check "component" {
      faults at most 1 of p
      never s.down
    }
    check "mode" {
      faults at most 1 of d.crash
      never s.down
    }
    check "two selectors" {
      faults at most 2 of d.crash, program
      never s.down
    }
    check "all" {
      faults at most 3
      never s.down
    }
    check "k" {
      faults at most 1
      never (p.down and d.down)
    }
"""


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        ("none", HOLDS),  # no faults line: no faults
        ("device", violated(150, ("d.flap", 150))),  # p's defect is not a device fault
        ("component", violated(100, ("p.defect", 100))),
        ("mode", violated(200, ("d.crash", 200))),  # only d.crash, not d.flap
        ("two selectors", violated(100, ("p.defect", 100))),
        ("all", violated(100, ("p.defect", 100))),
        ("k", HOLDS),  # needs two faults, only one allowed
    ],
)
def test_fault_hypothesis_selectors(check: str, expected: Outcome) -> None:
    assert verdict(HYPOTHESES, check) == expected


# --- the canonical counterexample ----------------------------------------------------

CANONICAL = """
    horizon 10m
    device a {
      fault crash $fa
    }
    device b {
      fault crash $fb
    }
    device c {
      fault crash $fc
    }
    program v {
      needs $needs
    }
    check "c" {
      faults at most 3 of device
      $assertion
    }
"""


def test_canonical_fewest_faults_before_earliest_instant() -> None:
    # {a, b} violates at 0, {c} at 500: one fault beats an earlier violation
    result = verdict(
        CANONICAL,
        fa="",
        fb="",
        fc="at 500s",
        needs="any of a, b",
        assertion="never (v.down or c.down)",
    )
    assert result == violated(500, ("c.crash", 500))


def test_canonical_earliest_instant_before_fault_numbers() -> None:
    # a alone violates at 200, b alone at 100: the earlier instant wins over a's
    # smaller fault number
    result = verdict(
        CANONICAL,
        fa="at 200s",
        fb="at 100s",
        fc="at 300s",
        needs="a",
        assertion="never (a.down or b.down or c.down)",
    )
    assert result == violated(100, ("b.crash", 100))


def test_canonical_fault_numbers_before_onsets() -> None:
    # 2 of 3: any two down.  All three pairs violate first at 100; (a, b) has the
    # smallest fault numbers although (b, c) has smaller onsets (50, 100) < (100, 50)
    result = verdict(
        CANONICAL,
        fa="at 100s",
        fb="at 50s repair 100s",
        fc="at 100s",
        needs="2 of a, b, c",
        assertion="never v.down",
    )
    assert result == violated(100, ("a.crash", 100), ("b.crash", 50))


def test_canonical_fault_numbers_for_single_faults() -> None:
    # a, b and c each violate at 0 alone: a has the smallest number
    result = verdict(
        CANONICAL,
        fa="",
        fb="",
        fc="",
        needs="a",
        assertion="never (a.down or b.down or c.down)",
    )
    assert result == violated(0, ("a.crash", 0))


@pytest.mark.parametrize(
    ("fa", "fb", "expected"),
    [
        # v needs any of a, b, both without repair: down from max(oa, ob).  The
        # earliest violation is 100 (a cannot start before 100); then the
        # smallest onset tuple in fault-number order: (100, 0)
        ("from 100s", "", violated(100, ("a.crash", 100), ("b.crash", 0))),
        # the other way round: (0, 100)
        ("", "from 100s", violated(100, ("a.crash", 0), ("b.crash", 100))),
    ],
)
def test_canonical_smallest_onsets_in_fault_number_order(
    fa: str, fb: str, expected: Outcome
) -> None:
    result = verdict(
        CANONICAL,
        fa=fa,
        fb=fb,
        fc="at 599s",
        needs="any of a, b",
        assertion="never v.down",
    )
    assert result == expected


# --- the DESIGN.md examples ----------------------------------------------------------

ATM_NETWORK = (
    Path(__file__).resolve().parent.parent / "models" / "examples" / "atm-network.fspec"
).read_text(encoding="utf-8") + (
    '\ncheck "crash only" {\n'
    "  faults at most 1 of nw_card_a.crash, nw_card_b.crash\n"
    "  never atm.retain\n"
    "}\n"
)


def test_design_example_flap_retains_cards_at_instant_zero() -> None:
    # a flap of card a at o: nw_link down on [o, o+180) (the switchover window);
    # 180 > 30 so withdrawal fails with `comm` at o -> retain at o.  Earliest: o = 0.
    # A crash opens a 10 s window only (ridden out by the 30 s timeout); b's faults
    # do not touch nw_link while it follows a.
    import failspec

    model = failspec.loads(ATM_NETWORK, "atm-network.fspec")
    result = both_engines(model, "no single device failure retains customer cards")
    assert result.verdict == "violated"
    trace = result.counterexample
    assert trace is not None
    assert [(f.label, f.at) for f in trace.faults] == [("nw_card_a.flap", 0)]
    assert trace.violation.at == 0
    assert trace.violation.assertion == "never atm.retain"


def test_design_example_holds_with_crash_faults_only() -> None:
    # a crash: nw_link down 10 s < 31 instants -> never `comm`; minori and the
    # partition are untouched -> never a failure
    assert verdict(ATM_NETWORK, "crash only") == HOLDS


FX = """
    horizon 10m
    device ctl_a {
      fault fail
    }
    device ctl_b {
      fault fail
    }
    failover file_transfer {
      primary ctl_a
      secondary ctl_b
      detect fail within 30s
      fault stuck
      manual $manual
    }
    job fx_send {
      at 00:00
      takes 50m
      needs file_transfer
    }
    check "FX remittances meet the 13:00 cutoff under any single device failure" {
      faults at most 1 of device
      fx_send done by 13:00
    }
    check "with a stuck switchover" {
      faults at most 2 of ctl_a, file_transfer.stuck
      fx_send done by 13:00
    }
"""


def test_design_fx_fragment_holds_for_single_device_failures() -> None:
    # ctl_a fails at o: file_transfer down [o, o+30), then ctl_b: fx_send is stalled
    # at most 30 s and done by 00:50:30; ctl_b alone never matters
    check = "FX remittances meet the 13:00 cutoff under any single device failure"
    assert verdict(FX, check, manual="13h") == HOLDS


@pytest.mark.parametrize(
    ("manual", "expected"),
    [
        # ctl_a at o and stuck active at o+30: down [o, o+30+M).  fx_send (50 min of
        # progress from 0) is done at 50m + 30s + M if o is before it is done.
        # M = 12h: done at 12:50:30 <= 13:00
        ("12h", HOLDS),
        # M = 13h: done after 13:00; violated at 13:00 (46800), past the horizon.
        # Canonical onsets: ctl_a at 0 (down at instant 0 opens the window), stuck
        # at 0 (active at s = 30)
        ("13h", violated(46800, ("ctl_a.fail", 0), ("file_transfer.stuck", 0))),
    ],
)
def test_design_fx_fragment_with_stuck_switchover(manual: str, expected: Outcome) -> None:
    assert verdict(FX, "with a stuck switchover", manual=manual) == expected


def test_lasts_at_most_judges_runs_of_the_whole_expression() -> None:
    # a down 100..109 and b 110..119: (a or b) holds on one run of 20 instants
    text = """
        horizon 10m
        device a {
          fault crash at 100s repair 10s
        }
        device b {
          fault crash at $tb repair 10s
        }
        check "c" {
          faults at most 2
          (a.down or b.down) lasts at most $limit
        }
    """
    assert verdict(text, tb="110s", limit="19s") == violated(
        119, ("a.crash", 100), ("b.crash", 110)
    )
    assert verdict(text, tb="110s", limit="20s") == HOLDS
    # b from 111: a gap at 110, two runs of 10
    assert verdict(text, tb="111s", limit="10s") == HOLDS


# --- free onsets: every integer onset, canonical smallest ----------------------------

FREE_ABUTTING = """
    horizon 10m
    device a {
      fault crash repair 10s
    }
    device b {
      fault crash repair 10s
    }
    program c {
      needs a, b
    }
    check "c" {
      faults at most 2
      c.down lasts at most $limit
    }
"""


def test_free_onsets_two_outages_joined_into_one_run() -> None:
    # each outage is 10 instants; a run of more than 15 needs both, joined (overlap
    # or abutting): from min onset t to max onset + 9.  Earliest violation t+15 = 15
    # with t = 0; smallest onsets (a, b): (0, 6) gives 0..15
    assert verdict(FREE_ABUTTING, limit="15s") == violated(15, ("a.crash", 0), ("b.crash", 6))
    # 20 instants at most (0..9 and 10..19): at most 19s is violated, 20s holds
    assert verdict(FREE_ABUTTING, limit="19s") == violated(19, ("a.crash", 0), ("b.crash", 10))
    assert verdict(FREE_ABUTTING, limit="20s") == HOLDS


FREE_DELAY = """
    horizon 1m
    device d1 {
      fault crash repair 10s
    }
    device d2 {
      fault crash repair 10s
    }
    job j {
      at 0s
      takes 20s
      needs d1, d2
    }
    check "c" {
      faults at most 2
      j done by $deadline
    }
"""


def test_free_onsets_largest_job_delay() -> None:
    # each fault stalls j at most 10 s; 20 s only if the outages do not overlap and
    # both fall before j is done (20 s of progress: done at 40 at the latest).
    # `done by 39s`: (d1, d2) = (0, 10) is the smallest (d2 in 10..29 all work)
    assert verdict(FREE_DELAY, deadline="39s") == violated(39, ("d1.crash", 0), ("d2.crash", 10))
    assert verdict(FREE_DELAY, deadline="40s") == HOLDS
    # one fault suffices for `done by 29s`: d1 at 0
    assert verdict(FREE_DELAY, deadline="29s") == violated(29, ("d1.crash", 0))


FREE_VOTER = """
    horizon 20s
    device a {
      fault crash repair 10s
    }
    device b {
      fault crash repair 10s
    }
    device c {
      fault crash repair 10s
    }
    program v {
      needs 2 of a, b, c
    }
    check "c" {
      faults at most 3
      v.down lasts at most $limit
    }
"""


def test_free_onsets_voter_never_down_more_than_ten_instants() -> None:
    # v is down while two are down.  For a run t..t+10 two faults must be active at
    # t and two at t+10; an outage of 10 instants cannot cover both, so four would
    # be needed: at most 10 instants.  A run of 10: a and b at 0.  (A short
    # horizon: three free onsets.)
    assert verdict(FREE_VOTER, limit="10s") == HOLDS
    assert verdict(FREE_VOTER, limit="9s") == violated(9, ("a.crash", 0), ("b.crash", 0))


def test_done_by_violation_names_the_assertion() -> None:
    import failspec

    text = Template(textwrap.dedent(FX)).substitute(manual="13h")
    result = both_engines(failspec.loads(text, "fx.fspec"), "with a stuck switchover")
    assert result.counterexample is not None
    assert result.counterexample.violation.at == 13 * 3600
    assert result.counterexample.violation.assertion == "fx_send done by 13:00"


@pytest.mark.parametrize(
    ("assertion", "expected"),
    [
        # horizon 0: judged at instant 0 only; the only onset is 0
        ("never d.down", violated(0, ("d.crash", 0))),
        ("d.down lasts at most 0s", violated(0, ("d.crash", 0))),
        ("d.down lasts at most 1s", HOLDS),  # t+D = 1 > horizon
        ("always d.up", violated(0, ("d.crash", 0))),
    ],
)
def test_horizon_zero(assertion: str, expected: Outcome) -> None:
    text = """
        horizon 0s
        device d {
          fault crash
        }
        check "c" {
          faults at most 1
          $assertion
        }
    """
    assert verdict(text, assertion=assertion) == expected
