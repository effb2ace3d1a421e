"""A propositional directed acyclic graph (PDAG) of a static fault tree, and the
preprocessing that makes its decision diagrams small.

Nodes are numbers: the variables (basic events) are 1..`variables`, each gate
a larger number; an edge is a *literal*, the node's number, negative for its
complement.  A gate is `and`, `or` or `atleast` (k of its inputs), so NOT,
NAND and NOR are complemented edges, XOR(a, b) = (a ∧ ¬b) ∨ (¬a ∧ b),
IFF = ¬XOR, IMPLY(a, b) = ¬a ∨ b and CARDINALITY(l, h) = atleast(l) ∧
¬atleast(h + 1) (`GraphBuilder`).  Constants fold away as the graph is built,
a gate's inputs are a sorted set, a gate with one input is its input, and two
gates with the same operator, k and inputs are one gate (structural hashing;
SCRAM's "multiple definitions").

Preprocessing (`preprocess`), after SCRAM (`preprocessor.cc`, Rauzy and
Dutuit's linear-time module detection):

1. *coalescing*: an AND input of an AND gate (an OR of an OR), used by that
   gate only and not complemented, is spliced into it;
2. *modules*: a gate is a module when no node below it is reachable from
   outside it (a depth-first walk gives each node its first and last visit
   times; a gate is a module when every node below it is first and last visited
   between the gate's own enter and exit).  Inputs of an AND/OR gate that share
   nothing with its other inputs are *grouped* into a new module gate;
3. the *variable order*: `depth_first_order` (variables as a depth-first walk
   meets them), or (`variable_order`) SCRAM's topological order, a
   post-order walk from the top that visits a gate's gate inputs first, then its
   variables, each group by decreasing number of parents; a module gate gets its
   place after its own variables, so a module's variables are contiguous.

The result is exact: every step rewrites the graph into an equivalent one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

Literal = int
"""A node's number, negative for its complement."""
Value = Literal | bool
"""A literal or a constant."""

OPERATORS = ("and", "or", "atleast")


class Gate(NamedTuple):
    """True while at least `k` of `inputs` are true (`or`: k = 1, `and`: k = the
    number of inputs); `inputs` are sorted literals, each node at most once."""

    operator: str
    k: int
    inputs: tuple[Literal, ...]


class Pdag(NamedTuple):
    """The graph: variables 1..`variables`, gate `g` at `gates[g - variables - 1]`;
    `root` a literal or a constant; `modules` the gates that are modules (the root
    gate is one)."""

    variables: int
    gates: tuple[Gate, ...]
    root: Value
    modules: frozenset[int] = frozenset()

    def gate(self, node: int) -> Gate:
        """The gate numbered `node` (> variables)."""
        return self.gates[node - self.variables - 1]

    def is_gate(self, node: int) -> bool:
        """Whether the (positive) node number is a gate's."""
        return node > self.variables

    @property
    def coherent(self) -> bool:
        """Whether no edge below the root (nor the root) is complemented."""
        if isinstance(self.root, bool):
            return True
        if self.root < 0:
            return False
        return all(i > 0 for g in self.reachable() for i in self.gate(g).inputs)

    def reachable(self) -> list[int]:
        """The gates below (and including) the root, each after every gate it reads
        (a post-order)."""
        if isinstance(self.root, bool) or not self.is_gate(abs(self.root)):
            return []
        order: list[int] = []
        done: set[int] = set()
        stack: list[tuple[int, bool]] = [(abs(self.root), False)]
        n = self.variables
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if node in done:
                continue
            done.add(node)
            stack.append((node, True))
            for i in reversed(self.gates[node - n - 1].inputs):
                a = -i if i < 0 else i
                if a > n and a not in done:
                    stack.append((a, False))
        return order


