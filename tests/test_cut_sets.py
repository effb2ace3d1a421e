"""Minimal cut sets: timed (hand-derived sets, completeness and minimality against a
brute-force definition), static (the static reading, the algorithm against truth
tables), static against timed with permanent faults, probabilities, and the CLI."""

from __future__ import annotations

import io
import itertools
import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_strategies import models
from static_model_strategies import MAX_WINDOW, static_models

from failspec import load, loads
from failspec.checker import ir
from failspec.checker.cut_sets import (
    static_cut_sets,
    timed_cut_sets,
)
from failspec.checker.engines import candidate_sets
from failspec.checker.explicit import canonical_for_fault_set
from failspec.checker.fault_tree import FaultTree, StaticTreeError, static_fault_tree, tree_graph
from failspec.checker.probability import exact, fault_probabilities, fault_probability, rare_event
from failspec.checker.static_analysis import NODE_BUDGET, analyse
from failspec.cli import main

REPO = Path(__file__).resolve().parent.parent
BEFORE = REPO / "models" / "minori" / "before.fspec"
FX_TWO = "FX remittances meet the 13:00 cutoff under any two faults"

PAIR = """
device a {
  fault crash
}
device b {
  fault crash
}
failover pair {
  primary a
  secondary b
  detect crash within 10s
  fault stuck
  MANUAL
}
check "the pair is never down for more than 30 seconds" {
  faults at most 2
  pair.down lasts at most 30s
}
"""


def labels(model: ir.Model, cut_sets: tuple[tuple[int, ...], ...]) -> set[frozenset[str]]:
    return {frozenset(model.fault(n).label for n in c) for c in cut_sets}


@pytest.mark.parametrize("manual", ["", "manual 5m"])
def test_stuck_switchover_alone_is_not_a_cut_set_but_with_the_primary_crash_it_is(
    manual: str,
) -> None:
    model = loads("horizon 2m\n" + PAIR.replace("MANUAL", manual))
    result = timed_cut_sets(model, model.checks[0])
    # a.crash alone: down for the 10 s window only; stuck alone is latent;
    # b.crash alone: the pair follows a.
    assert result.cut_sets == ((1, 2), (1, 3))
    assert labels(model, result.cut_sets) == {
        frozenset({"a.crash", "b.crash"}),
        frozenset({"a.crash", "pair.stuck"}),
    }
    assert result.complete
    # Witness: the canonical scenario, which violates at onset + 30 s.
    assert result.witnesses[0].onsets == (0, 0)
    assert result.witnesses[0].violation_at == 30


def test_a_window_longer_than_the_limit_makes_the_primary_a_single_point_of_failure() -> None:
    text = "horizon 2m\n" + PAIR.replace("MANUAL", "").replace("within 10s", "within 40s")
    model = loads(text)
    result = timed_cut_sets(model, model.checks[0])
    assert result.cut_sets == ((1,),)  # {a.crash}; every superset is not minimal


def test_order_limit_and_selected_faults() -> None:
    model = loads("horizon 2m\n" + PAIR.replace("MANUAL", ""))
    assert timed_cut_sets(model, model.checks[0], max_order=1).cut_sets == ()
    text = PAIR.replace("MANUAL", "").replace("faults at most 2", "faults at most 2 of device")
    model = loads("horizon 2m\n" + text)
    assert timed_cut_sets(model, model.checks[0]).cut_sets == ((1, 2),)


def test_violated_without_faults_has_the_empty_set_as_its_only_cut_set() -> None:
    model = loads(
        "device a {\n  fault crash\n}\njob j {\n  at 0s\n  takes 2h\n  needs a\n}\n"
        'check "late" {\n  faults at most 1\n  j done by 1h\n}\n'
    )
    result = timed_cut_sets(model, model.checks[0])
    assert result.cut_sets == ((),)
    assert result.witnesses[0].onsets == ()


