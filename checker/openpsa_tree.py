"""An Open-PSA MEF model (`spec/openpsa_model.py`) as a PDAG for static analysis,
with each basic event's probability at a mission time.

Variables: the basic events in document order (1, 2, …), then the events of
the CCF groups (`openpsa_ccf.py`, group by group); a CCF member is not a
variable but the OR of its group's events that contain it.  Gates follow the
formulas (`pdag.GraphBuilder`: NOT, NAND, NOR, XOR, IFF, IMPLY and
CARDINALITY rewritten into AND, OR, at-least and complements); house events
and constants fold away.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from failspec.checker.openpsa_ccf import expand_group
from failspec.checker.pdag import GraphBuilder, Pdag, Value, negate
from failspec.spec.openpsa_expressions import Expression, describe, evaluate
from failspec.spec.openpsa_model import Formula, MefModel
from failspec.spec.openpsa_xml import ImportError_

NON_COHERENT = ("not", "xor", "nand", "nor", "iff", "imply", "cardinality")
"""Operators whose output can fall when an input fails."""


class StaticProblem(NamedTuple):
    """The PDAG of `top` (a gate key); `names[v - 1]` is variable v's basic event (a
    CCF event is `[A B]`), `groups[v - 1]` its CCF group or None, `probabilities[v -
    1]` its probability at `mission_hours` (None: the event has none),
    `expressions[v - 1]` the expression it came from, in words."""

    top: str
    graph: Pdag
    names: tuple[str, ...]
    groups: tuple[str | None, ...]
    probabilities: tuple[float | None, ...]
    expressions: tuple[str | None, ...]
    mission_hours: float
    non_coherent: tuple[str, ...]
    """The non-coherent operators the top's formulas use, sorted."""


class _Builder:
    def __init__(self, model: MefModel, mission_hours: float) -> None:
        self.model = model
        self.mission = mission_hours
        self.gates = {g.key: g for g in model.gates}
        members = {m for g in model.ccf_groups for m in g.members}
        self.events = [e for e in model.events if e.key not in members]
        self.variable = {e.key: i + 1 for i, e in enumerate(self.events)}
        self.names = [e.key for e in self.events]
        self.groups: list[str | None] = [None] * len(self.events)
        self.probabilities: list[float | None] = []
        self.expressions: list[str | None] = []
        for event in self.events:
            if event.expression is None:
                self.probabilities.append(None)
                self.expressions.append(None)
            else:
                self.probabilities.append(self.probability(event.expression, event.where()))
                self.expressions.append(describe(event.expression, model.parameters))
        self.member_events: dict[str, list[int]] = {m: [] for m in members}
        for group in model.ccf_groups:
            for ccf in expand_group(group, self.value):
                self.names.append(ccf.name)
                self.groups.append(group.key)
                self.probabilities.append(ccf.probability)
                self.expressions.append(
                    f"{group.model} of {describe(group.distribution, model.parameters)}"
                )
                number = len(self.names)
                for member in ccf.members:
                    self.member_events[member].append(number)
        self.builder = GraphBuilder(len(self.names))
        self.built: dict[str, Value] = {}
        self.visiting: set[str] = set()
        self.operators: set[str] = set()

    def value(self, expression: object) -> float:
        assert isinstance(expression, Expression)
        return evaluate(expression, self.model.parameters, self.mission)

    def probability(self, expression: Expression, where: str) -> float:
        p = self.value(expression)
        if not (math.isfinite(p) and 0 <= p <= 1):
            raise ImportError_(f"{where}: the probability {p!r} is not in [0, 1]")
        return p

    def gate(self, key: str) -> Value:
        found = self.built.get(key)
        if found is not None:
            return found
        gate = self.gates[key]
        if key in self.visiting:
            raise ImportError_(
                f'{gate.file}:{gate.line}: <define-gate name="{key}">: the gate is in a cycle'
            )
        self.visiting.add(key)
        value = self.formula(gate.formula)
        self.visiting.discard(key)
        self.built[key] = value
        return value

    def reference(self, formula: Formula) -> Value:
        assert formula.target is not None
        if formula.kind == "gate":
            return self.gate(formula.target)
        if formula.kind == "house-event":
            return self.model.houses[formula.target]
        if formula.target in self.member_events:
            return self.builder.disjoin(self.member_events[formula.target])
        return self.variable[formula.target]

    def formula(self, formula: Formula) -> Value:
        operator = formula.operator
        if operator == "ref":
            return self.reference(formula)
        if operator == "constant":
            assert formula.value is not None
            return formula.value
        args = [self.formula(a) for a in formula.args]
        b = self.builder
        if operator in NON_COHERENT:
            self.operators.add(operator)
        if operator == "and":
            return b.conjoin(args)
        if operator == "or":
            return b.disjoin(args)
        if operator == "atleast":
            assert formula.k is not None
            return b.at_least(formula.k, args)
        if operator == "not":
            return negate(args[0])
        if operator == "nand":
            return negate(b.conjoin(args))
        if operator == "nor":
            return negate(b.disjoin(args))
        if operator == "xor":
            return b.exclusive_or(args[0], args[1])
        if operator == "iff":
            return negate(b.exclusive_or(args[0], args[1]))
        if operator == "imply":
            return b.disjoin([negate(args[0]), args[1]])
        assert operator == "cardinality" and formula.k is not None and formula.k_max is not None
        return b.cardinality(formula.k, formula.k_max, args)


def static_problem(model: MefModel, top: str | None, mission_hours: float) -> StaticProblem:
    """The PDAG of the gate `top` (default: the only top gate; ImportError_ when there
    are several or none, or `top` is no gate), probabilities at `mission_hours`."""
    if top is None:
        if not model.tops:  # every gate is used by another: some gate is in a cycle
            cycle_finder = _Builder(model, mission_hours)
            for gate in model.gates:
                cycle_finder.gate(gate.key)
        if len(model.tops) != 1:
            listing = ", ".join(model.tops) or "none"
            raise ImportError_(
                f"{', '.join(model.files)}: give --top GATE: the top gates are {listing}"
            )
        top = model.tops[0]
    builder = _Builder(model, mission_hours)
    if top not in builder.gates:
        raise ImportError_(f"{', '.join(model.files)}: no gate named {top!r}")
    root = builder.gate(top)
    return StaticProblem(
        top,
        builder.builder.build(root),
        tuple(builder.names),
        tuple(builder.groups),
        tuple(builder.probabilities),
        tuple(builder.expressions),
        mission_hours,
        tuple(sorted(builder.operators)),
    )
