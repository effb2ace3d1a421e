"""The BDD manager itself (`checker/decision_diagrams.py`): its operations against
truth tables, its canonicity, its node budget and its deadline (checked inside the
apply, which makes its own nodes), and the order in which `static_analysis._build`
folds a gate's inputs."""

from __future__ import annotations

import itertools
import os
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from failspec.checker import static_analysis as sa
from failspec.checker.decision_diagrams import (
    DEADLINE_STRIDE,
    FALSE,
    NATIVE,
    TRUE,
    Bdd,
    DiagramTooLarge,
    TimeLimitHit,
    Valuation,
    Zbdd,
    path_heights,
)

if NATIVE:
    from failspec.checker import _apply
from failspec.checker.pdag import GraphBuilder, depth_first_order, variable_order

VARIABLES = 4

Formula = tuple[Any, ...]
"""("var", i), ("const", b), ("not", f), ("and" | "or", [f, …]) or ("atleast", k, [f, …])."""


@st.composite
def formulas(draw: st.DrawFn, depth: int = 3) -> Formula:
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        if draw(st.integers(0, 9)) == 0:
            return ("const", draw(st.booleans()))
        return ("var", draw(st.integers(0, VARIABLES - 1)))
    kind = draw(st.sampled_from(["not", "and", "or", "atleast"]))
    if kind == "not":
        return ("not", draw(formulas(depth - 1)))
    inputs = draw(st.lists(formulas(depth - 1), min_size=1, max_size=4))
    if kind == "atleast":
        return ("atleast", draw(st.integers(0, len(inputs) + 1)), inputs)
    return (kind, inputs)


def _value(f: Formula, state: tuple[bool, ...]) -> bool:
    kind = f[0]
    if kind == "const":
        return bool(f[1])
    if kind == "var":
        return state[int(f[1])]
    if kind == "not":
        return not _value(f[1], state)
    if kind == "atleast":
        return sum(_value(g, state) for g in f[2]) >= int(f[1])
    values = [_value(g, state) for g in f[1]]
    return all(values) if kind == "and" else any(values)


def _diagram(bdd: Bdd, f: Formula) -> int:
    kind = f[0]
    if kind == "const":
        return TRUE if f[1] else FALSE
    if kind == "var":
        return bdd.variable(f[1])
    if kind == "not":
        return bdd.negate(_diagram(bdd, f[1]))
    if kind == "atleast":
        return bdd.at_least(f[1], [_diagram(bdd, g) for g in f[2]])
    fold = bdd.conjoin if kind == "and" else bdd.disjoin
    result = TRUE if kind == "and" else FALSE
    for g in f[1]:
        result = fold(result, _diagram(bdd, g))
    return result


def _evaluate(bdd: Bdd, root: int, state: tuple[bool, ...]) -> bool:
    while root > TRUE:
        root = bdd.high[root] if state[bdd.level[root]] else bdd.low[root]
    return root == TRUE


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(formulas(), formulas())
def test_operations_agree_with_truth_tables_and_are_canonical(f: Formula, g: Formula) -> None:
    bdd = Bdd()
    a, b = _diagram(bdd, f), _diagram(bdd, g)
    both, either = bdd.conjoin(a, b), bdd.disjoin(a, b)
    same = True
    for state in itertools.product([False, True], repeat=VARIABLES):
        x, y = _value(f, state), _value(g, state)
        assert _evaluate(bdd, a, state) == x
        assert _evaluate(bdd, both, state) == (x and y)
        assert _evaluate(bdd, either, state) == (x or y)
        same = same and x == y
    assert (a == b) == same  # one node per function
    assert bdd.conjoin(a, bdd.negate(a)) == FALSE
    assert bdd.disjoin(a, bdd.negate(a)) == TRUE
    assert bdd.conjoin(a, a) == bdd.disjoin(a, a) == a


def _chain(bdd: Bdd, n: int) -> int:
    """x0 ∧ x1 ∨ x2 ∧ x3 ∨ …: every variable a node of its own."""
    result = FALSE
    for i in range(0, n, 2):
        result = bdd.disjoin(result, bdd.conjoin(bdd.variable(i), bdd.variable(i + 1)))
    return result


