"""Common-cause failure groups, expanded as SCRAM (0.16.2) expands them.

A group of n members with total probability Q each (its `distribution`)
becomes, for each level ℓ its model gives a probability Q_ℓ, one basic event
per combination of ℓ members (named `[A B]` after them, in member order, SCRAM's
name), and each member becomes the OR of the events of the combinations it is in.
The probabilities Q_ℓ of one combination of ℓ members, with C(n, k) the
binomial coefficient:

- `beta-factor` (one factor β, at level n): Q_1 = (1 − β)·Q, Q_n = β·Q;
- `MGL` (factors β_2 … β_m, the multiple Greek letters β, γ, δ, …; β_1 = 1):
  Q_ℓ = β_1…β_ℓ·(1 − β_{ℓ+1})·Q / C(n−1, ℓ−1), without the (1 − β_{m+1}) at ℓ = m;
- `alpha-factor` (α_1 … α_m): Q_ℓ = ℓ·α_ℓ·Q / (C(n−1, ℓ−1)·Σ_k k·α_k);
- `phi-factor` (φ_1 … φ_m, summing to 1): Q_ℓ = φ_ℓ·Q.

A factor without a `level` takes the level after the previous factor's (the
first: 1, 2 for MGL, n for beta-factor).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import NamedTuple

from failspec.spec.openpsa_model import CcfGroupDef
from failspec.spec.openpsa_xml import ImportError_


class CcfEvent(NamedTuple):
    """One combination's basic event: its name, its members (keys) and probability."""

    name: str
    group: str
    members: tuple[str, ...]
    probability: float


def factor_levels(group: CcfGroupDef) -> list[tuple[int, float | None]]:
    """The factors' levels (implicit levels filled in), values unset."""
    n = len(group.members)
    first = {"beta-factor": n, "MGL": 2}.get(group.model, 1)
    levels: list[tuple[int, float | None]] = []
    previous = 0
    for given, _expression in group.factors:
        level = given if given > 0 else (previous + 1 if previous else first)
        if level < first or level > n:
            raise ImportError_(
                f"{group.where()}: a factor of level {level} (levels {first} to {n} for "
                f"{group.model} with {n} members)"
            )
        levels.append((level, None))
        previous = level
    return levels


def expand_group(group: CcfGroupDef, evaluate: Callable[[object], float]) -> list[CcfEvent]:
    """The CCF events of `group`; `evaluate` gives an expression's value."""
    n = len(group.members)
    q = evaluate(group.distribution)
    levels = [level for level, _ in factor_levels(group)]
    values = [evaluate(e) for _, e in group.factors]
    by_level = dict(zip(levels, values, strict=True))
    if len(by_level) != len(levels):
        raise ImportError_(f"{group.where()}: a factor level is given twice")
    for value in values:
        if not 0 <= value <= 1:
            raise ImportError_(f"{group.where()}: the factor {value} is not in [0, 1]")
    probabilities = _level_probabilities(group, n, q, by_level)
    events: list[CcfEvent] = []
    for level, p in probabilities:
        for combination in itertools.combinations(group.members, level):
            name = "[" + " ".join(_base(m) for m in combination) + "]"
            events.append(CcfEvent(name, group.key, combination, p))
    return events


def _base(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def _level_probabilities(
    group: CcfGroupDef, n: int, q: float, factors: dict[int, float]
) -> list[tuple[int, float]]:
    top = max(factors)
    missing = [
        level for level in range({"MGL": 2}.get(group.model, 1), top + 1) if level not in factors
    ]
    if group.model == "beta-factor":
        beta = factors[n]
        return [(1, (1 - beta) * q), (n, beta * q)]
    if missing:
        raise ImportError_(f"{group.where()}: no factor for level {missing[0]}")
    if group.model == "MGL":
        result = []
        for i in range(top):
            product = math.prod(factors[j + 2] for j in range(i))
            if i < top - 1:
                product *= 1 - factors[i + 2]
            result.append((i + 1, product * q / math.comb(n - 1, i)))
        return result
    if group.model == "alpha-factor":
        total = math.fsum(level * a for level, a in factors.items())
        if total == 0:
            raise ImportError_(f"{group.where()}: the alpha factors are all 0")
        return [
            (i + 1, (i + 1) * factors[i + 1] / total * q / math.comb(n - 1, i)) for i in range(top)
        ]
    # phi-factor
    if not math.isclose(math.fsum(factors.values()), 1.0, abs_tol=1e-4):
        raise ImportError_(f"{group.where()}: the phi factors must sum to 1")
    return [(level, factors[level] * q) for level in sorted(factors)]