def test_minori_two_fault_fx_check_has_the_stuck_switchover_pair() -> None:
    model = load(BEFORE)
    check = next(c for c in model.checks if c.name == FX_TWO)
    result = timed_cut_sets(model, check)
    assert frozenset({"disk_ctrl_a.crash", "file_transfer_disk.stuck"}) in labels(
        model, result.cut_sets
    )
    assert labels(model, result.cut_sets) == {
        frozenset({"disk_ctrl_a.crash", "file_transfer_disk.stuck"}),
        frozenset({"disk_ctrl_a.crash", "disk_ctrl_b.crash"}),
    }
    # The canonical witnesses: the earliest onsets that miss the cutoff.  With the
    # switchover stuck from 00:00, a primary crash at 23:29:01 stalls the FX chain
    # (due 23:45, 6h32m of work) until 06:28:01, done at 13:00:01; one at 23:29:00
    # is done at 13:00:00.  Both controllers down at 00:00: the pair never serves.
    assert [(w.violation_at, w.onsets) for w in result.witnesses] == [
        (37 * 3600, (0, 23 * 3600 + 29 * 60 + 1)),
        (37 * 3600, (0, 0)),
    ]


def brute_minimal(model: ir.Model, check: ir.Check, order: int) -> set[tuple[int, ...]]:
    """The definition: violating sets none of whose proper subsets violates."""
    faults = [n for n in check.faults if model.fault(n).earliest <= model.fault(n).latest]
    violating = {
        s
        for k in range(min(order, len(faults)) + 1)
        for s in itertools.combinations(faults, k)
        if canonical_for_fault_set(model, check, s) is not None
    }
    return {s for s in violating if not any(set(t) < set(s) for t in violating)}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(models(max_horizon=12))
def test_timed_cut_sets_are_complete_and_minimal(text: str) -> None:
    # the explicit engine asks about each candidate set; the SMT engine enumerates
    # violating sets with exclusions (`minimal_violating_sets`): the same sets
    model = loads(text)
    for check in model.checks:
        order = min(check.at_most, 2)
        expected = brute_minimal(model, check, order)
        for engine in ("explicit", "smt"):
            result = timed_cut_sets(model, check, max_order=order, engine=engine)
            assert result.complete
            assert set(result.cut_sets) == expected, engine
            assert list(result.cut_sets) == sorted(result.cut_sets, key=lambda c: (len(c), c))
            for cut_set, witness in zip(result.cut_sets, result.witnesses, strict=True):
                assert canonical_for_fault_set(model, check, cut_set) == (
                    witness.violation_at,
                    cut_set,
                    witness.onsets,
                )


# --- static --------------------------------------------------------------------------

STATIC = """
device a {
  fault crash
  fault hang
}
device b {
  fault crash
}
device c {
  fault crash
}
failover pair {
  primary a
  secondary b
  detect crash within 10s
  fault stuck
}
service vote {
  needs 2 of a, b, c
}
service both {
  needs any of b, c
}
store log {
}
job j {
  takes 1h
  needs both
  writes 10 into log
}
"""


def static_labels(text: str, top: str, order: int = 20) -> set[frozenset[str]]:
    model = loads(text)
    return labels(model, static_cut_sets(static_fault_tree(model, top), order).cut_sets)


def test_static_failover_reading() -> None:
    # Down when a is down and (b down or stuck), or when a hangs: no detect line covers hang.
    assert static_labels(STATIC, "pair") == {
        frozenset({"a.hang"}),
        frozenset({"a.crash", "b.crash"}),
        frozenset({"a.crash", "pair.stuck"}),
    }


def test_static_detect_any_covers_every_cause() -> None:
    text = STATIC.replace("detect crash within 10s", "detect any within 10s")
    assert static_labels(text, "pair") == {
        frozenset({"a.hang", "b.crash"}),
        frozenset({"a.crash", "b.crash"}),
        frozenset({"a.crash", "pair.stuck"}),
        frozenset({"a.hang", "pair.stuck"}),
    }


def test_static_voting_and_any_of() -> None:
    # needs 2 of a, b, c: down while fewer than 2 are up, i.e. 2 of them down.
    assert static_labels(STATIC, "vote") == {
        frozenset({"a.crash", "b.crash"}),
        frozenset({"a.hang", "b.crash"}),
        frozenset({"a.crash", "c.crash"}),
        frozenset({"a.hang", "c.crash"}),
        frozenset({"b.crash", "c.crash"}),
    }
    assert static_labels(STATIC, "j") == {frozenset({"b.crash", "c.crash"})}
    assert static_labels(STATIC, "vote", order=1) == set()
    model = loads(STATIC)
    result = static_cut_sets(static_fault_tree(model, "vote"), 1)
    assert result.truncated


