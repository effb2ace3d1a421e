"""Turn one concrete run into the counterexample trace: every state change at or
before the violation instant, each with the earlier events that caused it."""

from __future__ import annotations

from collections.abc import Callable

from failspec.checker import ir
from failspec.checker.signals import EMPTY, INF, Ctx, Signal, Sym, Time, holds_at
from failspec.checker.simulate import Episode, Run, judge, simulate
from failspec.counterexamples.trace import Trace, TraceEvent, TraceFault, Violation
from failspec.spec.ast import render_duration, render_time_point

Emit = Callable[[int, str, str, list[str], "str | None"], None]


def _n(value: Time | None) -> int:
    """A time value of a concrete run as an int (a trace is built from a concrete run)."""
    assert value is not None and not isinstance(value, Sym)
    return int(value)


def build_trace(model: ir.Model, check: ir.Check, scenario: dict[int, int]) -> Trace:
    """The trace of a violating concrete scenario; raise ValueError if it does not violate.

    Besides the events it carries the model's graph for the viewer: every component
    (name, kind) in declaration order, the sorted (reader, read) name pairs of
    `model.reads`, and the check's fault hypothesis as written (`no faults` without
    a `faults` line).
    """
    from failspec.counterexamples.trace import TraceComponent

    ctx = Ctx()
    run = simulate(model, dict(scenario), ctx)
    verdict = judge(run, ctx, check)
    if verdict is None:
        raise ValueError("the scenario does not violate the check")
    at, index = verdict
    assert isinstance(at, int)
    events = _events(run, at)
    faults = tuple(
        TraceFault(
            number=n,
            component=model.fault(n).component_name,
            mode=model.fault(n).mode,
            at=_n(scenario[n]),
            repair=model.fault(n).repair,
        )
        for n in sorted(scenario)
    )

    hypothesis = check.hypothesis or "no faults"

    names = [c.name for c in model.components]
    edges = sorted({(names[reader], names[read]) for reader, read in model.reads})
    return Trace(
        model=model.name,
        title=model.title,
        check=check.name,
        horizon=model.horizon,
        faults=faults,
        events=tuple(events),
        violation=Violation(at, check.assertions[index].text),
        hypothesis=hypothesis,
        components=tuple(TraceComponent(c.name, c.kind) for c in model.components),
        edges=tuple(edges),
    )


def _edges(signal: Signal, until: int) -> list[tuple[int, bool]]:
    """(instant, rising) for every change of the signal at instants ≤ until."""
    result = []
    for start, end in signal:
        if _n(start) > until:
            break
        result.append((_n(start), True))
        if _n(end) <= until:
            result.append((_n(end), False))
    return result


