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

import bisect
import gc
import itertools
import math
from array import array
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal, NamedTuple

from failspec.checker.decision_diagrams import (
    FALSE,
    NATIVE,
    TRUE,
    Bdd,
    DiagramTooLarge,
    TimeLimitHit,
    Valuation,
    Zbdd,
    check_deadline,
    has_longer_minimal_solution,
    nodes_upward,
    path_heights,
    recursion_room,
)
from failspec.checker.pdag import Pdag, Value, depth_first_order, preprocess, variable_order

if NATIVE:
    from failspec.checker import _listing

if TYPE_CHECKING:
    from failspec.checker.order_limited_families import OrderLimitedFamilies
    from failspec.checker.truncated_cut_sets import TruncatedCutSets

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


class _Prepared(NamedTuple):
    """A preprocessed graph, its coherent modules and the modules that become
    variables of their parents' BDDs."""

    graph: Pdag
    module_variables: frozenset[int]
    coherent: dict[int, bool]


def _prepare(graph: Pdag) -> _Prepared:
    graph = preprocess(graph)
    assert not isinstance(graph.root, bool)
    coherent = _coherent_modules(graph)
    module_variables = frozenset(
        m for m in graph.modules if coherent.get(m, False) and m != abs(graph.root)
    )
    return _Prepared(graph, module_variables, coherent)


def _first_try(
    prepared: _Prepared, max_nodes: int | None, deadline: float | None
) -> ModularDiagram:
    """The diagrams in the depth-first order within FIRST_TRY_NODES (or `max_nodes`, if
    smaller)."""
    first = FIRST_TRY_NODES if max_nodes is None else min(max_nodes, FIRST_TRY_NODES)
    graph = prepared.graph
    return _build(
        graph,
        depth_first_order(graph),
        prepared.module_variables,
        prepared.coherent,
        first,
        deadline,
    )


def _second_try(
    prepared: _Prepared, max_nodes: int | None, deadline: float | None
) -> ModularDiagram:
    """The diagrams in SCRAM's order within `max_nodes`, and within its growth envelope
    (GROWTH_POWER)."""
    graph = prepared.graph
    return _build(
        graph,
        variable_order(graph),
        prepared.module_variables,
        prepared.coherent,
        max_nodes,
        deadline,
        growth=True,
    )


def build_diagrams(
    graph: Pdag, max_nodes: int | None = NODE_BUDGET, deadline: float | None = None
) -> ModularDiagram:
    """Preprocess `graph` and build its modular BDDs (DiagramTooLarge past
    `max_nodes`, TimeLimitHit past `deadline`, a `time.perf_counter()` value); the
    root must be a gate.  The depth-first variable order is tried
    first within FIRST_TRY_NODES nodes, then SCRAM's topological order with the whole
    budget: neither is better on every tree (on the 43 Aralia trees the first is far
    smaller on edf9202, the second on edf9204 and cea9601)."""
    prepared = _prepare(graph)
    try:
        return _first_try(prepared, max_nodes, deadline)
    except DiagramTooLarge:
        return _second_try(prepared, max_nodes, deadline)


GROWTH_FLOOR = FIRST_TRY_NODES
GROWTH_POWER = 4
"""SCRAM's order is given up once the diagrams pass max(GROWTH_FLOOR, budget × f^4) nodes
with a fraction f of the gates built (inclusive of the gate being built): a diagram
that grows this fast early on does not fit the budget by the end.  Measured on the 56
benchmark trees, every one whose BDD fits stays under it with a margin (the closest:
edf9203 passes 500,000 nodes with 78.5 % of its gates, where it may have 1.33
million; cea9601 needs 3.05 million and passes 1 million at 97 %), while das9701 and
nus9601, past the budget at the end, pass it at 500,000 nodes with 45 % and 18 % of
their gates: 2 to 3 s instead of 22 s.  A count, not a time: the same input always
gives the same output."""


def _envelope(max_nodes: int, built: float) -> int:
    """The most nodes allowed with a fraction `built` of the gates built (see
    GROWTH_POWER)."""
    return min(max_nodes, max(GROWTH_FLOOR, int(max_nodes * built**GROWTH_POWER)))


