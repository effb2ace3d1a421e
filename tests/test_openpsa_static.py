"""Static analysis of Open-PSA MEF files read directly (`failspec cutsets TREE.xml
--static`): expressions, non-coherent gates, CCF groups and importance, against
hand values, brute force and SCRAM.

- every expression SCRAM evaluates for a top probability, against its formula;
- generated trees with every gate (and, or, atleast, not, xor, nand, nor, iff,
  imply, cardinality): the minimal cut sets are the minimal sets of failed events
  that fail the top with every other event working, and the probability is the sum
  over all assignments (brute force over every event);
- SCRAM's shipped inputs and a subset of the Aralia trees (vendored in
  `bench/data/`): the cut sets of order <= 4 and the top probability equal SCRAM's
  printed digits (`bench/bench_openpsa.py` does all 56 trees); importance factors
  equal SCRAM's `--importance` on trees where it computes them;
- the CLI: both ways in (`failspec.cli.main` and the console script's lean path)
  give the same bytes, JSON is compact and streamed, bad input is one line and exit 2.
"""

from __future__ import annotations

import io
import itertools
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from failspec import mef_cutsets
from failspec.checker import static_analysis
from failspec.checker.openpsa_tree import static_problem
from failspec.checker.pdag import GraphBuilder, Pdag, Value
from failspec.checker.probability_bounds import probability_interval
from failspec.checker.static_analysis import (
    CutSetFamilies,
    analyse,
    build_diagrams,
    importance,
    occurrences,
    probabilities,
)
from failspec.cli import is_static_mef_cutsets, main
from failspec.spec.openpsa_expressions import evaluate, read_expression
from failspec.spec.openpsa_model import read_model
from failspec.spec.openpsa_xml import ImportError_, Node

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "bench" / "data"
SCRAM = DATA / "scram"
ARALIA = DATA / "aralia"
GOLDEN = Path(__file__).parent / "golden" / "openpsa"
SCRAM_INPUTS = {
    "BSCU": ["BSCU/BSCU.xml"],
    "Baobab1": ["Baobab/baobab1.xml", "Baobab/baobab1-basic-events.xml"],
    "Baobab2": ["Baobab/baobab2.xml", "Baobab/baobab2-basic-events.xml"],
    "Chinese": ["Chinese/chinese.xml", "Chinese/chinese-basic-events.xml"],
    "HIPPS": ["HIPPS/HIPPS.xml"],
    "Lift": ["Lift/lift.xml"],
    "SmallTree": ["SmallTree/SmallTree.xml"],
    "Theatre": ["Theatre/theatre.xml"],
    "ThreeMotor": ["ThreeMotor/three_motor.xml"],
    "TwoTrain": ["TwoTrain/two_train.xml"],
    "TwoTrain-CCF": ["TwoTrain/common_cause.xml"],
    "ne574": ["ne574/ne574.xml"],
}
ARALIA_SUBSET = [
    "baobab3",
    "das9201",
    "das9202",
    "das9203",
    "das9204",
    "das9205",
    "das9206",
    "das9208",
    "das9209",
    "das9601",
    "edf9205",
    "edf9206",
    "edfpa15r",
    "elf9601",
    "ftr10",
    "isp9601",
    "isp9602",
    "isp9603",
    "isp9605",
    "isp9606",
    "isp9607",
]
"""The Aralia trees both tools do in well under a second (das9601: NOT and XOR)."""


def files_of(name: str) -> list[str]:
    if name in SCRAM_INPUTS:
        return [str(SCRAM / f) for f in SCRAM_INPUTS[name]]
    return [str(ARALIA / f"{name}.xml")]


# --- expressions ---------------------------------------------------------------------


def _expression(xml: str) -> float:
    root = ElementTree.fromstring(xml)

    def node(element: ElementTree.Element) -> Node:
        return Node(
            element.tag, dict(element.attrib), "x.xml", 1, [node(child) for child in element]
        )

    return evaluate(read_expression(node(root)), {}, 1000.0)


def f(value: float) -> str:
    return f'<float value="{value!r}"/>'


T = "<system-mission-time/>"


