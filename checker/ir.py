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
from enum import StrEnum
from fractions import Fraction

from failspec.spec import ast
from failspec.spec.spans import UNKNOWN_SPAN, Span


@dataclass(frozen=True, slots=True)
class Windows:
    """A set of instants: the union of the half-open `intervals` [a, b) (sorted,
    disjoint, not adjacent), repeated every `period` seconds when `period` is set
    (a `daily` list: then 0 ≤ a < b ≤ period).  `text` is the list as written
    canonically (`09:00..11:30, 12:30..15:00`, `22:00..06:00 daily`, `at 09:00`)."""

    intervals: tuple[tuple[int, int], ...]
    period: int | None = None
    text: str = ""

    def unrolled(self, until: int) -> tuple[tuple[int, int], ...]:
        """The intervals of the set as absolute instants, covering at least [0, until]
        (a periodic set is repeated that far, abutting repeats merged)."""
        if self.period is None:
            return self.intervals
        result: list[tuple[int, int]] = []
        for day in range(until // self.period + 1):
            for start, end in self.intervals:
                start, end = start + day * self.period, end + day * self.period
                if result and result[-1][1] == start:
                    result[-1] = (result[-1][0], end)
                else:
                    result.append((start, end))
        return tuple(result)

    def contains(self, t: int) -> bool:
        """Does instant `t` (≥ 0) belong to the set?"""
        if self.period is not None:
            t %= self.period
        return any(start <= t < end for start, end in self.intervals)

    def first_instant(self) -> int | None:
        """The earliest instant of the set, or None if it is empty."""
        return self.intervals[0][0] if self.intervals else None


class NoSwitchover(StrEnum):
    """Why an outage of a failover's primary opens no switchover window."""

    DETECT_NEVER = "detect never"
    """A `detect MODE never` line for the episode's mode (configured off)."""
    NO_DETECT_LINE = "no detect line"
    """No line covers the episode's mode (and no `detect any`)."""


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

    `detect` maps a fault mode of the primary to its window length in seconds, or
    to None for `detect MODE never`; `detect_any` covers every other cause,
    including the primary's needs.  `stuck` is the fault number of the failover's
    own latent `stuck` fault.
    """

    primary: int
    secondary: int
    detect: tuple[tuple[str, int | None], ...]
    detect_any: int | None
    stuck: int | None
    manual: int | None

    def window_for(self, mode: str | None) -> int | None:
        """Return the switchover window for an episode of `mode` (None: through needs),
        or None when no switchover is attempted (`no_switchover_reason` says why)."""
        if mode is not None:
            for detect_mode, within in self.detect:
                if detect_mode == mode:
                    return within
        return self.detect_any

    def no_switchover_reason(self, mode: str | None) -> NoSwitchover | None:
        """Why an episode of `mode` opens no window, or None when it opens one."""
        if mode is not None and any(m == mode and w is None for m, w in self.detect):
            return NoSwitchover.DETECT_NEVER
        if self.window_for(mode) is None:
            return NoSwitchover.NO_DETECT_LINE
        return None


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
    hours: Windows | None = None
    """`open` hours after the transaction's own replaced the channel's (None: always)."""

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
    rides_out: int = 0
    """`rides out R` (seconds): its needs reach it only after R seconds down."""
    recovers_in: int = 0
    """`recovers in Q` (seconds): it stays down Q seconds after its needs are back."""


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
    window: Windows | None = None
    """Judged only at the instants of these windows (and of 0..horizon); None: all."""


@dataclass(frozen=True, slots=True)
class Always:
    expr: Expr
    text: str
    span: Span = field(default=UNKNOWN_SPAN, compare=False)
    window: Windows | None = None
    """Judged only at the instants of these windows (and of 0..horizon); None: all."""


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
    window: Windows | None = None
    """`(expr and in window) lasts at most limit`; None: no window."""


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
    scenario: tuple[tuple[int, int], ...] | None = None
    """A scenario check (`scenario "NAME"`): the scenario's (fault number, onset) in
    fault-number order, the one scenario the check is judged on; `faults` are its
    fault numbers and `at_most` their count.  None: the check ranges over its
    hypothesis."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """A top-level `scenario "NAME" { C.M at T … }`: (fault number, onset) in
    fault-number order."""

    name: str
    faults: tuple[tuple[int, int], ...]
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


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
    scenarios: tuple[Scenario, ...] = ()
    """The model's `scenario` blocks, in declaration order."""
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