def _build(
    graph: Pdag,
    order: dict[int, int],
    module_variables: frozenset[int],
    coherent: dict[int, bool],
    max_nodes: int | None,
    deadline: float | None,
    growth: bool = False,
) -> ModularDiagram:
    """The modular BDDs in `order`; DiagramTooLarge past `max_nodes` nodes and, with
    `growth`, past `_envelope`'s share of them for the gates built so far."""
    bdd = Bdd(max_nodes, deadline)
    built: dict[int, int] = {}
    roots: dict[int, int] = {}
    level = bdd.level
    n = graph.variables
    gates = graph.reachable()
    with recursion_room(len(order) + 10):
        for done, g in enumerate(gates, 1):  # inputs first, so every input is built
            if growth and max_nodes is not None:
                bdd.max_nodes = _envelope(max_nodes, done / len(gates))
            gate = graph.gate(g)
            inputs: list[int] = []
            for i in gate.inputs:
                a = -i if i < 0 else i
                f = bdd.variable(order[a]) if a <= n or a in module_variables else built[a]
                inputs.append(bdd.negate(f) if i < 0 else f)
            _fold_order(inputs, gate.k, level)
            built[g] = bdd.at_least(gate.k, inputs)
            if g in module_variables:
                roots[g] = built[g]
        top = abs(graph.root)
        roots[top] = built[top]
    return ModularDiagram(graph, bdd, top, roots, order, module_variables, coherent)


def _fold_order(inputs: list[int], k: int, level: list[int]) -> None:
    """Sort a gate's input diagrams, in place, for `Bdd.at_least`: an AND or OR folds
    them deepest root first (SCRAM's `ConvertGraph`), so that each new operand lies
    above what is folded so far and an OR of n variables makes n nodes, not n²/2; the
    recurrence of an at-least-k gate takes them topmost root first (the deepest first
    made baobab2's diagrams 28 % larger).  Stable: ties keep the gate's order.  On the
    56 benchmark trees the diagrams made shrink by up to 3× (jbd9601 312,870 →
    138,727 nodes, das9207 44,238 → 15,378, cea9601 in SCRAM's order 3.05 → 2.76
    million); edf9202's depth-first diagrams grow (126,911 → 150,651)."""
    if 1 < k < len(inputs):
        inputs.sort(key=level.__getitem__)
    else:
        inputs.sort(key=level.__getitem__, reverse=True)


def _module_order(diagram: ModularDiagram) -> list[int]:
    """The module variables and the top, each after the modules its BDD reads."""
    return [g for g in diagram.graph.reachable() if g in diagram.roots]


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
    valuation = Valuation(diagram.bdd)
    module_p: dict[int, float] = {}
    for m in _module_order(diagram):
        module_p[m] = valuation.of(diagram.roots[m], by_level)
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
        nodes = nodes_upward(bdd, diagram.roots[m])
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
    return importance_factors(
        marginal_importance(diagram, quantities), quantities.top, p, occurrences
    )


