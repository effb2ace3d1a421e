"""`checker/ball_cut_sets.py`: the minimal cut sets of at most K events from the BDDs
within the ball of K failures, against brute force on generated trees with every
gate kind, against the whole BDDs' on benchmark trees, inside
`static_analysis.analyse` once every other way is past its budget, and on das9701,
the tree it is there for."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_openpsa_static import files_of, trees
from test_truncated_cut_sets import Tree, _check_against_brute_force, deeper_trees

from failspec.checker import truncated_cut_sets as truncated_module
from failspec.checker.ball_cut_sets import ball, ball_cut_sets
from failspec.checker.decision_diagrams import TRUE, Bdd, DiagramTooLarge, TimeLimitHit
from failspec.checker.openpsa_tree import static_problem
from failspec.checker.pdag import GraphBuilder, Pdag
from failspec.checker.static_analysis import analyse
from failspec.spec.openpsa_model import read_model


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(trees(), st.integers(0, 4))
def test_generated_trees_agree_with_brute_force(tree: Tree, order: int) -> None:
    """Every minimal cut set of at most `order` events (SCRAM's: the events failed,
    every other working, fail the top), nothing else, and `truncated` exactly."""
    _check_against_brute_force(tree, order, within_ball=True)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(deeper_trees(), st.integers(0, 4))
def test_deeper_generated_trees_agree_with_brute_force(tree: Tree, order: int) -> None:
    """Shared, nested and negated gates: a complemented input is its complement within
    the ball, so nothing outside the ball leaks into a gate."""
    _check_against_brute_force(tree, order, within_ball=True)


def _points(bdd: Bdd, f: int, levels: int) -> set[frozenset[int]]:
    """The sets of levels on which `f` is true."""
    found = set()
    for bits in range(1 << levels):
        node = f
        while node > TRUE:
            node = bdd.high[node] if bits >> bdd.level[node] & 1 else bdd.low[node]
        if node == TRUE:
            found.add(frozenset(i for i in range(levels) if bits >> i & 1))
    return found


@pytest.mark.parametrize("levels", [0, 1, 5])
def test_the_ball_is_the_sets_of_at_most_k(levels: int) -> None:
    """At most k of the variables true, k = 0 (only the empty set) to past `levels`
    (every set), within (k + 1) · levels nodes."""
    for k in range(levels + 2):
        bdd = Bdd()
        f = ball(bdd, levels, k)
        assert len(bdd) - 2 <= (k + 1) * levels
        expected = {s for s in map(frozenset, _subsets(levels)) if len(s) <= k}
        assert _points(bdd, f, levels) == expected


def _subsets(levels: int) -> list[list[int]]:
    return [[i for i in range(levels) if bits >> i & 1] for bits in range(1 << levels)]


def test_a_negated_event_blocks_a_cut_set() -> None:
    """(a ∧ ¬b) ∨ (b ∧ c): {a} and {b, c}; at order 1 only {a}, a longer one existing;
    at order 0 none, a longer one existing."""
    builder = GraphBuilder(3)
    graph = builder.build(builder.disjoin([builder.conjoin([1, -2]), builder.conjoin([2, 3])]))
    assert ball_cut_sets(graph, 2) == ([(1,), (2, 3)], False)
    assert ball_cut_sets(graph, 1) == ([(1,)], True)
    assert ball_cut_sets(graph, 0) == ([], True)


def test_a_complemented_root_and_the_empty_cut_set() -> None:
    """¬(a ∧ b): true with every event working, so its one cut set is the empty set,
    at every order."""
    builder = GraphBuilder(2)
    graph = builder.build(-builder.conjoin([1, 2]))
    assert ball_cut_sets(graph, 0) == ([()], False)
    assert ball_cut_sets(graph, 2) == ([()], False)


def test_past_its_budget_it_gives_up() -> None:
    """The budget is a count of nodes: a tree that needs more raises DiagramTooLarge,
    the same tree within a larger budget does not."""
    builder = GraphBuilder(12)
    pairs = [builder.disjoin([i, -(i + 1)]) for i in range(1, 12, 2)]
    graph = builder.build(builder.conjoin(pairs))
    with pytest.raises(DiagramTooLarge):
        ball_cut_sets(graph, 3, max_nodes=20)
    assert ball_cut_sets(graph, 3, max_nodes=100_000) == ([()], False)


@pytest.mark.parametrize("name", ["das9601", "Baobab1", "isp9602", "edf9205"])
def test_benchmark_trees_give_the_bdds_cut_sets(name: str) -> None:
    """On trees whose whole BDD fits (das9601 is non-coherent), the same cut sets of
    order ≤ 4 and the same `truncated` as the BDD path."""
    problem = static_problem(read_model(files_of(name)), None, 8760.0)
    expected = analyse(problem.graph, problem.probabilities, 4)
    found = ball_cut_sets(problem.graph, 4)
    assert found.cut_sets == expected.cut_sets
    assert found.truncated == expected.truncated


def test_analyse_comes_to_the_ball_when_every_other_way_is_past_its_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """(a ∧ ¬b) ∨ (b ∧ c) with both BDDs past 2 nodes and `truncated_cut_sets.py` past
    1 step: the cut sets come from the ball; with the ball's budget at 2 nodes too,
    none are listed (incomplete, "budget")."""
    builder = GraphBuilder(3)
    graph = builder.build(builder.disjoin([builder.conjoin([1, -2]), builder.conjoin([2, 3])]))
    monkeypatch.setattr(truncated_module, "NON_COHERENT_STEPS", 1)
    found = analyse(graph, [0.5, 0.5, 0.5], 2, max_nodes=2, bound_nodes=1)
    assert (found.cut_sets, found.complete, found.stopped, found.truncated) == (
        [(1,), (2, 3)],
        True,
        None,
        False,
    )
    monkeypatch.setattr("failspec.checker.ball_cut_sets.BALL_NODES", 2)
    found = analyse(graph, [0.5, 0.5, 0.5], 2, max_nodes=2, bound_nodes=1)
    assert (found.cut_sets, found.complete, found.stopped) == ([], False, "budget")


def _fails(graph: Pdag, failed: frozenset[int]) -> bool:
    """The root's value with the members of `failed` true, every other variable false."""
    value: dict[int, bool] = {}
    n = graph.variables

    def of(i: int) -> bool:
        a = abs(i)
        x = a in failed if a <= n else value[a]
        return x if i > 0 else not x

    for g in graph.reachable():
        gate = graph.gate(g)
        value[g] = sum(map(of, gate.inputs)) >= gate.k
    root = graph.root
    assert not isinstance(root, bool)
    return of(root)