def _events(run: Run, until: int) -> list[TraceEvent]:  # noqa: C901
    model = run.model
    ctx = Ctx()
    events: list[TraceEvent] = []

    def emit(
        at: int, component: str, change: str, cause: list[str], detail: str | None = None
    ) -> None:
        if at <= until:
            events.append(TraceEvent(at, component, change, tuple(dict.fromkeys(cause)), detail))

    def name(index: int) -> str:
        return model.components[index].name

    for index in model.order:
        component = model.components[index]
        me = component.name
        spec = component.spec
        for n in component.faults:
            if n not in run.fault_active:
                continue
            fault = model.fault(n)
            onset = _n(run.scenario[n])
            latent = isinstance(spec, ir.FailoverSpec) and spec.stuck == n
            emit(
                onset,
                me,
                fault.mode,
                [],
                "latent: counts only at a switchover" if latent else "fault injected",
            )
            if fault.repair is not None:
                emit(onset + fault.repair, me, f"{fault.mode} repaired", [])

        if isinstance(spec, ir.FailoverSpec):
            primary, secondary = name(spec.primary), name(spec.secondary)
            for episode in run.episodes.get(index, []):
                start = _n(episode.start)
                if episode.window is None:
                    _no_switchover_event(episode, me, primary, emit)  # v1
                    continue
                emit(
                    start,
                    me,
                    "switchover started",
                    [f"{primary}.down"],
                    f"detect {episode.mode or 'any'} within {render_duration(episode.window)}",
                )
                if episode.outcome == "returned":
                    emit(
                        _n(episode.end),
                        me,
                        "switchover cancelled",
                        [f"{primary}.up"],
                        f"{primary} came back before the switchover",
                    )
                    continue
                assert episode.switch_at is not None
                switch_at = _n(episode.switch_at)
                if episode.outcome == "switched":
                    emit(switch_at, me, f"switched to {secondary}", [f"{me}.switchover started"])
                elif episode.outcome == "stuck manual":
                    assert spec.manual is not None
                    emit(
                        switch_at,
                        me,
                        "switchover failed",
                        [f"{me}.stuck"],
                        f"manual recovery takes {render_duration(spec.manual)}",
                    )
                    emit(
                        switch_at + spec.manual,
                        me,
                        f"switched to {secondary} by hand",
                        [f"{me}.switchover failed"],
                    )
                else:
                    emit(
                        switch_at, me, "switchover failed", [f"{me}.stuck"], f"stays with {primary}"
                    )
        elif isinstance(spec, ir.PartitionSpec):
            for closed_start, closed_end in run.closed.get(index, EMPTY):
                reasons = []
                for channel, txn in spec.routed:
                    channel_spec = model.components[channel].spec
                    assert isinstance(channel_spec, ir.ChannelSpec)
                    x = channel_spec.transactions[txn].name
                    calls = channel_spec.transactions[txn].calls
                    before = _n(closed_start) - 1
                    if any(holds_at(ctx, run.down[c], before) for c in calls):
                        reasons.append(f"{name(channel)}.{x} fails (service)")
                emit(_n(closed_start), me, "closed", reasons, f"after {spec.closes_after} errors")
                if _n(closed_end) < INF:
                    emit(_n(closed_end), me, "reopened", [f"{me}.closed"], None)
        elif isinstance(spec, ir.StoreSpec):
            for full_start, _ in run.full.get(index, EMPTY):
                writers = [
                    f"{name(job)}.started"
                    for job, _ in spec.writers
                    if run.job_start.get(job) is not None
                ]
                emit(
                    _n(full_start), me, "full", writers, f"records exceed capacity {spec.capacity}"
                )
        elif isinstance(spec, ir.JobSpec):
            job_start = run.job_start.get(index)
            if job_start is not None:
                emit(_n(job_start), me, "started", [f"{name(j)}.done" for j in spec.after], None)
                done = run.job_done.get(index)
                if done is not None:
                    emit(_n(done), me, "done", [f"{me}.started"], None)

        if isinstance(spec, ir.ChannelSpec):
            _channel_events(run, ctx, index, spec, emit)
        _timing_events(run, ctx, component, emit)  # v1: rides out, recovers in

        for at, rising in _edges(run.down[index], until):
            if rising:
                emit(at, me, "down", _down_reasons(run, ctx, index, at))
            else:
                emit(at, me, "up", _up_reasons(run, ctx, index, at))

    events.sort(key=lambda e: e.at)
    return events