def importance_factors(
    mif: dict[int, float], total: float, p: Sequence[float], occurrences: dict[int, int]
) -> list[Importance]:
    """The importance factors from each variable's Birnbaum importance `mif` and the top
    probability `total`, for the variables in `occurrences`, ascending."""
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

    def __init__(
        self, diagram: ModularDiagram, max_order: int, deadline: float | None = None
    ) -> None:
        self.diagram = diagram
        self.max_order = max_order
        self.deadline = deadline
        self.zbdd = Zbdd(None, deadline)
        self.families: dict[int, int] = {}
        self.node_list = [0] * (max(diagram.levels.values(), default=-1) + 1)
        for node, level in diagram.levels.items():
            self.node_list[level] = node
        bdd = diagram.bdd
        modules = _module_order(diagram)
        roots = dict(diagram.roots)
        top = diagram.top
        if diagram.graph.root != top:  # a complemented root: its nodes come last
            with recursion_room(len(diagram.levels) + 10):
                roots[top] = bdd.negate(roots[top])
        # One pass in node order serves every module, the complemented top's nodes
        # included (a pass per non-coherent module read cea9601's 2.8 million nodes
        # twice).
        height = path_heights(bdd, max(roots.values()))
        self.height = height
        """The most high edges on a path to true below each node (`path_heights`)."""
        with recursion_room(len(diagram.levels) + 10):
            for m in modules:
                root = roots[m]
                if diagram.coherent.get(m, False) and root == diagram.roots[m]:
                    family = self.zbdd.minimal_solutions(bdd, root, max_order, height)
                else:
                    family = self.zbdd.minimal_solutions_any(bdd, root, max_order, height)
                self.families[m] = family
        self._expanded: dict[int, list[CutSet]] = {}
        self._unlooked = 0
        """Sets listed since the clock was last looked at."""
        self.longer_seen = False
        """Whether the expansion met a minimal cut set longer than the order limit (a
        product of modules' cut sets that it left out): then one exists."""

    def module_sets(self, module: int) -> list[CutSet]:
        """Module's minimal cut sets (variables) of at most max_order, by length."""
        found = self._expanded.get(module)
        if found is None:
            found = self._expand(module)
            found.sort(key=len)
            self._expanded[module] = found
        return found

    def _expand(self, module: int) -> list[CutSet]:
        """Module's minimal cut sets as variables (members ascending), module variables
        replaced by their modules' cut sets within the order limit: a new list, built
        by appending (nested generators cost a resumption per module and set: a third
        of isp9604's listing)."""
        n = self.diagram.graph.variables
        limit = self.max_order
        sets = self.zbdd.sets(self.families[module], self.node_list)
        if not self.diagram.module_variables:  # no module below: the sets are the cut sets
            return sets
        found: list[CutSet] = []
        for nodes in sets:  # ascending: the events (at most n) first, then the modules
            if not nodes or nodes[-1] <= n:
                found.append(nodes)
            elif len(nodes) <= limit:
                split = bisect.bisect_right(nodes, n)
                choices = [self.module_sets(s) for s in nodes[split:]]
                self._products(nodes[:split], choices, found)
        return found

    def _products(self, events: CutSet, choices: list[list[CutSet]], found: list[CutSet]) -> None:
        """Append to `found` every union of `events` with one set of each choice (lists
        by ascending length), of at most max_order members.  Each union is a minimal
        cut set (the modules are independent), so one left out for its length is one
        longer than the limit (a module whose list is empty has only longer cut
        sets)."""
        limit = self.max_order
        if len(events) + len(choices) > limit:
            self.longer_seen = True
            return
        first, rest = choices[0], choices[1:]
        room = limit - len(events) - len(rest)  # each later choice takes at least one
        if not first or len(first[-1]) > room:
            self.longer_seen = True
        end = bisect.bisect_right(first, room, key=len)
        if rest:
            for chosen in first[:end]:
                self._products(events + chosen, rest, found)
            return
        if events:
            found += [tuple(sorted(events + chosen)) for chosen in first[:end]]
        else:  # a module's sets are ascending already
            found += first[:end]
        self._unlooked += end
        if self._unlooked > 0xFFFF:  # the clock, every 65,536 sets or so
            check_deadline(self.deadline)
            self._unlooked = 0

    def top_sets(self) -> list[CutSet]:
        """The minimal cut sets of the top event up to the order, each ascending,
        sorted by length then variable numbers."""
        found = self._expand(self.diagram.top)
        check_deadline(self.deadline)
        if NATIVE:
            _listing.sort(found)  # in C, the same order
        else:
            found.sort()
            found.sort(key=len)  # stable: by length, then members
        return found


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


# --- truncation ---------------------------------------------------------------------------


