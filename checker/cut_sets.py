"""Minimal cut sets: of a check (timed), and of a static fault tree.

A *cut set* of a check is a set of faults for which some onsets (in their
windows) violate the check; it is *minimal* when none of its proper subsets
is a cut set.  `timed_cut_sets` finds every minimal cut set up to an order by
asking an engine about each fault set, smallest first: a set is minimal
exactly when it violates and contains no minimal cut set already found (a
violating proper subset would contain one), so the sets that contain one are
never asked about.  This holds whether or not the check is monotone in its
faults.  Each cut set comes with its canonical violating scenario.

The explicit engine answers "do exactly these faults violate?" directly
(`canonical_for_fault_set`).  The SMT engine is asked the check restricted to
the set (`faults at most |S|` over S only): a set that is asked about has no
violating proper subset (it would contain a cut set found before), so the
restricted check is violated exactly when S itself violates, and its
canonical counterexample (earliest violation, then smallest onsets) is S's.

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

import itertools
import math
import time
from dataclasses import dataclass, replace

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
from failspec.checker.explicit import canonical_for_fault_set
from failspec.checker.fault_tree import FaultTree
from failspec.checker.smt import check_smt, minimal_violating_sets

ENGINES = ("auto", "explicit", "smt")

AUTO_EXPLICIT_SETS = 300
"""`auto` asks the explicit engine about each candidate set when there are at most
this many candidate sets up to the order (MINORI's two-fault FX check: 37), and
lets the SMT engine enumerate the cut sets otherwise (the generated 100-component
model: 1,831; see docs/cut-sets.md)."""

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
    ran out of time (or the SMT engine answered unknown): then `cut_sets` holds
    those found before, and more may exist.
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
    engine: str = "auto",
) -> TimedCutSets:
    """Return every minimal cut set of `check` of at most `max_order` faults (default:
    the hypothesis' bound), from `engine`: `explicit` (asked about each candidate
    set), `smt` (enumerating violating sets) or `auto` (explicit when there are at
    most AUTO_EXPLICIT_SETS candidate sets, else smt).  `deadline` is a
    `time.perf_counter()` value.  Raise ValueError for an unknown engine."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    order = check.at_most if max_order is None else max_order
    candidates = tuple(n for n in check.faults if model.fault(n).earliest <= model.fault(n).latest)
    if engine == "auto":
        engine = auto_engine(len(candidates), order)
    if engine == "smt":
        return _smt_cut_sets(model, check, order, candidates, deadline)
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


def auto_engine(candidates: int, order: int) -> str:
    """The engine `auto` picks for a timed search over `candidates` faults up to `order`."""
    sets = sum(math.comb(candidates, k) for k in range(min(order, candidates) + 1))
    return "explicit" if sets <= AUTO_EXPLICIT_SETS else "smt"


def _smt_cut_sets(
    model: ir.Model,
    check: ir.Check,
    order: int,
    candidates: tuple[int, ...],
    deadline: float | None,
) -> TimedCutSets:
    """The minimal cut sets from the SMT engine's enumeration (one question per cut
    set, `minimal_violating_sets`), each with its canonical witness, order by order
    (so that a search that runs out of time still has its smaller cut sets)."""
    found: list[CutSet] = []
    witnesses: list[Witness] = []
    complete = True
    try:
        for sets, complete in minimal_violating_sets(
            model, check, min(order, len(candidates)), deadline
        ):
            for numbers in sorted(sets, key=_order_key):
                best = _smt_scenario(model, check, numbers, deadline)
                if best is None:
                    raise RuntimeError(f"the SMT engine found {numbers} violating, then holding")
                found.append(numbers)
                witnesses.append(Witness(best[0], best[2]))
            if not complete:
                break
    except TimeoutError:
        complete = False
    return TimedCutSets(order, candidates, tuple(found), tuple(witnesses), complete)


def canonical_scenario(
    model: ir.Model, check: ir.Check, numbers: CutSet, deadline: float | None = None
) -> tuple[int, CutSet, tuple[int, ...]] | None:
    """The canonical violating scenario of exactly the faults `numbers`, or None."""
    return canonical_for_fault_set(model, check, numbers, deadline)


def _smt_scenario(
    model: ir.Model, check: ir.Check, numbers: CutSet, deadline: float | None = None
) -> tuple[int, CutSet, tuple[int, ...]] | None:
    """The SMT engine's canonical scenario of the check restricted to `numbers`, which
    is that of exactly `numbers` when no proper subset violates (see the module)."""
    outcome = check_smt(model, replace(check, at_most=len(numbers), faults=numbers), deadline)
    if outcome.verdict == "holds":
        return None
    if outcome.verdict != "violated" or outcome.scenario is None or outcome.violation_at is None:
        raise TimeoutError(outcome.reason)
    if tuple(sorted(outcome.scenario)) != numbers:
        # A proper subset violates: impossible for a set the search asks about.
        raise RuntimeError(f"the SMT engine violated {numbers} with {sorted(outcome.scenario)}")
    return outcome.violation_at, numbers, tuple(outcome.scenario[n] for n in numbers)


def _contains_any(numbers: CutSet, cut_sets: list[CutSet]) -> bool:
    members = set(numbers)
    return any(members.issuperset(c) for c in cut_sets)


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