def test_das9701_order_2() -> None:
    """das9701 (992 NOT gates, past every other way's budget): each cut set of order
    ≤ 2 fails the top with every other event working and none of its proper subsets
    does; the single events are exactly those whose failure alone fails the top; and
    longer minimal cut sets exist.  Within 1.2 million nodes (0.92 million made):
    without the ball its BDD passes 3 million with half of its gates built."""
    problem = static_problem(read_model(files_of("das9701")), None, 8760.0)
    graph = problem.graph
    found = ball_cut_sets(graph, 2, max_nodes=1_200_000)
    assert found.truncated
    assert len(found.cut_sets) > 100
    for c in found.cut_sets:
        assert _fails(graph, frozenset(c))
        assert not any(_fails(graph, frozenset(c) - {v}) for v in c)
    assert not _fails(graph, frozenset())
    singles = [(v,) for v in range(1, graph.variables + 1) if _fails(graph, frozenset([v]))]
    assert [c for c in found.cut_sets if len(c) == 1] == singles


def test_past_the_deadline_in_the_search_the_probability_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the BDDs the probability comes first: when the time limit is hit in the
    search for cut sets (here the ball's, made to hit it), the exact value (no bound
    pruned) is kept, and no cut set is listed ("time")."""
    builder = GraphBuilder(3)
    graph = builder.build(builder.disjoin([builder.conjoin([1, -2]), builder.conjoin([2, 3])]))
    monkeypatch.setattr(truncated_module, "NON_COHERENT_STEPS", 1)

    def late(*_: object) -> None:
        raise TimeLimitHit

    monkeypatch.setattr("failspec.checker.ball_cut_sets.ball_cut_sets", late)
    found = analyse(graph, [0.5, 0.5, 0.5], 2, max_nodes=2, bound_nodes=10**9)
    assert (found.cut_sets, found.complete, found.stopped) == ([], False, "time")
    assert found.probability == pytest.approx(0.5, abs=1e-12)
    assert found.rare_event is None and found.interval is None