def longer_cut_set_exists(
    diagram: ModularDiagram, max_order: int, families: CutSetFamilies
) -> bool:
    """Whether the top has a minimal cut set of more than `max_order` events (exactly);
    `families` are the diagram's minimal cut sets up to `max_order`.

    A minimal cut set of the top is a minimal solution S of the top module with each
    module variable in S replaced by one of its module's minimal cut sets, so the
    longest one weighs S's events 1 and each module its own longest cut set
    (`_module_weights`, capped at `max_order` + 1: no more matters).  Then, cheapest
    first: a set of the top's family heavier than `max_order` (yes); a greedy path
    (`_heavy_path_solution`, yes); the most weight of high edges on a path (no, when
    within `max_order`); else `has_longer_minimal_solution` on the top (its upward
    closure when it is not monotone: the same minimal solutions).
    DiagramTooLarge or TimeLimitHit may come from the manager."""
    bdd = diagram.bdd
    top = diagram.roots[diagram.top]
    root = top if diagram.graph.root == diagram.top else bdd.negate(top)
    with recursion_room(len(diagram.levels) + 10):
        weight, heaviest_top = _module_weights(diagram, max_order, families)
        if heaviest_top > max_order:
            return True
        monotone = diagram.coherent.get(diagram.top, False) and root == top
        if not monotone:
            root = bdd.upward_closure(root)
        if root <= TRUE:
            return False
        if monotone and _heavy_path_solution(bdd, root, max_order, families.height, weight):
            return True  # before a pass over every node for the heights
        height = path_heights(bdd, root, weight)
        if height[root] <= max_order:
            return False
        # With its modules' weights settled the top's exact question is quick (edfpa14b:
        # 0.007 s, where its ZBDD of order 5 takes 0.5 s): no witness there.
        return has_longer_minimal_solution(bdd, root, max_order, weight, height)


def _heavy_path_solution(
    bdd: Bdd, root: int, max_order: int, height: Sequence[int], weight: Sequence[int]
) -> bool:
    """Whether a minimal solution of the monotone `root` heavier than `max_order` (level
    i weighing `weight[i]`) is found greedily: the true levels of a path to
    true with the most high edges (`height`: `path_heights`), each dropped in turn
    while the rest still satisfies `root` (for a monotone function a set that loses no
    single member is minimal).  A sufficient sign, in a few walks of the diagram's
    depth."""
    level, low, high = bdd.level, bdd.low, bdd.high
    chosen: list[int] = []
    f = root
    while f > TRUE:
        lo, hi, lv = low[f], high[f], level[f]
        if height[hi] + 1 == height[f]:
            chosen.append(lv)
            f = hi
        else:
            f = lo
    members = set(chosen)
    for lv in chosen:
        members.discard(lv)
        f = root
        while f > TRUE:
            f = high[f] if level[f] in members else low[f]
        if f != TRUE:
            members.add(lv)
    return sum(weight[lv] for lv in members) > max_order


WITNESS_NODES = 100_000
"""The most ZBDD nodes `_heaviest_solution` may make: a count, so the same input always
takes the same path (edf9202's largest module needs 16,000 for its minimal solutions
of order 5 and 45,000 for all of them; edf9204's top 41,000 for order 5)."""


def _heaviest_solution(
    bdd: Bdd, root: int, limit: int, height: Sequence[int], weight: Sequence[int]
) -> int | None:
    """The most weight (level i weighs `weight[i]`) of a minimal solution of at most
    `limit` members of the monotone `root`, from its ZBDD of those minimal solutions
    (negative: none); None when that ZBDD would pass WITNESS_NODES.  With `limit` the
    most high edges on a path (`height[root]`), every minimal solution is in it: then
    the answer is exact, and often cheaper than `has_longer_minimal_solution` (das9207's
    largest module: 5,000 nodes, 0.06 s against 0.27 s).  `height`: `path_heights` over
    `root`.  TimeLimitHit past the BDD manager's deadline."""
    zbdd = Zbdd(WITNESS_NODES, bdd.deadline)
    try:
        family = zbdd.minimal_solutions(bdd, root, limit, height)
    except DiagramTooLarge:
        return None
    heaviest = [-(1 << 40), 0]  # the empty family has no set; {∅} weighs 0
    append = heaviest.append
    z_low, z_high, z_level = zbdd.low, zbdd.high, zbdd.level
    for i in range(2, family + 1):
        a, b = heaviest[z_low[i]], heaviest[z_high[i]] + weight[z_level[i]]
        append(a if a > b else b)
    return heaviest[family]


