"""Minimal cut sets: of a check (timed), and of a static fault tree.

A *cut set* of a check is a set of faults for which some onsets (in their
windows) violate the check; it is *minimal* when none of its proper subsets
is a cut set.  `timed_cut_sets` asks an engine (`Engine.cut_sets`) for every
minimal cut set up to an order, order by order; each comes with its canonical
violating scenario.  This holds whether or not the check is monotone in its
faults.

`static_cut_sets` computes the minimal cut sets of a coherent fault tree
(`fault_tree.py`) on decision diagrams (`decision_diagrams.py`): the BDD of
the tree, then the ZBDD of its minimal solutions up to the order limit
(Rauzy's algorithm, as SCRAM does), then the sets sorted by order and fault
numbers.  The BDD of a tree does not depend on the order limit, so a wide
tree asked for its pairs can have a BDD far too large when its pairs are
few: past a node budget the cut sets are built bottom up instead, truncated
at the limit at every gate (`cut_set_families.py`).  Both are exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from failspec.checker import ir
from failspec.checker.cut_set_families import bottom_up_cut_sets
from failspec.checker.decision_diagrams import (
    NODE_BUDGET,
    DiagramTooLarge,
    Zbdd,
    has_longer_minimal_solution,
    recursion_room,
    tree_diagram,
)
from failspec.checker.engine import CutSet, Witness
from failspec.checker.engines import engine_named
from failspec.checker.fault_tree import FaultTree


@dataclass(frozen=True, slots=True)
class TimedCutSets:
    """Every minimal cut set of `check` of at most `max_order` faults, sorted by order
    then fault numbers, each with its witness.  `complete` is False when the search
    ran out of time (or an engine answered unknown): then `cut_sets` holds those
    found before, and more may exist.  A cut set `()` means the check is violated
    with no fault at all (it is then the only one).  `engines` names the engine that
    searched each order, in order."""

    max_order: int
    candidates: tuple[int, ...]
    """The faults the hypothesis selects that can occur (non-empty onset window)."""
    cut_sets: tuple[CutSet, ...]
    witnesses: tuple[Witness, ...]
    complete: bool = True
    engines: tuple[str, ...] = ()


def timed_cut_sets(
    model: ir.Model,
    check: ir.Check,
    max_order: int | None = None,
    deadline: float | None = None,
    engine: str = "auto",
) -> TimedCutSets:
    """Return every minimal cut set of `check` of at most `max_order` faults (default:
    the hypothesis' bound) from the engine named `engine` (`engines.py`).
    `deadline` is a `time.perf_counter()` value.  Raise ValueError for an unknown
    engine."""
    searcher = engine_named(engine)
    order = check.at_most if max_order is None else max_order
    candidates = tuple(n for n in check.faults if model.fault(n).earliest <= model.fault(n).latest)
    found: list[CutSet] = []
    witnesses: list[Witness] = []
    engines: list[str] = []
    complete = True
    for level in searcher.cut_sets(model, check, order, deadline):
        for numbers, witness in level.cut_sets:
            found.append(numbers)
            witnesses.append(witness)
        engines.append(level.engine)
        complete = level.complete
    return TimedCutSets(order, candidates, tuple(found), tuple(witnesses), complete, tuple(engines))


# --- static ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StaticCutSets:
    """The minimal cut sets of a fault tree of at most `max_order` faults, sorted by
    order then fault numbers.  `truncated` is True exactly when some minimal cut set
    of the tree is longer than `max_order` (the list is then the tree's minimal cut
    sets up to that order, and an exact probability from them is a lower bound)."""

    max_order: int
    cut_sets: tuple[CutSet, ...]
    truncated: bool


def static_cut_sets(tree: FaultTree, max_order: int, max_nodes: int = NODE_BUDGET) -> StaticCutSets:
    """Return the minimal cut sets of `tree` of at most `max_order` faults: on decision
    diagrams of at most `max_nodes` nodes each, else bottom up."""
    if max_order < 0:
        raise ValueError("the order limit must be at least 0")
    try:
        diagram = tree_diagram(tree, max_nodes)
        bdd, root, faults = diagram.bdd, diagram.root, diagram.faults
        zbdd = Zbdd(max_nodes)
        with recursion_room(len(faults)):
            family = zbdd.minimal_solutions(bdd, root, max_order)
            truncated = has_longer_minimal_solution(bdd, root, max_order)
        cut_sets = [tuple(sorted(faults[i] for i in s)) for s in zbdd.sets(family)]
    except DiagramTooLarge:
        found, truncated = bottom_up_cut_sets(tree, max_order)
        cut_sets = list(found)
    cut_sets.sort(key=_order_key)
    return StaticCutSets(max_order, tuple(cut_sets), truncated)


def _order_key(cut_set: CutSet) -> tuple[int, CutSet]:
    return (len(cut_set), cut_set)