def test_the_node_budget_is_the_count_of_nodes_an_apply_may_reach() -> None:
    unlimited = Bdd()
    _chain(unlimited, 20)
    made = len(unlimited)
    exact = Bdd(max_nodes=made)
    _chain(exact, 20)  # every node fits
    assert len(exact) == made
    short = Bdd(max_nodes=made - 1)
    with pytest.raises(DiagramTooLarge):
        _chain(short, 20)
    assert len(short) == made - 1  # the budget is never passed


def test_the_deadline_is_looked_at_inside_the_apply() -> None:
    """Past its deadline a manager stops at the node numbered DEADLINE_STRIDE: the
    chain of 100 pairs makes about 15,000 nodes, all but 202 of them in the apply."""
    bdd = Bdd(deadline=time.perf_counter() - 1.0)
    with pytest.raises(TimeLimitHit):
        _chain(bdd, 200)
    assert len(bdd) == DEADLINE_STRIDE
    assert len(_chain_size()) > 2 * DEADLINE_STRIDE // 2


def _chain_size() -> Bdd:
    bdd = Bdd()
    _chain(bdd, 200)
    return bdd


def test_a_wide_or_of_events_makes_one_node_an_event() -> None:
    """`_build` folds an OR's inputs deepest root first, so each new input lies above
    all that is folded: besides the 60 events' own nodes, one node each but the first,
    where folding them as given (topmost first, the depth-first order) made a new
    copy of the whole fold at each step (60·59/2 more)."""
    builder = GraphBuilder(60)
    graph = builder.build(builder.disjoin(range(1, 61)))
    for order in (depth_first_order(graph), variable_order(graph)):
        diagram = sa._build(graph, order, frozenset(), {}, None, None)
        assert len(diagram.bdd) == 2 + 60 + 59


@pytest.mark.parametrize("k", range(1, 7))
def test_an_at_least_gate_is_true_with_k_of_its_inputs(k: int) -> None:
    """At-least k of 6 in `_build` (k = 1 an OR, k = n an AND, an at-least gate
    between), two of its inputs complemented."""
    builder = GraphBuilder(6)
    literals = [1, -2, 3, 4, -5, 6]
    graph = builder.build(builder.at_least(k, literals))
    diagram = sa._build(graph, depth_first_order(graph), frozenset(), {}, None, None)
    root = diagram.roots[diagram.top]
    for state in itertools.product([False, True], repeat=6):
        by_level = [False] * 6
        for v, level in diagram.levels.items():
            by_level[level] = state[v - 1]
        count = sum(state[abs(i) - 1] == (i > 0) for i in literals)
        assert _evaluate(diagram.bdd, root, tuple(by_level)) == (count >= k)


def test_an_exclusive_or_of_two_events_and_its_complement() -> None:
    """XOR(a, b) is an OR of two ANDs of literals: `_build` folds them, and the root's
    complement (IFF) is the same diagram read through `negate`."""
    builder = GraphBuilder(2)
    xor = builder.exclusive_or(1, 2)
    assert not isinstance(xor, bool)
    for root in (xor, -xor):
        graph = builder.build(root)
        diagram = sa._build(graph, depth_first_order(graph), frozenset(), {}, None, None)
        top = diagram.roots[diagram.top]
        if graph.root != diagram.top:
            top = diagram.bdd.negate(top)
        for state in itertools.product([False, True], repeat=2):
            by_level = [False, False]
            for v, level in diagram.levels.items():
                by_level[level] = state[v - 1]
            expected = state[0] != state[1]
            assert _evaluate(diagram.bdd, top, tuple(by_level)) == (expected == (root > 0))


def _in_python(bdd: Bdd) -> Bdd:
    """A new `bdd` with the Python apply (its memos and unique table dictionaries), as
    without the extension."""
    assert len(bdd) == 2
    bdd._and, bdd._or, bdd._unique = {}, {}, {}
    bdd._not = {FALSE: TRUE, TRUE: FALSE}
    return bdd


