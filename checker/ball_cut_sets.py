"""Minimal cut sets of at most K events from the BDD of the top *within the ball*:
the static analysis' last way to them (`static_analysis.analyse`) when neither
whole BDD fits and `truncated_cut_sets.py` passes its budget, as on das9701,
whose 992 NOT gates make its products too long and whose BDDs outgrow 3 million
nodes.

A cut set of a non-coherent tree is SCRAM's: a minimal set S of basic events such
that the top fails with the members of S failed and every other event working
(the point 1_S; see `truncated_cut_sets.py`).  Only the points with at most K
members matter, so each gate g gets the BDD of g ∧ B_K, where B_K ("the ball") is
true while at most K variables are: an OR or AND of such diagrams stays in the
ball, an at-least-k gate is a sum of products of them (the vote recurrence), and
a complemented input is ¬f ∧ B_K, since g ∧ B_K and g agree on every point of the
ball.  The minimal solutions of the top's diagram (`Zbdd.minimal_solutions_any`)
are then exactly the minimal cut sets of at most K events: a minimal cut set S
with |S| ≤ K lies in the ball with all its subsets, and a minimal solution of
top ∧ B_K has no subset that fails the top (that subset would be in the ball).

The ball keeps each level to the residual functions of at most K more failures:
das9701's BDDs, past 3 million nodes at 45 % of its gates unrestricted, come
to 6.2 million nodes at K = 4 (0.92 million at K = 2, 2.5 million at K = 3).
Whether a longer minimal cut set exists goes to Z3 (`pdag.fails_outside`), as in
`truncated_cut_sets.py`.  The node budget is a count, so the outcome is the same
on every machine, with the extension or without it.
"""

from __future__ import annotations

from failspec.checker.decision_diagrams import FALSE, TRUE, Bdd, Zbdd, recursion_room
from failspec.checker.pdag import Pdag, depth_first_order, fails_outside, preprocess
from failspec.checker.static_analysis import _fold_order
from failspec.checker.truncated_cut_sets import TruncatedCutSets

BALL_NODES = 8_000_000
"""The most BDD nodes the diagrams within the ball may make (DiagramTooLarge past
it; the ZBDD of minimal solutions gets as many): das9701 at order 4 makes 6.24
million (13 s with the extension, 2.1 GB)."""


def ball(bdd: Bdd, levels: int, k: int) -> int:
    """The BDD of "at most `k` of the variables at levels 0 .. `levels` − 1 are
    true": (k + 1) · `levels` nodes at most."""
    below = [TRUE] * (k + 1)  # at most j true at the levels below, for each j
    for level in range(levels - 1, -1, -1):
        below = [bdd.node(level, below[j], below[j - 1] if j else FALSE) for j in range(k + 1)]
    return below[k]


def ball_cut_sets(
    graph: Pdag, max_order: int, deadline: float | None = None, max_nodes: int | None = None
) -> TruncatedCutSets:
    """The minimal cut sets (SCRAM's) of `graph`'s root gate of at most `max_order`
    events, sorted by length then variables, and whether a longer one exists.  Raise
    DiagramTooLarge past `max_nodes` nodes (default BALL_NODES) in the BDD or the
    ZBDD, TimeLimitHit past `deadline` (a `time.perf_counter()` value)."""
    if max_nodes is None:
        max_nodes = BALL_NODES
    graph = preprocess(graph)
    root = graph.root
    assert not isinstance(root, bool) and graph.is_gate(abs(root))
    n = graph.variables
    order = depth_first_order(graph)
    variables = sorted((v for v in order if v <= n), key=order.__getitem__)
    level_of = {v: position for position, v in enumerate(variables)}
    bdd = Bdd(max_nodes, deadline)
    within = ball(bdd, len(variables), max_order)
    built: dict[int, int] = {}
    with recursion_room(len(variables) + 10):
        for g in graph.reachable():  # inputs first
            gate = graph.gate(g)
            inputs: list[int] = []
            for i in gate.inputs:
                a = -i if i < 0 else i
                f = bdd.variable(level_of[a]) if a <= n else built[a]
                inputs.append(bdd.conjoin(bdd.negate(f), within) if i < 0 else f)
            _fold_order(inputs, gate.k, bdd.level)
            built[g] = bdd.conjoin(bdd.at_least(gate.k, inputs), within)
        top = built[abs(root)]
        if root < 0:
            top = bdd.conjoin(bdd.negate(top), within)
        zbdd = Zbdd(max_nodes, deadline)
        family = zbdd.minimal_solutions_any(bdd, top, max_order)
        found = sorted(zbdd.sets(family, variables), key=lambda c: (len(c), c))
    return TruncatedCutSets(found, fails_outside(graph, found))