def test_expressions_evaluate_as_scram_does() -> None:
    assert _expression(f"<exponential>{f(1e-3)}{T}</exponential>") == pytest.approx(
        1 - math.exp(-1.0)
    )
    glm = (1e-3 - (1e-3 - 0.1 * 0.101) * math.exp(-0.101 * 1000)) / 0.101
    assert _expression(f"<GLM>{f(0.1)}{f(1e-3)}{f(0.1)}{T}</GLM>") == pytest.approx(glm)
    assert _expression(f"<Weibull>{f(500.0)}{f(2.0)}{f(100.0)}{T}</Weibull>") == pytest.approx(
        1 - math.exp(-(((1000 - 100) / 500) ** 2))
    )
    # Instant repair: the time since the last test (1000 - 100 = 900 = 2·400 + 100).
    periodic = f"<periodic-test>{f(1e-3)}{f(400.0)}{f(100.0)}{T}</periodic-test>"
    assert _expression(periodic) == pytest.approx(1 - math.exp(-1e-3 * 100))
    assert _expression(f"<lognormal-deviate>{f(2e-5)}{f(3.0)}{f(0.95)}</lognormal-deviate>") == 2e-5
    assert _expression(f"<lognormal-deviate>{f(0.0)}{f(1.0)}</lognormal-deviate>") == (
        pytest.approx(math.exp(0.5))
    )
    assert _expression(f"<normal-deviate>{f(0.2)}{f(0.1)}</normal-deviate>") == 0.2
    assert _expression(f"<uniform-deviate>{f(0.1)}{f(0.3)}</uniform-deviate>") == 0.2
    assert _expression(f"<gamma-deviate>{f(2.0)}{f(0.05)}</gamma-deviate>") == 0.1
    assert _expression(f"<beta-deviate>{f(1.0)}{f(3.0)}</beta-deviate>") == 0.25
    assert _expression(f"<mul>{f(2.0)}<add>{f(1.0)}{f(2.0)}</add><neg>{f(1.0)}</neg></mul>") == -6
    assert _expression(f"<sub>{f(1.0)}{f(0.25)}{f(0.25)}</sub>") == 0.5
    assert _expression(f"<div>{f(1.0)}{f(4.0)}</div>") == 0.25
    assert _expression(f"<pow>{f(2.0)}{f(10.0)}</pow>") == 1024
    assert _expression(f"<exp>{f(0.0)}</exp>") == 1
    assert _expression(f"<log>{f(1.0)}</log>") == 0
    assert _expression(f"<min>{f(3.0)}{f(1.0)}{f(2.0)}</min>") == 1
    assert _expression(f"<max>{f(3.0)}{f(1.0)}</max>") == 3
    assert _expression(f"<ite><lt>{f(1.0)}{f(2.0)}</lt>{f(0.5)}{f(0.7)}</ite>") == 0.5
    assert _expression(f'<mul><int value="2"/>{T}</mul>') == 2000
    with pytest.raises(ImportError_, match="division by 0"):
        _expression(f"<div>{f(1.0)}{f(0.0)}</div>")
    with pytest.raises(ImportError_, match="takes 2 or 4 arguments"):
        _expression(f"<exponential>{f(1.0)}</exponential>")


# --- generated trees against brute force ------------------------------------------------

OPERATORS = ["and", "or", "atleast", "not", "xor", "nand", "nor", "iff", "imply", "cardinality"]


def gate_formula(draw: st.DrawFn, nodes: list[str]) -> str:
    """A gate of a drawn kind over distinct `nodes` (`<basic-event …/>`, `<gate …/>`):
    `<op attrs>inputs</op>`, with at-least's and cardinality's bounds drawn within
    its inputs."""
    op = draw(st.sampled_from(OPERATORS))
    count = {"not": 1, "xor": 2, "iff": 2, "imply": 2}.get(op, draw(st.integers(2, 4)))
    count = min(count, len(nodes))
    args = draw(st.lists(st.sampled_from(nodes), min_size=count, max_size=count, unique=True))
    attrs = ""
    if op == "atleast":
        attrs = f' min="{draw(st.integers(1, len(args)))}"'
    elif op == "cardinality":
        low = draw(st.integers(0, len(args)))
        attrs = f' min="{low}" max="{draw(st.integers(low, len(args)))}"'
    return f"<{op}{attrs}>{''.join(args)}</{op}>"


def basic_event_definitions(p: list[float]) -> str:
    """The `define-basic-event` of `e0`, `e1`, … with the probabilities `p`."""
    return "".join(
        f'<define-basic-event name="e{i}"><float value="{q}"/></define-basic-event>'
        for i, q in enumerate(p)
    )


@st.composite
def trees(draw: st.DrawFn) -> tuple[str, int, list[float]]:
    """An MEF document with 2–5 basic events and 1–5 gates of every kind."""
    events = draw(st.integers(2, 5))
    p = [draw(st.sampled_from([0.1, 0.25, 0.5, 0.9])) for _ in range(events)]
    nodes = [f'<basic-event name="e{i}"/>' for i in range(events)]
    gates = []
    for g in range(draw(st.integers(1, 5))):
        gates.append(f'<define-gate name="g{g}">{gate_formula(draw, nodes)}</define-gate>')
        nodes.append(f'<gate name="g{g}"/>')
    top = len(gates) - 1
    # Only the last gate is the top: every other gate feeds it.
    body = gates[:-1] + [gates[-1].replace(f'name="g{top}">', f'name="g{top}x">', 1)]
    used = "".join(f'<gate name="g{g}"/>' for g in range(top)) + f'<gate name="g{top}x"/>'
    body.append(f'<define-gate name="top"><or>{used}</or></define-gate>')
    definitions = basic_event_definitions(p)
    return (
        f'<opsa-mef><define-fault-tree name="t">{"".join(body)}{definitions}</define-fault-tree></opsa-mef>',
        events,
        p,
    )


def _operator(node: ElementTree.Element, args: list[bool]) -> bool:
    count = sum(args)
    tag = node.tag
    if tag in ("and", "nand"):
        return all(args) == (tag == "and")
    if tag in ("or", "nor"):
        return any(args) == (tag == "or")
    if tag == "atleast":
        return count >= int(node.get("min", "1"))
    if tag == "cardinality":
        return int(node.get("min", "0")) <= count <= int(node.get("max", "0"))
    if tag == "not":
        return not args[0]
    if tag == "imply":
        return (not args[0]) or args[1]
    return (args[0] != args[1]) == (tag == "xor")  # xor, iff


