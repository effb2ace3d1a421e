"""Minimal cut sets of a coherent PDAG bottom up, cut at an order limit: the static
analysis' way on when its BDDs outgrow their budget (`static_analysis.analyse`).

The BDD of a tree does not depend on the order limit, so a wide tree asked for
its pairs can have a BDD far past the budget while its pairs are few (the
random 5,000-event tree of `bench/bench_cutsets.py`: 2,587 pairs).  Here each
gate's family of minimal cut sets comes from its inputs' families (OR: union,
AND: pairwise unions, at-least-k: atleast(k, x :: rest) = x · atleast(k-1, rest)
+ atleast(k, rest)), every set longer than the limit dropped as soon as it
appears (in a coherent graph a superset of a set that is too long is too long
too, so the sets kept are exactly the minimal ones within the limit), subsumed
sets removed at every gate.  Families are sets of sorted tuples of variables;
the subsumption test enumerates the proper subsets of a candidate while that
is cheap and otherwise looks candidates up through an index from each variable
to the kept sets that contain it.

A dropped set need not have been minimal, so when some set was dropped,
whether a minimal cut set is longer than the limit is asked of Z3 (a fresh
context): is there a set of variables that fails the root and contains none of
the kept cut sets?  Its minimal failing subsets are then all longer.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import NamedTuple

from failspec.checker.decision_diagrams import DiagramTooLarge, check_deadline
from failspec.checker.pdag import Pdag, fails_outside

CutSet = tuple[int, ...]

MAX_UNIONS = 4_000_000
"""The most unions of two sets the products may form before the search gives up
(DiagramTooLarge), when the BDDs did not fit either: a count, so that the outcome never
depends on the machine.  The random 5,000-event tree's pairs take 240,000 (under a
second), Baobab1's sets of order <= 6 take 3.6 million (4 s); nus9601's sets of order
<= 4 had not come after 76 million (40 s), and pass this budget in under 5 s (10
million, the budget before, took 13 s of its 60)."""


class OrderLimitedFamilies(NamedTuple):
    """The minimal cut sets of at most `max_order` variables (sorted by length then
    variables), and whether a longer minimal cut set exists (exactly)."""

    cut_sets: list[CutSet]
    truncated: bool


def order_limited_cut_sets(
    graph: Pdag, max_order: int, deadline: float | None = None, max_unions: int = MAX_UNIONS
) -> OrderLimitedFamilies:
    """The minimal cut sets of the coherent `graph`'s root gate up to `max_order`.
    Raise DiagramTooLarge past `max_unions` unions of two sets, TimeLimitHit past
    `deadline` (a `time.perf_counter()` value)."""
    n = graph.variables
    families: dict[int, _Family] = {}
    work = _Work(deadline, max_unions)

    def family_of(node: int) -> _Family:
        if node > n:
            return families[node]
        if max_order < 1:
            return _Family(set(), truncated=True)  # (v) is longer than the limit
        return _Family({(node,)})

    for g in graph.reachable():
        gate = graph.gate(g)
        inputs = [family_of(i) for i in gate.inputs]
        families[g] = _at_least(gate.k, inputs, max_order, work)
    root = graph.root
    assert not isinstance(root, bool) and root > 0
    result = family_of(root)
    found = sorted(result.sets, key=lambda c: (len(c), c))
    return OrderLimitedFamilies(found, result.truncated and fails_outside(graph, found))


class _Work:
    """The unions formed so far, against their budget, and the deadline."""

    def __init__(self, deadline: float | None, max_unions: int) -> None:
        self.unions = 0
        self.deadline = deadline
        self.max_unions = max_unions

    def add(self, unions: int) -> None:
        self.unions += unions
        if self.unions > self.max_unions:
            raise DiagramTooLarge
        check_deadline(self.deadline)


class _Family(NamedTuple):
    """A set of minimal cut sets (sorted tuples) with at most the limit's members, and
    whether a longer set was dropped on the way."""

    sets: set[CutSet]
    truncated: bool = False


def _at_least(k: int, inputs: list[_Family], limit: int, work: _Work) -> _Family:
    if k == 1:
        return _union(inputs)
    if k == len(inputs):
        result = inputs[0]
        for other in inputs[1:]:
            result = _product(result, other, limit, work)
        return result
    # atleast(k, [x, *rest]) = x · atleast(k-1, rest) + atleast(k, rest), memoised on
    # (k, position): O(k · n) products instead of C(n, k).
    memo: dict[tuple[int, int], _Family] = {}

    def vote(need: int, start: int) -> _Family:
        if need == 0:
            return _Family({()})
        if need > len(inputs) - start:
            return _Family(set())
        key = (need, start)
        if key not in memo:
            with_first = _product(inputs[start], vote(need - 1, start + 1), limit, work)
            memo[key] = _union([with_first, vote(need, start + 1)])
        return memo[key]

    return vote(k, 0)


def _union(families: Iterable[_Family]) -> _Family:
    pool: set[CutSet] = set()
    truncated = False
    for family in families:
        pool |= family.sets
        truncated |= family.truncated
    return _Family(_minimize(pool), truncated)


def _product(a: _Family, b: _Family, limit: int, work: _Work) -> _Family:
    truncated = a.truncated or b.truncated
    pool: set[CutSet] = set()
    small, large = (a.sets, b.sets) if len(a.sets) <= len(b.sets) else (b.sets, a.sets)
    # Each union is one of two frozensets, in C, and sorted only when kept.
    others = [frozenset(y) for y in large]
    for x in small:
        work.add(len(large))
        members = frozenset(x)
        for y in others:
            merged = members | y
            if len(merged) > limit:
                truncated = True
            else:
                pool.add(tuple(sorted(merged)))
    return _Family(_minimize(pool), truncated)


_SUBSET_ENUMERATION_LIMIT = 64
"""Enumerate a candidate's proper subsets when there are at most this many."""