def _heavier_than(
    bdd: Bdd, root: int, max_order: int, height: Sequence[int], weight: Sequence[int]
) -> bool | None:
    """Whether the monotone `root` has a minimal solution heavier than `max_order`,
    cheapest first: a greedy path (`_heavy_path_solution`), its minimal solutions of at
    most `max_order` + 1 members, all its minimal solutions; None when none of them
    could tell (the ZBDDs passed WITNESS_NODES)."""
    if _heavy_path_solution(bdd, root, max_order, height, weight):
        return True
    found = _heaviest_solution(bdd, root, max_order + 1, height, weight)
    if found is not None and found > max_order:
        return True
    found = _heaviest_solution(bdd, root, height[root], height, weight)
    return None if found is None else found > max_order


def _module_weights(
    diagram: ModularDiagram, max_order: int, families: CutSetFamilies
) -> tuple[list[int], int]:
    """Each level's weight: 1 for a basic event, and for a module variable its module's
    longest minimal cut set of events, capped at `max_order` + 1 (at least 1); and the
    heaviest set of the top's family with these weights.

    A module's weight is the cap when it has a minimal solution heavier than
    `max_order` (`_heavier_than`, else `has_longer_minimal_solution` on its members'
    number), else
    the heaviest set of its family (which holds every minimal solution of at most
    `max_order` members), read in one pass over the ZBDD's nodes in number order: a
    node is made after its children, and a node holding a module's level after that
    module's family, whose root is where the module's weight is settled."""
    bdd, zbdd = diagram.bdd, families.zbdd
    cap = max_order + 1
    weight = [1] * (max(diagram.levels.values(), default=-1) + 1)
    height = families.height
    modules_at: dict[int, list[int]] = {}
    for m in _module_order(diagram):
        if m != diagram.top:
            modules_at.setdefault(families.families[m], []).append(m)
    heaviest = [-(1 << 40), 0]  # the empty family has no set; {∅} weighs 0

    def settle(family: int) -> None:
        for m in modules_at.get(family, ()):
            root = diagram.roots[m]
            longer: bool | None = root > TRUE and height[root] > max_order
            if longer:
                longer = _heavier_than(bdd, root, max_order, height, weight)
                if longer is None:
                    longer = has_longer_minimal_solution(bdd, root, max_order, None, height)
            weight[diagram.levels[m]] = cap if longer else max(1, min(cap, heaviest[family]))

    settle(FALSE)
    settle(TRUE)
    append = heaviest.append
    z_low, z_high, z_level = zbdd.low, zbdd.high, zbdd.level
    top_family = families.families[diagram.top]
    for i in range(2, max([top_family, *modules_at]) + 1):
        a, b = heaviest[z_low[i]], heaviest[z_high[i]] + weight[z_level[i]]
        append(a if a > b else b)
        if i in modules_at:
            settle(i)
    return weight, heaviest[top_family]


# --- the whole analysis --------------------------------------------------------------------

Stopped = Literal["budget", "time"]
"""Why an analysis is incomplete: the diagrams' node budget, or the time limit."""


class StaticAnalysis(NamedTuple):
    """What `analyse` found.  `cut_sets` (variable numbers, sorted by order then
    numbers) are every minimal cut set of at most `max_order` events when `complete`;
    otherwise none were listed.  `truncated`: a longer minimal cut set exists (None:
    not decided, the analysis stopped first).  `stopped` says why something is missing
    (None: nothing is): the cut sets (`complete` False) or only `truncated`.  `probability` is
    exact (None: not computed, or `missing` names the variables the top reads that have
    no probability); `interval` a rigorous (low, high) when the exact value was out of
    reach; `rare_event` the sum over the listed cut sets; `importance` with
    `with_importance` and an exact probability."""

    max_order: int
    cut_sets: list[CutSet]
    complete: bool
    stopped: Stopped | None
    truncated: bool | None
    probability: float | None
    rare_event: float | None
    interval: tuple[float, float] | None
    missing: tuple[int, ...]
    importance: list[Importance] | None


def support(graph: Pdag) -> list[int]:
    """The variables the root reads, ascending."""
    root = graph.root
    if isinstance(root, bool):
        return []
    if not graph.is_gate(abs(root)):
        return [abs(root)]
    found: set[int] = set()
    for g in graph.reachable():
        found.update(abs(i) for i in graph.gate(g).inputs if abs(i) <= graph.variables)
    return sorted(found)


