"""Minimal cut sets: of a check (timed), and of a static fault tree.

A *cut set* of a check is a set of faults for which some onsets (in their
windows) violate the check; it is *minimal* when none of its proper subsets
is a cut set.  `timed_cut_sets` asks an engine (`Engine.cut_sets`) for every
minimal cut set up to an order, order by order; each comes with its canonical
violating scenario.  This holds whether or not the check is monotone in its
faults.

`static_cut_sets` computes the minimal cut sets of a coherent fault tree
(`fault_tree.py`) by the one static analysis, the one Open-PSA MEF trees go
through too (`static_analysis.py`: the tree as a PDAG, preprocessed into
modules, modular BDDs, Rauzy's minimal solutions up to the order limit; past the
diagrams' budget, bottom up: `order_limited_families.py`), the sets sorted by
order and fault numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from failspec.checker import ir
from failspec.checker.engine import CutSet, Witness
from failspec.checker.engines import engine_named

if TYPE_CHECKING:
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
    jobs: int = 1,
) -> TimedCutSets:
    """Return every minimal cut set of `check` of at most `max_order` faults (default:
    the hypothesis' bound) from the engine named `engine` (`engines.py`), using up to
    `jobs` processes (the same cut sets for any `jobs`).  `deadline` is a
    `time.perf_counter()` value.  Raise ValueError for an unknown engine."""
    searcher = engine_named(engine, jobs)
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
    of the tree is longer than `max_order`."""

    max_order: int
    cut_sets: tuple[CutSet, ...]
    truncated: bool


def static_cut_sets(tree: FaultTree, max_order: int, max_nodes: int | None = None) -> StaticCutSets:
    """Return the minimal cut sets of `tree` of at most `max_order` faults, from the
    static analysis of MEF trees too (`static_analysis.analyse` on the tree's PDAG:
    BDDs of at most `max_nodes` nodes, by default `NODE_BUDGET`, else bottom up).
    Raise ValueError for a negative order, DiagramTooLarge when neither way fits its
    budget."""
    # imported when used: the timed cut sets, which `failspec check` needs, do not
    from failspec.checker.decision_diagrams import DiagramTooLarge
    from failspec.checker.fault_tree import tree_graph
    from failspec.checker.static_analysis import NODE_BUDGET, analyse

    max_nodes = NODE_BUDGET if max_nodes is None else max_nodes
    graph, faults = tree_graph(tree)
    found = analyse(graph, [None] * len(faults), max_order, max_nodes=max_nodes)
    if not found.complete or found.truncated is None:
        raise DiagramTooLarge
    cut_sets = tuple(tuple(faults[v - 1] for v in c) for c in found.cut_sets)
    return StaticCutSets(max_order, cut_sets, found.truncated)
