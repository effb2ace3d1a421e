"""Static analysis of a PDAG (`pdag.py`) on modular decision diagrams: the
minimal cut sets up to an order, the exact top-event probability, and the
importance of each basic event.

The graph is preprocessed (coalescing, modules, a variable order), then
each module gets its own BDD in one manager (`decision_diagrams.Bdd`), where a
*coherent* sub-module (no complemented edge below it) is one variable, with the
module's probability as its own.  A module with a complemented edge below it
is built inline in its parent.

- **Probability**: P(f) = p·P(f1) + (1 − p)·P(f0) over each module's BDD,
  sub-modules first; exact for independent basic events.
- **Minimal cut sets**: for each module, the ZBDD of the minimal solutions up to
  the order limit (`Zbdd.minimal_solutions`, Rauzy's algorithm); for a
  non-coherent function Rauzy's recurrence with `without` (`Zbdd.minimal_solutions_any`), so a
  cut set is a minimal set of basic events whose failure, every other event
  working, fails the top: SCRAM's "minimal cut sets" of a non-coherent tree
  (its default; its `--prime-implicants` is not done here).  A module variable in
  a set is replaced by each of the module's cut sets, keeping the sets of at most
  the order limit: independent modules keep every set minimal.
- **Importance** (SCRAM's definitions, on the BDD): Birnbaum's marginal
  importance MIF = P(top | e) − P(top | ¬e) = ∂P(top)/∂p(e), by one reverse pass
  over each module's BDD and the chain rule through the modules; criticality
  CIF = p(e)·MIF/P(top); Fussell–Vesely (SCRAM's DIF) p(e)·RAW; risk achievement
  worth RAW = P(top | e)/P(top) = 1 + (1 − p(e))·MIF/P(top); risk reduction worth
  RRW = P(top)/P(top | ¬e) = P(top)/(P(top) − p(e)·MIF).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import NamedTuple

from failspec.checker.decision_diagrams import (
    FALSE,
    TRUE,
    Bdd,
    DiagramTooLarge,
    Zbdd,
    recursion_room,
)
from failspec.checker.pdag import Pdag, depth_first_order, preprocess, variable_order

NODE_BUDGET = 3_500_000
"""The most nodes a tree's BDDs may have together before the analysis gives up (a
count, not a time, so that the same input always gives the same output; cea9601
needs 3.05 million)."""

CutSet = tuple[int, ...]
"""Variable numbers (basic events), ascending."""


class Importance(NamedTuple):
    """The importance factors of one basic event (see the module): `occurrence` is
    the number of listed cut sets it is in."""

    variable: int
    occurrence: int
    probability: float
    mif: float
    cif: float
    dif: float
    raw: float
    rrw: float | None


class ModularDiagram(NamedTuple):
    """The BDDs of a preprocessed graph: `roots[m]` is module m's function (the top
    module is `top`), `levels[node]` the level of a variable or module variable, and
    `complement` whether the root is the complement of the top module."""

    graph: Pdag
    bdd: Bdd
    top: int
    roots: dict[int, int]
    levels: dict[int, int]
    module_variables: frozenset[int]
    coherent: dict[int, bool]


def _coherent_modules(graph: Pdag) -> dict[int, bool]:
    """Module -> whether no complemented edge lies below it."""
    result: dict[int, bool] = {}
    for g in graph.reachable():  # inputs first
        gate = graph.gate(g)
        ok = all(i > 0 for i in gate.inputs) and all(
            result.get(i, True) for i in gate.inputs if graph.is_gate(i)
        )
        result[g] = ok
    return result


FIRST_TRY_NODES = 500_000
"""The budget of the first variable order tried (`build_diagrams`)."""


def build_diagrams(graph: Pdag, max_nodes: int | None = NODE_BUDGET) -> ModularDiagram:
    """Preprocess `graph` and build its modular BDDs (DiagramTooLarge past
    `max_nodes`); the root must be a gate.  The depth-first variable order is tried
    first within FIRST_TRY_NODES nodes, then SCRAM's topological order with the whole
    budget: neither is better on every tree (on the 43 Aralia trees the first is far
    smaller on edf9202, the second on edf9204 and cea9601)."""
    graph = preprocess(graph)
    assert not isinstance(graph.root, bool)
    coherent = _coherent_modules(graph)
    module_variables = frozenset(
        m for m in graph.modules if coherent.get(m, False) and m != abs(graph.root)
    )
    first = FIRST_TRY_NODES if max_nodes is None else min(max_nodes, FIRST_TRY_NODES)
    try:
        return _build(graph, depth_first_order(graph), module_variables, coherent, first)
    except DiagramTooLarge:
        order = variable_order(graph)
        return _build(graph, order, module_variables, coherent, max_nodes)


def _build(
    graph: Pdag,
    order: dict[int, int],
    module_variables: frozenset[int],
    coherent: dict[int, bool],
    max_nodes: int | None,
) -> ModularDiagram:
    bdd = Bdd(max_nodes)
    built: dict[int, int] = {}
    roots: dict[int, int] = {}
    n = graph.variables
    with recursion_room(len(order) + 10):
        for g in graph.reachable():  # inputs first, so every input is built
            gate = graph.gate(g)
            inputs: list[int] = []
            for i in gate.inputs:
                a = -i if i < 0 else i
                f = bdd.variable(order[a]) if a <= n or a in module_variables else built[a]
                inputs.append(bdd.negate(f) if i < 0 else f)
            built[g] = bdd.at_least(gate.k, inputs)
            if g in module_variables:
                roots[g] = built[g]
        top = abs(graph.root)
        roots[top] = built[top]
    return ModularDiagram(graph, bdd, top, roots, order, module_variables, coherent)


def _module_order(diagram: ModularDiagram) -> list[int]:
    """The module variables and the top, each after the modules its BDD reads."""
    return [g for g in diagram.graph.reachable() if g in diagram.roots]


def _nodes_upward(bdd: Bdd, root: int) -> list[int]:
    """The inner nodes below `root`, children before parents: a node is always made
    after its children, so ascending numbers are a topological order."""
    seen: set[int] = set()
    stack = [root]
    low, high = bdd.low, bdd.high
    while stack:
        i = stack.pop()
        if i > TRUE and i not in seen:
            seen.add(i)
            stack.append(low[i])
            stack.append(high[i])
    return sorted(seen)


class Quantities(NamedTuple):
    """The exact probability of the top event and of each module."""

    top: float
    modules: dict[int, float]
    level_probability: list[float]


def probabilities(diagram: ModularDiagram, p: Sequence[float]) -> Quantities:
    """P(top) and each module's probability; `p[v - 1]` is variable v's probability."""
    levels = diagram.levels
    by_level = [0.0] * (max(levels.values(), default=-1) + 1)
    for node, level in levels.items():
        if node <= diagram.graph.variables:
            by_level[level] = p[node - 1]
    bdd = diagram.bdd
    values: dict[int, float] = {FALSE: 0.0, TRUE: 1.0}
    module_p: dict[int, float] = {}
    low, high, level_of = bdd.low, bdd.high, bdd.level
    for m in _module_order(diagram):
        for i in _nodes_upward(bdd, diagram.roots[m]):
            if i not in values:
                q = by_level[level_of[i]]
                values[i] = q * values[high[i]] + (1.0 - q) * values[low[i]]
        module_p[m] = values[diagram.roots[m]]
        if m in diagram.module_variables:
            by_level[levels[m]] = module_p[m]
    top = module_p[diagram.top]
    if diagram.graph.root != diagram.top:  # a complemented root
        top = 1.0 - top
    return Quantities(top, module_p, by_level)


def marginal_importance(diagram: ModularDiagram, quantities: Quantities) -> dict[int, float]:
    """Variable -> ∂P(top)/∂p(variable) (Birnbaum), for every variable the top reads."""
    bdd = diagram.bdd
    p = quantities.level_probability
    values: dict[int, float] = {FALSE: 0.0, TRUE: 1.0}
    sign = -1.0 if diagram.graph.root != diagram.top else 1.0
    derivative: dict[int, float] = {diagram.top: sign}
    node_of_level = {level: node for node, level in diagram.levels.items()}
    result: dict[int, float] = {}
    low, high, level_of = bdd.low, bdd.high, bdd.level
    for m in reversed(_module_order(diagram)):  # the top first
        weight = derivative.get(m, 0.0)
        nodes = _nodes_upward(bdd, diagram.roots[m])
        for i in nodes:
            q = p[level_of[i]]
            values[i] = q * values.get(high[i], 0.0) + (1.0 - q) * values.get(low[i], 0.0)
        reach: dict[int, float] = {diagram.roots[m]: 1.0}
        gradient: dict[int, float] = {}
        for i in reversed(nodes):  # parents first
            r = reach.get(i, 0.0)
            if r == 0.0:
                continue
            level = level_of[i]
            q = p[level]
            hi, lo = high[i], low[i]
            gradient[level] = gradient.get(level, 0.0) + r * (values[hi] - values[lo])
            reach[hi] = reach.get(hi, 0.0) + r * q
            reach[lo] = reach.get(lo, 0.0) + r * (1.0 - q)
        for level, g in gradient.items():
            node = node_of_level[level]
            if node in diagram.module_variables:
                derivative[node] = derivative.get(node, 0.0) + weight * g
            else:
                result[node] = result.get(node, 0.0) + weight * g
    return result


def importance(
    diagram: ModularDiagram,
    quantities: Quantities,
    p: Sequence[float],
    occurrences: dict[int, int],
) -> list[Importance]:
    """The importance factors of every variable in `occurrences` (variable -> number
    of cut sets it is in), ascending; SCRAM's formulas (see the module)."""
    mif = marginal_importance(diagram, quantities)
    total = quantities.top
    found: list[Importance] = []
    for v in sorted(occurrences):
        q = p[v - 1]
        m = mif.get(v, 0.0)
        cif = raw = dif = 0.0
        rrw: float | None = None
        if total != 0:
            cif = q * m / total
            raw = 1 + (1 - q) * m / total
            dif = q * raw
            if total != q * m:
                rrw = total / (total - q * m)
        found.append(Importance(v, occurrences[v], q, m, cif, dif, raw, rrw))
    return found