def _down_reasons(run: Run, ctx: Ctx, index: int, at: int) -> list[str]:  # noqa: C901
    model = run.model
    component = model.components[index]
    spec = component.spec
    reasons = []
    for n in component.faults:
        latent = isinstance(spec, ir.FailoverSpec) and spec.stuck == n
        if (
            n in run.fault_active
            and not latent
            and holds_at(ctx, run.own_down[index], at)
            and holds_at(ctx, run.fault_active[n], at)
        ):
            reasons.append(f"{component.name}.{model.fault(n).mode}")
    for group in component.needs:
        members_down = [m for m in group.members if holds_at(ctx, run.down[m], at)]
        if len(group.members) - len(members_down) < group.k:
            reasons += [f"{model.components[m].name}.down" for m in members_down]
    if _ridden_out_until(run, index, at):
        reasons.append(f"{component.name}.riding out")  # v1: the needs outage outlasted it
    if isinstance(spec, ir.FailoverSpec) and holds_at(ctx, run.pair_down.get(index, EMPTY), at):
        primary, secondary = (
            model.components[spec.primary].name,
            model.components[spec.secondary].name,
        )
        following_b = False
        for episode in run.episodes.get(index, []):
            if (
                episode.outcome == "switched"
                and episode.switch_at is not None
                and at >= _n(episode.switch_at)
            ):
                following_b = True
            if episode.outcome == "stuck manual" and episode.switch_at is not None:
                assert spec.manual is not None
                if at >= _n(episode.switch_at) + spec.manual:
                    following_b = True
                elif at >= _n(episode.switch_at):
                    reasons.append(f"{component.name}.switchover failed")
        if following_b:
            reasons.append(f"{secondary}.down")
        elif holds_at(ctx, run.down[spec.primary], at):
            reasons.append(f"{primary}.down")
    if isinstance(spec, ir.PartitionSpec) and holds_at(ctx, run.closed.get(index, EMPTY), at):
        reasons.append(f"{component.name}.closed")
    if isinstance(spec, ir.StoreSpec) and holds_at(ctx, run.full.get(index, EMPTY), at):
        reasons.append(f"{component.name}.full")
    if isinstance(spec, ir.JobSpec):
        for store, _ in spec.writes:
            if holds_at(ctx, run.down[store], at):
                reasons.append(f"{model.components[store].name}.down")
    if isinstance(spec, ir.ChannelSpec) and holds_at(ctx, run.all_fail.get(index, EMPTY), at):
        for x, txn in enumerate(spec.transactions):
            klass = _class_at(run, ctx, index, x, at)
            if klass is not None:
                reasons.append(f"{component.name}.{txn.name} fails ({klass})")
    return reasons


def _up_reasons(run: Run, ctx: Ctx, index: int, at: int) -> list[str]:  # noqa: C901
    model = run.model
    component = model.components[index]
    reasons = []
    for n in component.faults:
        fault = model.fault(n)
        if (
            n in run.fault_active
            and fault.repair is not None
            and _n(run.scenario[n]) + fault.repair == at
        ):
            reasons.append(f"{component.name}.{fault.mode} repaired")
    inputs: list[int] = [m for g in component.needs for m in g.members]
    if _recovered_at(run, index, at):
        reasons.append(f"{component.name}.recovering")  # v1: recovers in has passed
    spec = component.spec
    if isinstance(spec, ir.FailoverSpec):
        inputs += [spec.primary, spec.secondary]
        for episode in run.episodes.get(index, []):
            if episode.outcome == "switched" and episode.switch_at == at:
                reasons.append(
                    f"{component.name}.switched to {model.components[spec.secondary].name}"
                )
            if (
                episode.outcome == "stuck manual"
                and episode.switch_at is not None
                and spec.manual is not None
                and _n(episode.switch_at) + spec.manual == at
            ):
                reasons.append(
                    f"{component.name}.switched to {model.components[spec.secondary].name} by hand"
                )
    if isinstance(spec, ir.PartitionSpec):
        for _start, end in run.closed.get(index, EMPTY):
            if end == at:
                reasons.append(f"{component.name}.reopened")
    if isinstance(spec, ir.JobSpec):
        inputs += [s for s, _ in spec.writes]
    for m in inputs:
        signal = run.down[m]
        if at > 0 and holds_at(ctx, signal, at - 1) and not holds_at(ctx, signal, at):
            reasons.append(f"{model.components[m].name}.up")
    if isinstance(spec, ir.ChannelSpec):
        for x in range(len(spec.transactions)):
            if _class_at(run, ctx, index, x, at) is None:
                reasons.append(f"{component.name}.{_no_class_change(run, ctx, index, x, at)}")
    return reasons


def _class_at(run: Run, ctx: Ctx, channel: int, txn: int, at: int) -> str | None:
    for klass, signal in run.txn_class[(channel, txn)].items():
        if holds_at(ctx, signal, at):
            return klass
    return None


