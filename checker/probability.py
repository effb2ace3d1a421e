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
  decision diagram (`decision_diagrams.py`) of the OR of the cut sets: the
  zero-suppressed diagram of the family, then the BDD of its upward closure,
  then Shannon expansion P(f) = p·P(f|x) + (1 - p)·P(f|¬x).  It is exact for
  the given cut sets; when they were truncated at an order limit, it is a
  lower bound of the whole tree's value.  Past a node budget it is None.

The exact probability of a static tree itself (whatever the order limit) is
the static analysis' (`static_analysis.py`), on the tree's modular BDDs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from failspec.checker import ir
from failspec.checker.decision_diagrams import DiagramTooLarge, probability_of_sets

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
    """P(at least one cut set occurs): exact for these cut sets (a lower bound of a
    tree's value when its cut sets were truncated at an order limit); None if the
    diagrams outgrow `max_nodes` nodes."""
    try:
        return probability_of_sets(cut_sets, p, max_nodes)
    except DiagramTooLarge:
        return None


def timed_probability(
    model: ir.Model, cut_sets: Sequence[tuple[int, ...]], mission: int | None
) -> dict[str, Any] | None:
    """The probability of a timed check's violation from its cut sets, as the cut-set
    report gives it: rare-event, and exact over the cut sets listed (never a lower
    bound here: timed cut sets are not cut off by an order limit below the
    hypothesis' bound).  None when no fault of a cut set has a probability or a
    rate and no mission is given; `missing` names the faults without one."""
    numbers = sorted({n for c in cut_sets for n in c})
    informed = [
        n
        for n in numbers
        if model.fault(n).probability is not None or model.fault(n).rate_per_hour is not None
    ]
    if not informed and mission is None:
        return None
    p, missing = fault_probabilities(model, numbers, mission)
    result: dict[str, Any] = {
        "mission_seconds": mission,
        "rare_event": None,
        "exact": None,
        "exact_is_lower_bound": False,
        "missing": [model.fault(n).label for n in missing],
    }
    if not missing:
        result["rare_event"] = rare_event(cut_sets, p)
        result["exact"] = exact(cut_sets, p)
    return result
