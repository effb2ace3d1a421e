"""Minimal cut sets of a PDAG up to an order limit K, without its BDD: the static
analysis' way on when the BDDs are out of reach (`static_analysis.analyse`),
for coherent and non-coherent trees alike.

A cut set of a non-coherent tree is SCRAM's: a minimal set S of basic events such
that the top fails with the members of S failed and every other event working
(the point 1_S).  Each gate g, in each polarity its parents read it in, gets a
family F(g) of *products*, sets of literals (x or ¬x) with no variable twice,
whose sum is g (negation normal form: ¬AND is the OR of the negated inputs, ¬OR
the AND, ¬atleast(k, n inputs) = atleast(n − k + 1, the negated inputs)); a
family is a ZBDD whose variables are the literals (x at level 2o, ¬x at 2o + 1
for the o-th variable of the depth-first order), and an antichain (a product
that contains another implies it and is dropped).  OR is the union, AND the
pairwise consistent unions, at-least-k the vote recurrence
atleast(k, x :: rest) = x · atleast(k − 1, rest) + atleast(k, rest).

Each literal ℓ of a gate gets a *budget* B(ℓ) of positive literals (`_budgets`):
K at the root; an OR passes its own to its inputs; an AND's input i gets the
AND's minus the least positive literals (`_least`) of a greedy choice of other
inputs whose variables are disjoint from i's and from one another (a vote's,
when all its other inputs are disjoint from i, minus their least); a gate read
by several gets the largest.  Products with more positive literals than their
gate's budget are dropped as they appear, and a product whose positive part
has reached the budget keeps none of its negative literals.

Why the positive parts of the root's family, reduced to the minimal ones, are
exactly the minimal cut sets of at most K events:

1. For any sum of consistent products (P_i, N_i) (P positive, N negative
   literals, P ∩ N = ∅) equal to f, the minimal sets S with f(1_S) = 1 are the
   minimal sets among the P_i.  f(1_S) holds iff some P_i ⊆ S with N_i ∩ S = ∅;
   P_i itself is then such a point (N_i ∩ P_i = ∅), so a minimal S is some P_i,
   and each minimal P_i is a point whose proper subsets contain no P_j.
2. Only the products that end in a root product Π of at most K positive
   literals matter, and such a Π holds a product of ℓ and, for each AND on the way
   up, one of each sibling counted in the budget: those are disjoint from ℓ's
   variables and from one another, so Π has at least |P| + (K − B(ℓ)) positive
   literals: |P| ≤ B(ℓ).  And a product dropped from a family leaves out only
   longer products up the way: an OR's products are its inputs', an AND's
   positive part holds each input's, and the subsets of a product are no longer.
   So minimal(A ∪ B) and minimal(A × B) keep every short product of the whole
   sums: by induction over the gates, no product that could end in such a Π is
   lost (a longer one kept does no harm: it is still a product of the gate).
3. When |P| = B(ℓ), Π's positive literals are P and the counted siblings', none
   of them a variable of ℓ, so ¬y ∈ N (y is ℓ's, not in P) never meets y in Π:
   dropping N leaves every such Π consistent or not as it was, with the same
   positive part.
4. Absorption keeps the minimal positive parts: when t ⊆ t', every Π made with
   t' has one made with t in the same place, with a positive part within it, and
   consistent when it is.

Whether a longer minimal cut set exists: no, when no product was ever dropped
for its length (the families are then the whole sums); otherwise Z3 decides it
(a fresh context): is there a set of events that fails the top and contains none
of the cut sets found?  Its minimal failing subsets are then all longer.

Every operation counts the diagram nodes it makes and the memo entries it fills
against one budget (DiagramTooLarge past it): a count, so the outcome is the
same on every machine.  Negated events make products long in negative literals:
das9701's (992 NOT gates) pass the budget at order 2 already, while nus9601's
(coherent) cut sets of order ≤ 4 take about 250,000 steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from failspec.checker.decision_diagrams import (
    FALSE,
    TRUE,
    DiagramTooLarge,
    Zbdd,
    check_deadline,
    recursion_room,
)
from failspec.checker.pdag import Pdag, depth_first_order, fails_outside, preprocess

CutSet = tuple[int, ...]

MAX_STEPS = 600_000
"""The most diagram nodes and memo entries the search may make on a coherent graph
before it gives up (DiagramTooLarge): a count, so that the outcome never depends on
the machine.  nus9601's cut sets of order <= 4 take between 200,000 and 300,000."""