def _zbdd_in_python(zbdd: Zbdd) -> Zbdd:
    """A new `zbdd` whose operations run in Python (its tables dictionaries)."""
    assert len(zbdd) == 2
    zbdd._unique, zbdd._without = {}, {}
    return zbdd


def _nodes(diagram: Bdd | Zbdd) -> tuple[list[int], list[int], list[int]]:
    return diagram.level, diagram.low, diagram.high


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(formulas(depth=4), min_size=1, max_size=4), st.integers(2, 400))
def test_the_apply_in_c_makes_the_nodes_the_python_apply_makes(
    fs: list[Formula], budget: int
) -> None:
    """Decision 69: the C apply makes the same nodes, numbered alike, as the Python
    one — with no budget, and with one that either stops at the same node."""
    if not NATIVE:
        pytest.skip("the extension is not built")
    c, py = Bdd(), _in_python(Bdd())
    assert isinstance(c._and, _apply.Memo)
    assert [_diagram(c, f) for f in fs] == [_diagram(py, f) for f in fs]
    assert (c.level, c.low, c.high) == (py.level, py.low, py.high)
    assert dict(c._unique.items()) == py._unique
    outcomes = []
    for bdd in (Bdd(max_nodes=budget), _in_python(Bdd(max_nodes=budget))):
        try:
            roots: object = [_diagram(bdd, f) for f in fs]
        except DiagramTooLarge:
            roots = "too large"
        outcomes.append((roots, bdd.level, bdd.low, bdd.high))
    assert outcomes[0] == outcomes[1]


def test_the_apply_in_c_is_built_where_a_c_compiler_is() -> None:
    """`pip install -e .` builds the extension where it can (`setup.py`); on a machine
    with a C compiler and Python's headers (CI's) it must have been built."""
    import shutil
    import sysconfig
    from pathlib import Path

    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if shutil.which("cc") is None or not headers.exists():
        pytest.skip("no C compiler or no Python headers: failspec runs without its extension")
    if os.environ.get("FAILSPEC_NO_EXTENSION") == "1":
        pytest.skip("the extension is turned off (FAILSPEC_NO_EXTENSION=1)")
    assert NATIVE


