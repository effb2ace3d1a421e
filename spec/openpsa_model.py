"""Read Open-PSA MEF files into the definitions a fault tree uses (`MefModel`).

`read_model(files)` collects, in document order over the files given, every
gate (`define-gate` with its formula), basic event (with its probability
expression, or none), house event (a Boolean constant), parameter
(`define-parameter` with its `unit`) and CCF group (`define-CCF-group`: its
model, members, distribution and factors).  It resolves every reference
(`<gate>`, `<basic-event>`, `<house-event>`, `<event>`, `<parameter>`) to the
definition's key: its name, or `COMPONENT.NAME` inside a private
`define-component`, where a private name hides a public one.

What failspec does not read is an ImportError_ naming the file, line and
element: event trees, substitutions, alignments, extern functions, a gate in a
cycle, an undefined name, a name defined twice.

Formulas: `and`, `or`, `atleast` (min), `cardinality` (min, max), `not`,
`xor` (two arguments), `nand`, `nor`, `iff` and `imply` (two), a reference, or a
`<constant value="true|false"/>`.  Their meaning is `checker/openpsa_tree.py`'s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

from failspec.spec.openpsa_expressions import Expression, Parameter, read_expression
from failspec.spec.openpsa_xml import IGNORED, ImportError_, Node, parse_file

OPERATORS = {"and", "or", "atleast", "cardinality", "not", "xor", "nand", "nor", "iff", "imply"}
"""The Boolean operators of a gate's formula."""
REFERENCES = {"gate", "basic-event", "house-event", "event"}
BINARY_OPERATORS = {"xor", "iff", "imply"}
ONE_ARGUMENT = {"not"}
UNREAD = {
    "define-event-tree": "event trees",
    "define-initiating-event": "event trees",
    "define-sequence": "event trees",
    "define-branch": "event trees",
    "define-rule": "event trees",
    "define-functional-event": "event trees",
    "define-substitution": "substitutions",
    "define-alignment": "alignments",
    "define-phase": "alignments",
    "define-extern-function": "extern functions",
    "define-extern-library": "extern functions",
}
CCF_MODELS = {"beta-factor", "MGL", "alpha-factor", "phi-factor"}


class Formula(NamedTuple):
    """A gate's formula: an `operator` (OPERATORS) over `args`; a reference
    (`operator` "ref", `target` the key of the definition and `kind` one of `gate`,
    `basic-event`, `house-event`); or a constant (`operator` "constant", `value`).
    `k` is atleast's `min`; `k` and `k_max` are cardinality's min and max."""

    operator: str
    args: tuple[Formula, ...] = ()
    target: str | None = None
    kind: str | None = None
    k: int | None = None
    k_max: int | None = None
    value: bool | None = None
    file: str = ""
    line: int = 0

    def where(self) -> str:
        """`file:line: <operator>` for a message."""
        what = self.target if self.operator == "ref" else self.operator
        return f"{self.file}:{self.line}: <{what}>"


class GateDef(NamedTuple):
    """A `define-gate`: its key and formula."""

    key: str
    formula: Formula
    file: str = ""
    line: int = 0


class BasicEventDef(NamedTuple):
    """A `define-basic-event`: its key and probability expression (None: none given)."""

    key: str
    expression: Expression | None
    file: str = ""
    line: int = 0

    def where(self) -> str:
        return f'{self.file}:{self.line}: <define-basic-event name="{self.key}">'


class CcfGroupDef(NamedTuple):
    """A `define-CCF-group`: its model (CCF_MODELS), member keys (basic events), the
    distribution (each member's total probability Q) and the factors (level, value)."""

    key: str
    model: str
    members: tuple[str, ...]
    distribution: Expression
    factors: tuple[tuple[int, Expression], ...]
    file: str = ""
    line: int = 0

    def where(self) -> str:
        return f'{self.file}:{self.line}: <define-CCF-group name="{self.key}">'


class MefModel(NamedTuple):
    """Every definition of the files, in document order; `tops` are the gates no
    other gate refers to, in document order."""

    files: tuple[str, ...]
    fault_trees: tuple[str, ...]
    gates: tuple[GateDef, ...]
    events: tuple[BasicEventDef, ...]
    houses: dict[str, bool]
    parameters: dict[str, Parameter]
    ccf_groups: tuple[CcfGroupDef, ...]
    tops: tuple[str, ...]

    def gate(self, key: str) -> GateDef:
        """The gate `key` (KeyError if none)."""
        return _gate_index(self)[key]


def _gate_index(model: MefModel) -> dict[str, GateDef]:
    return {g.key: g for g in model.gates}


