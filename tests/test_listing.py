"""The listing of cut sets in C (`checker/_listing.c`, decision 70) against the Python
it stands for: the order of the sets, the products of their probabilities (to the
last bit), the report lines, the counts by order, and a ZBDD's sets."""

from __future__ import annotations

import io
import math
from array import array
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from failspec.checker import static_analysis as sa
from failspec.checker.decision_diagrams import NATIVE, Zbdd
from failspec.counterexamples import static_report
from failspec.counterexamples.static_report import (
    StaticReport,
    write_static_json,
    write_static_text,
)

if NATIVE:
    from failspec.checker import _listing

pytestmark = pytest.mark.skipif(not NATIVE, reason="the extension is not built")

small_sets = st.lists(
    st.sets(st.integers(1, 40), max_size=4).map(lambda s: tuple(sorted(s))), unique=True
)
"""Cut sets as the analysis makes them: distinct, members ascending (radix-sorted)."""
wide_sets = st.lists(
    st.sets(st.integers(0, 2**40), max_size=7).map(lambda s: tuple(sorted(s))), unique=True
)
"""Members too large to pack, sets too long: sorted by comparisons."""


def _python_order(sets: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    ordered = sorted(sets)
    ordered.sort(key=len)
    return ordered


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(small_sets, wide_sets))
def test_the_c_sort_orders_by_length_then_members(sets: list[tuple[int, ...]]) -> None:
    found = list(sets)
    _listing.sort(found)
    assert found == _python_order(sets)
    assert all(a is b for a, b in zip(sorted(found, key=id), sorted(sets, key=id), strict=True))


def test_the_c_sort_at_its_packing_boundary() -> None:
    """Order 4 with members below 2^15 packs into 64 bits (3 + 4·15); with 2^15 (16 bits:
    3 + 4·16 > 64) or 2^16 the sets are compared instead: the same order each way."""
    for top in (2**15 - 1, 2**15, 2**16):
        sets = [(1, 2, 3, top), (1, 2, 3, 4), (top,), (0, top), (5,), (), (0, 1)]
        found = list(sets)
        _listing.sort(found)
        assert found == _python_order(sets)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(small_sets, st.lists(st.floats(0.0, 1.0), min_size=41, max_size=41))
def test_the_c_products_and_rare_event_sum_are_pythons(
    sets: list[tuple[int, ...]], p: list[float]
) -> None:
    q = [0.0, *p[1:]]
    products = array("d", bytes(8 * len(sets)))
    _listing.products(sets, q, products)
    assert list(products) == [math.prod(map(q.__getitem__, s)) for s in sets]
    ordered = _python_order(sets)
    # `_rare_event` in C and the Python it replaced
    expected = min(1.0, math.fsum(math.prod(q[v] for v in s) for s in ordered))
    assert sa._rare_event(ordered, p[1:]) == expected


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(small_sets)
def test_the_c_lines_and_counts_are_pythons(sets: list[tuple[int, ...]]) -> None:
    names = [f"e{i}é" for i in range(41)]  # not only ASCII
    prefixes = [f"  order {k}  " for k in range(5)]
    expected = "".join(prefixes[len(c)] + " + ".join(names[v] for v in c) + "\n" for c in sets)
    assert _listing.lines(sets, 0, len(sets), names, prefixes, " + ", "", "\n") == expected
    middle = sets[1:3]
    assert _listing.lines(sets, 1, 3, names, prefixes, ",", "]}", ",\n") == "".join(
        prefixes[len(c)] + ",".join(names[v] for v in c) + "]}" + ",\n" for c in middle
    )
    counts = _listing.count_by_order(sets)
    assert counts == dict(Counter(map(len, sets)))
    assert list(counts) == list(dict(Counter(map(len, sets))))  # the same key order


def test_a_report_is_the_same_text_and_json_with_the_c_listing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past one chunk of lines (CHUNK), the last chunk's JSON ending included."""
    pairs: list[tuple[int, ...]] = [(a, b) for a in range(1, 150) for b in range(a + 1, 150)]
    sets = _python_order([(7,), *pairs[:9000]])
    assert len(sets) > 2 * static_report.CHUNK
    names = ("", *(f"event-{i}" for i in range(1, 150)))
    report = StaticReport(("t.xml",), "top", 4, names, sets, 0.5, 0.6, (), 8760.0, None, ())
    outputs = []
    for native in (True, False):
        monkeypatch.setattr(static_report, "NATIVE", native)
        for write in (write_static_text, write_static_json):
            out = io.StringIO()
            write(report, out)
            outputs.append(out.getvalue())
    assert outputs[:2] == outputs[2:]
    assert outputs[1].rstrip().endswith("}")


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sets(st.integers(0, 7), max_size=5), max_size=30))
def test_the_c_sets_of_a_zbdd_are_pythons(family: list[set[int]]) -> None:
    """`Zbdd.sets` in C: the same tuples in the same order, members relabelled."""
    label = [100 - 3 * i for i in range(8)]  # descending: each set is sorted again
    with_c, in_python = Zbdd(), Zbdd()
    in_python._unique = {}
    root_c = with_c.from_sets([sorted(s) for s in family])
    root_py = in_python.from_sets([sorted(s) for s in family])
    assert with_c.sets(root_c, label) == in_python.sets(root_py, label)
    assert sorted(with_c.sets(root_c, label)) == sorted(
        {tuple(sorted(label[v] for v in s)) for s in family}
    )