QUICK_UNIONS = 400_000
"""The unions of two sets the bottom-up families may form (`order_limited_families.py`)
when the depth-first BDD has passed FIRST_TRY_NODES, before SCRAM's order is tried with
the whole node budget: a count, so that the outcome never depends on the machine.  The
random 5,000-event tree of `bench/bench_cutsets.py` needs 240,000 at order 2 (half a
second) where its BDD passes 3.5 million nodes (15 s); on edf9203, edf9204 and edfpa14o
(order 4), whose BDDs fit in SCRAM's order and whose families do not come within 10
million unions, the attempt costs 0.5 to 0.8 s."""


def analyse(
    graph: Pdag,
    probability_of: Sequence[float | None],
    max_order: int,
    with_importance: bool = False,
    deadline: float | None = None,
    max_nodes: int = NODE_BUDGET,
    bound_nodes: int = 2_000,
    quick_unions: int = QUICK_UNIONS,
) -> StaticAnalysis:
    """The minimal cut sets of `graph`'s root up to `max_order`, whether a longer one
    exists, its exact probability (`probability_of[v - 1]` is variable v's, None: none)
    and, `with_importance`, every listed event's importance.

    The BDDs come first in the depth-first order within FIRST_TRY_NODES.  Past that,
    a coherent graph's cut sets are tried bottom up within `quick_unions` unions
    (not `with_importance`, which needs the BDDs): when they come, the probability is
    the one of `probability_bounds.py` (exact when nothing had to be pruned, else a
    rigorous interval) and SCRAM's order is not tried.  Otherwise the BDDs in SCRAM's
    order, within `max_nodes` nodes; past them the cut sets of `truncated_cut_sets.py`
    (coherent or not), else bottom up within `order_limited_families.MAX_UNIONS`
    (coherent graphs only), else from the BDDs within the ball of `ball_cut_sets.py`
    (none listed past its budget), and
    the probability likewise (bounds of at most `bound_nodes` nodes a gate).  Past
    `deadline` (a `time.perf_counter()` value) the analysis stops with what it had
    completed (the exact probability comes before the cut sets)."""
    if max_order < 0:
        raise ValueError("the order limit must be at least 0")
    used = support(graph)
    missing = tuple(v for v in used if probability_of[v - 1] is None)
    p = [0.0 if x is None else x for x in probability_of]
    root = graph.root
    if isinstance(root, bool) or not graph.is_gate(abs(root)):
        return _trivial(root, p, missing, max_order, with_importance)

    timed_out = StaticAnalysis(max_order, [], False, "time", None, None, None, None, missing, None)
    try:
        check_deadline(deadline)
        prepared = _prepare(graph)
        diagram = _within_budget(_first_try, prepared, max_nodes, deadline)
        if diagram is None and graph.coherent and not with_importance:
            found = _families(graph, max_order, deadline, quick_unions)
            if found is not None:
                return _bounded(graph, p, missing, max_order, lambda: found, deadline, bound_nodes)
        if diagram is None:
            diagram = _within_budget(_second_try, prepared, max_nodes, deadline)
        if diagram is None:

            def search() -> OrderLimitedFamilies | None:
                return _without_diagrams(graph, max_order, deadline)

            return _bounded(graph, p, missing, max_order, search, deadline, bound_nodes)
    except TimeLimitHit:
        return timed_out
    quantities = None if missing else probabilities(diagram, p)
    exact = None if quantities is None else quantities.top
    try:
        families = CutSetFamilies(diagram, max_order, deadline)
        cut_sets = families.top_sets()
    except TimeLimitHit:
        return StaticAnalysis(max_order, [], False, "time", None, exact, None, None, missing, None)
    truncated: bool | None = True
    stopped: Stopped | None = None
    if not families.longer_seen:
        try:
            truncated = longer_cut_set_exists(diagram, max_order, families)
        except DiagramTooLarge:
            truncated, stopped = None, "budget"  # the cut sets are complete; only this is open
        except TimeLimitHit:
            truncated, stopped = None, "time"
    rare = None
    found_importance: list[Importance] | None = None
    if quantities is not None:
        rare = _rare_event(cut_sets, p)
        if with_importance:
            found_importance = importance(diagram, quantities, p, occurrences(cut_sets))
    return StaticAnalysis(
        max_order, cut_sets, True, stopped, truncated, exact, rare, None, missing, found_importance
    )