class _Definitions:
    """What `_collect` gathers, before references are resolved (scope: the private
    component prefix, `T.` or '')."""

    def __init__(self) -> None:
        self.fault_trees: list[str] = []
        self.gates: dict[str, tuple[Node, Node, str]] = {}
        self.events: dict[str, tuple[Node, str]] = {}
        self.houses: dict[str, tuple[Node, str]] = {}
        self.parameters: dict[str, tuple[Node, str]] = {}
        self.ccf_groups: list[tuple[Node, str]] = []


def _children(node: Node) -> list[Node]:
    return [c for c in node.children if c.tag not in IGNORED]


def _define(table: dict[str, tuple[Node, str]], key: str, node: Node, scope: str) -> None:
    if not node.attrib.get("name"):
        raise ImportError_(f"{node.where()}: a definition without a name")
    if key in table:
        raise ImportError_(f"{node.where()}: defined twice")
    table[key] = (node, scope)


def _collect(node: Node, found: _Definitions, scope: str) -> None:
    for child in _children(node):
        tag = child.tag
        name = child.attrib.get("name", "")
        if tag in UNREAD:
            raise ImportError_(
                f"{child.where()}: {UNREAD[tag]} cannot be imported "
                "(failspec reads fault trees and their model data only)"
            )
        if tag == "define-fault-tree":
            found.fault_trees.append(name)
            _collect(child, found, scope)
        elif tag == "define-component":
            private = child.attrib.get("role") == "private"
            _collect(child, found, f"{scope}{name}." if private else scope)
        elif tag == "model-data":
            _collect(child, found, scope)
        elif tag == "define-gate":
            formulas = _children(child)
            if len(formulas) != 1:
                raise ImportError_(f"{child.where()}: a gate needs exactly one formula")
            if scope + name in found.gates:
                raise ImportError_(f"{child.where()}: defined twice")
            found.gates[scope + name] = (child, formulas[0], scope)
        elif tag == "define-basic-event":
            _define(found.events, scope + name, child, scope)
        elif tag == "define-house-event":
            _define(found.houses, scope + name, child, scope)
        elif tag == "define-parameter":
            _define(found.parameters, scope + name, child, scope)
        elif tag == "define-CCF-group":
            found.ccf_groups.append((child, scope))
        else:
            raise ImportError_(f"{child.where()}: not a fault-tree element failspec can import")


class _Resolver:
    def __init__(self, found: _Definitions) -> None:
        self.found = found
        self.referenced: set[str] = set()

    @staticmethod
    def key(table: Mapping[str, object], name: str, scope: str) -> str | None:
        if scope and scope + name in table:
            return scope + name
        return name if name in table else None

    def reference(self, node: Node, scope: str) -> Formula:
        name = node.attrib.get("name")
        if not name:
            raise ImportError_(f"{node.where()}: a reference without a name")
        tables: list[tuple[str, Mapping[str, object]]] = []
        if node.tag in ("gate", "event"):
            tables.append(("gate", self.found.gates))
        if node.tag in ("basic-event", "event"):
            tables.append(("basic-event", self.found.events))
        if node.tag in ("house-event", "event"):
            tables.append(("house-event", self.found.houses))
        for kind, table in tables:
            key = self.key(table, name, scope)
            if key is not None:
                if kind == "gate":
                    self.referenced.add(key)
                return Formula("ref", target=key, kind=kind, file=node.file, line=node.line)
        what = "event" if node.tag == "event" else node.tag.replace("-", " ")
        raise ImportError_(f"{node.where()}: refers to an undefined {what}")

    def formula(self, node: Node, scope: str) -> Formula:
        tag = node.tag
        if tag in REFERENCES:
            return self.reference(node, scope)
        if tag == "constant":
            value = node.attrib.get("value")
            if value not in ("true", "false"):
                raise ImportError_(f"{node.where()}: a constant is true or false")
            return Formula("constant", value=value == "true", file=node.file, line=node.line)
        if tag not in OPERATORS:
            raise ImportError_(f"{node.where()}: not a Boolean formula failspec can read")
        args = tuple(self.formula(c, scope) for c in _children(node))
        _check_arguments(node, len(args))
        k = k_max = None
        if tag == "atleast":
            k = _whole(node, "min")
        elif tag == "cardinality":
            k, k_max = _whole(node, "min", 0), _whole(node, "max", 0)
            if k_max < k:
                raise ImportError_(f"{node.where()}: max is less than min")
        return Formula(tag, args, k=k, k_max=k_max, file=node.file, line=node.line)


def _whole(node: Node, attribute: str, least: int = 1) -> int:
    text = node.attrib.get(attribute, "")
    if not text.isdigit() or int(text) < least:
        raise ImportError_(
            f"{node.where()}: {attribute} must be a whole number of at least {least}"
        )
    return int(text)


