"""Minimal cut sets: of a check (timed), and of a static fault tree.

A *cut set* of a check is a set of faults for which some onsets (in their
windows) violate the check; it is *minimal* when none of its proper subsets
is a cut set.  `timed_cut_sets` finds every minimal cut set up to an order by
asking the explicit engine about each fault set, smallest first: a set is
minimal exactly when it violates and contains no minimal cut set already
found (a violating proper subset would contain one), so the sets that contain
one are never simulated.  This holds whether or not the check is monotone in
its faults.  Each cut set comes with its canonical violating scenario.

`static_cut_sets` computes the minimal cut sets of a coherent fault tree
(`fault_tree.py`) bottom up: each gate's family of minimal cut sets is built
from its inputs' families (OR: union, AND: pairwise unions, at-least-k: the
recurrence atleast(k, x :: rest) = x · atleast(k-1, rest) + atleast(k, rest)),
every set longer than the order limit is dropped as soon as it appears, and
subsumed sets are removed at every gate.  Families are sets of sorted tuples
of fault numbers; the subsumption test enumerates the proper subsets of a
candidate while that is cheap and otherwise looks candidates up through an
index from each fault to the kept sets that contain it.  The family type is
private to this module, so a decision-diagram implementation can replace it
without touching the callers.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from failspec.checker import ir
from failspec.checker.explicit import canonical_for_fault_set
from failspec.checker.fault_tree import FaultTree

CutSet = tuple[int, ...]
"""Fault numbers, ascending."""


@dataclass(frozen=True, slots=True)
class Witness:
    """The canonical violating scenario of one cut set: its violation instant (seconds)
    and the onset of each of its faults, in the order of the cut set."""

    violation_at: int
    onsets: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TimedCutSets:
    """Every minimal cut set of `check` of at most `max_order` faults, sorted by order
    then fault numbers, each with its witness.  `complete` is False when the search
    ran out of time: then `cut_sets` holds those found before, and more may exist.
    A cut set `()` means the check is violated with no fault at all (it is then the
    only one)."""

    max_order: int
    candidates: tuple[int, ...]
    """The faults the hypothesis selects that can occur (non-empty onset window)."""
    cut_sets: tuple[CutSet, ...]
    witnesses: tuple[Witness, ...]
    complete: bool = True


def timed_cut_sets(
    model: ir.Model,
    check: ir.Check,
    max_order: int | None = None,
    deadline: float | None = None,
) -> TimedCutSets:
    """Return every minimal cut set of `check` of at most `max_order` faults (default:
    the hypothesis' bound).  `deadline` is a `time.perf_counter()` value."""
    order = check.at_most if max_order is None else max_order
    candidates = tuple(n for n in check.faults if model.fault(n).earliest <= model.fault(n).latest)
    found: list[CutSet] = []
    witnesses: list[Witness] = []
    try:
        for size in range(min(order, len(candidates)) + 1):
            for numbers in itertools.combinations(candidates, size):
                if _contains_any(numbers, found):
                    continue
                if deadline is not None and time.perf_counter() > deadline:
                    raise TimeoutError
                best = canonical_scenario(model, check, numbers, deadline)
                if best is not None:
                    found.append(numbers)
                    witnesses.append(Witness(best[0], best[2]))
            if found and found[0] == ():
                break
    except TimeoutError:
        return TimedCutSets(order, candidates, tuple(found), tuple(witnesses), complete=False)
    return TimedCutSets(order, candidates, tuple(found), tuple(witnesses))


def canonical_scenario(
    model: ir.Model, check: ir.Check, numbers: CutSet, deadline: float | None = None
) -> tuple[int, CutSet, tuple[int, ...]] | None:
    """The canonical violating scenario of exactly the faults `numbers`, or None."""
    return canonical_for_fault_set(model, check, numbers, deadline)


def _contains_any(numbers: CutSet, cut_sets: list[CutSet]) -> bool:
    members = set(numbers)
    return any(members.issuperset(c) for c in cut_sets)


# --- static ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaticCutSets:
    """The minimal cut sets of a fault tree of at most `max_order` faults, sorted by
    order then fault numbers.  `truncated` is True when some cut set of the tree was
    longer than `max_order` and was dropped (the list is then the tree's minimal cut
    sets up to that order, and an exact probability from them is a lower bound)."""

    max_order: int
    cut_sets: tuple[CutSet, ...]
    truncated: bool


@dataclass
class _Family:
    """A set of minimal cut sets (sorted tuples) with at most `limit` members each."""

    limit: int
    sets: set[CutSet] = field(default_factory=set)
    truncated: bool = False


def static_cut_sets(tree: FaultTree, max_order: int) -> StaticCutSets:
    """Return the minimal cut sets of `tree` of at most `max_order` faults."""
    if max_order < 0:
        raise ValueError("the order limit must be at least 0")
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
        result = _Family(max_order, {()})
    elif top is False:
        result = _Family(max_order)
    else:
        result = family_of(top)
    return StaticCutSets(max_order, tuple(sorted(result.sets, key=_order_key)), result.truncated)


def _order_key(cut_set: CutSet) -> tuple[int, CutSet]:
    return (len(cut_set), cut_set)


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