def _truth(document: str, events: int) -> Callable[[tuple[bool, ...]], bool]:
    root = ElementTree.fromstring(document)
    gates = {g.get("name"): g[0] for g in root.iter("define-gate")}

    def value(node: ElementTree.Element, state: tuple[bool, ...]) -> bool:
        if node.tag == "basic-event":
            return state[int(node.get("name", "e0")[1:])]
        if node.tag == "gate":
            return value(gates[node.get("name")], state)
        args = [value(c, state) for c in node]
        return _operator(node, args)

    return lambda state: value(gates["top"], state)


def _brute_force(tree: tuple[str, int, list[float]]) -> tuple[set[frozenset[int]], float]:
    """The minimal cut sets (event numbers) and the exact probability, over every state."""
    document, events, p = tree
    top = _truth(document, events)
    states = list(itertools.product([False, True], repeat=events))
    true_sets = [frozenset(i for i in range(events) if s[i]) for s in states if top(s)]
    minimal = {s for s in true_sets if not any(t < s for t in true_sets)}
    exact = math.fsum(
        math.prod(p[i] if s[i] else 1 - p[i] for i in range(events)) for s in states if top(s)
    )
    return minimal, exact


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(trees())
def test_generated_trees_agree_with_brute_force(tree: tuple[str, int, list[float]]) -> None:
    document, _, _ = tree
    minimal, exact = _brute_force(tree)
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "t.xml")
        Path(path).write_text(document, encoding="utf-8")
        report = mef_cutsets.analyze(
            mef_cutsets.StaticOptions((path,), "top", 20, 8760.0, "text", False, False)
        )
    got = {frozenset(int(report.names[i][1:]) for i in c) for c in report.cut_sets}
    assert got == minimal
    assert report.probability == pytest.approx(exact, abs=1e-12)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(trees(), st.integers(1, 3))
def test_without_the_bdds_the_results_agree_with_brute_force(
    tree: tuple[str, int, list[float]], order: int
) -> None:
    """Past the first BDD budget (2 nodes here): a tree's cut sets (coherent or not) come
    without the BDDs and equal the minimal ones of at most `order` events, `truncated`
    exactly (a non-coherent tree's were not listed before `truncated_cut_sets.py`).  The
    probability is exact when no bound had to
    be pruned (bounds of 10^9 nodes), else a rigorous interval that contains the exact
    value (bounds of 1 node, every module's too)."""
    document, _, _ = tree
    minimal, exact = _brute_force(tree)
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "t.xml")
        Path(path).write_text(document, encoding="utf-8")
        problem = static_problem(read_model([path]), "top", 8760.0)
    graph = problem.graph
    number = [-1, *(int(name[1:]) for name in problem.names)]  # variable -> event number
    for bound_nodes in (1, 10**9):
        found = analyse(graph, problem.probabilities, order, max_nodes=2, bound_nodes=bound_nodes)
        assert found.complete and found.stopped is None
        got = {frozenset(number[v] for v in c) for c in found.cut_sets}
        assert got == {s for s in minimal if len(s) <= order}
        assert found.truncated == any(len(s) > order for s in minimal)
        if found.probability is not None:
            assert found.interval is None
            assert found.probability == pytest.approx(exact, abs=1e-12)
        else:
            assert bound_nodes == 1 and found.interval is not None
            low, high = found.interval
            assert low - 1e-12 <= exact <= high + 1e-12


