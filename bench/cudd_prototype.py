"""CUDD (`dd.cudd`, dd 0.6.0) against failspec's own BDD on one tree, in process:
the same preprocessed graph, the same variable order (the one failspec's
`build_diagrams` settles on), dynamic reordering off, the same fold order of a
gate's inputs and the same at-least recurrence.  Then the exact probability and the
minimal cut sets of order <= K from CUDD's diagram, two ways: by a walk in Python
over CUDD's nodes (each (node, complement bit) valued as failspec values its own
node, so that the floats are the same bit for bit), and by copying the reachable
diagram into failspec's `Bdd` and running failspec's probability and ZBDD on it.
Prints seconds per stage and checks that both give failspec's floats and cut sets.

    .venv/bin/python bench/cudd_prototype.py elf9601 das9601       # Aralia names
"""

from __future__ import annotations

import importlib
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from failspec.checker import static_analysis as sa
from failspec.checker.decision_diagrams import Bdd, recursion_room
from failspec.checker.openpsa_tree import static_problem
from failspec.spec.openpsa_model import read_model

DATA = Path(__file__).resolve().parent / "data" / "aralia"


def cudd_build(diagram: sa.ModularDiagram) -> tuple[Any, dict[int, Any]]:
    """CUDD's BDDs of `diagram`'s modules, built as `static_analysis._build` builds
    failspec's: a manager, and module -> root."""
    import dd.cudd

    graph, levels = diagram.graph, diagram.levels
    manager = dd.cudd.BDD()
    manager.configure(reordering=False)
    names = [f"x{i}" for i in range(len(levels))]
    manager.declare(*names)  # x{i} is at level i
    variable = [manager.var(name) for name in names]
    n = graph.variables
    built: dict[int, Any] = {}
    roots: dict[int, Any] = {}
    for g in graph.reachable():
        gate = graph.gate(g)
        inputs: list[tuple[int, Any]] = []
        for i in gate.inputs:
            a = abs(i)
            if a <= n or a in diagram.module_variables:
                f, depth = variable[levels[a]], levels[a]
            else:
                depth, f = built[a]
            inputs.append((depth, ~f if i < 0 else f))
        k = gate.k
        inputs.sort(key=lambda t: t[0], reverse=not 1 < k < len(inputs))
        fs = [f for _, f in inputs]
        result = _at_least(manager, k, fs)
        built[g] = (_root_level(manager, result), result)
        if g in diagram.module_variables:
            roots[g] = result
    top = diagram.top
    roots[top] = built[top][1]
    return manager, roots


def _root_level(manager: Any, f: Any) -> int:
    # failspec's leaves lie below every variable
    return 1 << 30 if f == manager.true or f == manager.false else int(f.level)


def _at_least(manager: Any, k: int, inputs: list[Any]) -> Any:
    if k == 1:
        result = manager.false
        for f in inputs:
            result = result | f
        return result
    if k == len(inputs):
        result = manager.true
        for f in inputs:
            result = result & f
        return result
    memo: dict[tuple[int, int], Any] = {}

    def vote(need: int, start: int) -> Any:
        if need == 0:
            return manager.true
        if need > len(inputs) - start:
            return manager.false
        key = (need, start)
        if key not in memo:
            memo[key] = (inputs[start] & vote(need - 1, start + 1)) | vote(need, start + 1)
        return memo[key]

    return vote(k, 0)


def _upward(root: Any, values: dict[int, Any], value: Callable[[Any, Any, Any], Any]) -> Any:
    """Value every (node, complement bit) below `root` not yet in `values` (keyed by
    `int(f)`, which carries the bit) children first, as `value(f, value of f's low,
    value of f's high)`, and return root's: the crossing into Python per node."""
    stack = [root]
    while stack:
        f = stack[-1]
        key = int(f)
        if key in values:
            stack.pop()
            continue
        lo, hi = f.low, f.high  # the regular node's children
        if f.negated:
            lo, hi = ~lo, ~hi
        a, b = values.get(int(lo)), values.get(int(hi))
        if a is None or b is None:
            if a is None:
                stack.append(lo)
            if b is None:
                stack.append(hi)
            continue
        stack.pop()
        values[key] = value(f, a, b)
    return values[int(root)]