def _channel_events(run: Run, ctx: Ctx, index: int, spec: ir.ChannelSpec, emit: Emit) -> None:
    model = run.model
    me = model.components[index].name
    until_events: list[tuple[int, int, str | None]] = []
    for x, txn in enumerate(spec.transactions):
        points = sorted(
            {
                _n(p)
                for signal in run.txn_class[(index, x)].values()
                for iv in signal
                for p in iv
                if _n(p) < INF
            }
        )
        previous: str | None = None
        for at in points:
            klass = _class_at(run, ctx, index, x, at)
            if klass == previous:
                continue
            if klass is None:
                change = _no_class_change(run, ctx, index, x, at)
                emit(at, me, change, [], _hours_detail(run, ctx, index, x, at, opening=False))
            else:
                emit(
                    at,
                    me,
                    f"{txn.name} fails ({klass})",
                    _class_reasons(run, ctx, index, x, klass, at),
                    _hours_detail(run, ctx, index, x, at, opening=True),
                )
            until_events.append((at, x, klass))
            previous = klass
    # channel actions: CH.ACTION starts when some transaction fails with a class mapped to
    # it, and stops when none does any more (caused by the transactions that changed)
    points = sorted({at for at, _, _ in until_events})
    for action in spec.actions:
        takers: list[str] = []
        for at in points:
            now = []
            for x, txn in enumerate(spec.transactions):
                klass = _class_at(run, ctx, index, x, at)
                if klass is not None and txn.action_for(klass) == action:
                    now.append(f"{me}.{txn.name} fails ({klass})")
            if now and not takers:
                emit(at, me, action, now, None)
            elif takers and not now:
                changed = [
                    f"{me}."
                    + (
                        _no_class_change(run, ctx, index, x, at)
                        if klass is None
                        else f"{spec.transactions[x].name} fails ({klass})"
                    )
                    for event_at, x, klass in until_events
                    if event_at == at
                ]
                emit(at, me, f"{action} stops", changed, None)
            takers = now


def _class_reasons(run: Run, ctx: Ctx, channel: int, txn: int, klass: str, at: int) -> list[str]:
    model = run.model
    spec = model.components[channel].spec
    assert isinstance(spec, ir.ChannelSpec)
    if klass == "comm":
        return [
            f"{model.components[v].name}.down" for v in spec.via if holds_at(ctx, run.down[v], at)
        ]
    if klass == "partition":
        assert spec.through is not None
        p = spec.through
        return [
            f"{model.components[p].name}.{'closed' if holds_at(ctx, run.closed.get(p, EMPTY), at) else 'down'}"
        ]
    calls = spec.transactions[txn].calls
    return [f"{model.components[c].name}.down" for c in calls if holds_at(ctx, run.down[c], at)]


# --- v1: explanations of the forms of "operations in time" ----------------------------
#
# Each reads facts the simulator records as data (`Episode.no_switchover`,
# `Run.needs_raw` beside `Run.needs_down`, `Run.hours`); only the wording is here.


def _no_switchover_event(episode: Episode, me: str, primary: str, emit: Emit) -> None:
    """At the start of an outage of the primary that opens no window: why not
    (`detect MODE never`, or no detect line covers the episode's mode)."""
    if episode.no_switchover is ir.NoSwitchover.DETECT_NEVER:
        detail = f"no switchover: detect {episode.mode} never"
    elif episode.mode is not None:
        detail = f"no switchover: no detect line for {episode.mode}"
    else:
        detail = "no switchover: no detect line covers an outage through the needs"
    emit(_n(episode.start), me, "no switchover", [f"{primary}.down"], detail)


def _raw_runs(run: Run, index: int) -> list[tuple[int, int]]:
    """The outages of a component's needs before `rides out`/`recovers in` (concrete)."""
    return [(_n(a), _n(b)) for a, b in run.needs_raw.get(index, EMPTY)]


