"""The AST of a failspec model: frozen dataclasses with spans beside the meaning.

Every node has a `span` that does not take part in equality, so two nodes that
mean the same thing compare equal.  Times are integer seconds: `Duration` is a
length, `TimePoint` an instant (seconds since 00:00 of day 1).  Names are kept
as `Name` nodes so that validation can point at each use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from failspec.spec.spans import Span

KINDS = ("device", "program", "service", "store", "failover", "partition", "channel", "job")
"""Component kinds, in the order the viewer groups them."""

ATOM_WORDS = ("down", "up", "closed", "full", "done", "running", "fails")
"""The atoms' own words: no fault mode, action or transaction may take them."""

ERROR_CLASSES = ("comm", "partition", "service")
"""The classes with which a channel's transaction fails, in the order they are decided."""


@dataclass(frozen=True, slots=True)
class Name:
    """An identifier as written, with where it was written."""

    text: str
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Duration:
    """A length of time in integer seconds (`10s`, `3m`, `1h30m`)."""

    seconds: int
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class TimePoint:
    """An instant in integer seconds since 00:00 of day 1 (`13:00`, `day 2 13:00`, or a duration)."""

    seconds: int
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Rate:
    """`VALUE per UNIT`: `value` events per `unit_seconds` seconds (exact)."""

    value: Fraction
    unit: str  # "second", "minute", "hour" or "day", as written (singular)
    unit_seconds: int
    span: Span = field(compare=False)

    @property
    def per_minute(self) -> Fraction:
        """The rate in events per minute, exact."""
        return self.value * 60 / self.unit_seconds