class GraphBuilder:
    """Builds a `Pdag` with constants folded and gates hashed (see the module)."""

    def __init__(self, variables: int) -> None:
        self.variables = variables
        self.gates: list[Gate] = []
        self._hashed: dict[tuple[str, int, tuple[int, ...]], int] = {}

    def build(self, root: Value) -> Pdag:
        """The graph whose top is `root`."""
        return Pdag(self.variables, tuple(self.gates), root)

    def _node(self, operator: str, k: int, inputs: tuple[int, ...]) -> int:
        key = (operator, k, inputs)
        found = self._hashed.get(key)
        if found is None:
            self.gates.append(Gate(operator, k, inputs))
            found = self.variables + len(self.gates)
            self._hashed[key] = found
        return found

    def conjoin(self, inputs: Iterable[Value]) -> Value:
        """AND of `inputs` (True when there is none)."""
        return self._and_or("and", inputs)

    def disjoin(self, inputs: Iterable[Value]) -> Value:
        """OR of `inputs` (False when there is none)."""
        return self._and_or("or", inputs)

    def _and_or(self, operator: str, inputs: Iterable[Value]) -> Value:
        absorbing = operator == "or"
        literals: set[int] = set()
        for item in inputs:
            if item is True or item is False:
                if item is absorbing:
                    return absorbing
                continue
            if -item in literals:
                return absorbing  # x AND NOT x, x OR NOT x
            literals.add(item)
        if not literals:
            return not absorbing
        if len(literals) == 1:
            return literals.pop()
        return self._node(operator, 1 if absorbing else len(literals), tuple(sorted(literals)))

    def at_least(self, k: int, inputs: Sequence[Value]) -> Value:
        """True while at least `k` of `inputs` are true (an input given twice counts
        twice)."""
        literals: list[int] = []
        for item in inputs:
            if item is True:
                k -= 1
            elif item is not False:
                literals.append(item)
        if k <= 0:
            return True
        if k > len(literals):
            return False
        if k == 1:
            return self.disjoin(literals)
        if k == len(literals):
            return self.conjoin(literals)
        counts = Counter(abs(i) for i in literals)
        if any(c > 1 for c in counts.values()):
            return self._vote(k, literals)
        return self._node("atleast", k, tuple(sorted(literals)))

    def _vote(self, k: int, literals: Sequence[int]) -> Value:
        """atleast(k, x :: rest) = x·atleast(k-1, rest) + atleast(k, rest), for inputs
        that repeat a node."""
        if k <= 0:
            return True
        if k > len(literals):
            return False
        first, rest = literals[0], literals[1:]
        return self.disjoin([self.conjoin([first, self._vote(k - 1, rest)]), self._vote(k, rest)])

    def exclusive_or(self, a: Value, b: Value) -> Value:
        """a XOR b."""
        return self.disjoin([self.conjoin([a, negate(b)]), self.conjoin([negate(a), b])])

    def cardinality(self, low: int, high: int, inputs: Sequence[Value]) -> Value:
        """True while between `low` and `high` of `inputs` (inclusive) are true."""
        return self.conjoin([self.at_least(low, inputs), negate(self.at_least(high + 1, inputs))])


def negate(value: Value) -> Value:
    """The complement of a literal or constant."""
    if value is True or value is False:
        return not value
    return -value


# --- preprocessing -------------------------------------------------------------------


class _Mutable:
    """The graph while it is rewritten: inputs as lists, gates appended."""

    def __init__(self, graph: Pdag) -> None:
        self.n = graph.variables
        self.operator = [g.operator for g in graph.gates]
        self.k = [g.k for g in graph.gates]
        self.inputs = [list(g.inputs) for g in graph.gates]
        assert not isinstance(graph.root, bool)
        self.root = graph.root
        self.modules: set[int] = set()

    def add(self, operator: str, inputs: list[int]) -> int:
        self.operator.append(operator)
        self.inputs.append(sorted(inputs))
        self.k.append(1 if operator == "or" else len(inputs))
        return self.n + len(self.operator)

    def of(self, node: int) -> list[int]:
        return self.inputs[node - self.n - 1]

    def freeze(self) -> Pdag:
        gates = tuple(
            Gate(o, k, tuple(sorted(i)))
            for o, k, i in zip(self.operator, self.k, self.inputs, strict=True)
        )
        return Pdag(self.n, gates, self.root, frozenset(self.modules))

    def post_order(self) -> list[int]:
        return self.freeze().reachable() if self.is_gate(abs(self.root)) else []

    def is_gate(self, node: int) -> bool:
        return node > self.n

    def parents(self, gates: Sequence[int]) -> Counter[int]:
        count: Counter[int] = Counter()
        for g in gates:
            for i in self.of(g):
                count[abs(i)] += 1
        return count


def preprocess(graph: Pdag) -> Pdag:
    """The graph with gates coalesced and modules found and grouped (see the module);
    a constant root or a variable root is returned as it is."""
    if isinstance(graph.root, bool) or not graph.is_gate(abs(graph.root)):
        return graph
    work = _Mutable(graph)
    _coalesce(work)
    _find_modules(work, group=True)
    _coalesce(work)
    _find_modules(work, group=True)
    return work.freeze()


