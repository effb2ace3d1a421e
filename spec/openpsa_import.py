"""Import Open-PSA MEF fault trees as failspec source text (`failspec import`).

Each basic event becomes a `device` with one fault `failure` (its probability,
or its rate when it is an exponential with a constant rate over the system
mission time), each gate a `service`: `or` is `needs`, `and` is `needs any of`,
`atleast k` of n is `needs (n-k+1) of`; a nested formula becomes a service of
its own.  House events and `<constant>`s fold away.  Every top gate (a gate no
other gate references) gets a check `never TOP.down` under `faults at most K`.

Names: lowercase, every character outside `[a-z0-9_]` becomes `_`, a leading
digit gets a leading `_`, and a collision gets `_2`, `_3`, ... in document
order (files in the order given).  The mapping is listed in a comment at the
top of the output (`# NAME <- KIND ORIGINAL`); `original_names` reads it back,
and `export` uses it to write the original names.

Probabilities (`spec/openpsa_expressions.py`): an `<exponential>` over
`<system-mission-time/>` whose rate does not depend on the mission time becomes
`rate R per hour`; any other expression (parameters, arithmetic, GLM, Weibull,
periodic-test, deviates at their mean) is evaluated at the mission time and
becomes `probability P`.  Either keeps the expression it came from as a comment
on the fault's line (`# GLM(0, 1e-06, 0.1, t), at t = 8760h`).

What the timed language cannot express (`not`, `xor`, `nand`, `nor`, `iff`,
`imply`, `cardinality`, CCF groups, event trees, substitutions) raises
`ImportError_` naming the element, its file and its line; the first two kinds
are analysed as they are by `failspec cutsets FILE.xml --static`
(`failspec/mef_cutsets.py`).  With `drop_unsupported_probabilities`, a basic
event whose probability cannot be evaluated keeps its structure and loses its
probability (listed in the header).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from failspec.spec.openpsa_expressions import (
    DEFAULT_MISSION_HOURS,
    Parameter,
    depends_on_mission,
    describe,
    evaluate,
    read_expression,
)
from failspec.spec.openpsa_xml import IGNORED, Node, parse_file
from failspec.spec.openpsa_xml import ImportError_ as ImportError_

HEADER = "# failspec import of Open-PSA MEF:"
MAPPING_LINE = re.compile(r"^#\s+([a-z_][a-z0-9_]*) <- (gate|basic-event|formula) (\S+)\s*$")

UNSUPPORTED_FORMULAS = {"not", "xor", "nand", "nor", "iff", "imply", "cardinality"}
UNSUPPORTED_DEFINITIONS = {
    "define-event-tree": "event trees",
    "define-initiating-event": "event trees",
    "define-sequence": "event trees",
    "define-branch": "event trees",
    "define-rule": "event trees",
    "define-CCF-group": "CCF groups (analyse them with `failspec cutsets FILE.xml --static`)",
    "define-substitution": "substitutions",
    "define-alignment": "alignments",
    "define-extern-function": "extern functions",
    "define-extern-library": "extern functions",
}
REFS = {"gate", "basic-event", "house-event", "event"}


def base_name(name: str) -> str:
    """The failspec identifier an MEF name maps to, before collisions."""
    mapped = re.sub(r"[^a-z0-9_]", "_", name.lower())
    if not mapped or mapped[0].isdigit():
        mapped = "_" + mapped
    return mapped


class Names:
    """Name mapping with collisions numbered `_2`, `_3`, ... in order of arrival."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.entries: list[tuple[str, str, str]] = []  # (failspec, kind, original)

    def add(self, original: str, kind: str) -> str:
        base = base_name(original)
        name, n = base, 1
        while name in self.taken:
            n += 1
            name = f"{base}_{n}"
        self.taken.add(name)
        self.entries.append((name, kind, original))
        return name


@dataclass
class Gate:
    node: Node  # the define-gate (or a nested formula)
    formula: Node | None
    scope: str


Folded = bool | str  # a constant, or a failspec name (a device or a service)


@dataclass
class _Model:
    trees: list[str] = field(default_factory=list)
    gates: dict[str, Gate] = field(default_factory=dict)
    events: dict[str, Node] = field(default_factory=dict)
    houses: dict[str, Node] = field(default_factory=dict)
    parameters: dict[str, Node] = field(default_factory=dict)
    order: list[tuple[str, str]] = field(default_factory=list)  # (kind, key) in document order


def _define(table: dict[str, Node] | dict[str, Gate], key: str, value: object, node: Node) -> None:
    if key in table:
        raise ImportError_(f"{node.where()}: defined twice")
    table[key] = value  # type: ignore[assignment]


