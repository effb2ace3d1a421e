"""A rigorous interval for the top probability of a tree whose BDD is too large.

Every gate gets two BDDs, a lower one L ≤ f and an upper one U ≥ f (as Boolean
functions), built from its inputs' bounds: AND, OR and at-least-k are
monotone in their inputs, so op(L_1, …) ≤ op(f_1, …) ≤ op(U_1, …), and a
complemented edge swaps them (¬U ≤ ¬f ≤ ¬L).  When a bound outgrows
`keep_nodes` nodes, it is *pruned*: the nodes whose replacement changes its
probability least by estimate (the probability of reaching the node from the
root times the distance of the node's own probability from the leaf: cutting
the least reached nodes instead made Baobab1's lower bound 10 times too low,
for its failures lie on rarely reached paths) are replaced by false in L and
by true in U, which keeps L a lower and U an upper bound whatever is cut.
Then P(L_top) ≤ P(top) ≤ P(U_top), each exact on its diagram: the interval is
rigorous, and as wide as what pruning cut (a point when nothing was cut).

Modules are bounded one at a time: a module other than the top (no node below
it is reachable from outside it: it is independent of everything else) whose
bounds needed no pruning has an exact probability, and from then on it is one
variable of the diagrams that read it, with that probability, so its diagram
never grows inside its parents' (the 5,000-event tree of `bench/bench_cutsets.py`
has 1,044 modules: its interval [0.6089, 0.7264] became [0.6189, 0.6536]).  A
module whose bounds were pruned stays inside its parents as any gate does.

Diagrams no later gate reads are dropped by copying the live ones into a
fresh manager when the current one passes `compact_nodes` nodes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from failspec.checker.decision_diagrams import (
    FALSE,
    TRUE,
    Bdd,
    check_deadline,
    nodes_upward,
    recursion_room,
)
from failspec.checker.pdag import Pdag, depth_first_order, preprocess


class ProbabilityInterval(NamedTuple):
    """`low` ≤ P(top) ≤ `high`; `pruned` tells whether any diagram was cut (else the
    two are the exact value)."""

    low: float
    high: float
    pruned: bool


def _probability(bdd: Bdd, root: int, p: Sequence[float]) -> float:
    values = {FALSE: 0.0, TRUE: 1.0}
    low, high, level = bdd.low, bdd.high, bdd.level
    for i in nodes_upward(bdd, root):
        q = p[level[i]]
        values[i] = q * values[high[i]] + (1.0 - q) * values[low[i]]
    return values[root]


def _copy(
    source: Bdd, target: Bdd, root: int, memo: dict[int, int], cut: set[int], leaf: int
) -> int:
    """`root` of `source` rebuilt in `target`, the nodes in `cut` replaced by `leaf`."""
    low, high, level = source.low, source.high, source.level
    for i in nodes_upward(source, root):
        if i not in memo:
            memo[i] = (
                leaf if i in cut else target.node(level[i], _get(memo, low[i]), _get(memo, high[i]))
            )
    return _get(memo, root)


def _get(memo: dict[int, int], i: int) -> int:
    return i if i <= TRUE else memo[i]


def _prune(bdd: Bdd, root: int, p: Sequence[float], keep: int, leaf: int) -> int:
    """`root` with all but `keep` of its nodes replaced by `leaf`: those whose replacement
    changes P(root) least, by estimate (the probability of reaching the node times how
    far its own probability is from the leaf's)."""
    nodes = nodes_upward(bdd, root)
    if len(nodes) <= keep:
        return root
    low, high, level = bdd.low, bdd.high, bdd.level
    value = {FALSE: 0.0, TRUE: 1.0}
    for i in nodes:  # children first
        q = p[level[i]]
        value[i] = q * value[high[i]] + (1.0 - q) * value[low[i]]
    reach = dict.fromkeys(nodes, 0.0)
    reach[root] = 1.0
    for i in reversed(nodes):  # parents first
        r, q = reach[i], p[level[i]]
        if high[i] > TRUE:
            reach[high[i]] += r * q
        if low[i] > TRUE:
            reach[low[i]] += r * (1.0 - q)
    if leaf == FALSE:
        score = {i: reach[i] * value[i] for i in nodes}
    else:
        score = {i: reach[i] * (1.0 - value[i]) for i in nodes}
    # Most at stake first, ties by number (the sort is stable, `nodes` ascend).
    cut = set(sorted(nodes, key=score.__getitem__, reverse=True)[keep:])
    memo: dict[int, int] = {FALSE: FALSE, TRUE: TRUE}
    node = bdd.node
    for i in nodes:  # children first
        memo[i] = leaf if i in cut else node(level[i], memo[low[i]], memo[high[i]])
    return memo[root]


def probability_interval(
    graph: Pdag,
    p: Sequence[float],
    keep_nodes: int = 20_000,
    deadline: float | None = None,
    compact_nodes: int = 2_000_000,
) -> ProbabilityInterval:
    """Bounds of P(top) for independent variables (`p[v - 1]`), see the module;
    TimeLimitHit past `deadline` (a `time.perf_counter()` value)."""
    graph = preprocess(graph)
    root = graph.root
    if isinstance(root, bool):
        value = 1.0 if root else 0.0
        return ProbabilityInterval(value, value, False)
    order = depth_first_order(graph)
    by_level = [0.0] * (max(order.values(), default=-1) + 1)
    for node, level in order.items():
        if node <= graph.variables:
            by_level[level] = p[node - 1]
    n = graph.variables
    if abs(root) <= n:
        q = p[abs(root) - 1]
        return (
            ProbabilityInterval(q, q, False)
            if root > 0
            else ProbabilityInterval(1 - q, 1 - q, False)
        )
    modules = graph.modules - {abs(root)}
    bounder = _Bounder(graph, order, by_level, keep_nodes, compact_nodes)
    bounder.bdd.deadline = deadline
    with recursion_room(len(order) + 10):
        for g in graph.reachable():
            bounder.add(g)
            lo, hi = bounder.bounds[g]
            if g in modules and lo == hi:  # exact: one variable from now on
                del bounder.bounds[g]
                bounder.variables.add(g)
                by_level[order[g]] = _probability(bounder.bdd, lo, by_level)
            check_deadline(deadline)
    bdd = bounder.bdd
    lo, hi = bounder.bounds[abs(root)]
    if root < 0:
        lo, hi = bdd.negate(hi), bdd.negate(lo)
    return ProbabilityInterval(
        _probability(bdd, lo, by_level), _probability(bdd, hi, by_level), bounder.pruned
    )


class _Bounder:
    """The lower and upper BDDs of the gates built so far (see the module)."""

    def __init__(
        self,
        graph: Pdag,
        order: dict[int, int],
        by_level: list[float],
        keep_nodes: int,
        compact_nodes: int,
    ) -> None:
        self.graph = graph
        self.variables: set[int] = set()
        """The modules read as variables (see the module)."""
        self.order = order
        self.by_level = by_level
        self.keep = keep_nodes
        self.compact = compact_nodes
        self.bdd = Bdd(None)
        self.bounds: dict[int, tuple[int, int]] = {}
        self.pruned = False
        self.uses: dict[int, int] = {}
        for g in graph.reachable():
            for i in graph.gate(g).inputs:
                if abs(i) > graph.variables:
                    self.uses[abs(i)] = self.uses.get(abs(i), 0) + 1

    def _input(self, i: int) -> tuple[int, int]:
        a = abs(i)
        if a <= self.graph.variables or a in self.variables:
            lo = hi = self.bdd.variable(self.order[a])
        else:
            lo, hi = self.bounds[a]
            self.uses[a] -= 1
            if self.uses[a] == 0:
                del self.bounds[a]  # no later gate reads it
        if i < 0:
            return self.bdd.negate(hi), self.bdd.negate(lo)
        return lo, hi

    def _pruned(self, f: int, leaf: int, before: int) -> int:
        """f pruned, when making it took more than `keep` new nodes (`before`: the
        manager's size before; pruning is optional, a bound either way)."""
        if len(self.bdd) - before <= self.keep:
            return f
        cut = _prune(self.bdd, f, self.by_level, self.keep, leaf)
        self.pruned |= cut != f
        # The memo of AND and OR holds pairs of nodes that are mostly cut away now: on
        # the 5,000-event tree of bench/bench_cutsets.py it grew by 200 MB in one gate.
        self.bdd.forget_operations()
        return cut

    def _combine(self, k: int, inputs: list[int], leaf: int) -> int:
        """at-least-k of `inputs`, pruned towards `leaf` after every step (each step is
        monotone, so the result stays a bound)."""
        bdd = self.bdd
        if k == 1 or k == len(inputs):
            operation = bdd.disjoin if k == 1 else bdd.conjoin
            result = inputs[0]
            for item in inputs[1:]:
                before = len(bdd)
                result = self._pruned(operation(result, item), leaf, before)
            return result
        memo: dict[tuple[int, int], int] = {}

        def vote(need: int, start: int) -> int:
            if need == 0:
                return TRUE
            if need > len(inputs) - start:
                return FALSE
            key = (need, start)
            if key not in memo:
                rest, without = vote(need - 1, start + 1), vote(need, start + 1)
                before = len(bdd)
                either = bdd.disjoin(bdd.conjoin(inputs[start], rest), without)
                memo[key] = self._pruned(either, leaf, before)
            return memo[key]

        return vote(k, 0)

    def add(self, g: int) -> None:
        gate = self.graph.gate(g)
        pairs = [self._input(i) for i in gate.inputs]
        bdd = self.bdd
        lo = self._combine(gate.k, [pair[0] for pair in pairs], FALSE)
        hi = self._combine(gate.k, [pair[1] for pair in pairs], TRUE)
        self.bounds[g] = (lo, hi)
        if len(bdd) > self.compact:
            self.bdd, self.bounds = _compact(bdd, self.bounds)
            self.bdd.deadline = bdd.deadline


def _compact(
    bdd: Bdd, bounds: dict[int, tuple[int, int]]
) -> tuple[Bdd, dict[int, tuple[int, int]]]:
    """The live bounds copied into a fresh manager."""
    fresh = Bdd(None)
    memo: dict[int, int] = {}
    copied = {
        g: (_copy(bdd, fresh, lo, memo, set(), FALSE), _copy(bdd, fresh, hi, memo, set(), FALSE))
        for g, (lo, hi) in bounds.items()
    }
    return fresh, copied