def _coalesce(work: _Mutable) -> None:
    """Splice a non-complemented AND input of an AND gate (OR of OR) that has that
    gate as its only parent and is not a module."""
    gates = work.post_order()
    parents = work.parents(gates)
    for g in gates:  # inputs before their parents, so chains collapse at once
        operator = work.operator[g - work.n - 1]
        if operator == "atleast":
            continue
        inputs = work.of(g)
        merged: list[int] = []
        changed = False
        for i in inputs:
            if (
                i > work.n
                and parents[i] == 1
                and i not in work.modules
                and work.operator[i - work.n - 1] == operator
            ):
                merged.extend(work.of(i))
                changed = True
            else:
                merged.append(i)
        if changed:
            unique = set(merged)
            # x and NOT x cannot meet here: both would have come from one gate.
            work.inputs[g - work.n - 1] = sorted(unique)
            if operator == "and":
                work.k[g - work.n - 1] = len(unique)


def _visit_times(work: _Mutable) -> tuple[dict[int, int], dict[int, int], dict[int, int]]:
    """Depth-first visit times: enter and exit of each gate, enter of each variable,
    and the last time each node was reached (SCRAM's AssignTiming)."""
    enter: dict[int, int] = {}
    exit_: dict[int, int] = {}
    last: dict[int, int] = {}
    time = 0
    n = work.n
    inputs = work.inputs
    stack: list[tuple[int, int]] = [(abs(work.root), -1)]
    while stack:
        node, position = stack.pop()
        if position == -1:
            time += 1
            if node in enter:
                last[node] = time
                continue
            enter[node] = time
            last[node] = time
            if node <= n:
                exit_[node] = time
                continue
            position = 0
        children = inputs[node - n - 1]
        if position < len(children):
            stack.append((node, position + 1))
            child = children[position]
            stack.append((-child if child < 0 else child, -1))
            continue
        time += 1
        exit_[node] = time
        last[node] = time
    return enter, exit_, last


def _find_modules(work: _Mutable, group: bool) -> None:
    """Mark every module gate; with `group`, group the independent inputs of AND/OR
    gates into new module gates (SCRAM's FindModules and ProcessModularArgs)."""
    enter, exit_, last = _visit_times(work)
    low: dict[int, int] = {}
    high: dict[int, int] = {}
    gates = work.post_order()
    parents = work.parents(gates)
    n = work.n

    def span(node: int) -> tuple[int, int]:
        return (low[node], high[node]) if node > n else (enter[node], last[node])

    for g in gates:
        lo, hi = enter[g], exit_[g]
        for i in work.of(g):
            a, b = span(-i if i < 0 else i)
            lo, hi = min(lo, a), max(hi, b)
        if lo == enter[g] and hi == exit_[g]:
            work.modules.add(g)
        low[g], high[g] = lo, max(hi, last[g])
        if group and work.operator[g - n - 1] != "atleast":
            _group_inputs(work, g, (enter[g], exit_[g]), parents, span)


def _group_inputs(
    work: _Mutable,
    g: int,
    times: tuple[int, int],
    parents: Counter[int],
    span: Callable[[int], tuple[int, int]],
) -> None:
    """Group g's inputs that share nothing with its other inputs into module gates:
    those used by g alone (variables and modules) into one, and those whose subgraphs
    lie inside g's visit `times` by groups of overlapping spans."""
    n = work.n
    inputs = work.of(g)
    alone: list[int] = []
    inside: list[int] = []
    outside: list[int] = []
    for i in inputs:
        a = -i if i < 0 else i
        if parents[a] == 1 and (a <= n or a in work.modules):
            alone.append(i)
            continue
        lo, hi = span(a)
        (inside if times[0] < lo and hi < times[1] else outside).append(i)
    # An input whose span meets an outside input's span may share a node with it.
    changed = True
    while changed and inside and outside:
        changed = False
        for i in list(inside):
            own = span(abs(i))
            if any(_overlap(own, span(abs(j))) for j in outside):
                inside.remove(i)
                outside.append(i)
                changed = True
    operator = work.operator[g - n - 1]
    pieces = [alone] if len(alone) > 1 else []
    pieces += [piece for piece in _overlapping_groups(inside, span) if len(piece) > 1]
    new_inputs = list(inputs)
    for piece in pieces:
        if len(piece) == len(new_inputs):
            continue  # the whole gate: it is a module already
        for i in piece:
            new_inputs.remove(i)
        module = work.add(operator, piece)
        work.modules.add(module)
        new_inputs.append(module)
    if len(new_inputs) != len(inputs):
        work.inputs[g - n - 1] = sorted(new_inputs)
        if operator == "and":
            work.k[g - n - 1] = len(new_inputs)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _overlapping_groups(
    inputs: list[int], span: Callable[[int], tuple[int, int]]
) -> list[list[int]]:
    """`inputs` partitioned into groups of overlapping spans."""
    ordered = sorted(inputs, key=lambda i: span(abs(i)))
    groups: list[list[int]] = []
    reach = -1
    for i in ordered:
        lo, hi = span(abs(i))
        if groups and lo <= reach:
            groups[-1].append(i)
            reach = max(reach, hi)
        else:
            groups.append([i])
            reach = hi
    return groups


