"""`failspec import` of Open-PSA MEF fault trees, checked against SCRAM on the
benchmark trees Debian's `scram` package ships (/usr/share/scram/input/):

- the static minimal cut sets of every imported top gate equal SCRAM's, as sets
  of sets after the name mapping (all orders, Baobab1's 46,188 included);
- the top-event probability, exact (BDD) and rare-event, equals SCRAM's to the
  six significant digits SCRAM prints, on every benchmark whose probabilities
  import (HIPPS, BSCU and SmallTree have none: GLM, periodic-test and
  lognormal-deviate parameters are dropped);
- the timed cut sets (both engines) of the imported check equal SCRAM's up to
  order 2 on the small benchmarks: every fault is permanent and free to start
  at any instant, so timing cannot change them;
- an `export --static` of the imported model read back by SCRAM gives the same
  cut sets under the original names.
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from failspec import loads
from failspec.checker.cut_sets import static_cut_sets, timed_cut_sets
from failspec.checker.engines import ENGINE_NAMES
from failspec.checker.fault_tree import static_fault_tree, tree_graph
from failspec.checker.probability import exact, fault_probabilities, rare_event
from failspec.checker.static_analysis import NODE_BUDGET, analyse
from failspec.cli import main
from failspec.spec.openpsa_import import (
    ImportError_,
    base_name,
    import_files,
    original_names,
)

INPUT = (
    Path(__file__).resolve().parent.parent / "bench" / "data" / "scram"
)  # SCRAM's inputs, vendored
BENCHMARKS = {
    "HIPPS": ["HIPPS/HIPPS.xml"],
    "Lift": ["Lift/lift.xml"],
    "ne574": ["ne574/ne574.xml"],
    "BSCU": ["BSCU/BSCU.xml"],
    "SmallTree": ["SmallTree/SmallTree.xml"],
    "Theatre": ["Theatre/theatre.xml"],
    "TwoTrain": ["TwoTrain/two_train.xml"],
    "ThreeMotor": ["ThreeMotor/three_motor.xml"],
}
LARGE = {
    "Baobab1": ["Baobab/baobab1.xml", "Baobab/baobab1-basic-events.xml"],
    "Baobab2": ["Baobab/baobab2.xml", "Baobab/baobab2-basic-events.xml"],
    "Chinese": ["Chinese/chinese.xml", "Chinese/chinese-basic-events.xml"],
}
QUANTIFIED = [
    "HIPPS",
    "BSCU",
    "SmallTree",
    "Lift",
    "ne574",
    "Theatre",
    "TwoTrain",
    "ThreeMotor",
    *LARGE,
]
"""Every benchmark: each probability imports (HIPPS: GLM and periodic-test; BSCU and
SmallTree: exponentials of lognormal-deviate parameters, at their mean)."""
MAX_REPORT = 32 * 1024 * 1024

Families = dict[str, frozenset[frozenset[str]]]


def benchmark_files(benchmark: str) -> list[str]:
    return [str(INPUT / f) for f in {**BENCHMARKS, **LARGE}[benchmark]]


def scram_report(files: list[str], *options: str) -> ElementTree.Element:
    """SCRAM's report on `files` (time- and size-limited)."""
    with tempfile.TemporaryDirectory(prefix="failspec-import-") as directory:
        report = os.path.join(directory, "report.xml")
        done = subprocess.run(
            ["scram", *files, *options, "-o", report],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr[:2000]
        assert os.path.getsize(report) < MAX_REPORT
        return ElementTree.parse(report).getroot()


def scram_cut_sets(files: list[str], order: int = 20) -> Families:
    """SCRAM's minimal cut sets per top gate, with its event names."""
    return families_of(scram_report(files, "-l", str(order)))


def families_of(report: ElementTree.Element) -> Families:
    families: Families = {}
    for products in report.iterfind("./results/sum-of-products"):
        families[products.get("name", "")] = frozenset(
            frozenset(e.get("name", "") for e in product.iterfind("basic-event"))
            for product in products.iterfind("product")
        )
    return families


def probabilities_of(report: ElementTree.Element) -> dict[str, str]:
    """SCRAM's top probability per top gate, as printed."""
    return {
        products.get("name", ""): products.get("probability", "")
        for products in report.iterfind("./results/sum-of-products")
    }


def agrees_with_printed(ours: float, printed: str) -> bool:
    """`ours` rounds to SCRAM's `printed` value: they differ by at most half a unit
    of its last (sixth significant) digit."""
    theirs = float(printed)
    if theirs == 0.0:
        return ours == 0.0
    mantissa = printed.lower().split("e")[0].lstrip("-")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(printed.lower().split("e")[1]) if "e" in printed.lower() else 0
    half_unit = 0.5 * 10.0 ** (exponent - decimals)
    return abs(ours - theirs) <= half_unit * (1 + 1e-9)


def imported(files: list[str]) -> str:
    return import_files(files, drop_unsupported_probabilities=True)


def failspec_cut_sets(source: str, top: str) -> frozenset[frozenset[str]]:
    """Static minimal cut sets of the imported model, in Open-PSA names."""
    names = original_names(source)
    model = loads(source)
    result = static_cut_sets(static_fault_tree(model, top), 20)
    assert not result.truncated
    return frozenset(
        frozenset(names[model.fault(n).label.split(".")[0]] for n in cut_set)
        for cut_set in result.cut_sets
    )


def test_scram_is_installed() -> None:
    assert subprocess.run(["scram", "--version"], capture_output=True, check=False).returncode == 0


@pytest.mark.parametrize("benchmark", sorted(BENCHMARKS) + sorted(LARGE))
def test_imported_cut_sets_equal_scram(benchmark: str) -> None:
    files = benchmark_files(benchmark)
    source = imported(files)
    names = original_names(source)
    back = {original: mapped for mapped, original in names.items()}
    expected = scram_cut_sets(files)
    assert expected
    for top, family in expected.items():
        assert failspec_cut_sets(source, back[top]) == family, top


@pytest.mark.parametrize(
    ("order", "max_nodes"),
    [(4, NODE_BUDGET), (6, NODE_BUDGET), (10, NODE_BUDGET), (4, 2), (6, 2)],
    ids=["4", "6", "10", "4-bottom-up", "6-bottom-up"],
)
def test_order_limit_equals_scrams_on_baobab1(order: int, max_nodes: int) -> None:
    files = benchmark_files("Baobab1")
    source = imported(files)
    names = original_names(source)
    model = loads(source)
    result = static_cut_sets(static_fault_tree(model, "r1"), order, max_nodes)
    assert result.truncated  # Baobab1 has minimal cut sets of order 11
    got = frozenset(
        frozenset(names[model.fault(n).label.split(".")[0]] for n in cut_set)
        for cut_set in result.cut_sets
    )
    assert got == scram_cut_sets(files, order)["r1"]


def test_issue_done_when_command_on_baobab1(tmp_path: Path) -> None:
    """`failspec import` Baobab1, then `failspec cutsets --static --top r1`: 46,188
    minimal cut sets, SCRAM's, listed by order then fault numbers."""
    files = benchmark_files("Baobab1")
    model_file = tmp_path / "b1.fspec"
    assert main(["import", *files, "-o", str(model_file)], io.StringIO(), io.StringIO()) == 0
    out = io.StringIO()
    assert main(["cutsets", str(model_file), "--static", "--top", "r1"], out, io.StringIO()) == 1
    lines = [line.split() for line in out.getvalue().splitlines() if line.startswith("  order ")]
    assert len(lines) == 46_188
    model = loads(model_file.read_text(encoding="utf-8"))
    numbers = {f.label: f.number for f in model.faults}
    listed = [(len(w[2::2]), tuple(numbers[label] for label in w[2::2])) for w in lines]
    assert listed == sorted(listed)
    assert all(int(w[1]) == len(w[2::2]) for w in lines)
    names = original_names(model_file.read_text(encoding="utf-8"))
    got = frozenset(frozenset(names[label.split(".")[0]] for label in w[2::2]) for w in lines)
    report = scram_report(files, "--probability", "true")
    assert got == families_of(report)["r1"]
    summary = out.getvalue().splitlines()[-2]
    assert summary.startswith(
        "0 single points of failure, 1 pair, 1 triple, 70 cut sets of order 4"
    )
    assert summary.endswith("3072 cut sets of order 11, none of order 12 to 20")
    exact_printed = out.getvalue().splitlines()[-1].split("exact ")[1].split()[0]
    assert float(exact_printed) == float(probabilities_of(report)["r1"])  # both print 6 digits


def test_agreement_to_printed_digits() -> None:
    assert agrees_with_printed(1.28230449e-06, "1.2823e-06")
    assert agrees_with_printed(1.28235e-06, "1.2823e-06")
    assert not agrees_with_printed(1.282351e-06, "1.2823e-06")
    assert agrees_with_printed(0.004569324, "0.00456932")
    assert not agrees_with_printed(0.004569326, "0.00456932")


@pytest.mark.parametrize("benchmark", QUANTIFIED)
def test_top_probability_equals_scram(benchmark: str) -> None:
    files = benchmark_files(benchmark)
    source = import_files(files)
    model = loads(source)
    back = {original: mapped for mapped, original in original_names(source).items()}
    exact_report = scram_report(files, "--probability", "true")
    rare_report = scram_report(files, "--probability", "true", "--rare-event")
    exact_values, rare_values = probabilities_of(exact_report), probabilities_of(rare_report)
    assert exact_values
    for top, printed in exact_values.items():
        tree = static_fault_tree(model, back[top])
        result = static_cut_sets(tree, 20)
        assert not result.truncated
        graph, events = tree_graph(tree)
        p, missing = fault_probabilities(model, events, 8760 * 3600)  # SCRAM: 8760 h
        assert not missing
        from_tree = analyse(graph, [p[n] for n in events], 20).probability
        assert from_tree is not None
        assert agrees_with_printed(from_tree, printed), (top, from_tree, printed)
        # Two independent diagrams: of the tree, and of its minimal cut sets.
        assert exact(result.cut_sets, p) == pytest.approx(from_tree, rel=1e-12, abs=0)
        rare = rare_event(result.cut_sets, p)
        assert agrees_with_printed(rare, rare_values[top]), (top, rare, rare_values[top])


@pytest.mark.parametrize("engine", ENGINE_NAMES)
@pytest.mark.parametrize("benchmark", sorted(BENCHMARKS))
def test_timed_cut_sets_equal_scram_up_to_order_two(benchmark: str, engine: str) -> None:
    files = benchmark_files(benchmark)
    source = imported(files)
    names = original_names(source)
    back = {original: mapped for mapped, original in names.items()}
    model = loads(source)
    expected = scram_cut_sets(files, order=2)
    for top, family in expected.items():
        (check,) = [c for c in model.checks if c.name.startswith(f"{back[top]} never fails")]
        result = timed_cut_sets(model, check, 2, engine=engine)
        assert result.complete
        got = frozenset(
            frozenset(names[model.fault(n).label.split(".")[0]] for n in cut_set)
            for cut_set in result.cut_sets
        )
        assert got == family, top
        # Every fault is permanent and may start at 0: each cut set violates at once.
        assert all(w.violation_at == 0 and not any(w.onsets) for w in result.witnesses)


@pytest.mark.parametrize("benchmark", ["HIPPS", "Lift", "ThreeMotor", "BSCU", *LARGE])
def test_export_of_an_imported_model_round_trips_through_scram(
    benchmark: str, tmp_path: Path
) -> None:
    files = benchmark_files(benchmark)
    model_file = tmp_path / "model.fspec"
    assert main(["import", *files, "--drop-unsupported-probabilities", "-o", str(model_file)]) == 0
    expected = scram_cut_sets(files)
    back = {o: m for m, o in original_names(model_file.read_text()).items()}
    for top, family in expected.items():
        exported = tmp_path / f"{top}.xml"
        args = ["export", str(model_file), "--static", "--top", back[top], "-o", str(exported)]
        assert main(args, io.StringIO(), io.StringIO()) == 0
        again = scram_cut_sets([str(exported)])
        assert list(again.values()) == [family], top


def test_cea9601_not_gates_are_a_clear_error() -> None:
    out, err = io.StringIO(), io.StringIO()
    files = [str(INPUT / "CEA9601" / f) for f in ("CEA9601.xml", "CEA9601-basic-events.xml")]
    assert main(["import", *files], out, err) == 2
    message = err.getvalue()
    assert "CEA9601.xml:" in message and "<not>" in message
    line = int(message.split("CEA9601.xml:")[1].split(":")[0])
    assert "<not" in (INPUT / "CEA9601" / "CEA9601.xml").read_text().splitlines()[line - 1]


def test_probability_expressions_import_with_their_words(tmp_path: Path) -> None:
    source = import_files([str(INPUT / "SmallTree" / "SmallTree.xml")])
    assert (
        "fault failure rate 1e-05 per hour  # exponential(lambda4 = lambda2 = "
        "lognormal-deviate(1e-05, 3, 0.95), t)"
    ) in source
    hipps = import_files([str(INPUT / "HIPPS" / "HIPPS.xml")], mission_hours=1000)
    assert "# GLM(0, 1e-06, 0.1, t), at t = 1000h" in hipps
    bad = _write(
        tmp_path,
        """<define-fault-tree name="T">
  <define-gate name="g"><or><basic-event name="a"/><basic-event name="b"/></or></define-gate>
  <define-basic-event name="a"><div><float value="1"/><float value="0"/></div></define-basic-event>
  <define-basic-event name="b"><float value="0.1"/></define-basic-event>
</define-fault-tree>""",
    )
    with pytest.raises(
        ImportError_, match=r't.xml:5: <define-basic-event name="a">.*division by 0'
    ):
        import_files([bad])
    assert "probability 0.1" in import_files([bad], drop_unsupported_probabilities=True)


def _write(tmp_path: Path, body: str) -> str:
    path = tmp_path / "t.xml"
    path.write_text(f'<?xml version="1.0"?>\n<opsa-mef>\n{body}\n</opsa-mef>\n')
    return str(path)


def test_name_mapping_rules(tmp_path: Path) -> None:
    assert base_name("PSH-1.Failure") == "psh_1_failure"
    assert base_name("2ndPump") == "_2ndpump"
    path = _write(
        tmp_path,
        """<define-fault-tree name="T">
  <define-gate name="Top"><or><basic-event name="A-b"/><basic-event name="a_b"/>
    <basic-event name="A.B"/><basic-event name="9x"/></or></define-gate>
  <define-basic-event name="A-b"><float value="0.1"/></define-basic-event>
  <define-basic-event name="a_b"/>
  <define-basic-event name="A.B"><exponential><float value="2e-6"/><system-mission-time/></exponential></define-basic-event>
  <define-basic-event name="9x"/>
</define-fault-tree>""",
    )
    source = import_files([path])
    assert original_names(source) == {
        "top": "Top",
        "a_b": "A-b",
        "a_b_2": "a_b",
        "a_b_3": "A.B",
        "_9x": "9x",
    }
    assert "fault failure probability 0.1" in source
    assert "fault failure rate 2e-06 per hour" in source
    assert "never top.down" in source and "faults at most 2" in source


def test_gates_house_events_and_unsupported_elements(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """<define-fault-tree name="T">
  <define-gate name="top"><and><gate name="v"/><or><event name="h"/><event name="c"/></or></and></define-gate>
  <define-gate name="v"><atleast min="2"><event name="a"/><event name="b"/><event name="c"/></atleast></define-gate>
  <define-basic-event name="a"/><define-basic-event name="b"/><define-basic-event name="c"/>
  <define-house-event name="h"><constant value="false"/></define-house-event>
</define-fault-tree>""",
    )
    source = import_files([path], max_order=3)
    assert "needs 2 of a, b, c" in source and "needs any of v, top_part" in source
    assert "faults at most 3" in source
    result = static_cut_sets(static_fault_tree(loads(source), "top"), 20)
    assert len(result.cut_sets) == 2  # {a, c}, {b, c}
    bad = _write(tmp_path, '<define-event-tree name="E"/>')
    with pytest.raises(ImportError_, match=r"t.xml:3: <define-event-tree name=\"E\">: event trees"):
        import_files([bad])
    for tag in ("xor", "nand", "nor"):
        bad = _write(
            tmp_path,
            f'<define-fault-tree name="T">\n<define-gate name="g"><{tag}><basic-event name="a"/>'
            f'<basic-event name="b"/></{tag}></define-gate>\n</define-fault-tree>',
        )
        with pytest.raises(ImportError_, match=rf"t.xml:4: <{tag}>"):
            import_files([bad])