def _trivial(
    root: Value, p: Sequence[float], missing: tuple[int, ...], max_order: int, with_importance: bool
) -> StaticAnalysis:
    """A root that is a constant or one variable (or its complement)."""
    if isinstance(root, bool):
        cut_sets: list[CutSet] = [()] if root else []
        exact: float | None = 1.0 if root else 0.0
    else:
        cut_sets = [(root,)] if root > 0 else [()]
        q = p[abs(root) - 1]
        exact = None if missing else (q if root > 0 else 1 - q)
    listed = [c for c in cut_sets if len(c) <= max_order]
    truncated = len(listed) < len(cut_sets)
    rare = None if exact is None else _rare_event(listed, p)
    found = None
    if with_importance and exact is not None:
        mif = {} if isinstance(root, bool) else {abs(root): 1.0 if root > 0 else -1.0}
        found = importance_factors(mif, exact, p, occurrences(listed))
    return StaticAnalysis(
        max_order, listed, True, None, truncated, exact, rare, None, missing, found
    )


def _rare_event(cut_sets: Sequence[CutSet], p: Sequence[float]) -> float:
    """Σ over the cut sets of Π of their events' probabilities, capped at 1 (SCRAM).

    Each product is taken left to right over the members in their order, as
    `math.prod` takes it, and the sum is `math.fsum`'s (correctly rounded, so in any
    order): the sets of one length at a time, unpacked in one comprehension, cost
    half of a `prod(map(...))` call each (edfpa14o's 983,020 sets 0.41 s → 0.22 s)."""
    q = [0.0, *p]  # variable v's probability at v
    if NATIVE:  # the same products in C, then the same sum
        products = array("d", bytes(8 * len(cut_sets)))
        _listing.products(list(cut_sets), q, products)
        return min(1.0, math.fsum(products))
    terms: list[float] = []
    for length, run in itertools.groupby(cut_sets, key=len):
        if length == 1:
            terms += [q[a] for (a,) in run]
        elif length == 2:
            terms += [q[a] * q[b] for a, b in run]
        elif length == 3:
            terms += [q[a] * q[b] * q[c] for a, b, c in run]
        elif length == 4:
            terms += [q[a] * q[b] * q[c] * q[d] for a, b, c, d in run]
        else:
            terms += [math.prod(map(q.__getitem__, c)) for c in run]
    return min(1.0, math.fsum(terms))


def _within_budget(
    build: Callable[[_Prepared, int | None, float | None], ModularDiagram],
    prepared: _Prepared,
    max_nodes: int,
    deadline: float | None,
) -> ModularDiagram | None:
    """The diagrams `build` makes, or None past the node budget.  A failed manager's
    nodes are held by reference cycles (its operations are recursive closures), so they
    are collected at once, outside the handler (whose traceback holds them too): a
    3.5-million-node manager is over a gigabyte that the next attempt needs."""
    try:
        return build(prepared, max_nodes, deadline)
    except DiagramTooLarge:
        pass
    gc.collect()
    return None


def _cut_set_bounds(
    found: OrderLimitedFamilies, p: Sequence[float], coherent: bool
) -> tuple[float, float]:
    """Bounds of a tree's probability from its minimal cut sets of at most the
    order limit: below, for a coherent tree, P(some set of a family of cut sets with
    pairwise disjoint events fails) = 1 − Π(1 − P(C)) (the sets fail independently, and
    each fails the top: not so in a non-coherent tree, where the others must work too),
    the family chosen greedily by decreasing P(C), ties by the sets' order; above, when
    no minimal cut set is longer than the limit, the sum of their probabilities (the
    union bound: every failing state contains a minimal cut set), else 1.  On the 5,000-event tree of `bench/bench_cutsets.py` the 976
    single events alone give 0.6234, above the pruned bounds' 0.6189."""
    of = [0.0, *p].__getitem__  # variable v's probability at v
    chances = [(math.prod(map(of, c)), c) for c in found.cut_sets]
    used: set[int] = set()
    log_none = 0.0  # log P(no chosen set fails)
    for chance, c in sorted(chances, key=lambda item: -item[0]):  # stable: ties in order
        if used.isdisjoint(c):
            used.update(c)
            log_none += math.log1p(-chance) if chance < 1.0 else -math.inf
    low = -math.expm1(log_none) if coherent else 0.0
    high = 1.0 if found.truncated else min(1.0, math.fsum(chance for chance, _ in chances))
    return low, high