def fails_outside(graph: Pdag, kept: Sequence[tuple[int, ...]]) -> bool:
    """Whether some set S of variables fails the root (S true, the others false) and
    contains no set of `kept`: with `kept` every minimal cut set of order ≤ K,
    whether a longer minimal cut set exists (an inclusion-minimal failing subset
    of such an S is one, and no kept set is a subset of a longer minimal one).

    The question goes to Z3 (a fresh context) as one SMT-LIB text: building it term
    by term through z3's Python API took a second on the 5,000-event tree, the text
    a tenth of that."""
    import z3  # loaded only when a truncated family must be checked

    n = graph.variables

    def name(i: int) -> str:
        a = abs(i)
        atom = f"v{a}" if a <= n else f"g{a}"
        return atom if i > 0 else f"(not {atom})"

    lines: list[str] = []
    declared: set[int] = set()
    for g in graph.reachable():
        gate = graph.gate(g)
        for i in gate.inputs:
            if abs(i) <= n and abs(i) not in declared:
                declared.add(abs(i))
                lines.append(f"(declare-const v{abs(i)} Bool)")
        inputs = " ".join(map(name, gate.inputs))
        if gate.k == 1:
            operator = "or"
        elif gate.k == len(gate.inputs):
            operator = "and"
        else:
            operator = f"(_ at-least {gate.k})"
        lines.append(f"(define-fun g{g} () Bool ({operator} {inputs}))")
    root = graph.root
    assert not isinstance(root, bool)
    lines.append(f"(assert {name(root)})")
    for cut_set in kept:
        members = " ".join(f"v{v}" for v in cut_set)
        lines.append(f"(assert (not (and {members} true)))")
    context = z3.Context()
    solver = z3.Solver(ctx=context)
    solver.add(z3.parse_smt2_string("\n".join(lines), ctx=context))
    return bool(solver.check() == z3.sat)


def depth_first_order(graph: Pdag) -> dict[int, int]:
    """Node number -> position of every variable and module gate below the root, in
    the order a depth-first walk from the top, inputs in order, first meets the
    variables (a module gate after its own variables): the order failspec's `.fspec`
    trees use, often far better than SCRAM's on the EDF trees (edf9202: 127,000 BDD
    nodes against 2,000,000)."""
    if isinstance(graph.root, bool):
        return {}
    root = abs(graph.root)
    if not graph.is_gate(root):
        return {root: 0}
    n = graph.variables
    order: dict[int, int] = {}
    done: set[int] = set()
    stack: list[tuple[int, int]] = [(root, 0)]
    while stack:
        node, position = stack.pop()
        if position == 0:
            if node in done:
                continue
            done.add(node)
        inputs = graph.gate(node).inputs
        while position < len(inputs):
            a = abs(inputs[position])
            position += 1
            if a <= n:
                order.setdefault(a, len(order))
            elif a not in done:
                stack.append((node, position))
                stack.append((a, 0))
                break
        else:
            if node in graph.modules:
                order[node] = len(order)
    return order


def variable_order(graph: Pdag) -> dict[int, int]:
    """Node number -> position (0, 1, ...) of every variable and every module gate
    below the root: SCRAM's topological order (see the module).  A module's
    variables come before the module gate itself."""
    if isinstance(graph.root, bool):
        return {}
    root = abs(graph.root)
    if not graph.is_gate(root):
        return {root: 0}
    parents: Counter[int] = Counter()
    for g in graph.reachable():
        for i in graph.gate(g).inputs:
            parents[abs(i)] += 1
    n = graph.variables
    order: dict[int, int] = {}
    done: set[int] = set()
    stack: list[tuple[int, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        nodes = [abs(i) for i in graph.gate(node).inputs]
        if leaving:
            for a in sorted((a for a in nodes if a <= n), key=lambda a: -parents[a]):
                order.setdefault(a, len(order))
            if node in graph.modules:
                order[node] = len(order)
            continue
        if node in done:
            continue
        done.add(node)
        stack.append((node, True))
        sub = sorted((a for a in nodes if a > n), key=lambda a: -parents[a])
        stack.extend((a, False) for a in reversed(sub) if a not in done)
    return order
