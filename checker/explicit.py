"""The explicit engine: exhaustive over fault sets and integer onsets.

For each allowed fault set (fewest faults first) it looks for the violating
scenario the contract calls canonical: the earliest violation instant, then
the smallest fault numbers, then the smallest onsets.  The onsets of all but
the last fault of a set are enumerated one by one; the last one is left free
and swept in classes of equivalent onsets: the simulator runs once per class
(see `signals.Ctx`), and the class's violation instant is a linear function
of the onset whose minimum lies at an end of the class.  Where a value is not
linear in the onset (a ceiling of a fractional multiple, say), the engine
falls back to simulating single onsets, so the sweep is exact everywhere.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass

from failspec.checker import ir
from failspec.checker.signals import Ctx, NeedsConcrete, Sym, concrete
from failspec.checker.simulate import judge, simulate

Candidate = tuple[int, tuple[int, ...], tuple[int, ...]]
"""(violation instant, fault numbers, onsets): smaller is more canonical."""


@dataclass(frozen=True)
class Outcome:
    """`holds`, `violated` (with the canonical scenario) or `unknown` (with the reason)."""

    verdict: str
    scenario: dict[int, int] | None = None
    violation_at: int | None = None
    reason: str | None = None


class _OutOfTime(Exception):
    pass


def check_explicit(model: ir.Model, check: ir.Check, deadline: float | None = None) -> Outcome:
    """Decide `check` on `model`; `deadline` is a `time.perf_counter()` value or None."""
    try:
        best = _search(model, check, deadline, _best_for_set)
    except _OutOfTime:
        return Outcome("unknown", reason="timeout")
    return _outcome(best)


def check_brute_force(model: ir.Model, check: ir.Check) -> Outcome:
    """The same answer by simulating every onset of every fault set: the reference
    against which the engine's onset classes are tested (small models only)."""
    return _outcome(_search(model, check, None, _best_for_set_brute))


def canonical_for_fault_set(
    model: ir.Model, check: ir.Check, numbers: tuple[int, ...], deadline: float | None = None
) -> Candidate | None:
    """The canonical violating scenario that injects exactly the faults `numbers`
    (ascending), or None if no onsets in their windows violate the check.
    Raise TimeoutError when `deadline` (a `time.perf_counter()` value) passes."""
    try:
        return _best_for_set(model, check, numbers, deadline)
    except _OutOfTime:
        raise TimeoutError("the explicit engine ran out of time") from None


def _outcome(best: Candidate | None) -> Outcome:
    if best is None:
        return Outcome("holds")
    at, numbers, onsets = best
    return Outcome("violated", dict(zip(numbers, onsets, strict=True)), at)


def _search(model, check, deadline, best_for_set) -> Candidate | None:  # type: ignore[no-untyped-def]
    faults = [n for n in check.faults if model.fault(n).earliest <= model.fault(n).latest]
    for size in range(0, min(check.at_most, len(faults)) + 1):
        best: Candidate | None = None
        for numbers in itertools.combinations(faults, size):
            candidate = best_for_set(model, check, numbers, deadline)
            if candidate is not None and (best is None or candidate < best):
                best = candidate
        if best is not None:
            return best
    return None


def _windows(model: ir.Model, numbers: tuple[int, ...]) -> list[range]:
    return [range(model.fault(n).earliest, model.fault(n).latest + 1) for n in numbers]


def _concrete_violation(
    model: ir.Model, check: ir.Check, numbers: tuple[int, ...], onsets: tuple[int, ...]
) -> int | None:
    ctx = Ctx()
    result = judge(simulate(model, dict(zip(numbers, onsets, strict=True)), ctx), ctx, check)
    if result is None:
        return None
    return int(concrete(result[0], 0))


def _best_for_set_brute(
    model: ir.Model, check: ir.Check, numbers: tuple[int, ...], deadline: float | None
) -> Candidate | None:
    best: Candidate | None = None
    for onsets in itertools.product(*_windows(model, numbers)):
        at = _concrete_violation(model, check, numbers, onsets)
        if at is not None and (best is None or (at, numbers, onsets) < best):
            best = (at, numbers, onsets)
    return best


def _best_for_set(
    model: ir.Model, check: ir.Check, numbers: tuple[int, ...], deadline: float | None
) -> Candidate | None:
    if not numbers:
        at = _concrete_violation(model, check, (), ())
        return None if at is None else (at, (), ())
    windows = _windows(model, numbers)
    best: Candidate | None = None
    for prefix in itertools.product(*windows[:-1]):
        for at, onset in _sweep(model, check, numbers, prefix, windows[-1], deadline):
            candidate = (at, numbers, (*prefix, onset))
            if best is None or candidate < best:
                best = candidate
    return best


def _sweep(
    model: ir.Model,
    check: ir.Check,
    numbers: tuple[int, ...],
    prefix: tuple[int, ...],
    window: range,
    deadline: float | None,
) -> Iterator[tuple[int, int]]:
    """Yield (violation instant, onset) minimal within each class of the free onset."""
    lo, last = window.start, window.stop - 1
    fallback, fallback_size = 0, 1
    while lo <= last:
        if deadline is not None and time.perf_counter() > deadline:
            raise _OutOfTime
        if fallback > 0:
            at = _concrete_violation(model, check, numbers, (*prefix, lo))
            if at is not None:
                yield at, lo
            lo += 1
            fallback -= 1
            continue
        ctx = Ctx(lo, last)
        scenario = dict(zip(numbers[:-1], prefix, strict=True))
        scenario[numbers[-1]] = Sym(1, 0)
        try:
            result = judge(simulate(model, scenario, ctx), ctx, check)
        except NeedsConcrete:
            fallback, fallback_size = fallback_size, min(fallback_size * 2, 1024)
            continue
        fallback_size = 1
        assert ctx.hi is not None
        hi = ctx.hi
        if result is not None:
            at = result[0]
            slope = at.a if isinstance(at, Sym) else 0
            onset = hi if slope < 0 else lo
            yield int(concrete(at, onset)), onset
        lo = hi + 1