def _minimize(pool: set[CutSet]) -> set[CutSet]:
    """Remove every set that has a proper subset in `pool`.  The candidates come
    shortest first, so the lengths kept below a candidate's are the same for all of
    its length: how to test them is chosen once a length, and an enumeration of
    subsets is looked up in C (`isdisjoint`; edf9203's bottom-up attempt spent 4.8 s
    of 6 s here, profiled, in a generator and the binomials a candidate)."""
    if len(pool) < 2:
        return set(pool)
    ordered = sorted(pool, key=len)
    if not ordered[0]:
        return {()}
    kept: set[CutSet] = set()
    kept_lengths: list[int] = []
    containing: dict[int, list[frozenset[int]]] | None = None  # built when first needed
    combinations, chain = itertools.combinations, itertools.chain.from_iterable
    for n, group in itertools.groupby(ordered, key=len):
        shorter = list(kept_lengths)  # every length kept so far is shorter than n
        enumerate_subsets = sum(_binomial(n, k) for k in shorter) <= _SUBSET_ENUMERATION_LIMIT
        if not enumerate_subsets and containing is None:  # from now on, the index
            containing = {}
            for c in kept:
                _index(containing, c)
        before = len(kept)
        for candidate in group:
            if not shorter:
                subsumed = False
            elif containing is None:  # few subsets: look each up
                subsumed = not kept.isdisjoint(chain(combinations(candidate, k) for k in shorter))
            else:
                members = frozenset(candidate)
                subsumed = any(
                    other <= members for event in candidate for other in containing.get(event, ())
                )
            if subsumed:
                continue
            kept.add(candidate)
            if containing is not None:
                _index(containing, candidate)
        if len(kept) > before:
            kept_lengths.append(n)
    return kept


def _index(containing: dict[int, list[frozenset[int]]], kept: CutSet) -> None:
    """Enter a kept set under each of its members."""
    frozen = frozenset(kept)
    for event in kept:
        containing.setdefault(event, []).append(frozen)


def _binomial(n: int, k: int) -> int:
    result = 1
    for i in range(k):
        result = result * (n - i) // (i + 1)
    return result