def _check_arguments(node: Node, count: int) -> None:
    tag = node.tag
    if tag in ONE_ARGUMENT and count != 1:
        raise ImportError_(f"{node.where()}: takes exactly one argument, not {count}")
    if tag in BINARY_OPERATORS and count != 2:
        raise ImportError_(f"{node.where()}: takes exactly two arguments, not {count}")
    if count == 0:
        raise ImportError_(f"{node.where()}: has no argument")


def _house_value(node: Node) -> bool:
    values = _children(node)
    if not values:
        return False
    if len(values) == 1 and values[0].tag in ("constant", "bool"):
        value = values[0].attrib.get("value")
        if value in ("true", "false"):
            return value == "true"
    raise ImportError_(f"{node.where()}: a house event's value must be a <constant>")


def _expression_of(node: Node) -> Expression | None:
    values = _children(node)
    if not values:
        return None
    if len(values) > 1:
        raise ImportError_(f"{node.where()}: more than one expression")
    return read_expression(values[0])


def _ccf_group(node: Node, scope: str, found: _Definitions) -> CcfGroupDef:
    name = node.attrib.get("name", "")
    model = node.attrib.get("model", "")
    if model not in CCF_MODELS:
        raise ImportError_(
            f"{node.where()}: the model {model!r} is not one of {', '.join(sorted(CCF_MODELS))}"
        )
    members: list[str] = []
    distribution: Expression | None = None
    factors: list[tuple[int, Expression]] = []
    for child in _children(node):
        if child.tag == "members":
            for event in _children(child):
                key = scope + event.attrib.get("name", "")
                if key in found.events or key in members:
                    raise ImportError_(
                        f"{event.where()}: defined twice (a CCF member is a new basic event)"
                    )
                members.append(key)
        elif child.tag == "distribution":
            values = _children(child)
            if len(values) != 1:
                raise ImportError_(f"{child.where()}: a distribution has one expression")
            distribution = read_expression(values[0])
        elif child.tag == "factors":
            factors += [_factor(c, len(factors)) for c in _children(child)]
        elif child.tag == "factor":
            factors.append(_factor(child, len(factors)))
        else:
            raise ImportError_(f"{child.where()}: not part of a CCF group")
    if len(members) < 2:
        raise ImportError_(f"{node.where()}: a CCF group needs at least two members")
    if distribution is None or not factors:
        raise ImportError_(f"{node.where()}: a CCF group needs a distribution and factors")
    return CcfGroupDef(
        scope + name, model, tuple(members), distribution, tuple(factors), node.file, node.line
    )


def _factor(node: Node, previous: int) -> tuple[int, Expression]:
    values = _children(node)
    if node.tag != "factor" or len(values) != 1:
        raise ImportError_(f"{node.where()}: a factor has one expression")
    level = node.attrib.get("level")
    if level is not None and not level.isdigit():
        raise ImportError_(f"{node.where()}: the level must be a whole number")
    return (int(level) if level is not None else -(previous + 1), read_expression(values[0]))


def read_model(files: Sequence[str]) -> MefModel:
    """Every definition of the MEF `files` (or ImportError_)."""
    found = _Definitions()
    for path in files:
        _collect(parse_file(path), found, "")
    resolver = _Resolver(found)
    ccf_groups = [_ccf_group(n, s, found) for n, s in found.ccf_groups]
    # A CCF member is a basic event defined by its group.
    member_events = {
        m: (n, s) for (n, s), g in zip(found.ccf_groups, ccf_groups, strict=True) for m in g.members
    }
    for key, value in member_events.items():
        found.events.setdefault(key, value)
    gates = tuple(
        GateDef(key, resolver.formula(formula, scope), node.file, node.line)
        for key, (node, formula, scope) in found.gates.items()
    )
    events = tuple(
        BasicEventDef(
            key, None if key in member_events else _expression_of(node), node.file, node.line
        )
        for key, (node, _scope) in found.events.items()
    )
    parameters = {}
    for key, (node, _scope) in found.parameters.items():
        expression = _expression_of(node)
        if expression is None:
            raise ImportError_(f"{node.where()}: a parameter needs an expression")
        parameters[key] = Parameter(key, expression, node.attrib.get("unit"), node.file, node.line)
    houses = {key: _house_value(node) for key, (node, _scope) in found.houses.items()}
    tops = tuple(g.key for g in gates if g.key not in resolver.referenced)
    return MefModel(
        tuple(files),
        tuple(found.fault_trees),
        gates,
        events,
        houses,
        parameters,
        tuple(ccf_groups),
        tops,
    )