def _timing_events(run: Run, ctx: Ctx, component: ir.Component, emit: Emit) -> None:
    """`riding out` when the needs go down (and whether they are back in time), and
    `recovering` when they are back but the component stays down (`recovers in`)."""
    ride, recover = component.rides_out, component.recovers_in
    if ride == 0 and recover == 0:
        return
    index, me = component.index, component.name
    for start, end in _raw_runs(run, index):
        reasons = _needs_reasons(run, ctx, component, start)
        if ride > 0:
            lasted = end - start
            if lasted <= ride:
                detail = (
                    f"rides out {render_duration(ride)}: needs back after {render_duration(lasted)}"
                )
            else:
                detail = f"rides out {render_duration(ride)}"
            emit(start, me, "riding out", reasons, detail)
        if recover > 0 and end - start > ride and end < INF:
            back = _needs_up_reasons(run, ctx, component, end)
            detail = f"down {render_duration(recover)} more: recovers in {render_duration(recover)}"
            emit(end, me, "recovering", back, detail)


def _needs_reasons(run: Run, ctx: Ctx, component: ir.Component, at: int) -> list[str]:
    model = run.model
    reasons = []
    for group in component.needs:
        down = [m for m in group.members if holds_at(ctx, run.down[m], at)]
        if len(group.members) - len(down) < group.k:
            reasons += [f"{model.components[m].name}.down" for m in down]
    spec = component.spec
    if isinstance(spec, ir.JobSpec):
        reasons += [
            f"{model.components[s].name}.down"
            for s, _ in spec.writes
            if holds_at(ctx, run.down[s], at)
        ]
    return reasons


def _needs_up_reasons(run: Run, ctx: Ctx, component: ir.Component, at: int) -> list[str]:
    model = run.model
    inputs = [m for g in component.needs for m in g.members]
    if isinstance(component.spec, ir.JobSpec):
        inputs += [s for s, _ in component.spec.writes]
    return [
        f"{model.components[m].name}.up"
        for m in dict.fromkeys(inputs)
        if at > 0 and holds_at(ctx, run.down[m], at - 1) and not holds_at(ctx, run.down[m], at)
    ]


def _ridden_out_until(run: Run, index: int, at: int) -> bool:
    """Does an outage of the needs reach the component at `at`, after riding it out?"""
    ride = run.model.components[index].rides_out
    return ride > 0 and any(start + ride == at < end for start, end in _raw_runs(run, index))


def _recovered_at(run: Run, index: int, at: int) -> bool:
    """Is `at` the end of a recovery (`recovers in`) after the needs came back?"""
    component = run.model.components[index]
    recover = component.recovers_in
    return recover > 0 and any(
        end + recover == at and end - start > component.rides_out
        for start, end in _raw_runs(run, index)
    )


def _no_class_change(run: Run, ctx: Ctx, channel: int, txn: int, at: int) -> str:
    """How a transaction that stops failing at `at` is named: it `recovers`, or it is
    `not attempted` when its hours end there."""
    spec = run.model.components[channel].spec
    assert isinstance(spec, ir.ChannelSpec)
    name = spec.transactions[txn].name
    hours = run.hours.get((channel, txn))
    if hours is not None and not holds_at(ctx, hours, at):
        return f"{name} not attempted"
    return f"{name} recovers"


def _hours_detail(
    run: Run, ctx: Ctx, channel: int, txn: int, at: int, *, opening: bool
) -> str | None:
    """Why a class changes at an opening or a closing of the transaction's hours."""
    hours = run.hours.get((channel, txn))
    if hours is None:
        return None
    inside, before = holds_at(ctx, hours, at), at > 0 and holds_at(ctx, hours, at - 1)
    spec = run.model.components[channel].spec
    assert isinstance(spec, ir.ChannelSpec)
    text = spec.transactions[txn].hours
    assert text is not None
    if opening and inside and not before:
        return f"attempted from {render_time_point(at)}: open {text.text}"
    if not opening and not inside:
        return f"outside its hours: open {text.text}"
    return None


# --- v1: the timeline of one scenario (`failspec simulate`) ----------------------------


def build_timeline(model: ir.Model, scenario: dict[int, int], until: int) -> tuple[TraceEvent, ...]:
    """Every event of the concrete scenario's run at instants up to `until`, in trace
    order, each with its causes: the timeline `failspec simulate` prints."""
    ctx = Ctx()
    run = simulate(model, dict(scenario), ctx, until=until)
    return tuple(_events(run, until))