NON_COHERENT_STEPS = 150_000
"""The same for a graph with negations, whose products carry their negated events: on
das9701 (992 NOT gates) order 2 had not come after 60 s and order 4 passes 3 million
in 8.5 s, so the attempt is kept short (half a second there)."""


class TruncatedCutSets(NamedTuple):
    """The minimal cut sets of at most `max_order` events (variable numbers, sorted by
    length then variables), and whether a longer minimal cut set exists (exactly)."""

    cut_sets: list[CutSet]
    truncated: bool


def truncated_cut_sets(
    graph: Pdag, max_order: int, deadline: float | None = None, max_steps: int | None = None
) -> TruncatedCutSets:
    """The minimal cut sets (SCRAM's, see the module) of `graph`'s root gate of at most
    `max_order` events.  Raise DiagramTooLarge past `max_steps` nodes and memo entries
    (default: MAX_STEPS, or NON_COHERENT_STEPS for a graph with negations),
    TimeLimitHit past `deadline` (a `time.perf_counter()` value)."""
    if max_steps is None:
        max_steps = MAX_STEPS if graph.coherent else NON_COHERENT_STEPS
    graph = preprocess(graph)
    root = graph.root
    assert not isinstance(root, bool) and graph.is_gate(abs(root))
    order = depth_first_order(graph)
    variables = sorted((v for v in order if v <= graph.variables), key=order.__getitem__)
    level_of = {v: 2 * position for position, v in enumerate(variables)}
    families = _Families(max_steps, deadline)
    with recursion_room(2 * len(variables) + 10):
        top = _Builder(graph, families, level_of, max_order).literal(root)
        positive = families.minimal(families.positive_part(top))
        label = [variables[level // 2] for level in range(2 * len(variables))]
        found = sorted(families.zbdd.sets(positive, label), key=lambda c: (len(c), c))
    truncated = families.dropped and fails_outside(graph, found)
    return TruncatedCutSets(found, truncated)


class _Builder:
    """The family of each (gate, polarity) the root reads, each within its own budget
    (see `_budgets`), inputs first."""

    def __init__(
        self, graph: Pdag, families: _Families, level_of: dict[int, int], limit: int
    ) -> None:
        self.graph = graph
        self.families = families
        self.level_of = level_of
        self.limit = limit
        self.built: dict[int, int] = {}

    def literal(self, root: int) -> int:
        """The family of the literal `root`."""
        graph = self.graph
        gates = graph.reachable()
        needed = _polarities(graph, gates, root)
        budget = _budgets(graph, gates, needed, root, self.limit)
        for g in gates:
            for i in needed.get(g, ()):
                gate = graph.gate(g)
                sign = 1 if i > 0 else -1
                limit = budget[i]
                inputs = [self._leaf_or_built(sign * j, limit) for j in gate.inputs]
                k = gate.k if i > 0 else len(gate.inputs) - gate.k + 1
                if limit < 0:  # no product of it is in a short enough cut set
                    self.families.dropped = True
                    self.built[i] = FALSE
                else:
                    self.built[i] = self.families.at_least(k, inputs, limit)
                check_deadline(self.families.deadline)
        return self._leaf_or_built(root, self.limit)

    def _leaf_or_built(self, i: int, limit: int) -> int:
        """The family of literal i, read by a gate whose products may have `limit`
        positive literals."""
        a = abs(i)
        if a > self.graph.variables:
            return self.built[i]
        if i > 0 and limit < 1:
            self.families.dropped = True
            return FALSE
        level = self.level_of[a] + (0 if i > 0 else 1)
        return self.families.zbdd.node(level, FALSE, TRUE)


def _polarities(graph: Pdag, gates: list[int], root: int) -> dict[int, list[int]]:
    """Gate -> the literals of it (g, −g or both) that the root's negation normal form
    reads."""
    needed: dict[int, set[int]] = {abs(root): {root}}
    for g in reversed(gates):  # parents first
        for i in needed.get(g, ()):
            sign = 1 if i > 0 else -1
            for j in graph.gate(g).inputs:
                if graph.is_gate(abs(j)):
                    needed.setdefault(abs(j), set()).add(sign * j)
    return {g: sorted(found, reverse=True) for g, found in needed.items()}


def _budgets(
    graph: Pdag, gates: list[int], needed: dict[int, list[int]], root: int, limit: int
) -> dict[int, int]:
    """Literal -> the most positive literals a product of its family may have and still
    be part of a product of the root's family of at most `limit`: an AND's input i is
    combined with a product of each other input, and the inputs whose variables are
    disjoint from i's (and from one another) bring at least their least number of
    positive literals each (`_least`), none of them i's."""
    n = graph.variables
    support: dict[int, int] = {}
    for g in gates:
        mask = 0
        for j in graph.gate(g).inputs:
            a = abs(j)
            mask |= support[a] if a > n else 1 << a
        support[g] = mask
    least = _least(graph, gates, needed, support)
    budget = {root: limit}

    def of(j: int) -> tuple[int, int]:
        a = abs(j)
        if a > n:
            return least[j], support[a]
        return (1 if j > 0 else 0), 1 << a

    for g in reversed(gates):  # parents first
        gate = graph.gate(g)
        for i in needed.get(g, ()):
            sign = 1 if i > 0 else -1
            inputs = [sign * j for j in gate.inputs]
            k = gate.k if i > 0 else len(inputs) - gate.k + 1
            mine = budget[i]
            facts = [of(j) for j in inputs]
            for position, j in enumerate(inputs):
                if abs(j) <= n:
                    continue
                _, own = facts[position]
                others = [f for q, f in enumerate(facts) if q != position]
                if k == len(inputs):
                    taken = _disjoint_sum(others, own)
                elif k > 1 and all(not (mask & own) for _, mask in others):
                    taken = min(count for count, _ in others)
                else:
                    taken = 0
                budget[j] = max(budget.get(j, -1), mine - taken)
    return budget


def _least(
    graph: Pdag, gates: list[int], needed: dict[int, list[int]], support: dict[int, int]
) -> dict[int, int]:
    """Literal -> a lower bound of the positive literals in each product of its family:
    an OR's (or a vote's) least input, an AND's sum over inputs with pairwise disjoint
    variables."""
    n = graph.variables
    least: dict[int, int] = {}
    for g in gates:
        gate = graph.gate(g)
        for i in needed.get(g, ()):
            sign = 1 if i > 0 else -1
            inputs = [sign * j for j in gate.inputs]
            k = gate.k if i > 0 else len(inputs) - gate.k + 1
            facts = [
                (least[j], support[abs(j)]) if abs(j) > n else ((1 if j > 0 else 0), 1 << abs(j))
                for j in inputs
            ]
            if k == len(inputs):
                least[i] = _disjoint_sum(facts, 0)
            else:
                least[i] = min(count for count, _ in facts)
    return least


def _disjoint_sum(facts: list[tuple[int, int]], taken: int) -> int:
    """The sum of the counts of a greedy choice (largest first) of `facts` (count,
    variables) whose variables are pairwise disjoint and disjoint from `taken`."""
    total = 0
    for count, mask in sorted(facts, key=lambda fact: -fact[0]):
        if count and not mask & taken:
            total += count
            taken |= mask
    return total


class _Families:
    """ZBDD operations on families of consistent products (see the module): level 2o
    is the o-th variable's positive literal, 2o + 1 its negative one."""

    def __init__(self, max_steps: int, deadline: float | None) -> None:
        self.zbdd = Zbdd(max_steps, deadline)
        self.deadline = deadline
        self.max_steps = max_steps
        self.dropped = False
        """Whether a product was dropped for its length somewhere."""
        self._union: dict[tuple[int, int], int] = {}
        self._product: dict[tuple[int, int, int], int] = {}
        self._minimal: dict[int, int] = {FALSE: FALSE, TRUE: TRUE}
        self._short: dict[tuple[int, int], int] = {}
        self._positive: dict[int, int] = {FALSE: FALSE, TRUE: TRUE}
        self._negative_only: dict[int, int] = {FALSE: FALSE, TRUE: TRUE}

    def _count(self) -> None:
        z = self.zbdd
        steps = len(self._union) + len(self._product) + len(self._minimal) + len(self._short)
        steps += len(self._negative_only) + len(self._positive)
        if steps + len(z) + len(z._without) > self.max_steps:
            raise DiagramTooLarge

    def at_least(self, k: int, inputs: Sequence[int], limit: int) -> int:
        """The minimal family of 'at least k of `inputs`' (families), products of more
        than `limit` positive literals dropped."""
        if k == 1:
            result = FALSE
            for f in inputs:
                result = self.union(result, f)
            return self.minimal(result)
        if k == len(inputs):
            result = TRUE
            for f in inputs:
                result = self.minimal(self.product(result, f, limit))
            return result
        memo: dict[tuple[int, int], int] = {}

        def vote(need: int, start: int) -> int:
            if need == 0:
                return TRUE
            if need > len(inputs) - start:
                return FALSE
            key = (need, start)
            found = memo.get(key)
            if found is None:
                with_first = self.product(inputs[start], vote(need - 1, start + 1), limit)
                found = self.minimal(self.union(with_first, vote(need, start + 1)))
                memo[key] = found
            return found

        return vote(k, 0)

    def union(self, f: int, g: int) -> int:
        if f == g or g == FALSE:
            return f
        if f == FALSE:
            return g
        if f > g:
            f, g = g, f
        key = (f, g)
        found = self._union.get(key)
        if found is None:
            z = self.zbdd
            lf, lg = z.level[f], z.level[g]
            if lf < lg:
                found = z.node(lf, self.union(z.low[f], g), z.high[f])
            elif lf > lg:
                found = z.node(lg, self.union(f, z.low[g]), z.high[g])
            else:
                found = z.node(lf, self.union(z.low[f], z.low[g]), self.union(z.high[f], z.high[g]))
            self._union[key] = found
            if not len(self._union) & 0xFFF:
                self._count()
        return found

    def minimal(self, f: int) -> int:
        """The sets of `f` that contain no other set of `f`."""
        found = self._minimal.get(f)
        if found is None:
            z = self.zbdd
            low = self.minimal(z.low[f])
            high = z.without(self.minimal(z.high[f]), low)
            found = z.node(z.level[f], low, high)
            self._minimal[f] = found
            if not len(self._minimal) & 0xFFF:
                self._count()
        return found

    def short(self, f: int, k: int) -> int:
        """The sets of `f` with at most `k` positive literals (with k = 0, see
        `negative_only`)."""
        if f <= TRUE:
            return f
        if k == 0:
            return self.negative_only(f)
        key = (f, k)
        found = self._short.get(key)
        if found is None:
            z = self.zbdd
            level = z.level[f]
            low = self.short(z.low[f], k)
            k_high = k if level & 1 else k - 1
            high = self.short(z.high[f], k_high)
            found = z.node(level, low, high)
            self._short[key] = found
        return found

    def product(self, f: int, g: int, k: int) -> int:
        """The consistent unions of a set of `f` and one of `g` with at most `k` positive
        literals (not reduced to the minimal ones; with k = 0, see `negative_only`)."""
        if f == FALSE or g == FALSE:
            return FALSE
        if f == TRUE:
            return self.short(g, k)
        if g == TRUE:
            return self.short(f, k)
        if k == 0:
            return self.negative_only(f) if self.negative_only(g) == TRUE else FALSE
        if f > g:
            f, g = g, f
        key = (f, g, k)
        found = self._product.get(key)
        if found is None:
            found = self._product_of(f, g, k)
            self._product[key] = found
            if not len(self._product) & 0xFFF:
                self._count()
        return found

    def _product_of(self, f: int, g: int, k: int) -> int:
        z = self.zbdd
        level = min(z.level[f], z.level[g])
        f0, f1 = (z.low[f], z.high[f]) if z.level[f] == level else (f, FALSE)
        g0, g1 = (z.low[g], z.high[g]) if z.level[g] == level else (g, FALSE)
        low = self.product(f0, g0, k)
        if level & 1:  # ¬x: no set below holds x (its level is smaller)
            high = self.union(self.product(f1, self.union(g0, g1), k), self.product(f0, g1, k))
        else:  # x: the partners of a set with x must not hold ¬x (level + 1)
            f0 = self._without_literal(f0, level + 1)
            g0 = self._without_literal(g0, level + 1)
            high = self.union(
                self.product(f1, self.union(g0, g1), k - 1),
                self.product(f0, g1, k - 1),
            )
        return z.node(level, low, high)

    def negative_only(self, f: int) -> int:
        """{∅} (TRUE) when some set of `f` has no positive literal, else the empty
        family: a product whose positive part has used up its budget keeps none of its
        negative literals (the module's step 3)."""
        found = self._negative_only.get(f)
        if found is None:
            z = self.zbdd
            level, low = z.level[f], z.low[f]
            if level & 1:
                found = self.negative_only(low)
                if found != TRUE:
                    found = self.negative_only(z.high[f])
            else:  # the sets with the positive literal are too long
                self.dropped = True
                found = self.negative_only(low)
            self._negative_only[f] = found
        return found

    def _without_literal(self, f: int, level: int) -> int:
        """The sets of `f` without the literal at `level`, f's level being `level` or
        more."""
        z = self.zbdd
        return z.low[f] if f > TRUE and z.level[f] == level else f

    def positive_part(self, f: int) -> int:
        """The sets of `f` with their negative literals removed."""
        found = self._positive.get(f)
        if found is None:
            z = self.zbdd
            level = z.level[f]
            low, high = self.positive_part(z.low[f]), self.positive_part(z.high[f])
            found = self.union(low, high) if level & 1 else z.node(level, low, high)
            self._positive[f] = found
        return found