# --- component items ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FaultDecl:
    """`fault MODE [at T | from T [until U]] [repair D] [probability P | rate R per UNIT]`."""

    mode: Name
    at: TimePoint | None
    from_: TimePoint | None
    until: TimePoint | None
    repair: Duration | None
    probability: Fraction | None
    rate: Rate | None
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class NeedsDecl:
    """`needs A, B` (all), `needs any of A, B` (k = 1), `needs K of A, B, C`.

    `k` is None for a plain `needs` line (down whenever any member is down);
    `needs any of` gives k = 1.
    """

    k: int | None
    members: tuple[Name, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Detect:
    """`detect MODE within D`; `mode.text == "any"` for `detect any within D`."""

    mode: Name
    within: Duration
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class OnLine:
    """`on CLASS -> ACTION` (CLASS is comm, partition or service)."""

    error_class: Name
    action: Name
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Transaction:
    """`transaction X { calls A, B; rate N per minute; on CLASS -> ACTION … }`."""

    name: Name
    calls: tuple[Name, ...]
    rate: Rate | None
    on: tuple[OnLine, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Writes:
    """`writes N into S`: N records written into store S over the job's run."""

    records: int
    store: Name
    span: Span = field(compare=False)


# --- components --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Component:
    """Fields every kind has.  `kind` is one of KINDS."""

    kind: str
    name: Name
    faults: tuple[FaultDecl, ...]
    needs: tuple[NeedsDecl, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class PlainComponent(Component):
    """A device, program or service: only faults and needs."""


@dataclass(frozen=True, slots=True)
class Failover(Component):
    """`failover G { primary A; secondary B; detect …; fault stuck; manual M }`."""

    primary: Name | None
    secondary: Name | None
    detects: tuple[Detect, ...]
    manual: Duration | None


@dataclass(frozen=True, slots=True)
class Store(Component):
    """`store S { capacity N }`; capacity None: the store never fills."""

    capacity: int | None


@dataclass(frozen=True, slots=True)
class Partition(Component):
    """`partition P { closes after N errors; reopens after R }`."""

    closes_after: int | None
    reopens_after: Duration | None


@dataclass(frozen=True, slots=True)
class Channel(Component):
    """`channel CH { via …; through P; timeout T; transaction …; on CLASS -> ACTION }`."""

    via: tuple[Name, ...]
    through: Name | None
    timeout: Duration | None
    transactions: tuple[Transaction, ...]
    on: tuple[OnLine, ...]


@dataclass(frozen=True, slots=True)
class Job(Component):
    """`job J { at T | after J1, J2; takes D; needs …; writes N into S }`."""

    at: TimePoint | None
    after: tuple[Name, ...]
    takes: Duration | None
    writes: tuple[Writes, ...]


# --- checks ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Selector:
    """A fault selector: a kind, a component, or `COMPONENT.MODE` (`mode` not None)."""

    name: Name
    mode: Name | None
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Hypothesis:
    """`faults at most K [of SELECTOR, …]`; no selectors: every declared fault."""

    at_most: int
    selectors: tuple[Selector, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Atom:
    """`X.down`, `CH.X.ACTION`, …: two or three dotted parts."""

    parts: tuple[Name, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class And:
    """`A and B and …`: two or more operands, in the order written."""

    operands: tuple[Expr, ...]
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Or:
    """`A or B or …`: two or more operands, in the order written."""

    operands: tuple[Expr, ...]
    span: Span = field(compare=False)


Expr = Atom | Not | And | Or


@dataclass(frozen=True, slots=True)
class Never:
    expr: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Always:
    expr: Expr
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class DoneBy:
    """`J done by T` (inclusive)."""

    job: Name
    deadline: TimePoint
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class LastsAtMost:
    """`A lasts at most D`: no run of more than D consecutive instants where A holds."""

    expr: Expr
    limit: Duration
    span: Span = field(compare=False)


Assertion = Never | Always | DoneBy | LastsAtMost


@dataclass(frozen=True, slots=True)
class Check:
    """`check "NAME" { faults …; assertions … }`."""

    name: str
    hypothesis: Hypothesis | None
    assertions: tuple[Assertion, ...]
    span: Span = field(compare=False)
    name_span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Model:
    """A whole model file.  `name` None: no `model` line (the file's stem is used)."""

    name: Name | None
    title: str | None
    horizon: Duration | None
    components: tuple[Component, ...]
    checks: tuple[Check, ...]
    span: Span = field(compare=False)


def render_expr(expr: Expr) -> str:
    """Return the expression as canonical source text (minimal parentheses)."""
    return _render_expr(expr, 0)


def _render_expr(expr: Expr, context: int) -> str:
    # precedence: or = 1, and = 2, not = 3, atom = 4
    if isinstance(expr, Atom):
        return ".".join(part.text for part in expr.parts)
    if isinstance(expr, Not):
        text, precedence = "not " + _render_expr(expr.operand, 3), 3
    elif isinstance(expr, And):
        text = " and ".join(_render_expr(operand, 3) for operand in expr.operands)
        precedence = 2
    else:
        text = " or ".join(_render_expr(operand, 2) for operand in expr.operands)
        precedence = 1
    return f"({text})" if precedence < context else text


def render_assertion(assertion: Assertion) -> str:
    """Return the assertion as canonical source text, e.g. `never atm.retain`."""
    if isinstance(assertion, Never):
        return "never " + render_expr(assertion.expr)
    if isinstance(assertion, Always):
        return "always " + render_expr(assertion.expr)
    if isinstance(assertion, DoneBy):
        return f"{assertion.job.text} done by {render_time_point(assertion.deadline.seconds)}"
    return f"{render_expr(assertion.expr)} lasts at most {render_duration(assertion.limit.seconds)}"


def render_hypothesis(hypothesis: Hypothesis | None) -> str | None:
    """Return the fault hypothesis as canonical source text (`faults at most 1 of
    device, nw_card_a.flap`), or None when a check has no `faults` line."""
    if hypothesis is None:
        return None
    text = f"faults at most {hypothesis.at_most}"
    if hypothesis.selectors:
        selectors = (
            s.name.text if s.mode is None else f"{s.name.text}.{s.mode.text}"
            for s in hypothesis.selectors
        )
        text += " of " + ", ".join(selectors)
    return text


def render_duration(seconds: int) -> str:
    """Return a duration in the language's compound form: 5400 -> `1h30m`, 0 -> `0s`."""
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts)


def render_time_point(seconds: int) -> str:
    """Return an instant as a clock time: `13:00`, `13:00:05`, `day 2 13:00`."""
    day, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")
    return clock if day == 0 else f"day {day + 1} {clock}"
