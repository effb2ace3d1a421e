"""The engine-neutral intermediate form that both engines read.

`lower_model` (in `lowering.py`) builds it from a validated AST.  Names are
resolved to indices, times are integer seconds, rates are exact fractions,
and the components come in an order in which every component follows all
the components whose state it reads (a topological order of the reference
graph), except that a store reads the jobs that write into it: records at
instant t depend only on progress before t, so that feedback is causal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from failspec.spec import ast
from failspec.spec.spans import UNKNOWN_SPAN, Span


@dataclass(frozen=True, slots=True)
class Fault:
    """A fault the checker may inject.

    `number` is its 1-based position in declaration order.  Its onset lies in
    `[earliest, latest]` (clipped to `[0, horizon]`; empty when earliest >
    latest).  Injected at onset o it is active on `[o, o + repair)`, or on
    `[o, ∞)` when `repair` is None.
    """

    number: int
    component: int
    component_name: str
    mode: str
    earliest: int
    latest: int
    repair: int | None
    probability: Fraction | None
    rate_per_hour: Fraction | None
    span: Span = field(default=UNKNOWN_SPAN, compare=False)
    """The fault's line."""

    @property
    def label(self) -> str:
        """`component.mode`, the fault's name in traces and reports."""
        return f"{self.component_name}.{self.mode}"


@dataclass(frozen=True, slots=True)
class NeedGroup:
    """Down while fewer than `k` of `members` are up (`needs A, B` is k = len(members))."""

    k: int
    members: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FailoverSpec:
    """A redundant pair: switch from `primary` to `secondary` after a detect window.

    `detect` maps a fault mode of the primary to its window length in seconds;
    `detect_any` covers every other cause, including the primary's needs.
    `stuck` is the fault number of the failover's own latent `stuck` fault.
    """

    primary: int
    secondary: int
    detect: tuple[tuple[str, int], ...]
    detect_any: int | None
    stuck: int | None
    manual: int | None

    def window_for(self, mode: str | None) -> int | None:
        """Return the switchover window for an episode of `mode` (None: through needs)."""
        if mode is not None:
            for detect_mode, within in self.detect:
                if detect_mode == mode:
                    return within
        return self.detect_any


@dataclass(frozen=True, slots=True)
class StoreSpec:
    capacity: int | None
    writers: tuple[tuple[int, int], ...]
    """(job index, records) for every `writes N into` this store, in declaration order."""


@dataclass(frozen=True, slots=True)
class TransactionSpec:
    name: str
    calls: tuple[int, ...]
    rate_per_minute: Fraction
    actions: tuple[tuple[str, str], ...]
    """(error class, action) after the transaction's own lines replaced the channel's."""

    def action_for(self, error_class: str) -> str | None:
        for klass, action in self.actions:
            if klass == error_class:
                return action
        return None


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    via: tuple[int, ...]
    through: int | None
    timeout: int
    transactions: tuple[TransactionSpec, ...]

    @property
    def actions(self) -> tuple[str, ...]:
        """Every action some transaction of the channel can take, sorted."""
        return tuple(sorted({a for t in self.transactions for _, a in t.actions}))


@dataclass(frozen=True, slots=True)
class PartitionSpec:
    """Closes at the first c with Σ rate_per_minute × failing_seconds ≥ 60 × closes_after."""

    closes_after: int | None
    reopens_after: int | None
    routed: tuple[tuple[int, int], ...]
    """(channel index, transaction index) of every transaction routed through it."""


@dataclass(frozen=True, slots=True)
class JobSpec:
    at: int | None
    after: tuple[int, ...]
    takes: int
    writes: tuple[tuple[int, int], ...]
    """(store index, records)."""


KindSpec = FailoverSpec | StoreSpec | PartitionSpec | ChannelSpec | JobSpec | None


@dataclass(frozen=True, slots=True)
class Component:
    index: int
    name: str
    kind: str
    faults: tuple[int, ...]
    """Numbers of its own faults, in declaration order."""
    needs: tuple[NeedGroup, ...]
    spec: KindSpec
    span: Span = field(default=UNKNOWN_SPAN, compare=False)
    """The component's declaration."""


# --- checks ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AtomRef:
    """An atom resolved: `what` is one of down, up, closed, full, done, running, fault,
    action, txn_action, txn_fails.  `detail` names the fault mode or action, and
    `transaction` the transaction index for the txn_ forms."""

    component: int
    what: str
    detail: str | None = None
    transaction: int | None = None


@dataclass(frozen=True, slots=True)
class NotExpr:
    operand: Expr


@dataclass(frozen=True, slots=True)
class AndExpr:
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class OrExpr:
    left: Expr
    right: Expr


Expr = AtomRef | NotExpr | AndExpr | OrExpr


@dataclass(frozen=True, slots=True)
class Never:
    expr: Expr
    text: str
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Always:
    expr: Expr
    text: str
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class DoneBy:
    job: int
    deadline: int
    text: str
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class LastsAtMost:
    expr: Expr
    limit: int
    text: str
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


Assertion = Never | Always | DoneBy | LastsAtMost


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    line: int
    at_most: int
    faults: tuple[int, ...]
    """Numbers of the faults the hypothesis selects, ascending."""
    assertions: tuple[Assertion, ...]
    hypothesis: str | None = None
    """The fault hypothesis as written (`faults at most 1 of device`); None: no `faults` line."""
    span: Span = field(default=UNKNOWN_SPAN, compare=False)
    """The whole check; `name_span` its quoted name."""
    name_span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Model:
    name: str
    title: str | None
    file: str
    horizon: int
    components: tuple[Component, ...]
    """In declaration order; `order` gives the evaluation order."""
    order: tuple[int, ...]
    faults: tuple[Fault, ...]
    """Fault number n is faults[n - 1]."""
    checks: tuple[Check, ...]
    reads: tuple[tuple[int, int], ...] = ()
    """(reader, read) for every component whose state a component reads, each pair
    once, in declaration order (the rule: `spec/dependencies.py`)."""
    source: ast.Model | None = field(default=None, compare=False, repr=False)
    """The AST the model was lowered from (None: built by hand): component i of the
    IR is component i of the source."""

    def component_named(self, name: str) -> Component:
        for component in self.components:
            if component.name == name:
                return component
        raise KeyError(name)

    def fault(self, number: int) -> Fault:
        return self.faults[number - 1]


def time_bound(model: Model) -> int:
    """An instant beyond which nothing can change a judgement (integer seconds).

    Judgements read instants up to the horizon or a `done by` deadline; a
    channel reads its access path up to `timeout` seconds ahead, and such
    look-aheads can chain, so every timeout is added.
    """
    latest = model.horizon
    for check in model.checks:
        for assertion in check.assertions:
            if isinstance(assertion, DoneBy):
                latest = max(latest, assertion.deadline)
    lookahead = sum(c.spec.timeout for c in model.components if isinstance(c.spec, ChannelSpec))
    return latest + lookahead + 2