def test_static_constants() -> None:
    model = loads(STATIC + "service idle {\n}\n")
    tree = static_fault_tree(model, "idle")
    assert tree.top is False
    assert static_cut_sets(tree, 3).cut_sets == ()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            "store full_log {\n  capacity 5\n}\nservice s {\n  needs full_log\n}\n",
            "store 'full_log'",
        ),
        ("partition p {\n  closes after 3 errors\n}\nservice s {\n  needs p\n}\n", "partition 'p'"),
    ],
)
def test_static_rejects_timing_dependent_kinds(extra: str, message: str) -> None:
    model = loads(STATIC + extra)
    with pytest.raises(StaticTreeError, match=message):
        static_fault_tree(model, "s")


def static_channel_labels() -> set[frozenset[str]]:
    text = STATIC + (
        "partition p {\n  fault closed_by_hand\n}\n"
        "channel ch {\n  via pair\n  through p\n"
        "  transaction t {\n    calls vote\n  }\n  transaction u {\n    calls both\n  }\n}\n"
    )
    return static_labels(text, "ch", order=2)


def test_static_channel_is_down_when_every_transaction_fails() -> None:
    got = static_channel_labels()
    assert frozenset({"p.closed_by_hand"}) in got
    assert frozenset({"a.hang"}) in got  # the pair never switches
    assert frozenset({"b.crash", "c.crash"}) in got  # both transactions' calls
    assert frozenset({"a.crash", "b.crash"}) in got


def evaluate(tree: FaultTree, present: set[int]) -> bool:
    values: dict[str, bool] = {}
    for gate in tree.gates:
        count = sum(values[i] if isinstance(i, str) else i in present for i in gate.inputs)
        values[gate.name] = count >= gate.k
    top = tree.top
    if isinstance(top, bool):
        return top
    return values[top] if isinstance(top, str) else top in present


@pytest.mark.parametrize("max_nodes", [NODE_BUDGET, 2], ids=["diagrams", "bottom-up"])
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(static_models(max_devices=4), st.integers(0, 4))
def test_static_algorithm_against_the_truth_table(
    max_nodes: int, model_: object, order: int
) -> None:
    model = loads(model_.text)  # type: ignore[attr-defined]
    tree = static_fault_tree(model, model_.top)  # type: ignore[attr-defined]
    events = [f.number for f in model.faults]
    truth = [
        s
        for k in range(len(events) + 1)
        for s in itertools.combinations(events, k)
        if evaluate(tree, set(s))
    ]
    minimal = {s for s in truth if not any(set(t) < set(s) for t in truth)}
    result = static_cut_sets(tree, order, max_nodes)
    assert set(result.cut_sets) == {s for s in minimal if len(s) <= order}
    assert result.truncated == any(len(s) > order for s in minimal)


LIMIT = 30
"""Longer than any run of transient downs 2 faults can cause with windows ≤ MAX_WINDOW."""


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(static_models(max_devices=3))
def test_static_agrees_with_timed_permanent_faults(model_: object) -> None:
    """With permanent faults free to start anywhere, every failover detecting every cause
    and no manual recovery, X.down lasting longer than every transient is the static tree."""
    assert LIMIT > 2 * 4 * MAX_WINDOW
    check = (
        f'check "static" {{\n  faults at most 2\n  {model_.top}.down lasts at most {LIMIT}s\n}}\n'  # type: ignore[attr-defined]
    )
    model = loads(f"horizon {LIMIT + 8}s\n" + model_.text + check)  # type: ignore[attr-defined]
    timed = timed_cut_sets(model, model.checks[0])
    static = static_cut_sets(static_fault_tree(model, model_.top), 2)  # type: ignore[attr-defined]
    assert set(timed.cut_sets) == set(static.cut_sets)


# --- probability -------------------------------------------------------------------


def test_probability_of_a_rate_over_a_mission() -> None:
    model = loads(
        "device a {\n  fault crash rate 2e-6 per hour\n  fault hang probability 0.25\n}\n"
    )
    p = fault_probability(model.fault(1), 1000 * 3600)
    assert p == pytest.approx(1 - math.exp(-2e-3), rel=1e-12)
    assert fault_probability(model.fault(1), None) is None
    assert fault_probability(model.fault(2), None) == 0.25


