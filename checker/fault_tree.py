"""The static structure of a model as a coherent fault tree, without timing.

`static_fault_tree(model, top)` reads `top.down` with every fault permanent
and present from the start and every switchover window elapsed:

- a component is down while one of its own faults is active, one of its
  `needs` groups is down, or its kind makes it down (below);
- `needs A, B` is an OR, `needs any of A, B` an AND, `needs K of` (n members)
  an at-least-(n - K + 1)-down vote;
- a failover G is down when its primary A is down and (its secondary B is down
  or its `stuck` fault is present), or when A is down through a cause that no
  `detect` line covers (an own fault whose mode has no line and no `detect
  any`; A's needs without `detect any`): then G never switches.  `manual` is a
  repair by hand and, like `repair`, is not credited;
- a channel is down when every transaction fails: through a down `via`, its
  partition (`through`) or a component it `calls`;
- a job is down while a need or a store it writes into is down (the status
  of a started job);
- a store without `capacity` and a partition without `closes after` are down
  only through their own faults and needs.  A store's fullness and a
  partition's closing depend on volumes and rates over time, not on faults:
  static mode rejects a tree that reaches either (`StaticTreeError`).

Onset windows, repairs and the horizon are ignored: the tree says which sets
of faults, all present for good, leave `top` down once every transient has
passed.  The tree is coherent (AND, OR and at-least gates only); constants are
folded away, and a gate has at least two inputs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import NamedTuple

from failspec.checker import ir
from failspec.checker.pdag import GraphBuilder, Pdag, Value

Input = int | str
"""A fault number (a basic event) or the name of a gate."""


class StaticTreeError(Exception):
    """The model has no static reading for the requested top (a message for the user)."""


@dataclass(frozen=True, slots=True)
class Gate:
    """Down while at least `k` of `inputs` are down: OR is k = 1, AND is k = len(inputs)."""

    name: str
    k: int
    inputs: tuple[Input, ...]

    @property
    def operator(self) -> str:
        """`or`, `and` or `atleast`."""
        if self.k == 1:
            return "or"
        if self.k == len(self.inputs):
            return "and"
        return "atleast"


@dataclass(frozen=True, slots=True)
class FaultTree:
    """`top` is a gate name, a fault number, or a constant (True: down with no fault at
    all; False: never down).  `gates` lists every gate reachable from `top`, each after
    the gates it reads, so the last one is the top gate when `top` is a gate."""

    top_component: str
    top: Input | bool
    gates: tuple[Gate, ...]

    def events(self) -> tuple[int, ...]:
        """The fault numbers the tree reads, ascending."""
        found = {i for g in self.gates for i in g.inputs if isinstance(i, int)}
        if isinstance(self.top, int) and not isinstance(self.top, bool):
            found.add(self.top)
        return tuple(sorted(found))


Formula = bool | int | str | tuple[int, tuple["Formula", ...]]
"""A constant, a fault, a gate already built, or (k, inputs): at least k of inputs."""


class _Builder:
    def __init__(self, model: ir.Model) -> None:
        self.model = model
        self.gates: dict[str, Gate] = {}
        self.down: dict[int, Input | bool] = {}
        self.inner: dict[int, Input | bool] = {}

    def component_down(self, index: int) -> Input | bool:
        if index not in self.down:
            component = self.model.components[index]
            own = [n for n in component.faults if not self._latent(component, n)]
            formula = (1, (*own, *self._inner_terms(component)))
            self.down[index] = self.emit(component.name, formula)
        return self.down[index]

    def component_inner(self, index: int) -> Input | bool:
        """Down through needs and kind, not through the component's own faults."""
        if index not in self.inner:
            component = self.model.components[index]
            formula = (1, self._inner_terms(component))
            self.inner[index] = self.emit(f"{component.name}-through-needs", formula)
        return self.inner[index]

    def _inner_terms(self, component: ir.Component) -> tuple[Formula, ...]:
        return (*(self._need_group(g) for g in component.needs), self._kind(component))

    @staticmethod
    def _latent(component: ir.Component, number: int) -> bool:
        spec = component.spec
        return isinstance(spec, ir.FailoverSpec) and spec.stuck == number

    def _need_group(self, group: ir.NeedGroup) -> Formula:
        members = tuple(self.component_down(m) for m in group.members)
        # Down while fewer than k members are up: at least n - k + 1 members down.
        return (len(members) - group.k + 1, members)

    def _kind(self, component: ir.Component) -> Formula:
        spec = component.spec
        name = component.name
        if isinstance(spec, ir.FailoverSpec):
            primary = self.component_down(spec.primary)
            secondary = self.component_down(spec.secondary)
            covered: Formula = (1, (secondary, spec.stuck)) if spec.stuck else secondary
            switched_and_down: Formula = (2, (primary, covered))
            primary_component = self.model.components[spec.primary]
            undetected: list[Formula] = [
                n
                for n in primary_component.faults
                if not self._latent(primary_component, n)
                and spec.window_for(self.model.fault(n).mode) is None
            ]
            if spec.detect_any is None:
                undetected.append(self.component_inner(spec.primary))
            return (1, (switched_and_down, *undetected))
        if isinstance(spec, ir.ChannelSpec):
            if not spec.transactions:
                return False
            path = [self.component_down(v) for v in spec.via]
            if spec.through is not None:
                path.append(self.component_down(spec.through))
            fails = tuple(
                (1, (*path, *(self.component_down(c) for c in t.calls))) for t in spec.transactions
            )
            return (len(fails), fails)
        if isinstance(spec, ir.JobSpec):
            return (1, tuple(self.component_down(s) for s, _ in spec.writes))
        if isinstance(spec, ir.StoreSpec) and spec.capacity is not None:
            raise StaticTreeError(
                f"static mode cannot read store '{name}': its fullness depends on the records "
                "written over time, not on faults; use the timed `cutsets --check`"
            )
        if isinstance(spec, ir.PartitionSpec) and spec.closes_after is not None:
            raise StaticTreeError(
                f"static mode cannot read partition '{name}': its closing depends on error "
                "rates over time, not on faults alone; use the timed `cutsets --check`"
            )
        return False

    def emit(self, name: str, formula: Formula) -> Input | bool:
        """Fold constants and single inputs; build the gates the formula needs."""
        if not isinstance(formula, tuple):
            return formula
        k, flat = _flatten(formula)
        raw = [item for item in flat if not isinstance(item, bool)]
        k -= sum(1 for item in flat if item is True)
        if k == 1 and len(raw) == 1 and isinstance(raw[0], tuple):
            return self.emit(name, raw[0])
        inputs: list[Input] = []
        for item in raw:
            if isinstance(item, tuple):
                item = self.emit(f"{name}-part-{len(self.gates) + 1}", item)
            if item is True:
                k -= 1
            elif item is not False:
                inputs.append(item)
        if k <= 0:
            return True
        if k > len(inputs):
            return False
        if len(set(inputs)) < len(inputs):
            unique = list(dict.fromkeys(inputs))
            if k == 1 or k == len(inputs):
                # x OR x = x AND x = x
                inputs, k = unique, 1 if k == 1 else len(unique)
            else:
                # A vote that counts one input twice: the OR of its k-combinations.
                terms = {tuple(dict.fromkeys(c)) for c in itertools.combinations(inputs, k)}
                combos = tuple((len(t), t) for t in sorted(terms, key=str))
                return self.emit(name, (1, combos))
        if len(inputs) == 1:
            return inputs[0]
        self.gates[name] = Gate(name, k, tuple(inputs))
        return name