def _collect(node: Node, model: _Model, scope: str) -> None:
    for child in node.children:
        tag = child.tag
        if tag in IGNORED:
            continue
        if tag in UNSUPPORTED_DEFINITIONS:
            raise ImportError_(
                f"{child.where()}: {UNSUPPORTED_DEFINITIONS[tag]} cannot be imported "
                "(failspec imports fault trees only)"
            )
        name = child.attrib.get("name", "")
        if tag in ("define-fault-tree", "define-component"):
            if tag == "define-fault-tree":
                model.trees.append(name)
            private = tag == "define-component" and child.attrib.get("role") == "private"
            _collect(child, model, f"{scope}{name}." if private else scope)
        elif tag == "model-data":
            _collect(child, model, scope)
        elif tag == "define-gate":
            formulas = [c for c in child.children if c.tag not in IGNORED]
            if len(formulas) != 1:
                raise ImportError_(f"{child.where()}: a gate needs exactly one formula")
            _define(model.gates, scope + name, Gate(child, formulas[0], scope), child)
            model.order.append(("gate", scope + name))
        elif tag == "define-basic-event":
            _define(model.events, scope + name, child, child)
            model.order.append(("basic-event", scope + name))
        elif tag == "define-house-event":
            _define(model.houses, scope + name, child, child)
        elif tag == "define-parameter":
            _define(model.parameters, scope + name, child, child)
        else:
            raise ImportError_(f"{child.where()}: not a fault-tree element failspec can import")


