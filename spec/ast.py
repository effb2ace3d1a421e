"""The AST of a failspec model: frozen dataclasses with spans beside the meaning.

Every node has a `span` that does not take part in equality, so two nodes that
mean the same thing compare equal.  Times are integer seconds: `Duration` is a
length, `TimePoint` an instant (seconds since 00:00 of day 1).  Names are kept
as `Name` nodes so that validation can point at each use.

The v1 forms (DESIGN.md, "The language, v1") add `Windows` (`T..U, … [daily]`),
a channel's and a transaction's `open` hours, assertions judged `during`
windows or `at` an instant, `detect MODE never` (`Detect.within` None),
`rides out` and `recovers in` on any component, and `Scenario` blocks with the
check item `scenario "NAME"`.  Their fields are keyword-only with defaults that
mean v0, so a v0 node reads as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from failspec.spec.spans import Span

KINDS = ("device", "program", "service", "store", "failover", "partition", "channel", "job")
"""Component kinds, in the order the viewer groups them."""

ATOM_WORDS = ("down", "up", "closed", "full", "done", "running", "fails")
"""The atoms' own words: no fault mode, action or transaction may take them."""

DEFAULT_HORIZON = 24 * 3600
"""The horizon (seconds) of a model without a `horizon` line."""

SECONDS_PER_DAY = 86400
"""The period of a `daily` window list; `24:00` is this instant."""

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
class Window:
    """`T..U`: the instants T ≤ t < U.  In a daily list `start` and `end` are times of
    day (`end` may be 24:00 = 86400) and an end before its start runs past midnight."""

    start: TimePoint
    end: TimePoint
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Windows:
    """`W, W, … [daily]`: one set of instants, the union of its windows; `daily`:
    they repeat every day (an instant t belongs when t mod 86400 lies in one)."""

    windows: tuple[Window, ...]
    daily: bool
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

    def onsets(self, horizon: int) -> tuple[int, int]:
        """The earliest and latest onset the fault allows (integer seconds), clipped to
        `[0, horizon]`; the window is empty when the earliest is after the latest."""
        if self.at is not None:
            earliest = latest = self.at.seconds
        else:
            earliest = self.from_.seconds if self.from_ is not None else 0
            latest = self.until.seconds if self.until is not None else horizon
        return max(earliest, 0), min(latest, horizon)


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
    """`detect MODE within D`; `mode.text == "any"` for `detect any within D`;
    `within` None for `detect MODE never` (the switchover is configured off)."""

    mode: Name
    within: Duration | None
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
    hours: Windows | None = field(default=None, kw_only=True)
    """`open WINDOWS`: replaces the channel's hours for this transaction (None: none given)."""


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
    rides_out: Duration | None = field(default=None, kw_only=True)
    """`rides out D`: an outage of the needs lasting at most D is ridden out (None: 0s)."""
    recovers_in: Duration | None = field(default=None, kw_only=True)
    """`recovers in D`: down D more after the needs are back (None: 0s)."""


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
    hours: Windows | None = field(default=None, kw_only=True)
    """`open WINDOWS`: the hours of all its transactions (None: every instant)."""


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
    """`never A [during WINDOWS | at T]`."""

    expr: Expr
    span: Span = field(compare=False)
    window: Windows | None = field(default=None, kw_only=True)
    at: TimePoint | None = field(default=None, kw_only=True)
    """`at T`: judged at the one instant T (the window `T..T+1s`)."""


@dataclass(frozen=True, slots=True)
class Always:
    """`always A [during WINDOWS | at T]`."""

    expr: Expr
    span: Span = field(compare=False)
    window: Windows | None = field(default=None, kw_only=True)
    at: TimePoint | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class DoneBy:
    """`J done by T` (inclusive)."""

    job: Name
    deadline: TimePoint
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class LastsAtMost:
    """`A lasts at most D [during WINDOWS]`: no run of more than D consecutive instants
    where A holds (within the windows: `(A and in W) lasts at most D`)."""

    expr: Expr
    limit: Duration
    span: Span = field(compare=False)
    window: Windows | None = field(default=None, kw_only=True)


Assertion = Never | Always | DoneBy | LastsAtMost


@dataclass(frozen=True, slots=True)
class ScenarioRef:
    """The check item `scenario "NAME"`: judge the check on that scenario alone."""

    name: str
    span: Span = field(compare=False)
    name_span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Check:
    """`check "NAME" { faults … | scenario "S"; assertions … }`."""

    name: str
    hypothesis: Hypothesis | None
    assertions: tuple[Assertion, ...]
    span: Span = field(compare=False)
    name_span: Span = field(compare=False)
    scenario: ScenarioRef | None = field(default=None, kw_only=True)


@dataclass(frozen=True, slots=True)
class ScenarioFault:
    """`COMPONENT.MODE at T` in a scenario: that declared fault, with onset T."""

    component: Name
    mode: Name
    at: TimePoint
    span: Span = field(compare=False)


@dataclass(frozen=True, slots=True)
class Scenario:
    """`scenario "NAME" { COMPONENT.MODE at T … }`: declared faults and their onsets."""

    name: str
    faults: tuple[ScenarioFault, ...]
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
    scenarios: tuple[Scenario, ...] = ()
    """The top-level `scenario` blocks, in declaration order."""


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
    """Return the assertion as canonical source text, e.g. `never atm.retain`,
    `never brokers.reject at 09:00`, `x.down lasts at most 5m during 09:00..11:30`."""
    if isinstance(assertion, DoneBy):
        return f"{assertion.job.text} done by {render_time_point(assertion.deadline.seconds)}"
    if isinstance(assertion, LastsAtMost):
        text = f"{render_expr(assertion.expr)} lasts at most {render_duration(assertion.limit.seconds)}"
    else:
        word = "never" if isinstance(assertion, Never) else "always"
        text = f"{word} {render_expr(assertion.expr)}"
        if assertion.at is not None:
            return f"{text} at {render_time_point(assertion.at.seconds)}"
    if assertion.window is not None:
        text += " during " + render_windows(assertion.window)
    return text


def render_windows(windows: Windows) -> str:
    """Return a window list as canonical source text: `09:00..11:30, 12:30..15:00`,
    `22:00..06:00 daily` (an end at 86400 is written `24:00`)."""
    text = ", ".join(
        f"{render_time_point(w.start.seconds)}..{_render_window_end(w.end.seconds)}"
        for w in windows.windows
    )
    return text + " daily" if windows.daily else text


def _render_window_end(seconds: int) -> str:
    return "24:00" if seconds == 86400 else render_time_point(seconds)


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