# --- minimal cut sets -------------------------------------------------------------------


class CutSetFamilies:
    """The minimal cut sets of each module up to an order limit, and their expansion
    into sets of basic events."""

    def __init__(self, diagram: ModularDiagram, max_order: int) -> None:
        self.diagram = diagram
        self.max_order = max_order
        self.zbdd = Zbdd(None)
        self.families: dict[int, int] = {}
        self.node_of_level = {level: node for node, level in diagram.levels.items()}
        self.node_list = [0] * (max(diagram.levels.values(), default=-1) + 1)
        for node, level in diagram.levels.items():
            self.node_list[level] = node
        self.module_levels = frozenset(diagram.levels[m] for m in diagram.module_variables)
        bdd = diagram.bdd
        with recursion_room(len(diagram.levels) + 10):
            for m in _module_order(diagram):
                root = diagram.roots[m]
                if m == diagram.top and diagram.graph.root != m:
                    root = bdd.negate(root)
                if diagram.coherent.get(m, False) and root == diagram.roots[m]:
                    family = self.zbdd.minimal_solutions(bdd, root, max_order)
                else:
                    family = self.zbdd.minimal_solutions_any(bdd, root, max_order)
                self.families[m] = family
        self._expanded: dict[int, list[CutSet]] = {}

    def module_sets(self, module: int) -> list[CutSet]:
        """Module's minimal cut sets (variables) of at most max_order, by length."""
        found = self._expanded.get(module)
        if found is None:
            found = sorted(self._expand(module), key=len)
            self._expanded[module] = found
        return found

    def _expand(self, module: int) -> Iterator[CutSet]:
        """Module's minimal cut sets as variables (members unsorted), module variables
        replaced by their modules' cut sets within the order limit."""
        node_of = self.node_list
        module_levels = self.module_levels
        n = self.diagram.graph.variables
        limit = self.max_order
        for levels in self.zbdd.sets(self.families[module]):
            if module_levels.isdisjoint(levels):
                yield tuple(map(node_of.__getitem__, levels))
                continue
            nodes = [node_of[level] for level in levels]
            events = tuple(v for v in nodes if v <= n)
            subs = [v for v in nodes if v > n]
            if limit - len(events) - len(subs) < 0:
                continue
            yield from _products(events, [self.module_sets(s) for s in subs], limit)

    def top_sets(self) -> list[CutSet]:
        """The minimal cut sets of the top event up to the order, each ascending,
        sorted by length then variable numbers."""
        by_length: list[list[CutSet]] = [[] for _ in range(self.max_order + 1)]
        for s in self._expand(self.diagram.top):
            by_length[len(s)].append(tuple(sorted(s)))
        found: list[CutSet] = []
        for bucket in by_length:
            bucket.sort()
            found += bucket
        return found


def _products(events: CutSet, choices: list[list[CutSet]], limit: int) -> Iterator[CutSet]:
    """Every union of `events` with one set of each choice (lists by ascending length),
    of at most `limit` members."""
    if len(events) + len(choices) > limit:
        return
    first, rest = choices[0], choices[1:]
    room = limit - len(events) - len(rest)  # each later choice takes at least one
    for chosen in first:
        if len(chosen) > room:
            break
        merged = events + chosen
        if rest:
            yield from _products(merged, rest, limit)
        else:
            yield merged


def count_by_order(cut_sets: Sequence[CutSet]) -> dict[int, int]:
    """Order -> how many cut sets have that many members."""
    counts: dict[int, int] = {}
    for c in cut_sets:
        counts[len(c)] = counts.get(len(c), 0) + 1
    return counts


def occurrences(cut_sets: Sequence[CutSet]) -> dict[int, int]:
    """Variable -> the number of cut sets it is in."""
    counts: dict[int, int] = {}
    for c in cut_sets:
        for v in c:
            counts[v] = counts.get(v, 0) + 1
    return counts