def cudd_copy(manager: Any, diagram: sa.ModularDiagram, roots: dict[int, Any]) -> sa.ModularDiagram:
    """The same diagram in a failspec `Bdd`: each reachable (node, complement bit) of
    CUDD's becomes one node, children first."""
    bdd = Bdd()
    made: dict[int, Any] = {int(manager.false): 0, int(manager.true): 1}
    out = {
        m: _upward(root, made, lambda f, a, b: bdd.node(f.level, a, b)) for m, root in roots.items()
    }
    return diagram._replace(bdd=bdd, roots=out)


def cudd_probability(
    manager: Any, diagram: sa.ModularDiagram, roots: dict[int, Any], p: list[float]
) -> float:
    """P(top) by a walk in Python over CUDD's nodes, as `static_analysis.probabilities`."""
    levels = diagram.levels
    by_level = [0.0] * (max(levels.values(), default=-1) + 1)
    for v, level in levels.items():
        if v <= diagram.graph.variables:
            by_level[level] = p[v - 1]

    def value(f: Any, a: float, b: float) -> float:
        q: float = by_level[f.level]
        return q * b + (1.0 - q) * a

    values: dict[int, Any] = {int(manager.false): 0.0, int(manager.true): 1.0}
    module_p: dict[int, float] = {}
    for m in sa._module_order(diagram):
        module_p[m] = float(_upward(roots[m], values, value))
        if m in diagram.module_variables:
            by_level[levels[m]] = module_p[m]
    top = module_p[diagram.top]
    return 1.0 - top if diagram.graph.root != diagram.top else top


def compare(name: str, order: int) -> str:
    model = read_model([str(DATA / f"{name}.xml")])
    problem = static_problem(model, None, 8760.0)
    p = [x if x is not None else 0.0 for x in problem.probabilities]
    stamps = [time.perf_counter()]

    def timed(stage: Callable[[], Any]) -> Any:
        result = stage()
        stamps.append(time.perf_counter())
        return result

    ours = timed(lambda: sa.build_diagrams(problem.graph))
    q_ours = timed(lambda: sa.probabilities(ours, p).top)
    sets_ours = timed(lambda: sa.CutSetFamilies(ours, order).top_sets())
    timed(lambda: importlib.import_module("dd.cudd"))
    with recursion_room(len(ours.levels) + 10):
        manager, roots = timed(lambda: cudd_build(ours))
    q_walk = timed(lambda: cudd_probability(manager, ours, roots, p))
    copied = timed(lambda: cudd_copy(manager, ours, roots))
    q_copy = timed(lambda: sa.probabilities(copied, p).top)
    sets_copy = timed(lambda: sa.CutSetFamilies(copied, order).top_sets())
    s = [f"{b - a:.2f}" for a, b in zip(stamps, stamps[1:], strict=False)]
    peak = int(manager.statistics()["peak_live_nodes"])
    same = q_walk == q_ours == q_copy and sets_copy == sets_ours
    return (
        f"| {name} | {len(ours.bdd):,} | {s[0]} | {s[1]} | {s[2]} | {s[3]} | {s[4]} | {peak:,} "
        f"| {s[5]} | {s[6]} ({len(copied.bdd):,}) | {s[7]} | {s[8]} | {'yes' if same else 'NO'} |"
    )


if __name__ == "__main__":
    warnings.simplefilter("ignore", UserWarning)  # dd's note on `statistics()["mem"]`
    print(
        "| tree | our nodes | our BDD | our P | our ZBDD+list | import dd.cudd | CUDD BDD "
        "| CUDD peak live | P by walk | copy (nodes) | P on copy | ZBDD+list on copy | same |"
    )
    for tree in sys.argv[1:]:
        print(compare(tree, 4), flush=True)
