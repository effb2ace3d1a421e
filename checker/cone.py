"""Analysis of the IR for a check: what can influence it, how far ahead it reads,
which faults it may need, and how it splits into parts.

Nothing here depends on an engine: these are facts of the model and the check
that an engine may use to ask smaller questions.  The *cone of influence* of a
check is the set of components its atoms and deadlines depend on, transitively;
nothing outside it can change its verdict.
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction
from typing import TypeGuard

from failspec.checker import ir

MERGE_OVERLAP = Fraction(3, 4)
"""Parts whose cones share at least this fraction of their union are decided together."""


def check_parts(model: ir.Model, check: ir.Check) -> list[ir.Check]:
    """The check as checks of one part each, so that each has its own (smaller) cone.

    Each assertion is a part, and `never A or B` splits into `never A`, `never B`
    (likewise `always A and B`): the check is violated exactly when a part is, at
    the earliest of the parts' violation instants.  Parts whose cones mostly
    overlap (`MERGE_OVERLAP`) stay together: apart they would only ask the same
    questions about nearly the same components again.
    """
    pieces: list[ir.Assertion] = []

    def split(assertion: ir.Assertion) -> None:
        if (
            isinstance(assertion, ir.Never)
            and isinstance(assertion.expr, ir.OrExpr)
            or isinstance(assertion, ir.Always)
            and isinstance(assertion.expr, ir.AndExpr)
        ):
            split(dataclasses.replace(assertion, expr=assertion.expr.left))
            split(dataclasses.replace(assertion, expr=assertion.expr.right))
        else:
            pieces.append(assertion)

    for assertion in check.assertions:
        split(assertion)
    groups: list[tuple[set[int], list[ir.Assertion]]] = []
    for piece in pieces:
        cone = cone_of(model, dataclasses.replace(check, assertions=(piece,)))
        for group_cone, group in groups:
            if len(cone & group_cone) >= MERGE_OVERLAP * len(cone | group_cone):
                group_cone |= cone
                group.append(piece)
                break
        else:
            groups.append((cone, [piece]))
    return [dataclasses.replace(check, assertions=tuple(group)) for _, group in groups]


def cone_of(model: ir.Model, check: ir.Check) -> set[int]:
    """The components the check's atoms and jobs depend on, transitively (the cone
    of influence); nothing outside it can change the verdict."""
    reads: dict[int, list[int]] = {}
    for reader, read in model.reads:
        reads.setdefault(reader, []).append(read)
    for component in model.components:
        if can_fill(component.spec):
            # a store's records come from the jobs that write into it
            reads.setdefault(component.index, []).extend(j for j, _ in component.spec.writers)
    roots = roots_of(check)
    cone: set[int] = set()
    while roots:
        index = roots.pop()
        if index not in cone:
            cone.add(index)
            roots.extend(reads.get(index, []))
    return cone


def dependency_cone(model: ir.Model, check: ir.Check) -> tuple[int, ...]:
    """The indices, ascending, of the components the answer about `check` depends on:
    the cone of influence closed under everything its components read — a
    partition's routed channels, a store's writers — so that simulating these
    components alone gives every signal of the cone as the whole model would."""
    reads: dict[int, set[int]] = {c.index: set() for c in model.components}
    for reader, read in model.reads:
        reads[reader].add(read)
    for component in model.components:
        spec = component.spec
        if isinstance(spec, ir.PartitionSpec):
            reads[component.index].update(channel for channel, _ in spec.routed)
        elif isinstance(spec, ir.StoreSpec):
            reads[component.index].update(job for job, _ in spec.writers)
    pending = sorted(cone_of(model, check))
    cone: set[int] = set()
    while pending:
        index = pending.pop()
        if index not in cone:
            cone.add(index)
            pending.extend(reads[index])
    return tuple(sorted(cone))


def fault_readers(model: ir.Model, only: frozenset[int]) -> dict[int, tuple[int, ...]]:
    """For each component of `only` (a set closed under what its components read, such
    as a dependency cone), the components of `only` that read it directly: the
    readings `dependency_cone` follows (the IR's readings, a partition's routed
    channels, a store's writers), reversed."""
    readers: dict[int, list[int]] = {index: [] for index in only}

    def add(reader: int, read: int) -> None:
        if reader in only and read in only:
            readers[read].append(reader)

    for reader, read in model.reads:
        add(reader, read)
    for index in only:
        spec = model.components[index].spec
        if isinstance(spec, ir.PartitionSpec):
            for channel, _ in spec.routed:
                add(index, channel)
        elif isinstance(spec, ir.StoreSpec):
            for job, _ in spec.writers:
                add(index, job)
    return {index: tuple(sorted(set(r))) for index, r in readers.items()}


def downstream_of(readers: dict[int, tuple[int, ...]], sources: set[int]) -> frozenset[int]:
    """The components that read one of `sources`, transitively, and the sources: every
    component whose signals can depend on them (`fault_readers`)."""
    found: set[int] = set()
    pending = [s for s in sources if s in readers]
    while pending:
        index = pending.pop()
        if index not in found:
            found.add(index)
            pending.extend(readers[index])
    return frozenset(found)


def can_fill(spec: ir.KindSpec) -> TypeGuard[ir.StoreSpec]:
    """Is this a store that its writers can fill?  (One whose capacity is at least
    all the records written into it is never full, whatever its writers do.)"""
    return (
        isinstance(spec, ir.StoreSpec)
        and spec.capacity is not None
        and sum(records for _, records in spec.writers) > spec.capacity
    )


def roots_of(check: ir.Check) -> list[int]:
    """The components the check's atoms and deadlines name."""
    roots: list[int] = []

    def collect(expr: ir.Expr) -> None:
        if isinstance(expr, ir.AtomRef):
            roots.append(expr.component)
        elif isinstance(expr, ir.NotExpr):
            collect(expr.operand)
        else:
            collect(expr.left)
            collect(expr.right)

    for assertion in check.assertions:
        if isinstance(assertion, ir.DoneBy):
            roots.append(assertion.job)
        else:
            collect(assertion.expr)
    return roots


def closing_gap(model: ir.Model, index: int) -> int | None:
    """The fewest seconds between the instant a partition starts counting errors and
    its closing: its count grows by at most the sum of its weights per second, and
    a closing comes at least a second after its count starts.  None when the
    partition never closes."""
    spec = model.components[index].spec
    assert isinstance(spec, ir.PartitionSpec)
    rates = []
    for channel, txn in spec.routed:
        channel_spec = model.components[channel].spec
        assert isinstance(channel_spec, ir.ChannelSpec)
        rates.append(channel_spec.transactions[txn].rate_per_minute)
    if spec.closes_after is None or not any(rates):
        return None
    # errors per second are rate / 60; the count reaches closes_after no sooner than
    # 60 × closes_after / Σ rate seconds after it starts
    return max(1, math.ceil(Fraction(60 * spec.closes_after) / sum(rates)))


def reach_of(model: ir.Model, check: ir.Check, cone: set[int]) -> dict[int, int]:
    """For each component of the cone: how far past an instant v the check's verdict
    at v can read its signal.  The check reads its atoms at v or before; a channel's
    comm at t reads its `via` components up to t + timeout, and a partition's
    closing at t reads its routed channels' comm before t; every other reading is
    of the same instant or earlier.  (Stores' readings of the jobs that write into
    them close cycles of zero delay, so the longest delays are found by relaxing
    until nothing changes.)

    The v1 forms add no delay ahead.  `rides out R` and `recovers in Q` make a
    component's state at t read its needs on [t − Q − R, t]: further back, never
    ahead.  Windows, `at T` and `open` hours are fixed sets of instants that read
    no component; within its hours a transaction's `comm` reads its `via` up to
    t + timeout as in v0, and a partition counts only errors within the hours,
    which never brings a closing before its gap (`closing_gap`)."""

    def delay(reader: int, read: int) -> int:
        spec = model.components[reader].spec
        if isinstance(spec, ir.ChannelSpec) and read in spec.via:
            return spec.timeout
        if isinstance(spec, ir.PartitionSpec):
            channels = [model.components[channel].spec for channel, _ in spec.routed]
            return max(
                [c.timeout for c in channels if isinstance(c, ir.ChannelSpec) and read in c.via],
                default=0,
            )
        return 0

    edges = [(reader, read, delay(reader, read)) for reader, read in model.reads if reader in cone]
    for component in model.components:
        if component.index in cone and can_fill(component.spec):
            edges += [(component.index, job, 0) for job, _ in component.spec.writers]
    reach = {index: 0 for index in roots_of(check)}
    changed = True
    while changed:
        changed = False
        for reader, read, ahead in edges:
            if reader in reach and reach.get(read, -1) < reach[reader] + ahead:
                reach[read] = reach[reader] + ahead
                changed = True
    return reach


def selectable_faults(model: ir.Model, check: ir.Check, cone: set[int]) -> list[int]:
    """The faults a scenario may need: allowed by the hypothesis, with an onset window,
    on a component in the cone.  A fault outside the cone changes nothing the check
    reads, so a violating scenario stays violating without it, and the canonical
    counterexample (fewest faults first) never has one."""
    return [
        n
        for n in check.faults
        if model.fault(n).earliest <= model.fault(n).latest and model.fault(n).component in cone
    ]
