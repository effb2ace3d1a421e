"""`checker/truncated_cut_sets.py`: the minimal cut sets of at most K events without
the BDDs, coherent or not, against brute force on generated trees with every gate
kind (NOT, XOR, at-least, cardinality, …), against the BDDs' on benchmark trees,
and inside `static_analysis.analyse` once the BDDs are out of reach."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_openpsa_static import _brute_force, basic_event_definitions, files_of, gate_formula, trees

from failspec.checker.ball_cut_sets import ball_cut_sets
from failspec.checker.decision_diagrams import DiagramTooLarge
from failspec.checker.openpsa_tree import StaticProblem, static_problem
from failspec.checker.order_limited_families import (
    OrderLimitedFamilies,
    _minimize,
    order_limited_cut_sets,
)
from failspec.checker.pdag import GraphBuilder
from failspec.checker.static_analysis import _cut_set_bounds, analyse
from failspec.checker.truncated_cut_sets import truncated_cut_sets
from failspec.spec.openpsa_model import read_model

Tree = tuple[str, int, list[float]]


@st.composite
def deeper_trees(draw: st.DrawFn) -> Tree:
    """An MEF document with 3–8 basic events and 2–9 gates of every kind, each gate
    reading events and earlier gates (so gates are shared, nested and negated), the
    last gate the top."""
    events = draw(st.integers(3, 8))
    p = [draw(st.sampled_from([0.1, 0.3, 0.6])) for _ in range(events)]
    nodes = [f'<basic-event name="e{i}"/>' for i in range(events)]
    gates = []
    count_of_gates = draw(st.integers(2, 9))
    for g in range(count_of_gates):
        name = "top" if g == count_of_gates - 1 else f"g{g}"
        gates.append(f'<define-gate name="{name}">{gate_formula(draw, nodes)}</define-gate>')
        nodes.append(f'<gate name="g{g}"/>')
    definitions = basic_event_definitions(p)
    document = (
        f'<opsa-mef><define-fault-tree name="t">{"".join(gates)}{definitions}'
        "</define-fault-tree></opsa-mef>"
    )
    return document, events, p


def _problem(document: str) -> StaticProblem:
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "t.xml")
        Path(path).write_text(document, encoding="utf-8")
        return static_problem(read_model([path]), "top", 8760.0)


def _check_against_brute_force(
    tree: Tree, order: int, bottom_up: bool = False, within_ball: bool = False
) -> None:
    """`truncated_cut_sets` (`bottom_up`: `order_limited_cut_sets`, on coherent trees
    only; `within_ball`: `ball_cut_sets`) against every state."""
    document, _, _ = tree
    minimal, _ = _brute_force(tree)
    problem = _problem(document)
    graph = problem.graph
    if isinstance(graph.root, bool) or not graph.is_gate(abs(graph.root)):
        return  # a constant or one literal: `analyse` does not come here
    if bottom_up and not (graph.coherent and graph.root > 0):
        return
    number = [-1, *(int(name[1:]) for name in problem.names)]  # variable -> event number
    if within_ball:
        found = OrderLimitedFamilies(*ball_cut_sets(graph, order))
    elif bottom_up:
        found = order_limited_cut_sets(graph, order)
    else:
        found = OrderLimitedFamilies(*truncated_cut_sets(graph, order))
    got = [frozenset(number[v] for v in c) for c in found.cut_sets]
    assert len(got) == len(set(got))
    assert set(got) == {s for s in minimal if len(s) <= order}
    assert found.truncated == any(len(s) > order for s in minimal)
    assert found.cut_sets == sorted(found.cut_sets, key=lambda c: (len(c), c))


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(trees(), st.integers(0, 4))
def test_generated_trees_agree_with_brute_force(tree: Tree, order: int) -> None:
    """Every minimal cut set of at most `order` events (SCRAM's: the events failed,
    every other working, fail the top), nothing else, and `truncated` exactly."""
    _check_against_brute_force(tree, order)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(deeper_trees(), st.integers(1, 4))
def test_deeper_generated_trees_agree_with_brute_force(tree: Tree, order: int) -> None:
    """Shared, nested and negated gates: the budgets of products (an AND input's
    products are combined with its disjoint siblings') and the dropped negative
    literals of products K events long lose nothing."""
    _check_against_brute_force(tree, order)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(deeper_trees(), st.integers(1, 4))
def test_the_bottom_up_families_of_coherent_trees_agree_with_brute_force(
    tree: Tree, order: int
) -> None:
    """`order_limited_families.py` (the products of two families, and `_minimize` at
    every gate) on the coherent ones of the same trees."""
    _check_against_brute_force(tree, order, bottom_up=True)


def test_an_and_of_disjoint_inputs_gets_smaller_budgets() -> None:
    """(a ∨ b) ∧ (c ∧ d ∨ e): at order 2 the first input's products may have 1 event
    (its sibling brings at least one), so {a, e} and {b, e} are the only cut sets of
    order ≤ 2, {a, c, d} and {b, c, d} are longer (truncated); at order 3 all four."""
    builder = GraphBuilder(5)
    left = builder.disjoin([1, 2])
    right = builder.disjoin([builder.conjoin([3, 4]), 5])
    graph = builder.build(builder.conjoin([left, right]))
    assert truncated_cut_sets(graph, 2) == ([(1, 5), (2, 5)], True)
    assert truncated_cut_sets(graph, 3) == ([(1, 5), (2, 5), (1, 3, 4), (2, 3, 4)], False)
    assert truncated_cut_sets(graph, 1) == ([], True)


def test_a_negated_event_blocks_a_cut_set() -> None:
    """(a ∧ ¬b) ∨ (b ∧ c): {a} fails the top (b working), {b, c} too, {a, b} does not
    (the product a ∧ ¬b needs b working); so {a} and {b, c} are the cut sets, and at
    order 1 only {a}, a longer one existing."""
    builder = GraphBuilder(3)
    graph = builder.build(builder.disjoin([builder.conjoin([1, -2]), builder.conjoin([2, 3])]))
    assert truncated_cut_sets(graph, 2) == ([(1,), (2, 3)], False)
    assert truncated_cut_sets(graph, 1) == ([(1,)], True)


def test_past_its_budget_it_gives_up() -> None:
    """The budget is a count of nodes and memo entries: a tree that needs more raises
    DiagramTooLarge, the same tree within a larger budget does not."""
    builder = GraphBuilder(12)
    pairs = [builder.disjoin([i, i + 1]) for i in range(1, 12, 2)]
    graph = builder.build(builder.conjoin(pairs))
    with pytest.raises(DiagramTooLarge):
        truncated_cut_sets(graph, 6, max_steps=50)
    assert len(truncated_cut_sets(graph, 6, max_steps=100_000).cut_sets) == 2**6


@pytest.mark.parametrize("name", ["Baobab1", "das9201", "isp9602", "edf9205"])
def test_benchmark_trees_give_the_bdds_cut_sets(name: str) -> None:
    """On trees whose BDD fits, the same cut sets of order ≤ 4 and the same `truncated`
    as the BDD path (the non-coherent benchmark trees, das9601 and cea9601, pass the
    budget: their products carry too many negated events)."""
    problem = static_problem(read_model(files_of(name)), None, 8760.0)
    expected = analyse(problem.graph, problem.probabilities, 4)
    found = truncated_cut_sets(problem.graph, 4)
    assert found.cut_sets == expected.cut_sets
    assert found.truncated == expected.truncated


def test_without_the_bdds_a_non_coherent_tree_gets_its_cut_sets() -> None:
    """(a ∧ ¬b) ∨ (b ∧ c), every event 0.5, exactly 0.5, with both BDD attempts past
    their budget (2 nodes): its cut sets {a} and {b, c} are listed (they were not
    before).  Its cut sets raise no lower end of an interval: treating them as
    independent failures would give 1 − 0.5 · 0.75 = 0.625, above the exact value (in
    a non-coherent tree a cut set fails the top only with the other events working);
    their sum 0.75 is an upper end."""
    builder = GraphBuilder(3)
    graph = builder.build(builder.disjoin([builder.conjoin([1, -2]), builder.conjoin([2, 3])]))
    found = analyse(graph, [0.5, 0.5, 0.5], 2, max_nodes=2, bound_nodes=1)
    assert (found.complete, found.stopped, found.truncated) == (True, None, False)
    assert found.cut_sets == [(1,), (2, 3)]
    assert found.probability == pytest.approx(0.5, abs=1e-12)
    families = OrderLimitedFamilies(found.cut_sets, False)
    assert _cut_set_bounds(families, [0.5, 0.5, 0.5], coherent=False) == (0.0, 0.75)
    assert _cut_set_bounds(families, [0.5, 0.5, 0.5], coherent=True) == (0.625, 0.75)


@settings(max_examples=300, deadline=None)
@given(st.sets(st.frozensets(st.integers(1, 12), max_size=10), max_size=40))
def test_minimize_keeps_the_sets_with_no_proper_subset_in_the_pool(
    pool: set[frozenset[int]],
) -> None:
    # Up to 10 members: sets past 64 proper subsets of the kept lengths use the index.
    sets = {tuple(sorted(s)) for s in pool}
    expected = {c for c in sets if not any(set(o) < set(c) for o in sets)}
    assert _minimize(sets) == expected