def test_the_bottom_up_families_come_before_scrams_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the depth-first BDD passes its first budget (2 nodes here), Baobab1's cut sets
    of order <= 4 come bottom up, and its probability from bounds that need no pruning
    (10^6 nodes): the same cut sets and probability as the BDDs' (SCRAM's order, reached
    when the bottom-up budget is 0)."""
    problem = static_problem(read_model(files_of("Baobab1")), None, 8760.0)
    expected = analyse(problem.graph, problem.probabilities, 4)
    monkeypatch.setattr(static_analysis, "FIRST_TRY_NODES", 2)
    bottom_up = analyse(problem.graph, problem.probabilities, 4, bound_nodes=10**6)
    scrams_order = analyse(problem.graph, problem.probabilities, 4, quick_unions=0)
    for found in (bottom_up, scrams_order):
        assert (found.cut_sets, found.truncated, found.complete) == (
            expected.cut_sets,
            True,
            True,
        )
        assert found.interval is None and found.probability is not None
        assert expected.probability is not None
        assert found.probability == pytest.approx(expected.probability, rel=1e-12)
    assert len(expected.cut_sets) == 72
    # With importance the BDDs are needed: SCRAM's order, not the bottom-up families.
    with_importance = analyse(problem.graph, problem.probabilities, 4, with_importance=True)
    assert with_importance.importance is not None


def test_cut_sets_bound_the_probability_only_through_disjoint_ones() -> None:
    """(a ∧ b) ∨ (a ∧ c), every event 0.5, exactly 0.375: without the BDDs and with bounds
    pruned to 1 node, the interval is narrowed by the cut sets to at least 0.25 (one of
    the two sets: they share a) and at most 0.5 (their sum, no longer cut set exists);
    treating the two overlapping sets as independent would give 0.4375, above the
    exact value."""
    builder = GraphBuilder(3)
    both = [builder.conjoin([1, 2]), builder.conjoin([1, 3])]
    graph = builder.build(builder.disjoin(both))
    found = analyse(graph, [0.5, 0.5, 0.5], 2, max_nodes=2, bound_nodes=1)
    assert found.cut_sets == [(1, 2), (1, 3)] and found.truncated is False
    assert found.interval is not None
    low, high = found.interval
    assert 0.25 - 1e-12 <= low <= 0.375 <= high <= 0.5 + 1e-12


@pytest.mark.parametrize("name", ["das9601", "baobab2"])
def test_scrams_order_is_given_up_when_it_grows_too_fast(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the first try's budget and the growth envelope's floor at 2 nodes, SCRAM's
    order is given up at its first gates though the whole budget would hold its BDD:
    then baobab2's cut sets come bottom up, das9601's (non-coherent) from the BDDs within
    the ball (`ball_cut_sets.py`), both the BDDs' own, and both probabilities lie in
    bounds (pruned at 20 nodes a gate) that contain the BDDs' exact value."""
    problem = static_problem(read_model(files_of(name)), None, 8760.0)
    expected = analyse(problem.graph, problem.probabilities, 4)
    assert expected.probability is not None and expected.stopped is None
    monkeypatch.setattr(static_analysis, "FIRST_TRY_NODES", 2)
    monkeypatch.setattr(static_analysis, "GROWTH_FLOOR", 2)
    found = analyse(problem.graph, problem.probabilities, 4, quick_unions=0, bound_nodes=20)
    assert (found.cut_sets, found.truncated, found.stopped) == (
        expected.cut_sets,
        expected.truncated,
        None,
    )
    assert found.probability is None and found.interval is not None
    low, high = found.interval
    assert low <= expected.probability * (1 + 1e-12)
    assert expected.probability <= high * (1 + 1e-12)
    assert low < high


# --- against SCRAM -----------------------------------------------------------------------