class _Importer:
    def __init__(
        self, model: _Model, drop_unsupported_probabilities: bool, mission_hours: float
    ) -> None:
        self.model = model
        self.mission = mission_hours
        self._parameters: dict[str, Parameter] | None = None
        self.drop = drop_unsupported_probabilities
        self.names = Names()
        self.mapped: dict[tuple[str, str], str] = {}
        for kind, key in model.order:
            self.mapped[(kind, key)] = self.names.add(key, kind)
        self.folded: dict[str, Folded] = {}
        self.visiting: set[str] = set()
        self.services: dict[str, tuple[int, list[str]] | bool] = {}  # name -> (k, inputs)
        self.service_order: list[str] = []
        self.referenced: set[str] = set()
        self.dropped: list[str] = []
        self.scope = ""

    # --- formulas -----------------------------------------------------------

    def ref(self, node: Node) -> Folded:
        name = node.attrib.get("name")
        if name is None:
            raise ImportError_(f"{node.where()}: a reference without a name")
        kind = node.tag
        scoped = self.scope + name
        defined = (self.model.gates, self.model.events, self.model.houses)
        if self.scope and any(scoped in table for table in defined):
            name = self.scope + name
        if kind in ("gate", "event") and name in self.model.gates:
            self.referenced.add(name)
            return self.gate(name)
        if kind in ("basic-event", "event") and name in self.model.events:
            return self.mapped[("basic-event", name)]
        if kind in ("house-event", "event") and name in self.model.houses:
            return self.house(self.model.houses[name])
        raise ImportError_(f"{node.where()}: refers to an undefined {kind.replace('-', ' ')}")

    def house(self, node: Node) -> bool:
        values = [c for c in node.children if c.tag not in IGNORED]
        if not values:
            return False
        if len(values) == 1 and values[0].tag == "constant":
            return self.constant(values[0])
        raise ImportError_(f"{node.where()}: a house event's value must be a <constant>")

    def constant(self, node: Node) -> bool:
        value = node.attrib.get("value")
        if value not in ("true", "false"):
            raise ImportError_(f"{node.where()}: a constant is true or false")
        return value == "true"

    def gate(self, name: str) -> Folded:
        if name in self.folded:
            return self.folded[name]
        if name in self.visiting:
            raise ImportError_(f"{self.model.gates[name].node.where()}: the gate is in a cycle")
        self.visiting.add(name)
        gate = self.model.gates[name]
        mapped = self.mapped[("gate", name)]
        assert gate.formula is not None
        outer, self.scope = self.scope, gate.scope
        value = self.formula(gate.formula, mapped, top=True)
        self.scope = outer
        self.visiting.discard(name)
        self.folded[name] = value
        return value

    def formula(self, node: Node, owner: str, top: bool = False) -> Folded:
        """Fold `node`; a formula that stays a formula becomes the service `owner`
        (at the top of a gate) or a new service named after it."""
        tag = node.tag
        if tag in REFS:
            value = self.ref(node)
            if top:
                self.emit(owner, value if isinstance(value, bool) else (1, [value]))
                return owner if not isinstance(value, bool) else value
            return value
        if tag == "constant":
            constant = self.constant(node)
            if top:
                self.emit(owner, constant)
            return constant
        if tag in UNSUPPORTED_FORMULAS:
            raise ImportError_(
                f"{node.where()}: <{tag}> is not coherent and the timed language cannot express "
                "it; analyse the tree as it is with `failspec cutsets FILE.xml --static`"
            )
        if tag not in ("and", "or", "atleast"):
            raise ImportError_(f"{node.where()}: not a fault-tree formula failspec can import")
        name = owner if top else self.names.add(owner, "formula")
        inputs: list[Folded] = [
            self.formula(c, f"{name}_part") for c in node.children if c.tag not in IGNORED
        ]
        result = self.fold_gate(node, inputs)
        self.emit(name, result)
        if isinstance(result, bool):
            return result
        return name

    def fold_gate(self, node: Node, inputs: list[Folded]) -> bool | tuple[int, list[str]]:
        """An and/or/atleast gate over folded inputs: constant, or k of its distinct
        references (an and gate's repeated argument counts once)."""
        trues = sum(1 for i in inputs if i is True)
        falses = sum(1 for i in inputs if i is False)
        refs: list[str] = []
        for item in inputs:
            if isinstance(item, str) and item not in refs:
                refs.append(item)
        n = len(refs)
        if node.tag == "or":
            k_down = 1
        elif node.tag == "and":
            k_down = n + trues + falses
        else:
            text = node.attrib.get("min", "")
            if not text.isdigit() or int(text) < 1:
                raise ImportError_(f"{node.where()}: min must be a whole number of at least 1")
            k_down = int(text)
            if n != sum(1 for i in inputs if isinstance(i, str)):
                raise ImportError_(f"{node.where()}: an argument is repeated in an atleast gate")
        k_down -= trues
        if k_down <= 0:
            return True
        if k_down > n:
            return False
        return (k_down, refs)

    def emit(self, name: str, value: tuple[int, list[str]] | bool) -> None:
        self.services[name] = value
        self.service_order.append(name)

    # --- probabilities -------------------------------------------------------

    def parameters(self) -> dict[str, Parameter]:
        """Every parameter, its expression read (once)."""
        if self._parameters is None:
            self._parameters = {}
            for key, definition in self.model.parameters.items():
                values = [c for c in definition.children if c.tag not in IGNORED]
                if len(values) != 1:
                    raise ImportError_(f"{definition.where()}: a parameter needs one expression")
                unit = definition.attrib.get("unit")
                self._parameters[key] = Parameter(key, read_expression(values[0]), unit)
        return self._parameters

    def probability(self, event: Node) -> str:
        """The fault's options: ` rate R per hour` for an exponential whose rate does not
        depend on the mission time, else ` probability P` at the mission time, each
        followed by the expression it came from as a comment; or `` for none."""
        values = [c for c in event.children if c.tag not in IGNORED]
        if not values:
            return ""
        parameters = self.parameters()
        try:
            expression = read_expression(values[0])
            text = describe(expression, parameters)
            args = expression.args
            if (
                expression.tag == "exponential"
                and len(args) == 2
                and args[1].tag == "system-mission-time"
                and not depends_on_mission(args[0], parameters)
            ):
                rate = evaluate(args[0], parameters, self.mission)
                if not (math.isfinite(rate) and rate >= 0):
                    raise ImportError_(f"{values[0].where()}: the rate is not a number ≥ 0")
                plain = args[0].value is not None
                return f" rate {rate!r} per hour" + ("" if plain else f"  # {text}")
            p = evaluate(expression, parameters, self.mission)
        except ImportError_ as error:
            if not self.drop:
                raise ImportError_(
                    f"{event.where()}: its probability cannot be evaluated ({error}); pass "
                    "--drop-unsupported-probabilities to import the event without one"
                ) from None
            self.dropped.append(f"{event.where()}: {error}")
            return ""
        if not (math.isfinite(p) and 0 <= p <= 1):
            raise ImportError_(f"{values[0].where()}: the probability {p} is not in [0, 1]")
        if expression.value is not None:
            return f" probability {p!r}"
        return f" probability {p!r}  # {text}, at t = {_hours(self.mission)}"

    # --- output ------------------------------------------------------------------

    def source(self, files: Sequence[str], max_order: int) -> str:
        for kind, key in self.model.order:
            if kind == "gate":
                self.gate(key)
        events = [key for kind, key in self.model.order if kind == "basic-event"]
        devices = [
            f"device {self.mapped[('basic-event', e)]} {{\n  fault failure"
            f"{self.probability(self.model.events[e])}\n}}"
            for e in events
        ]
        tops = [
            key for kind, key in self.model.order if kind == "gate" and key not in self.referenced
        ]
        top_names = {self.mapped[("gate", top)] for top in tops}
        services: list[str] = []
        folded_true: list[str] = []
        for name in self.service_order:
            value = self.services[name]
            if value is True and name in top_names:
                raise ImportError_(self._always_failed(name))
            if value is True:
                folded_true.append(name)  # folded into every gate that uses it
                continue
            if value is False:
                services.append(f"service {name} {{\n}}")
                continue
            k_down, refs = value
            n = len(refs)
            if k_down == 1:
                line = f"needs {', '.join(refs)}"
            elif k_down == n:
                line = f"needs any of {', '.join(refs)}"
            else:
                line = f"needs {n - k_down + 1} of {', '.join(refs)}"
            services.append(f"service {name} {{\n  {line}\n}}")
        checks = []
        for top in tops:
            name = self.mapped[("gate", top)]
            checks.append(
                f'check "{name} never fails under at most {max_order} faults" {{\n'
                f"  faults at most {max_order}\n  never {name}.down\n}}"
            )
        model_name = base_name(self.model.trees[0]) if self.model.trees else "imported"
        head = [f"{HEADER} {' '.join(Path(f).name for f in files)}"]
        head.append("# names (failspec <- Open-PSA):")
        head += [f"#   {name} <- {kind} {original}" for name, kind, original in self.names.entries]
        if folded_true:
            head.append("# always failed (house events, constants), folded away:")
            head.append(f"#   {', '.join(folded_true)}")
        if self.dropped:
            head.append("# basic events imported without a probability:")
            head += [f"#   {line}" for line in self.dropped]
        body = [f'model {model_name} "imported from Open-PSA MEF"', *devices, *services, *checks]
        return "\n".join(head) + "\n\n" + "\n\n".join(body) + "\n"

    def _always_failed(self, name: str) -> str:
        for (kind, key), mapped in self.mapped.items():
            if kind == "gate" and mapped == name:
                return (
                    f"{self.model.gates[key].node.where()}: the gate is always failed "
                    "(its house events or constants make it true) and the language has no "
                    "always-down component"
                )
        return f"the formula {name} is always failed"


