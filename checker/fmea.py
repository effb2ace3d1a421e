"""Failure modes and effects: what each declared fault does on its own.

For every fault f (in number order) and every check c of the model, f
*violates c on its own* when the fault set {f} violates c for some onset in
f's window (an engine decides c restricted to f alone) while c holds with no
fault at all.
Every check is judged on every fault, whether or not c's hypothesis selects f
(`in_hypothesis` says which); a check already violated with no fault is
listed once for the model (`violated_without_faults`), not under every fault.

The row's onset is the canonical witness onset of the violated check whose
violation comes soonest after its onset (`first_violation_after`, seconds),
or the fault's earliest onset if it violates nothing.  At that onset the
fault-free run and the faulty run are compared: the first visible effect is
the earliest instant with an event on a channel or a job that happens in one
run and not in the other, with every such event at that instant (an event of
the fault-free run that no longer happens at its instant, such as a job's
`done`, is an effect too, marked `missing`).  A component *riding out* an
outage of its needs (`rides out D`, language v1) keeps working, so its
`riding_out` event is no effect: the effect, if any, is what follows when the
outage lasts longer than D.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from failspec.checker import ir
from failspec.checker.causes import build_trace
from failspec.checker.engine import Engine, OutOfTime, Verdict, check_deadline
from failspec.checker.engines import AutoEngine
from failspec.checker.simulate import violation_of
from failspec.counterexamples.trace import EventKind, TraceEvent
from failspec.counterexamples.vocabulary import change_words

VISIBLE_KINDS = ("channel", "job")


@dataclass(frozen=True, slots=True)
class ViolatedCheck:
    """A check the fault violates on its own: its canonical violation instant and onset."""

    check: str
    violation_at: int
    onset: int
    in_hypothesis: bool


@dataclass(frozen=True, slots=True)
class EffectEvent:
    """An event on a channel or job that the fault adds (or removes, when `missing`)
    compared with the fault-free run."""

    component: str
    change: str
    missing: bool


@dataclass(frozen=True, slots=True)
class Effect:
    """The first instant at which the faulty run differs on a channel or job, and every
    difference at that instant (sorted: added before missing, then by name)."""

    at: int
    events: tuple[EffectEvent, ...]


@dataclass(frozen=True, slots=True)
class FmeaRow:
    fault: int
    label: str
    component: str
    kind: str
    onset: int | None
    """The onset the effect was taken at; None if the fault can never occur."""
    violated: tuple[ViolatedCheck, ...]
    effect: Effect | None
    first_violation_after: int | None
    """Seconds from onset to the soonest violation, or None if it violates nothing."""
    first_violated_check: str | None


@dataclass(frozen=True, slots=True)
class Fmea:
    model: str
    file: str
    rows: tuple[FmeaRow, ...]
    violated_without_faults: tuple[str, ...]
    complete: bool = True
    """False when the deadline passed: the rows after the last one are missing."""


def fmea(model: ir.Model, deadline: float | None = None, engine: Engine | None = None) -> Fmea:
    """One row per declared fault; `deadline` is a `time.perf_counter()` value, and
    `engine` (default `auto`) decides whether a fault violates a check on its own."""
    decider = engine if engine is not None else AutoEngine()
    baseline = {c.name: violation_of(model, c, {}) is not None for c in model.checks}
    without = tuple(name for name, violated in baseline.items() if violated)
    baseline_events = _run_events(model, {})
    rows: list[FmeaRow] = []
    for fault in model.faults:
        try:
            check_deadline(deadline)
            rows.append(_row(model, fault, baseline, baseline_events, decider, deadline))
        except OutOfTime:
            return Fmea(model.name, model.file, tuple(rows), without, complete=False)
    return Fmea(model.name, model.file, tuple(rows), without)


def _alone(
    model: ir.Model, check: ir.Check, fault: int, engine: Engine, deadline: float | None
) -> tuple[int, int] | None:
    """(violation instant, onset) of the canonical scenario in which `fault` alone
    violates `check` (which the fault-free run does not), or None; raise OutOfTime."""
    alone = dataclasses.replace(check, at_most=1, faults=(fault,))
    outcome = engine.decide(model, alone, deadline)
    if outcome.verdict == Verdict.UNKNOWN:
        raise OutOfTime
    if outcome.scenario is None or outcome.violation_at is None:
        return None
    return outcome.violation_at, outcome.scenario[fault]


def _row(
    model: ir.Model,
    fault: ir.Fault,
    baseline: dict[str, bool],
    baseline_events: list[TraceEvent],
    engine: Engine,
    deadline: float | None,
) -> FmeaRow:
    component = model.components[fault.component]
    if fault.earliest > fault.latest:
        return FmeaRow(
            fault.number, fault.label, component.name, component.kind, None, (), None, None, None
        )
    violated = []
    for check in model.checks:
        if baseline[check.name] or check.scenario is not None:
            continue  # a scenario check ranges over no fault: its one scenario is fixed
        best = _alone(model, check, fault.number, engine, deadline)
        if best is not None:
            at, onset = best
            in_hypothesis = fault.number in check.faults and check.at_most >= 1
            violated.append(ViolatedCheck(check.name, at, onset, in_hypothesis))
    first = min(violated, key=lambda v: (v.violation_at - v.onset, v.violation_at), default=None)
    onset = fault.earliest if first is None else first.onset
    effect = _first_effect(model, baseline_events, _run_events(model, {fault.number: onset}))
    return FmeaRow(
        fault=fault.number,
        label=fault.label,
        component=component.name,
        kind=component.kind,
        onset=onset,
        violated=tuple(violated),
        effect=effect,
        first_violation_after=None if first is None else first.violation_at - first.onset,
        first_violated_check=None if first is None else first.check,
    )


def _run_events(model: ir.Model, scenario: dict[int, int]) -> list[TraceEvent]:
    """Every event of the run at instants 0..horizon (through a check that holds
    `X.down or X.up` for the whole horizon and so is violated exactly at the horizon)."""
    if not model.components:
        return []
    always = ir.OrExpr(ir.AtomRef(0, "down"), ir.AtomRef(0, "up"))
    probe = ir.Check(
        name="every event up to the horizon",
        line=0,
        at_most=len(scenario),
        faults=tuple(sorted(scenario)),
        assertions=(ir.LastsAtMost(always, model.horizon, "the horizon is reached"),),
    )
    return list(build_trace(model, probe, scenario).events)


def _first_effect(
    model: ir.Model, baseline: list[TraceEvent], faulty: list[TraceEvent]
) -> Effect | None:
    visible = {c.name for c in model.components if c.kind in VISIBLE_KINDS}

    def keys(events: list[TraceEvent]) -> set[tuple[int, str, str]]:
        return {
            (e.at, e.component, change_words(e.fact))
            for e in events
            if e.component in visible and e.kind != EventKind.RIDING_OUT
        }

    before, after = keys(baseline), keys(faulty)
    differences = [(at, False, c, x) for at, c, x in after - before]
    differences += [(at, True, c, x) for at, c, x in before - after]
    if not differences:
        return None
    first = min(d[0] for d in differences)
    events = sorted((missing, c, x) for at, missing, c, x in differences if at == first)
    return Effect(first, tuple(EffectEvent(c, x, missing) for missing, c, x in events))