@pytest.fixture
def scram() -> Callable[..., ElementTree.Element]:
    if shutil.which("scram") is None:
        pytest.fail("scram is not installed (apt-get install scram; .ci/run installs it)")

    def run(files: list[str], *options: str) -> ElementTree.Element:
        with tempfile.TemporaryDirectory(prefix="failspec-scram-") as directory:
            report = os.path.join(directory, "report.xml")
            done = subprocess.run(
                ["scram", *files, *options, "-o", report],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert done.returncode == 0, done.stderr[:2000]
            assert os.path.getsize(report) < 64 * 1024 * 1024
            return ElementTree.parse(report).getroot()

    return run


def scram_products(report: ElementTree.Element) -> frozenset[frozenset[str]]:
    products = set()
    for product in report.iter("product"):
        names = set()
        for child in product:
            if child.tag == "ccf-event":
                names.add("[" + " ".join(e.get("name", "") for e in child) + "]")
            else:
                names.add(child.get("name", ""))
        products.add(frozenset(names))
    return frozenset(products)


def agrees_with_printed(ours: float, printed: str) -> bool:
    """`ours` rounds to SCRAM's six printed significant digits."""
    theirs = float(printed)
    if theirs == 0.0:
        return abs(ours) < 1e-300
    mantissa = printed.lower().split("e")[0].lstrip("-")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    exponent = int(printed.lower().split("e")[1]) if "e" in printed.lower() else 0
    half_unit = 0.5 * 10.0 ** (exponent - decimals)
    return abs(ours - theirs) <= half_unit * (1 + 1e-9)


@pytest.mark.parametrize("name", [*SCRAM_INPUTS, *ARALIA_SUBSET])
def test_cut_sets_and_probability_equal_scram(
    name: str, scram: Callable[..., ElementTree.Element]
) -> None:
    files = files_of(name)
    ccf = ["--ccf", "true"] if name == "TwoTrain-CCF" else []
    report = scram(files, "-l", "4", "--probability", "true", *ccf)
    ours = mef_cutsets.analyze(
        mef_cutsets.StaticOptions(tuple(files), None, 4, 8760.0, "text", False, False)
    )
    got = frozenset(frozenset(ours.names[i] for i in c) for c in ours.cut_sets)
    assert got == scram_products(report)
    (products,) = report.iter("sum-of-products")
    assert ours.probability is not None
    assert agrees_with_printed(ours.probability, products.get("probability", "")), name


@pytest.mark.parametrize("name", ["SmallTree", "BSCU", "HIPPS", "Chinese", "TwoTrain-CCF"])
def test_importance_equals_scram(name: str, scram: Callable[..., ElementTree.Element]) -> None:
    files = files_of(name)
    ccf = ["--ccf", "true"] if name == "TwoTrain-CCF" else []
    report = scram(files, "--probability", "true", "--importance", "true", *ccf)
    ours = mef_cutsets.analyze(
        mef_cutsets.StaticOptions(tuple(files), None, 20, 8760.0, "text", False, True)
    )
    assert ours.importance is not None
    rows = {r.event: r for r in ours.importance}
    found = report.find("./results/importance")
    assert found is not None
    theirs = list(found)
    assert len(theirs) == len(rows)
    for event in theirs:
        name_ = event.get("name", "")
        if name_ == "":  # a CCF event: SCRAM names it by its members
            continue
        row = rows[name_]
        assert row.occurrence == int(event.get("occurrence", ""))
        for key, value in [
            ("MIF", row.mif),
            ("CIF", row.cif),
            ("DIF", row.dif),
            ("RAW", row.raw),
            ("RRW", row.rrw),
        ]:
            assert value is not None
            assert agrees_with_printed(value, event.get(key, "")), (name_, key, value)


# --- CCF groups ----------------------------------------------------------------------------


def _ccf_document(model: str, factors: str, members: int = 3) -> str:
    names = "".join(f'<basic-event name="m{i}"/>' for i in range(members))
    return (
        '<opsa-mef><define-fault-tree name="t"><define-gate name="top">'
        f'<atleast min="2">{names}</atleast></define-gate></define-fault-tree>'
        f'<define-CCF-group name="G" model="{model}"><members>{names}</members>'
        f'<distribution><float value="0.01"/></distribution>{factors}</define-CCF-group></opsa-mef>'
    )


@pytest.mark.parametrize(
    ("model", "factors", "expected"),
    [
        ("beta-factor", '<factor level="3"><float value="0.1"/></factor>', {1: 0.009, 3: 0.001}),
        (
            "MGL",
            '<factors><factor level="2"><float value="0.2"/></factor>'
            '<factor level="3"><float value="0.5"/></factor></factors>',
            {1: 0.008, 2: 0.2 * 0.5 * 0.01 / 2, 3: 0.2 * 0.5 * 0.01},
        ),
        (
            "alpha-factor",
            '<factors><factor level="1"><float value="0.9"/></factor>'
            '<factor level="2"><float value="0.07"/></factor>'
            '<factor level="3"><float value="0.03"/></factor></factors>',
            {
                1: 1 * 0.9 / 1.13 * 0.01,
                2: 2 * 0.07 / 1.13 * 0.01 / 2,
                3: 3 * 0.03 / 1.13 * 0.01,
            },
        ),
        (
            "phi-factor",
            '<factors><factor><float value="0.9"/></factor><factor><float value="0.06"/>'
            '</factor><factor><float value="0.04"/></factor></factors>',
            {1: 0.009, 2: 0.0006, 3: 0.0004},
        ),
    ],
)
def test_ccf_models(model: str, factors: str, expected: dict[int, float], tmp_path: Path) -> None:
    path = tmp_path / "ccf.xml"
    path.write_text(_ccf_document(model, factors), encoding="utf-8")
    problem = static_problem(read_model([str(path)]), None, 8760.0)
    for name, q in zip(problem.names, problem.probabilities, strict=True):
        level = name.count(" ") + 1
        assert q == pytest.approx(expected[level]), name
    assert "[m0 m1 m2]" in problem.names or model != "beta-factor"


# --- CLI -------------------------------------------------------------------------------------


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def _lean(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    assert is_static_mef_cutsets(argv)
    code = mef_cutsets.main(argv[1:], out, err)
    return code, out.getvalue(), err.getvalue()


GOLDENS = {
    "smalltree-importance.txt": ["SmallTree/SmallTree.xml", "--importance"],
    "twotrain-ccf.txt": ["TwoTrain/common_cause.xml"],
    "hipps-mission.txt": ["HIPPS/HIPPS.xml", "--mission", "1000h"],
    "chinese.json": [
        "Chinese/chinese.xml",
        "Chinese/chinese-basic-events.xml",
        "--format",
        "json",
        "--max-order",
        "3",
    ],
    "smalltree-pretty.json": [
        "SmallTree/SmallTree.xml",
        "--format",
        "json",
        "--pretty",
        "--importance",
    ],
}


@pytest.mark.parametrize("golden", sorted(GOLDENS))
def test_cli_outputs_are_golden(
    golden: str, assert_golden: Callable[[Path, str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(SCRAM)  # relative paths in the output
    args = GOLDENS[golden]
    files = [a for a in args if a.endswith(".xml")]
    rest = [a for a in args if not a.endswith(".xml")]
    argv = ["cutsets", *files, "--static", *rest]
    code, out, err = _run(argv)
    assert code == 1 and err == ""
    assert _lean(argv) == (code, out, err)
    assert_golden(GOLDEN / golden, out)
    if golden.endswith(".json"):
        document = json.loads(out)
        assert document["format"] == "failspec-cutsets/1"
        if "pretty" not in golden:
            cut_set_lines = [line for line in out.splitlines() if line.startswith('{"order"')]
            assert len(cut_set_lines) == len(document["cut_sets"])


def test_non_coherent_tree_is_analysed_and_said_so() -> None:
    code, out, _ = _run(["cutsets", str(ARALIA / "das9601.xml"), "--static", "--max-order", "2"])
    assert code == 1
    assert "note: non-coherent gates (not, xor)" in out
    assert "0 single points of failure, 47 pairs" in out


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            '<define-gate name="g"><or><basic-event name="a"/><basic-event name="b"/></or></define-gate>',
            r"t.xml:3: <basic-event name=\"a\">: refers to an undefined basic event",
        ),
        (
            '<define-gate name="g"><xor><basic-event name="a"/></xor></define-gate><define-basic-event name="a"/>',
            r"t.xml:3: <xor>: takes exactly two arguments, not 1",
        ),
        (
            '<define-gate name="g"><or><gate name="h"/><basic-event name="a"/></or></define-gate>'
            '<define-gate name="h"><and><gate name="g"/><basic-event name="a"/></and></define-gate>'
            '<define-basic-event name="a"/>',
            r"the gate is in a cycle",
        ),
        ('<define-event-tree name="E"/>', r"t.xml:3: <define-event-tree name=\"E\">: event trees"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(body: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "t.xml"
    path.write_text(f'<?xml version="1.0"?>\n<opsa-mef>\n{body}\n</opsa-mef>\n', encoding="utf-8")
    code, out, err = _run(["cutsets", str(path), "--static"])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("failspec: ")
    assert re.search(message, err), err
    assert _lean(["cutsets", str(path), "--static"]) == (code, out, err)


def test_missing_probability_is_named(tmp_path: Path) -> None:
    path = tmp_path / "t.xml"
    path.write_text(
        '<opsa-mef><define-gate name="g"><and><basic-event name="a"/><basic-event name="b"/>'
        '</and></define-gate><define-basic-event name="a"/><define-basic-event name="b">'
        '<float value="0.5"/></define-basic-event></opsa-mef>',
        encoding="utf-8",
    )
    code, out, _ = _run(["cutsets", str(path), "--static"])
    assert code == 1
    assert "probability over a mission of 8760h: unknown; no probability for a" in out


def test_mef_files_need_static() -> None:
    code, _, err = _run(["cutsets", str(ARALIA / "chinese.xml"), "--check", "x"])
    assert code == 2 and "take --static" in err


def test_the_cli_routes_only_static_mef_cutsets() -> None:
    assert is_static_mef_cutsets(["cutsets", "t.xml", "--static"])
    assert not is_static_mef_cutsets(["cutsets", "m.fspec", "--static", "--top", "x"])
    assert not is_static_mef_cutsets(["check", "t.xml"])


def test_sets_with_modules_expand_within_the_order() -> None:
    # Baobab1 at order 6 (modules nested in modules), against the full list cut at 6.
    files = files_of("Baobab1")
    problem = static_problem(read_model(files), None, 8760.0)
    diagram = build_diagrams(problem.graph)
    every = CutSetFamilies(diagram, 20).top_sets()
    assert len(every) == 46_188
    assert CutSetFamilies(diagram, 6).top_sets() == [c for c in every if len(c) <= 6]
    p = [q or 0.0 for q in problem.probabilities]
    quantities = probabilities(diagram, p)
    rows = importance(diagram, quantities, p, occurrences(every))
    assert all(r.mif >= 0 for r in rows)


def test_the_listing_looks_at_the_clock_every_65536_sets(monkeypatch: pytest.MonkeyPatch) -> None:
    # isp9604: 229,045 cut sets of order <= 4, nearly all products of its 47 modules' sets.
    problem = static_problem(read_model(files_of("isp9604")), None, 8760.0)
    families = CutSetFamilies(build_diagrams(problem.graph), 4)
    looks: list[float | None] = []
    monkeypatch.setattr(static_analysis, "check_deadline", looks.append)
    assert len(families.top_sets()) == 229_045
    assert len(looks) >= 229_045 // 65_536


def test_past_its_deadline_the_listing_stops() -> None:
    from failspec.checker.decision_diagrams import TimeLimitHit

    problem = static_problem(read_model(files_of("Baobab1")), None, 8760.0)
    families = CutSetFamilies(build_diagrams(problem.graph), 4, deadline=0.0)
    with pytest.raises(TimeLimitHit):
        families.top_sets()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.integers(1, 6), max_size=7).map(tuple), max_size=30),
    st.lists(st.floats(0.0, 1.0), min_size=6, max_size=6),
)
def test_the_rare_event_sum_is_that_of_math_prod_and_fsum(
    sets: list[tuple[int, ...]], p: list[float]
) -> None:
    # The same float, bit for bit: each product left to right over the members as given.
    of = [0.0, *p].__getitem__
    expected = min(1.0, math.fsum(math.prod(map(of, c)) for c in sets))
    assert static_analysis._rare_event(sets, p) == expected


def test_importance_of_a_non_coherent_tree_is_the_conditional_difference(
    scram: Callable[..., ElementTree.Element],
) -> None:
    """das9601 (NOT, XOR): MIF = P(top | e) − P(top | ¬e), checked by conditioning; SCRAM
    0.16.2 prints every MIF of this tree with the opposite sign (and RAW, DIF, CIF from
    it), so only the magnitude is compared with it."""
    files = files_of("das9601")
    problem = static_problem(read_model(files), None, 8760.0)
    diagram = build_diagrams(problem.graph)
    p = [q or 0.0 for q in problem.probabilities]
    quantities = probabilities(diagram, p)
    rows = importance(diagram, quantities, p, occurrences(CutSetFamilies(diagram, 20).top_sets()))
    found = scram(files, "--probability", "true", "--importance", "true").find(
        "./results/importance"
    )
    assert found is not None
    theirs = {e.get("name", ""): float(e.get("MIF", "")) for e in found}
    assert len(theirs) == len(rows)
    for row in rows:
        name = problem.names[row.variable - 1]
        conditioned = []
        for value in (1.0, 0.0):
            changed = list(p)
            changed[row.variable - 1] = value
            conditioned.append(probabilities(diagram, changed).top)
        assert row.mif == pytest.approx(conditioned[0] - conditioned[1], rel=1e-9, abs=1e-15)
        assert abs(row.mif) == pytest.approx(abs(theirs[name]), rel=1e-5)


@pytest.mark.parametrize("name", ["das9601", "baobab2", "edf9205"])
def test_probability_interval_contains_the_exact_value(name: str) -> None:
    """Pruned to a few hundred nodes per gate, the bounds still hold; unpruned they meet."""
    files = files_of(name)
    problem = static_problem(read_model(files), None, 8760.0)
    p = [q or 0.0 for q in problem.probabilities]
    exact = probabilities(build_diagrams(problem.graph), p).top
    coarse = probability_interval(problem.graph, p, keep_nodes=200)
    assert coarse.low <= exact * (1 + 1e-12) and exact <= coarse.high * (1 + 1e-12)
    assert coarse.pruned and coarse.low < coarse.high
    fine = probability_interval(problem.graph, p, keep_nodes=10**9)
    assert not fine.pruned
    assert fine.low == pytest.approx(exact, rel=1e-12) and fine.high == pytest.approx(
        exact, rel=1e-12
    )


@pytest.mark.parametrize(
    ("formula", "expected", "exact"),
    [
        ('<or><basic-event name="a"/><constant value="false"/></or>', "  order 1  a", "0.2"),
        ('<not><basic-event name="a"/></not>', "failed with no basic event at all", "0.8"),
        ('<and><basic-event name="a"/><constant value="false"/></and>', "no minimal cut set", "0"),
    ],
)
def test_a_top_that_folds_to_an_event_or_a_constant(
    formula: str, expected: str, exact: str, tmp_path: Path
) -> None:
    path = tmp_path / "t.xml"
    path.write_text(
        f'<opsa-mef><define-gate name="g">{formula}</define-gate>'
        '<define-basic-event name="a"><float value="0.2"/></define-basic-event></opsa-mef>',
        encoding="utf-8",
    )
    code, out, _ = _run(["cutsets", str(path), "--static"])
    assert expected in out
    assert f"exact {exact}" in out
    assert code == (0 if "no minimal" in expected else 1)


@pytest.mark.parametrize("tree", ["SmallTree", "HIPPS", "BSCU", "ThreeMotor"])
def test_import_outputs_are_golden(
    tree: str, assert_golden: Callable[[Path, str], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`failspec import` of trees with parameters, expressions and distributions: each
    probability with its words (relative paths, so no absolute path in a golden)."""
    monkeypatch.chdir(SCRAM)
    code, out, err = _run(["import", *SCRAM_INPUTS[tree]])
    assert code == 0 and err == ""
    assert_golden(GOLDEN / f"import-{tree.lower()}.fspec", out)


@pytest.mark.parametrize("output", ["text", "json"])
def test_a_timeout_is_unknown_with_exit_3_in_our_words(output: str) -> None:
    # A microsecond passes while the files are read, so the analysis always stops.
    argv = ["cutsets", *files_of("Baobab1"), "--static", "--timeout", "0.000001"]
    argv += ["--format", output]
    code, out, err = _run(argv)
    assert (code, err) == (3, "")
    assert _lean(argv) == (code, out, err)
    if output == "json":
        document = json.loads(out)
        assert (document["complete"], document["stopped"]) == (False, "time")
        assert (document["cut_sets"], document["truncated"]) == ([], None)
        assert document["probability"]["exact"] is None
    else:
        assert "INCOMPLETE: the time limit was hit before the cut sets were complete" in out
        assert "unknown; the time limit was hit before it was computed" in out
        assert "  order " not in out


def test_a_timeout_on_the_longer_question_alone_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    from failspec.checker import static_analysis
    from failspec.checker.decision_diagrams import TimeLimitHit

    def stopped(*_: object) -> bool:
        raise TimeLimitHit

    monkeypatch.setattr(static_analysis, "longer_cut_set_exists", stopped)
    argv = ["cutsets", *files_of("SmallTree"), "--static", "--max-order", "2"]
    code, out, err = _run(argv)
    assert (code, err) == (3, "")
    assert "  order 2  e1 + e2" in out  # the cut sets are complete; only that is open
    assert "whether a longer minimal cut set exists is unknown: the time limit was hit" in out
    document = json.loads(_run([*argv, "--format", "json"])[1])
    assert (document["complete"], document["stopped"], document["truncated"]) == (
        True,
        "time",
        None,
    )


@pytest.mark.parametrize(("order", "truncated"), [(4, True), (20, False)])
def test_an_order_limit_that_leaves_cut_sets_out_is_said(order: int, truncated: bool) -> None:
    # Baobab1's longest minimal cut sets have 11 events.
    argv = ["cutsets", *files_of("Baobab1"), "--static", "--max-order", str(order)]
    code, out, _ = _run(argv)
    assert code == 1
    assert ("longer minimal cut sets exist past order 4" in out) == truncated
    document = json.loads(_run([*argv, "--format", "json"])[1])
    assert (document["complete"], document["truncated"]) == (True, truncated)


# --- whether a longer minimal cut set exists (`truncated`) --------------------------------


def _longer_graph(length: int, under: bool) -> tuple[Pdag, list[tuple[int, ...]]]:
    """M = (x1 ∧ … ∧ xL) ∨ (x1 ∧ y1) ∨ … ∨ (xL ∧ yL), L = `length`: every x is shared,
    so M is one module whose minimal cut sets are {x1, …, xL} and the pairs {xi, yi};
    the top is M, or (`under`) z ∧ M.  Variables: x = 1..L, y = L+1..2L, z = 2L+1.
    Also every minimal cut set."""
    xs, ys = range(1, length + 1), range(length + 1, 2 * length + 1)
    builder = GraphBuilder(2 * length + 1)
    pairs = [builder.conjoin([x, y]) for x, y in zip(xs, ys, strict=True)]
    module = builder.disjoin([builder.conjoin(xs), *pairs])
    every = [tuple(xs), *zip(xs, ys, strict=True)]
    if under:
        z = 2 * length + 1
        return builder.build(builder.conjoin([z, module])), [(*c, z) for c in every]
    return builder.build(module), every


@pytest.mark.parametrize(
    ("length", "under", "order", "truncated"),
    [
        (3, False, 2, True),
        (3, False, 3, False),
        (4, False, 3, True),
        (4, False, 4, False),
        (4, True, 3, True),
        (4, True, 5, False),
        (5, True, 4, True),
        (5, True, 3, True),
        (3, True, 3, True),
    ],
)
def test_a_longer_cut_set_is_found_by_a_witness(
    length: int, under: bool, order: int, truncated: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At the order of the longest minimal cut set nothing is cut off, one below it is.
    When the long minimal solution is a module's below the top, a witness answers (the
    module's own minimal solution of more members than the order), and the exact but
    dearer `has_longer_minimal_solution` is never asked of the module (nor of the top,
    whose family's set {z, M} then weighs more than the order)."""
    graph, every = _longer_graph(length, under)

    def refused(*_: object) -> bool:
        raise AssertionError("a witness should have answered")

    if truncated and under:
        monkeypatch.setattr(static_analysis, "has_longer_minimal_solution", refused)
    found = analyse(graph, [0.5] * graph.variables, order)
    assert found.truncated is truncated
    assert {frozenset(c) for c in found.cut_sets} == {
        frozenset(c) for c in every if len(c) <= order
    }


def _random_coherent(draw: st.DrawFn) -> tuple[int, list[tuple[str, int, list[int]]]]:
    variables = draw(st.integers(3, 9))
    nodes = list(range(1, variables + 1))
    gates: list[tuple[str, int, list[int]]] = []
    for _ in range(draw(st.integers(1, 6))):
        inputs = draw(st.lists(st.sampled_from(nodes), min_size=2, max_size=4, unique=True))
        operator = draw(st.sampled_from(["and", "or", "atleast"]))
        k = draw(st.integers(1, len(inputs))) if operator == "atleast" else 0
        gates.append((operator, k, inputs))
        nodes.append(-len(gates))  # a gate: negative index into `gates`
    return variables, gates


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.composite(_random_coherent)(), st.integers(1, 4))
def test_truncated_on_nested_modules_against_brute_force(
    tree: tuple[int, list[tuple[str, int, list[int]]]], order: int
) -> None:
    """Coherent trees of up to 9 events whose gates share inputs (so modules nest):
    `truncated` is whether a minimal cut set has more than `order` events."""
    variables, gates = tree
    builder = GraphBuilder(variables)
    built: list[Value] = []
    for operator, k, inputs in gates:
        values = [built[-i - 1] if i < 0 else i for i in inputs]
        if operator == "and":
            built.append(builder.conjoin(values))
        elif operator == "or":
            built.append(builder.disjoin(values))
        else:
            built.append(builder.at_least(k, values))
    graph = builder.build(builder.disjoin(built))

    def holds(true: frozenset[int]) -> bool:
        value: list[bool] = []
        for operator, k, inputs in gates:
            args = [value[-i - 1] if i < 0 else i in true for i in inputs]
            need = len(args) if operator == "and" else 1 if operator == "or" else k
            value.append(sum(args) >= need)
        return any(value)

    solutions = [
        frozenset(s)
        for n in range(variables + 1)
        for s in itertools.combinations(range(1, variables + 1), n)
        if holds(frozenset(s))
    ]
    minimal = [s for s in solutions if not any(t < s for t in solutions)]
    found = analyse(graph, [0.5] * variables, order)
    assert {frozenset(c) for c in found.cut_sets} == {s for s in minimal if len(s) <= order}
    assert found.truncated == any(len(s) > order for s in minimal)