def _flatten(formula: tuple[int, tuple[Formula, ...]]) -> tuple[int, list[Formula]]:
    """Splice an OR inside an OR and an AND inside an AND into their parent."""
    k, raw = formula
    is_or, is_and = k == 1, k == len(raw)
    items: list[Formula] = []
    for item in raw:
        if isinstance(item, tuple):
            inner_k, inner = _flatten(item)
            if is_or and inner_k == 1:
                items.extend(inner)
                continue
            if is_and and not is_or and inner_k == len(inner):
                items.extend(inner)
                k += len(inner) - 1
                continue
            item = (inner_k, tuple(inner))
        items.append(item)
    return k, items


def static_fault_tree(model: ir.Model, top: str) -> FaultTree:
    """Return the fault tree of `top.down` (a component name) in the static reading.

    Raise KeyError for an unknown component and StaticTreeError when the tree
    reaches a component static mode cannot read."""
    index = model.component_named(top).index
    builder = _Builder(model)
    root = builder.component_down(index)
    gates = _reachable(builder.gates, root)
    return FaultTree(top, root, gates)


def _reachable(gates: dict[str, Gate], root: Input | bool) -> tuple[Gate, ...]:
    """The gates that `root` reads, each after its inputs (a post-order walk)."""
    ordered: list[Gate] = []
    seen: set[str] = set()
    if not isinstance(root, str):
        return ()
    stack: list[tuple[str, bool]] = [(root, False)]
    while stack:
        name, expanded = stack.pop()
        if expanded:
            ordered.append(gates[name])
            continue
        if name in seen:
            continue
        seen.add(name)
        stack.append((name, True))
        for item in reversed(gates[name].inputs):
            if isinstance(item, str) and item not in seen:
                stack.append((item, False))
    return tuple(ordered)


class TreeGraph(NamedTuple):
    """A fault tree as a PDAG (`pdag.py`) for the static analysis
    (`static_analysis.py`): variable v is the fault `faults[v - 1]`, the tree's faults
    ascending, so sets of variables sort as their fault numbers do."""

    graph: Pdag
    faults: tuple[int, ...]


def tree_graph(tree: FaultTree) -> TreeGraph:
    """The PDAG of `tree`'s top event: each gate an at-least gate of its inputs."""
    faults = tree.events()
    variable = {n: v for v, n in enumerate(faults, start=1)}
    builder = GraphBuilder(len(faults))
    built: dict[str, Value] = {}

    def of(item: Input | bool) -> Value:
        if isinstance(item, bool):
            return item
        return built[item] if isinstance(item, str) else variable[item]

    for gate in tree.gates:
        built[gate.name] = builder.at_least(gate.k, [of(i) for i in gate.inputs])
    return TreeGraph(builder.build(of(tree.top)), faults)