def _families(
    graph: Pdag, max_order: int, deadline: float | None, max_unions: int
) -> OrderLimitedFamilies | None:
    """The coherent graph's cut sets bottom up, or None past `max_unions` unions
    (TimeLimitHit past `deadline`)."""
    from failspec.checker.order_limited_families import order_limited_cut_sets

    try:
        return order_limited_cut_sets(graph, max_order, deadline, max_unions)
    except DiagramTooLarge:
        return None


def _without_diagrams(
    graph: Pdag, max_order: int, deadline: float | None
) -> OrderLimitedFamilies | None:
    """The cut sets once neither whole BDD fits: `truncated_cut_sets.py` (coherent or
    not), else (a coherent graph) bottom up within `order_limited_families.MAX_UNIONS`,
    else from the BDDs within the ball (`ball_cut_sets.py`); None when each is past its
    budget (TimeLimitHit past `deadline`)."""
    from failspec.checker.ball_cut_sets import ball_cut_sets
    from failspec.checker.order_limited_families import MAX_UNIONS
    from failspec.checker.truncated_cut_sets import truncated_cut_sets

    found = _unless_too_large(lambda: truncated_cut_sets(graph, max_order, deadline))
    if found is None and graph.coherent:
        found = _families(graph, max_order, deadline, MAX_UNIONS)
    if found is None:
        found = _unless_too_large(lambda: ball_cut_sets(graph, max_order, deadline))
    return found


def _unless_too_large(search: Callable[[], TruncatedCutSets]) -> OrderLimitedFamilies | None:
    """The cut sets `search` finds, or None past its budget (DiagramTooLarge)."""
    from failspec.checker.order_limited_families import OrderLimitedFamilies

    try:
        return OrderLimitedFamilies(*search())
    except DiagramTooLarge:
        pass
    gc.collect()  # outside the handler, whose traceback holds the search's diagrams
    return None


def _bounded(
    graph: Pdag,
    p: Sequence[float],
    missing: tuple[int, ...],
    max_order: int,
    search: Callable[[], OrderLimitedFamilies | None],
    deadline: float | None,
    bound_nodes: int,
) -> StaticAnalysis:
    """Without the BDDs: the probability from `probability_bounds.py` first (exact when
    no bound had to be pruned, else a rigorous interval), then the cut sets `search`
    finds (None: out of reach), which narrow the interval (`_cut_set_bounds`).  Past
    `deadline` (`stopped` "time") what came before it is kept: the probability when
    the search is late, cut sets that were already found when the bounds are."""
    from failspec.checker.probability_bounds import probability_interval

    bounds = None
    late = False  # past the deadline
    if not missing:
        try:
            bounds = probability_interval(graph, p, bound_nodes, deadline)
        except TimeLimitHit:
            late = True
    cut_sets: list[CutSet] = []
    complete, truncated = False, None
    try:
        found = search()  # past the deadline, a search stops at its first look
    except TimeLimitHit:
        found, late = None, True
    if found is not None:
        cut_sets, complete, truncated = found.cut_sets, True, found.truncated
    stopped: Stopped | None = "time" if late else None if complete else "budget"
    exact = interval = rare = None
    if bounds is not None:
        if bounds.pruned:
            interval = (bounds.low, bounds.high)
            if found is not None:
                low, high = _cut_set_bounds(found, p, graph.coherent)
                interval = (max(bounds.low, low), min(bounds.high, high))
        else:
            exact = bounds.low  # nothing was cut: the BDD of the whole tree
    if complete and not missing:
        rare = _rare_event(cut_sets, p)
    return StaticAnalysis(
        max_order, cut_sets, complete, stopped, truncated, exact, rare, interval, missing, None
    )