@pytest.mark.parametrize("tree", ["chinese", "das9601", "edfpa15r", "isp9604"])
def test_a_static_analysis_reports_the_same_with_the_extension_and_without(tree: str) -> None:
    """Byte for byte, text and JSON (the `seconds` aside): the same cut sets, in the same
    order, and the same probability to its last digit."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    if not NATIVE:
        pytest.skip("the extension is not built")
    root = Path(__file__).resolve().parent.parent
    path = str(root / "bench" / "data" / "aralia" / f"{tree}.xml")
    outputs = []
    for off in ("0", "1"):
        env = {**os.environ, "FAILSPEC_NO_EXTENSION": off}
        for form in ("text", "json"):
            done = subprocess.run(
                [sys.executable, "-m", "failspec", "cutsets", path, "--static", "--format", form],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            outputs.append((done.returncode, re.sub(r'"seconds": [0-9.e-]+', "", done.stdout)))
    assert outputs[:2] == outputs[2:]
    assert outputs[0][0] == 1 and "cut sets" in outputs[0][1]


def test_the_c_unique_table_reads_and_writes_as_the_dict_did() -> None:
    """`_apply.Unique`, which `_make` uses as it used a dict of (level, low, high)."""
    if not NATIVE:
        pytest.skip("the extension is not built")
    table = _apply.Unique()
    assert (len(table), table.get((0, 0, 1)), table.get((0, 0, 1), 7)) == (0, None, 7)
    for i in range(5000):  # past several growths of the table
        table[(i % 13, i, i + 1)] = i + 2
    table[(3, 3, 4)] = 99  # a key written again keeps one entry
    assert len(table) == 5000
    assert table[(3, 3, 4)] == table.get((3, 3, 4)) == 99
    assert table.get((4, 4, 5)) == 6
    assert dict(table.items()) == {
        (i % 13, i, i + 1): (99 if i == 3 else i + 2) for i in range(5000)
    }
    with pytest.raises(KeyError):
        table[(0, 1, 2)]
    with pytest.raises(TypeError):
        table.get((1, 2))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        del table[(3, 3, 4)]  # type: ignore[attr-defined]


def _solutions_both_ways(
    fs: list[Formula], order: int, budget: int | None, monotone: bool
) -> list[object]:
    """For the C and the Python managers alike: each formula's BDD (its upward closure
    when `monotone`), its path heights (plain and weighted), its probability, and the
    ZBDD of its minimal solutions of at most `order` members, made in one ZBDD with
    `budget` nodes (or "too large"), with the nodes of both managers."""
    outcomes: list[object] = []
    for native in (True, False):
        bdd = Bdd() if native else _in_python(Bdd())
        roots = [_diagram(bdd, f) for f in fs]
        if monotone:
            roots = [bdd.upward_closure(r) for r in roots]
        top = max(roots)
        weight = [1 + (i % 3) for i in range(VARIABLES)]
        height = path_heights(bdd, top)
        weighted = path_heights(bdd, top, weight)
        p = [0.1 + 0.2 * i for i in range(VARIABLES)]
        valuation = Valuation(bdd)
        probabilities = [valuation.of(r, p) for r in roots]  # later roots meet valued nodes
        zbdd = Zbdd(budget) if native else _zbdd_in_python(Zbdd(budget))
        try:
            solve = zbdd.minimal_solutions if monotone else zbdd.minimal_solutions_any
            families: object = [solve(bdd, r, order, height) for r in roots]
        except DiagramTooLarge:
            families = "too large"
        outcomes.append(
            (
                roots,
                list(height),
                list(weighted),
                probabilities,
                families,
                _nodes(bdd),
                _nodes(zbdd),
            )
        )
    return outcomes


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.lists(formulas(depth=4), min_size=1, max_size=3),
    st.integers(0, VARIABLES),
    st.one_of(st.none(), st.integers(2, 40)),
    st.booleans(),
)
def test_the_c_heights_probabilities_and_minimal_solutions_are_pythons(
    fs: list[Formula], order: int, budget: int | None, monotone: bool
) -> None:
    """Decision 70: negation, the path heights, the probabilities (to the last bit) and
    the minimal solutions (monotone, and of any function through `without`) in C make
    the same nodes, numbered alike, and the same floats as in Python; a ZBDD budget
    stops both at the same node."""
    if not NATIVE:
        pytest.skip("the extension is not built")
    with_c, in_python = _solutions_both_ways(fs, order, budget, monotone)
    assert with_c == in_python


def test_the_c_minimal_solutions_are_the_minimal_solutions() -> None:
    """Not only the same as Python's: on x0·x1 + x2 + ¬x0·x3, the minimal solutions of
    order ≤ 2 (every other variable false) are {x2}, {x3} and {x0, x1}; of order ≤ 1
    {x2}, {x3}; and the upward closure's are the same sets."""
    bdd = Bdd()
    x = [bdd.variable(i) for i in range(4)]
    f = bdd.disjoin(bdd.disjoin(bdd.conjoin(x[0], x[1]), x[2]), bdd.conjoin(bdd.negate(x[0]), x[3]))
    zbdd = Zbdd()
    label = list(range(4))
    assert sorted(zbdd.sets(zbdd.minimal_solutions_any(bdd, f, 2), label)) == [(0, 1), (2,), (3,)]
    assert sorted(zbdd.sets(zbdd.minimal_solutions_any(bdd, f, 1), label)) == [(2,), (3,)]
    up = bdd.upward_closure(f)
    assert sorted(zbdd.sets(zbdd.minimal_solutions(bdd, up, 2), label)) == [(0, 1), (2,), (3,)]
    assert sorted(zbdd.sets(zbdd.minimal_solutions(bdd, up, 0), label)) == []
    assert list(path_heights(bdd, f))[f] == 2  # x0 and x1 on the way to true
    valuation = Valuation(bdd)
    p = [0.5, 0.5, 0.5, 0.5]
    # P = P(x2) + P(¬x2)·(P(x0 x1) + P(¬x0 x3)) = 0.5 + 0.5·(0.25 + 0.25)
    assert valuation.of(f, p) == 0.75