def test_rare_event_and_exact() -> None:
    p = {1: 0.1, 2: 0.2, 3: 0.3}
    cut_sets = ((1,), (2, 3))
    assert rare_event(cut_sets, p) == pytest.approx(0.1 + 0.06)
    assert exact(cut_sets, p) == pytest.approx(1 - 0.9 * (1 - 0.06))
    assert exact((), p) == 0.0
    assert exact(((),), p) == 1.0
    both = exact(((1,), (1, 2)), p)
    assert both is not None
    assert rare_event(((1,), (1, 2)), p) > both


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(st.lists(st.integers(1, 6), max_size=4), max_size=6),
    st.lists(st.floats(0.0, 1.0), min_size=6, max_size=6),
)
def test_exact_against_every_assignment(sets: list[list[int]], values: list[float]) -> None:
    p = {n: values[n - 1] for n in range(1, 7)}
    cut_sets = tuple(tuple(sorted(set(s))) for s in sets)
    expected = 0.0
    for bits in itertools.product((False, True), repeat=6):
        present = {n for n, bit in zip(range(1, 7), bits, strict=True) if bit}
        if any(present.issuperset(c) for c in cut_sets):
            expected += math.prod(p[n] if n in present else 1 - p[n] for n in range(1, 7))
    assert exact(cut_sets, p) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(static_models(max_devices=4, quantified=True))
def test_exact_of_tree_against_the_truth_table(model_: object) -> None:
    model = loads(model_.text)  # type: ignore[attr-defined]
    tree = static_fault_tree(model, model_.top)  # type: ignore[attr-defined]
    events = [f.number for f in model.faults]
    p, missing = fault_probabilities(model, events, 1000 * 3600)
    assert not missing
    expected = math.fsum(
        math.prod(p[n] if n in s else 1 - p[n] for n in events)
        for k in range(len(events) + 1)
        for s in map(set, itertools.combinations(events, k))
        if evaluate(tree, s)
    )
    graph, faults = tree_graph(tree)
    assert set(faults) <= set(events)
    found = analyse(graph, [p[n] for n in faults], 20, with_importance=True)
    assert found.probability == pytest.approx(expected, rel=1e-9, abs=1e-12)
    result = static_cut_sets(tree, 20)
    assert exact(result.cut_sets, p) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    # Birnbaum's importance of each listed event: P(top | e) - P(top | not e).
    assert found.importance is not None
    for row in found.importance:
        e = faults[row.variable - 1]

        def given(present: bool, e: int = e) -> float:
            others = [n for n in events if n != e]
            return math.fsum(
                math.prod(p[n] if n in s else 1 - p[n] for n in others)
                for k in range(len(others) + 1)
                for s in map(set, itertools.combinations(others, k))
                if evaluate(tree, s | {e} if present else s)
            )

        assert row.mif == pytest.approx(given(True) - given(False), rel=1e-9, abs=1e-12)


# --- the command line ------------------------------------------------------------------


