"""Open-PSA export checked against SCRAM, an independent fault-tree tool: the same
minimal cut sets (as sets of sets) and the same top-event probability.

SCRAM (Debian's `scram` 0.16.2) must be installed; `.ci/run` installs it.  Without
it these tests FAIL: agreement with an independent tool is part of the contract.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from failspec.checker import ir
from failspec.checker.cut_sets import static_cut_sets, timed_cut_sets
from failspec.checker.fault_tree import static_fault_tree
from failspec.checker.openpsa_export import export_static, export_timed, fault_label, scram_name
from failspec.checker.probability import exact, fault_probabilities, rare_event
from hypothesis import HealthCheck, given, settings
from scram import read_scram_report, run_scram
from static_model_strategies import StaticModel, static_models

from failspec import load, loads

REPO = Path(__file__).resolve().parent.parent
MINORI = [REPO / "models" / "minori" / "before.fspec", REPO / "models" / "minori" / "after.fspec"]
STATIC_TOPS = [
    "nw_link",
    "lottery",
    "file_transfer",
    "fx_remittance",
    "td_posting",
    "liquid_deposit",
]
MISSION_HOURS = 1000


@pytest.fixture(autouse=True)
def require_scram() -> None:
    if shutil.which("scram") is None:
        pytest.fail(
            "scram is not installed: these tests compare failspec with SCRAM "
            "(apt-get install scram; .ci/run installs it)",
            pytrace=False,
        )


def as_labels(model: ir.Model, cut_sets: tuple[tuple[int, ...], ...]) -> frozenset[frozenset[str]]:
    return frozenset(frozenset(model.fault(n).label for n in c) for c in cut_sets)


def test_name_mapping_is_reversible() -> None:
    for label in ["nw_card_a.flap", "a__b.c", "a.b__c", "x_.y_"]:
        name = scram_name(label)
        assert "." not in name and "--" not in name
        assert fault_label(name) == label
    assert fault_label("cut-set-3") is None
    assert fault_label("nw_link") is None


def test_empty_result_is_a_warning_with_no_products() -> None:
    model = loads("device a {\n  fault crash\n}\n")
    check = ir.Check("c", 1, 1, (1,), ())
    result = run_scram(export_timed(model, check, ()), ["--mocus"])
    assert result.cut_sets == frozenset()
    assert result.warning is not None
    result = run_scram(export_timed(model, check, ((),)), ["--mocus"])
    assert result.cut_sets == frozenset({frozenset()})


@pytest.mark.parametrize("path", MINORI, ids=lambda p: p.stem)
def test_minori_timed_cut_sets_agree_with_scram(path: Path) -> None:
    model = load(path)
    for check in model.checks:
        ours = timed_cut_sets(model, check)
        assert ours.complete
        limit = str(max(1, check.at_most))
        scram = run_scram(export_timed(model, check, ours.cut_sets), ["--mocus", "-l", limit])
        assert scram.cut_sets == as_labels(model, ours.cut_sets), check.name
        if check.name.endswith("under any two faults"):
            assert frozenset({"disk_ctrl_a.crash", "file_transfer_disk.stuck"}) in scram.cut_sets


@pytest.mark.parametrize("path", MINORI, ids=lambda p: p.stem)
def test_minori_static_trees_agree_with_scram(path: Path) -> None:
    model = load(path)
    for top in STATIC_TOPS:
        tree = static_fault_tree(model, top)
        ours = static_cut_sets(tree, 4)
        scram = run_scram(export_static(model, tree), ["--mocus", "-l", "4"])
        assert scram.cut_sets == as_labels(model, ours.cut_sets), top


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(static_models(max_devices=5, quantified=True))
def test_generated_static_trees_agree_with_scram(generated: StaticModel) -> None:
    model = loads(generated.text)
    tree = static_fault_tree(model, generated.top)
    ours = static_cut_sets(tree, 20)
    assert not ours.truncated
    document = export_static(model, tree)
    mission = ["--mission-time", str(MISSION_HOURS)]
    scram = run_scram(document, ["--bdd", "--probability", "true", *mission])
    assert scram.cut_sets == as_labels(model, ours.cut_sets)
    p, missing = fault_probabilities(model, tree.events(), MISSION_HOURS * 3600)
    assert not missing
    expected = exact(ours.cut_sets, p)
    assert expected is not None
    # SCRAM prints six significant digits.
    assert scram.probability == pytest.approx(expected, rel=2e-5, abs=1e-12)
    rare = run_scram(document, ["--mocus", "-l", "2", "--probability", "true", *mission])
    order_two = tuple(c for c in ours.cut_sets if len(c) <= 2)
    assert rare.cut_sets == as_labels(model, order_two)
    if order_two:
        assert rare.probability == pytest.approx(rare_event(order_two, p), rel=2e-5, abs=1e-12)


def test_probability_of_a_timed_export_with_rates() -> None:
    model = loads(
        "device a {\n  fault crash rate 2e-4 per hour\n}\n"
        "device b {\n  fault crash probability 0.1\n}\n"
        "service s {\n  needs any of a, b\n}\n"
        'check "s up" {\n  faults at most 2\n  never s.down\n}\n'
    )
    ours = timed_cut_sets(model, model.checks[0])
    assert ours.cut_sets == ((1, 2),)
    scram = run_scram(
        export_timed(model, model.checks[0], ours.cut_sets),
        ["--bdd", "--probability", "true", "--mission-time", "1000"],
    )
    assert scram.probability == pytest.approx(-math.expm1(-0.2) * 0.1, rel=2e-5)


def test_scram_report_reader() -> None:
    report = """<report><results>
      <sum-of-products name="top" basic-events="2" products="1" probability="0.5">
        <product order="2"><basic-event name="a-crash"/><basic-event name="b-flap"/></product>
      </sum-of-products></results></report>"""
    result = read_scram_report(report)
    assert result.cut_sets == frozenset({frozenset({"a.crash", "b.flap"})})
    assert result.probability == 0.5