def _hours(hours: float) -> str:
    return f"{int(hours)}h" if float(hours).is_integer() else f"{hours!r}h"


def import_files(
    files: Sequence[str],
    max_order: int = 2,
    drop_unsupported_probabilities: bool = False,
    mission_hours: float = DEFAULT_MISSION_HOURS,
) -> str:
    """The failspec source text of the Open-PSA MEF `files` (or ImportError_); each
    probability evaluated at `mission_hours` (hours)."""
    model = _Model()
    for path in files:
        _collect(parse_file(path), model, "")
    if not model.gates:
        raise ImportError_(f"{', '.join(files)}: no gate to import")
    return _Importer(model, drop_unsupported_probabilities, mission_hours).source(files, max_order)


def original_names(source: str) -> dict[str, str]:
    """failspec name -> Open-PSA name, from the mapping comment of an imported model."""
    lines = source.splitlines()
    if not lines or not lines[0].startswith(HEADER):
        return {}
    names: dict[str, str] = {}
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        match = MAPPING_LINE.match(line)
        if match and match.group(2) != "formula":
            names[match.group(1)] = match.group(3)
    return names


_EXPORTED_NAME = re.compile(
    r'(<(?:define-gate|gate|define-basic-event|basic-event) name=")([^"]*)(")'
)


def restore_names(document: str, names: dict[str, str]) -> str:
    """An exported MEF `document` with the original names of an imported model:
    the basic event `device-failure` and the gate `service` get back the names
    `original_names` read from the model's mapping comment (a private component's
    `t.E1` keeps its failspec name: `.` is not allowed in a flat MEF name)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(2)
        device = name[: -len("-failure")] if name.endswith("-failure") else None
        # A name inside a private component (`t.E1`) is not a flat MEF name: kept.
        if device is not None and "." not in names.get(device, "."):
            name = names[device]
        elif "." not in names.get(name, "."):
            name = names[name]
        quoted = escape(name, {'"': "&quot;"})
        return f"{match.group(1)}{quoted}{match.group(3)}"

    return _EXPORTED_NAME.sub(replace, document)


def restore_imported_names(document: str, path: str) -> str:
    """`restore_names` with the mapping comment of the model file `path`, if it
    is an imported model (else `document` unchanged)."""
    try:
        names = original_names(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return document
    return restore_names(document, names) if names else document
