"""The extremes of a linear function over a zone (`signals.zone_extremes`), and the
comparisons `Ctx.positive` decides with them instead of fixing an onset."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from failspec.checker.signals import Ctx, NeedsConcrete, Sym, constrain, new_zone, zone_extremes


def _points(zone: list[list[int]]) -> list[tuple[int, ...]]:
    """Every integer point of a small zone, by brute force."""
    n = len(zone) - 1
    ranges = [range(-zone[0][v], zone[v][0] + 1) for v in range(1, n + 1)]
    found = []
    for point in itertools.product(*ranges):
        x = (0, *point)
        if all(x[i] - x[j] <= zone[i][j] for i in range(n + 1) for j in range(n + 1)):
            found.append(point)
    return found


@st.composite
def zones(draw: st.DrawFn) -> list[list[int]]:
    n = draw(st.integers(1, 3))
    windows = []
    for _ in range(n):
        lo = draw(st.integers(0, 6))
        windows.append((lo, lo + draw(st.integers(0, 6))))
    zone = new_zone(windows)
    assert zone is not None
    for _ in range(draw(st.integers(0, 3))):
        i, j = draw(st.integers(0, n)), draw(st.integers(0, n))
        if i != j:
            narrowed = constrain(zone, i, j, draw(st.integers(-6, 6)))
            if narrowed is not None:
                zone = narrowed
    return zone


@settings(max_examples=300, deadline=None)
@given(zones(), st.data())
def test_extremes_are_those_of_every_point(zone: list[list[int]], data: st.DataObject) -> None:
    n = len(zone) - 1
    free = [v for v in range(1, n + 1) if -zone[0][v] != zone[v][0]]
    coefs = [data.draw(st.integers(-3, 3)) for _ in free]
    b = data.draw(st.integers(-20, 20))
    terms = list(zip(free, coefs, strict=True))
    values = [b + sum(a * p[v - 1] for v, a in terms) for p in _points(zone)]
    assert zone_extremes(zone, terms, b) == (min(values), max(values))


def _overlapping() -> list[list[int]]:
    """o1 in [25204, 27609], o2 in [25201, 27599], 1 ≤ o1 − o2 ≤ 10: two outages that
    overlap during a job (the zone of the layered model's pair dev0.flap, dev4.crash)."""
    zone = new_zone([(25204, 27609), (25201, 27599)])
    assert zone is not None
    zone = constrain(zone, 1, 2, 10)
    assert zone is not None
    zone = constrain(zone, 2, 1, -1)
    assert zone is not None
    return zone


def test_at_the_boundary_of_the_zone() -> None:
    # o1 − 2·o2 + c > 0 everywhere exactly when c + 1 − 27599 > 0, i.e. c ≥ 27599;
    # over the bounding box its least value is c + 25204 − 2·27599 < 0
    zone = _overlapping()
    ctx = Ctx(zone)
    assert ctx.positive(Sym({1: 1, 2: -2}, 27599)) is True
    assert ctx.pending == [] and ctx.zone == zone  # decided without a split
    # at c = 27598 the least value is 0: not positive at the zone's vertex
    # (o1, o2) = (27600, 27599); positive elsewhere, so the engine must fix an onset
    with pytest.raises(NeedsConcrete):  # its sign depends on the onsets
        Ctx(zone).positive(Sym({1: 1, 2: -2}, 27598))
    # a sign that is never positive: greatest value o1 − 2·o2 + c at o1 − o2 = 10,
    # o2 = 25201 (so o1 = 25211): 25211 − 50402 + c ≤ 0 for c ≤ 25191
    assert Ctx(zone).positive(Sym({1: 1, 2: -2}, 25191)) is False
    with pytest.raises(NeedsConcrete):  # its sign depends on the onsets
        Ctx(zone).positive(Sym({1: 1, 2: -2}, 25192))


def test_fractional_coefficients() -> None:
    zone = _overlapping()
    half = Fraction(1, 2)
    # (o1 − o2)/2 + o2/2 − 12600 = o1/2 − 12600 > 0 for o1 ≥ 25204
    assert zone_extremes(zone, [(1, half)], Fraction(-12600)) == (2, Fraction(27609, 2) - 12600)