def run(argv: list[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(argv, stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_cli_cutsets_text_and_json() -> None:
    code, out, err = run(["cutsets", str(BEFORE), "--check", FX_TWO])
    assert code == 1, err
    assert "file_transfer_disk.stuck + disk_ctrl_a.crash" in out
    assert out.rstrip().endswith("0 single points of failure, 2 pairs")
    code, out, _ = run(["cutsets", str(BEFORE), "--check", FX_TWO, "--format", "json"])
    document = json.loads(out)
    assert document["format"] == "failspec-cutsets/1"
    assert document["mode"] == "timed"
    first = document["cut_sets"][0]
    assert [f["number"] for f in first["faults"]] == [6, 7]
    assert first["witness"]["counterexample"]["format"] == "failspec-trace/2"
    assert document["summary"][2] == {"order": 2, "count": 2}


def test_cli_cutsets_engines_agree(tmp_path: Path) -> None:
    text = PAIR.replace("MANUAL", "")
    model_file = tmp_path / "pair.fspec"
    model_file.write_text(text, encoding="utf-8")
    check = "the pair is never down for more than 30 seconds"
    outputs = []
    for engine in ("explicit", "smt"):
        code, out, err = run(["cutsets", str(model_file), "--check", check, "--engine", engine])
        assert code == 1, err
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert "a.crash + pair.stuck" in outputs[0]
    model = loads(text)
    with pytest.raises(ValueError, match="unknown engine"):
        timed_cut_sets(model, model.checks[0], engine="bdd")


def test_cli_cutsets_static_and_errors() -> None:
    code, out, _ = run(["cutsets", str(BEFORE), "--static", "--top", "fx_remittance"])
    assert code == 1
    assert "disk_ctrl_a.crash + disk_ctrl_b.crash" in out
    code, _, err = run(["cutsets", str(BEFORE), "--static", "--top", "atm"])
    assert code == 2
    assert "partition 'atm_partition'" in err
    code, _, err = run(["cutsets", str(BEFORE), "--static"])
    assert code == 2
    assert "--top" in err
    code, _, err = run(["cutsets", str(BEFORE), "--check", "nope"])
    assert code == 2
    assert 'no check named "nope"' in err
    code, out, _ = run(
        ["cutsets", str(BEFORE), "--check", "month-end posting stays within store capacity"]
    )
    assert code == 1
    assert "violated with no fault at all" in out


def test_cli_probability_line(tmp_path: Path) -> None:
    source = tmp_path / "m.fspec"
    source.write_text(
        "device a {\n  fault crash rate 1e-3 per hour\n}\ndevice b {\n  fault crash probability 0.5\n}\n"
        "service s {\n  needs any of a, b\n}\n"
    )
    code, out, _ = run(["cutsets", str(source), "--static", "--top", "s", "--mission", "1000h"])
    assert code == 1
    expected = (1 - math.exp(-1.0)) * 0.5
    assert f"exact {expected:.6g} (rare-event approximation {expected:.6g})" in out
    code, out, _ = run(["cutsets", str(source), "--static", "--top", "s"])
    assert "unknown; no probability for a.crash (give --mission D for a rate)" in out


def _devices(count: int, order: int) -> tuple[ir.Model, ir.Check]:
    lines = [f"device d{i} {{ fault crash }}" for i in range(count)]
    lines.append(f'check "c" {{ faults at most {order}; never d0.down and d1.down }}')
    model = loads("\n".join(lines) + "\n")
    return model, model.checks[0]


def test_candidate_sets_count_the_sets_up_to_the_order() -> None:
    for count, order, sets in ((23, 2, 277), (24, 2, 301), (8, 2, 37), (5, 9, 32)):
        model, check = _devices(count, order)
        assert candidate_sets(model, check, order) == sets


def test_auto_settles_small_searches_with_the_explicit_engine_and_races_the_rest() -> None:
    # Few candidate sets: the explicit engine's first runs settle it, in process.
    model, check = _devices(5, 2)
    small = timed_cut_sets(model, check)
    assert small.cut_sets == ((1, 2),) and set(small.engines) == {"explicit"}
    # More than the first runs allow: the engines race; either may win, the answer is
    # the same as each engine's alone.
    model, check = _devices(30, 2)
    raced = timed_cut_sets(model, check, engine="auto")
    assert set(raced.engines) <= {"explicit", "smt"} and len(set(raced.engines)) == 1
    for engine in ("explicit", "smt"):
        alone = timed_cut_sets(model, check, engine=engine)
        assert (alone.cut_sets, alone.witnesses) == (raced.cut_sets, raced.witnesses)


def test_a_search_stopped_before_any_cut_set_does_not_claim_there_is_none() -> None:
    minori = Path(__file__).resolve().parent.parent / "models" / "minori" / "before.fspec"
    check = "FX remittances meet the 13:00 cutoff under any two faults"
    code, out, _ = run(["cutsets", str(minori), "--check", check, "--timeout", "0.000001"])
    assert code == 3
    assert "no minimal cut set found before the time limit" in out
    assert "no minimal cut set up to order" not in out
    assert "INCOMPLETE" in out


@pytest.mark.parametrize("output", ["text", "json"])
def test_a_static_analysis_past_its_timeout_is_unknown_with_exit_3(output: str) -> None:
    minori = Path(__file__).resolve().parent.parent / "models" / "minori" / "before.fspec"
    argv = ["cutsets", str(minori), "--static", "--top", "nw_link", "--timeout", "0.000001"]
    code, out, err = run([*argv, "--format", output])
    assert (code, err) == (3, "")  # a microsecond passes while the model is read
    if output == "json":
        document = json.loads(out)
        assert (document["complete"], document["stopped"], document["cut_sets"]) == (
            False,
            "time",
            [],
        )
    else:
        assert "INCOMPLETE: the time limit was hit before the cut sets were complete" in out
        assert "  order " not in out
    code, out, _ = run(argv[:-2])  # without the limit: the four pairs
    assert code == 1 and out.count("  order 2  ") == 4
