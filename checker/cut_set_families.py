"""Static minimal cut sets bottom up, for trees whose BDD is too large.

`cut_sets.static_cut_sets` works on decision diagrams; a tree whose BDD
outgrows the node budget (a wide random tree of 1,000 basic events, asked
for its pairs) comes here instead.  Each gate's family of minimal cut sets is
built from its inputs' families (OR: union, AND: pairwise unions, at-least-k:
atleast(k, x :: rest) = x · atleast(k-1, rest) + atleast(k, rest)), every set
longer than the order limit is dropped as soon as it appears, and subsumed
sets are removed at every gate.  Families are sets of sorted tuples of fault
numbers; the subsumption test enumerates the proper subsets of a candidate
while that is cheap and otherwise looks candidates up through an index from
each fault to the kept sets that contain it.

A dropped set need not have been minimal, so when some set was dropped,
whether a minimal cut set is longer than the limit is asked of Z3 (a fresh
context): is there a set of faults that fails the top and contains none of
the kept cut sets?  Its minimal failing subsets are then all longer.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from failspec.checker.fault_tree import FaultTree

CutSet = tuple[int, ...]


def bottom_up_cut_sets(tree: FaultTree, max_order: int) -> tuple[set[CutSet], bool]:
    """The minimal cut sets of `tree` of at most `max_order` faults, and whether some
    minimal cut set is longer (exactly)."""
    families: dict[str, _Family] = {}

    def family_of(item: int | str) -> _Family:
        if isinstance(item, str):
            return families[item]
        if max_order < 1:
            return _Family(max_order, set(), truncated=True)
        return _Family(max_order, {(item,)})

    for gate in tree.gates:
        inputs = [family_of(i) for i in gate.inputs]
        families[gate.name] = _at_least(gate.k, inputs, max_order)
    top = tree.top
    if top is True:
        return {()}, False
    if top is False:
        return set(), False
    result = family_of(top)
    return result.sets, result.truncated and _fails_outside(tree, result.sets)


def _fails_outside(tree: FaultTree, kept: set[CutSet]) -> bool:
    """Whether some set of faults fails the top and contains no set of `kept`."""
    import z3  # loaded only when a truncated family must be checked

    context = z3.Context()
    present: dict[int, z3.BoolRef] = {n: z3.Bool(f"f{n}", context) for n in tree.events()}
    value: dict[int | str, z3.BoolRef] = {n: present[n] for n in present}
    for gate in tree.gates:
        inputs = [value[i] for i in gate.inputs]
        if gate.k == 1:
            value[gate.name] = z3.Or(*inputs)
        elif gate.k == len(inputs):
            value[gate.name] = z3.And(*inputs)
        else:
            value[gate.name] = z3.AtLeast(*inputs, gate.k)
    solver = z3.Solver(ctx=context)
    assert not isinstance(tree.top, bool)
    solver.add(value[tree.top])
    for cut_set in kept:
        solver.add(z3.Not(z3.And(*(present[n] for n in cut_set), context)))
    return bool(solver.check() == z3.sat)


@dataclass
class _Family:
    """A set of minimal cut sets (sorted tuples) with at most `limit` members each."""

    limit: int
    sets: set[CutSet] = field(default_factory=set)
    truncated: bool = False


def _at_least(k: int, inputs: list[_Family], limit: int) -> _Family:
    if k == 1:
        return _union(inputs, limit)
    if k == len(inputs):
        result = inputs[0]
        for other in inputs[1:]:
            result = _product(result, other, limit)
        return result
    # atleast(k, [x, *rest]) = x · atleast(k-1, rest) + atleast(k, rest), memoised on
    # (k, position): O(k · n) products instead of C(n, k).
    memo: dict[tuple[int, int], _Family] = {}

    def vote(need: int, start: int) -> _Family:
        if need == 0:
            return _Family(limit, {()})
        if need > len(inputs) - start:
            return _Family(limit)
        key = (need, start)
        if key not in memo:
            with_first = _product(inputs[start], vote(need - 1, start + 1), limit)
            memo[key] = _union([with_first, vote(need, start + 1)], limit)
        return memo[key]

    return vote(k, 0)


def _union(families: Iterable[_Family], limit: int) -> _Family:
    pool: set[CutSet] = set()
    truncated = False
    for family in families:
        pool |= family.sets
        truncated |= family.truncated
    return _Family(limit, _minimize(pool), truncated)


def _product(a: _Family, b: _Family, limit: int) -> _Family:
    truncated = a.truncated or b.truncated
    pool: set[CutSet] = set()
    small, large = (a.sets, b.sets) if len(a.sets) <= len(b.sets) else (b.sets, a.sets)
    for x in small:
        members = set(x)
        for y in large:
            if not y:
                merged = x
            elif len(y) == 1:
                merged = x if y[0] in members else tuple(sorted((*x, y[0])))
            else:
                merged = tuple(sorted(members.union(y)))
            if len(merged) > limit:
                truncated = True
            else:
                pool.add(merged)
    return _Family(limit, _minimize(pool), truncated)


_SUBSET_ENUMERATION_LIMIT = 64
"""Enumerate a candidate's proper subsets when there are at most this many."""


def _minimize(pool: set[CutSet]) -> set[CutSet]:
    """Remove every set that has a proper subset in `pool`."""
    if len(pool) < 2:
        return set(pool)
    ordered = sorted(pool, key=len)
    if not ordered[0]:
        return {()}
    kept: set[CutSet] = set()
    kept_lengths: set[int] = set()
    containing: dict[int, list[frozenset[int]]] = {}
    for candidate in ordered:
        n = len(candidate)
        shorter = [length for length in kept_lengths if length < n]
        if not shorter:
            subsumed = False
        elif sum(_binomial(n, length) for length in shorter) <= _SUBSET_ENUMERATION_LIMIT:
            subsumed = any(
                sub in kept
                for length in shorter
                for sub in itertools.combinations(candidate, length)
            )
        else:
            members = frozenset(candidate)
            subsumed = any(
                other <= members for event in candidate for other in containing.get(event, ())
            )
        if subsumed:
            continue
        kept.add(candidate)
        kept_lengths.add(n)
        frozen = frozenset(candidate)
        for event in candidate:
            containing.setdefault(event, []).append(frozen)
    return kept


def _binomial(n: int, k: int) -> int:
    result = 1
    for i in range(k):
        result = result * (n - i) // (i + 1)
    return result
