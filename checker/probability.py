"""The probability of a check's violation (a fault tree's top event) from its cut sets.

Each fault is an independent basic event.  Its probability over the mission
is its `probability P`, or, for `rate R per UNIT` and a mission of t seconds,
p = 1 - exp(-λ·t) with λ in the same time unit (a constant failure rate).

- `rare_event` is the rare-event approximation: the sum over the minimal cut
  sets of the product of their faults' probabilities.  It counts the
  overlap of two cut sets twice, so it is an upper bound of the exact value,
  close to it when every probability is small; a sum above 1 is reported as
  1 (as SCRAM does).
- `exact` is P(some cut set has all its faults), computed on a binary
  decision diagram of the OR of the cut sets (variables in fault-number
  order), with Shannon expansion: P(f) = p·P(f|x) + (1 - p)·P(f|¬x).  It is
  exact for the given cut sets; when they were truncated at an order limit,
  it is a lower bound of the whole tree's value.  The diagram is bounded
  (`max_nodes`); past the bound `exact` returns None.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from failspec.checker import ir

SECONDS_PER_HOUR = 3600


def fault_probability(fault: ir.Fault, mission_seconds: int | None) -> float | None:
    """The fault's probability over the mission, or None when it has neither a
    probability nor a rate, or has a rate and no mission was given."""
    if fault.probability is not None:
        return float(fault.probability)
    if fault.rate_per_hour is not None and mission_seconds is not None:
        return -math.expm1(-float(fault.rate_per_hour) * mission_seconds / SECONDS_PER_HOUR)
    return None


def fault_probabilities(
    model: ir.Model, numbers: Sequence[int], mission_seconds: int | None
) -> tuple[dict[int, float], list[int]]:
    """Probabilities of the faults `numbers`, and the numbers that have none."""
    known: dict[int, float] = {}
    missing: list[int] = []
    for n in numbers:
        p = fault_probability(model.fault(n), mission_seconds)
        if p is None:
            missing.append(n)
        else:
            known[n] = p
    return known, missing


def rare_event(cut_sets: Sequence[tuple[int, ...]], p: Mapping[int, float]) -> float:
    """Σ over the cut sets of Π of their faults' probabilities (the empty set counts 1),
    capped at 1 as SCRAM caps it."""
    return min(1.0, math.fsum(math.prod(p[n] for n in cut_set) for cut_set in cut_sets))


def exact(
    cut_sets: Sequence[tuple[int, ...]], p: Mapping[int, float], max_nodes: int = 1_000_000
) -> float | None:
    """P(at least one cut set occurs), or None if the diagram outgrows `max_nodes`."""
    bdd = _Bdd(max_nodes)
    try:
        root = _FALSE
        # Highest first variables first: each new cube then mostly joins at the top.
        for cut_set in sorted(cut_sets, key=lambda c: (c[:1], c), reverse=True):
            cube = _TRUE
            for n in sorted(cut_set, reverse=True):
                cube = bdd.node(n, _FALSE, cube)
            root = bdd.disjoin(root, cube)
    except (_TooLarge, RecursionError):
        return None
    return bdd.probability(root, p)


_FALSE = 0
_TRUE = 1


class _TooLarge(Exception):
    pass


class _Bdd:
    """A reduced ordered BDD: node i > 1 is (variable, low, high); 0 and 1 are the leaves."""

    def __init__(self, max_nodes: int) -> None:
        self.nodes: list[tuple[int, int, int]] = [(0, 0, 0), (0, 1, 1)]
        self.unique: dict[tuple[int, int, int], int] = {}
        self.or_cache: dict[tuple[int, int], int] = {}
        self.max_nodes = max_nodes

    def node(self, variable: int, low: int, high: int) -> int:
        if low == high:
            return low
        key = (variable, low, high)
        found = self.unique.get(key)
        if found is None:
            if len(self.nodes) >= self.max_nodes:
                raise _TooLarge
            found = len(self.nodes)
            self.nodes.append(key)
            self.unique[key] = found
        return found

    def disjoin(self, a: int, b: int) -> int:
        if a == _TRUE or b == _TRUE:
            return _TRUE
        if a == _FALSE or a == b:
            return b
        if b == _FALSE:
            return a
        if a > b:
            a, b = b, a
        key = (a, b)
        cached = self.or_cache.get(key)
        if cached is not None:
            return cached
        va, la, ha = self.nodes[a]
        vb, lb, hb = self.nodes[b]
        if va == vb:
            result = self.node(va, self.disjoin(la, lb), self.disjoin(ha, hb))
        elif va < vb:
            result = self.node(va, self.disjoin(la, b), self.disjoin(ha, b))
        else:
            result = self.node(vb, self.disjoin(a, lb), self.disjoin(a, hb))
        self.or_cache[key] = result
        return result

    def probability(self, root: int, p: Mapping[int, float]) -> float:
        values: dict[int, float] = {_FALSE: 0.0, _TRUE: 1.0}
        stack = [root]
        while stack:
            i = stack[-1]
            if i in values:
                stack.pop()
                continue
            variable, low, high = self.nodes[i]
            pending = [c for c in (low, high) if c not in values]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            q = p[variable]
            values[i] = q * values[high] + (1.0 - q) * values[low]
        return values[root]
