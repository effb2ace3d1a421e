"""Lower a validated AST to the engine-neutral IR (`ir.py`).

Names become indices, times integer seconds, fault windows are clipped to
`[0, horizon]`, a transaction's `on` lines (and `open` hours) replace the
channel's for their class, window lists become sorted disjoint intervals (a
daily window past midnight two of them), scenarios become (fault number,
onset) in fault-number order, and the components get an evaluation order in
which each follows everything it reads.
"""

from __future__ import annotations

import heapq
from fractions import Fraction
from pathlib import Path

from failspec.checker import ir
from failspec.spec import ast
from failspec.spec.dependencies import dependencies

DEFAULT_HORIZON = ast.DEFAULT_HORIZON
"""The horizon (seconds) of a model without a `horizon` line."""


def lower_model(model: ast.Model, file: str) -> ir.Model:
    """Return the IR of `model`, which `validate_model` found free of errors."""
    horizon = model.horizon.seconds if model.horizon is not None else DEFAULT_HORIZON
    name = model.name.text if model.name is not None else Path(file).stem
    index = {c.name.text: i for i, c in enumerate(model.components)}

    faults: list[ir.Fault] = []
    fault_numbers: list[tuple[int, ...]] = []
    for i, component in enumerate(model.components):
        numbers = []
        for decl in component.faults:
            faults.append(_lower_fault(decl, len(faults) + 1, i, component.name.text, horizon))
            numbers.append(len(faults))
        fault_numbers.append(tuple(numbers))

    routed: dict[int, list[tuple[int, int]]] = {}
    writers: dict[int, list[tuple[int, int]]] = {}
    for i, component in enumerate(model.components):
        if isinstance(component, ast.Channel) and component.through is not None:
            p = index[component.through.text]
            routed.setdefault(p, []).extend((i, x) for x in range(len(component.transactions)))
        if isinstance(component, ast.Job):
            for w in component.writes:
                writers.setdefault(index[w.store.text], []).append((i, w.records))

    components = []
    for i, component in enumerate(model.components):
        stuck = None
        if isinstance(component, ast.Failover):
            for number, decl in zip(fault_numbers[i], component.faults, strict=True):
                if decl.mode.text == "stuck":
                    stuck = number
        components.append(
            ir.Component(
                index=i,
                name=component.name.text,
                kind=component.kind,
                faults=fault_numbers[i],
                needs=tuple(_lower_needs(n, index) for n in component.needs),
                spec=_lower_kind(component, index, stuck, routed.get(i, []), writers.get(i, [])),
                span=component.span,
                rides_out=_seconds(component.rides_out),
                recovers_in=_seconds(component.recovers_in),
            )
        )

    reads = tuple(
        dict.fromkeys((index[c.name.text], index[r.text]) for c, r in dependencies(model))
    )
    order = _evaluation_order(len(components), reads)
    scenarios = {s.name: _lower_scenario(s, index, fault_numbers, faults) for s in model.scenarios}
    checks = tuple(_lower_check(c, model, index, faults, scenarios) for c in model.checks)
    return ir.Model(
        name=name,
        title=model.title,
        file=file,
        horizon=horizon,
        components=tuple(components),
        order=order,
        faults=tuple(faults),
        checks=checks,
        reads=reads,
        scenarios=tuple(scenarios.values()),
        source=model,
    )


def _seconds(duration: ast.Duration | None) -> int:
    return duration.seconds if duration is not None else 0


def lower_windows(windows: ast.Windows) -> ir.Windows:
    """The set of instants of a window list: sorted, disjoint, not adjacent intervals;
    a daily window whose end is before its start runs past midnight (two intervals
    of the day).  Validation has ruled out empty and reversed windows."""
    period = ast.SECONDS_PER_DAY if windows.daily else None
    pieces: list[tuple[int, int]] = []
    for window in windows.windows:
        start, end = window.start.seconds, window.end.seconds
        if period is not None and end < start:
            pieces += [(start, period), (0, end)]
        else:
            pieces.append((start, end))
    return ir.Windows(_merge(pieces), period, ast.render_windows(windows))


def _merge(pieces: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(p for p in pieces if p[0] < p[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _lower_scenario(
    scenario: ast.Scenario,
    index: dict[str, int],
    fault_numbers: list[tuple[int, ...]],
    faults: list[ir.Fault],
) -> ir.Scenario:
    entries = []
    for entry in scenario.faults:
        numbers = fault_numbers[index[entry.component.text]]
        number = next(n for n in numbers if faults[n - 1].mode == entry.mode.text)
        entries.append((number, entry.at.seconds))
    return ir.Scenario(scenario.name, tuple(sorted(entries)), scenario.span)


def _lower_fault(
    decl: ast.FaultDecl, number: int, component: int, component_name: str, horizon: int
) -> ir.Fault:
    earliest, latest = decl.onsets(horizon)
    rate_per_hour = None
    if decl.rate is not None:
        rate_per_hour = decl.rate.value * 3600 / decl.rate.unit_seconds
    return ir.Fault(
        number=number,
        component=component,
        component_name=component_name,
        mode=decl.mode.text,
        earliest=earliest,
        latest=latest,
        repair=decl.repair.seconds if decl.repair is not None else None,
        probability=decl.probability,
        rate_per_hour=rate_per_hour,
        span=decl.span,
    )


def _lower_needs(decl: ast.NeedsDecl, index: dict[str, int]) -> ir.NeedGroup:
    members = tuple(index[m.text] for m in decl.members)
    return ir.NeedGroup(k=len(members) if decl.k is None else decl.k, members=members)


def _lower_kind(
    component: ast.Component,
    index: dict[str, int],
    stuck: int | None,
    routed: list[tuple[int, int]],
    writers: list[tuple[int, int]],
) -> ir.KindSpec:
    if isinstance(component, ast.Failover):
        assert component.primary is not None and component.secondary is not None
        detect = tuple(
            (d.mode.text, d.within.seconds if d.within is not None else None)
            for d in component.detects
        )
        return ir.FailoverSpec(
            primary=index[component.primary.text],
            secondary=index[component.secondary.text],
            detect=tuple((m, w) for m, w in detect if m != "any"),
            detect_any=next((w for m, w in detect if m == "any"), None),
            stuck=stuck,
            manual=component.manual.seconds if component.manual is not None else None,
        )
    if isinstance(component, ast.Store):
        return ir.StoreSpec(capacity=component.capacity, writers=tuple(writers))
    if isinstance(component, ast.Partition):
        return ir.PartitionSpec(
            closes_after=component.closes_after,
            reopens_after=(
                component.reopens_after.seconds if component.reopens_after is not None else None
            ),
            routed=tuple(routed),
        )
    if isinstance(component, ast.Channel):
        channel_on = {line.error_class.text: line.action.text for line in component.on}
        transactions = []
        for t in component.transactions:
            actions = dict(channel_on)
            actions.update({line.error_class.text: line.action.text for line in t.on})
            hours = t.hours if t.hours is not None else component.hours
            transactions.append(
                ir.TransactionSpec(
                    name=t.name.text,
                    calls=tuple(index[c.text] for c in t.calls),
                    rate_per_minute=t.rate.per_minute if t.rate is not None else Fraction(0),
                    actions=tuple(
                        (klass, actions[klass]) for klass in ast.ERROR_CLASSES if klass in actions
                    ),
                    hours=lower_windows(hours) if hours is not None else None,
                )
            )
        return ir.ChannelSpec(
            via=tuple(index[v.text] for v in component.via),
            through=index[component.through.text] if component.through is not None else None,
            timeout=component.timeout.seconds if component.timeout is not None else 0,
            transactions=tuple(transactions),
        )
    if isinstance(component, ast.Job):
        assert component.takes is not None
        return ir.JobSpec(
            at=component.at.seconds if component.at is not None else None,
            after=tuple(index[a.text] for a in component.after),
            takes=component.takes.seconds,
            writes=tuple((index[w.store.text], w.records) for w in component.writes),
        )
    return None


def _evaluation_order(count: int, reads: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    """Every component after the components it reads: the lexicographically least
    such order of indices (Kahn's algorithm with a heap; the same order as
    networkx's `lexicographical_topological_sort`, without importing networkx on
    every load).  Validation has ruled out cycles."""
    readers: dict[int, list[int]] = {index: [] for index in range(count)}
    waiting = dict.fromkeys(range(count), 0)
    for reader, read in reads:
        readers[read].append(reader)
        waiting[reader] += 1
    ready = [index for index, number in waiting.items() if number == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        index = heapq.heappop(ready)
        order.append(index)
        for reader in readers[index]:
            waiting[reader] -= 1
            if waiting[reader] == 0:
                heapq.heappush(ready, reader)
    assert len(order) == count, "a dependency cycle passed validation"
    return tuple(order)


def _lower_check(
    check: ast.Check,
    model: ast.Model,
    index: dict[str, int],
    faults: list[ir.Fault],
    scenarios: dict[str, ir.Scenario],
) -> ir.Check:
    selected: tuple[int, ...] = ()
    scenario: tuple[tuple[int, int], ...] | None = None
    hypothesis = ast.render_hypothesis(check.hypothesis)
    if check.scenario is not None:
        scenario = scenarios[check.scenario.name].faults
        selected = tuple(n for n, _ in scenario)
        at_most = len(scenario)
        hypothesis = f'scenario "{check.scenario.name}"'
    elif check.hypothesis is None:
        at_most = 0
    else:
        selected = _select_faults(check.hypothesis.selectors, model, faults)
        # At most K of N faults with K > N allows every set of them, as at most N
        # does: the same hypothesis, and no search over sizes that cannot exist.
        at_most = min(check.hypothesis.at_most, len(selected))
    return ir.Check(
        name=check.name,
        line=check.span.line,
        at_most=at_most,
        faults=selected,
        assertions=tuple(_lower_assertion(a, model, index) for a in check.assertions),
        hypothesis=hypothesis,
        span=check.span,
        name_span=check.name_span,
        scenario=scenario,
    )


def _select_faults(
    selectors: tuple[ast.Selector, ...], model: ast.Model, faults: list[ir.Fault]
) -> tuple[int, ...]:
    if not selectors:
        return tuple(f.number for f in faults)
    kinds = {c.name.text: c.kind for c in model.components}
    chosen: set[int] = set()
    for selector in selectors:
        for f in faults:
            if selector.mode is not None:
                hit = f.component_name == selector.name.text and f.mode == selector.mode.text
            elif selector.name.text in kinds:
                hit = f.component_name == selector.name.text
            else:
                hit = kinds[f.component_name] == selector.name.text
            if hit:
                chosen.add(f.number)
    return tuple(sorted(chosen))


def _lower_assertion(
    assertion: ast.Assertion, model: ast.Model, index: dict[str, int]
) -> ir.Assertion:
    text, span = ast.render_assertion(assertion), assertion.span
    if isinstance(assertion, ast.DoneBy):
        return ir.DoneBy(index[assertion.job.text], assertion.deadline.seconds, text, span)
    expr = _lower_expr(assertion.expr, model, index)
    window = lower_windows(assertion.window) if assertion.window is not None else None
    if isinstance(assertion, ast.LastsAtMost):
        return ir.LastsAtMost(expr, assertion.limit.seconds, text, span, window)
    if assertion.at is not None:
        at = assertion.at.seconds
        window = ir.Windows(((at, at + 1),), None, f"at {ast.render_time_point(at)}")
    if isinstance(assertion, ast.Never):
        return ir.Never(expr, text, span, window)
    return ir.Always(expr, text, span, window)


def _lower_expr(expr: ast.Expr, model: ast.Model, index: dict[str, int]) -> ir.Expr:
    if isinstance(expr, ast.Not):
        return ir.NotExpr(_lower_expr(expr.operand, model, index))
    if isinstance(expr, (ast.And, ast.Or)):
        operands = [_lower_expr(operand, model, index) for operand in expr.operands]
        return _balanced(operands, ir.AndExpr if isinstance(expr, ast.And) else ir.OrExpr)
    return _lower_atom(expr, model, index)


def _balanced(operands: list[ir.Expr], join: type[ir.AndExpr] | type[ir.OrExpr]) -> ir.Expr:
    """`a and b and c …` as a balanced binary tree (both operators are associative), so
    that the engines' walks over an expression of any length stay shallow."""
    if len(operands) == 1:
        return operands[0]
    middle = len(operands) // 2
    return join(_balanced(operands[:middle], join), _balanced(operands[middle:], join))


def _lower_atom(atom: ast.Atom, model: ast.Model, index: dict[str, int]) -> ir.AtomRef:
    parts = [p.text for p in atom.parts]
    c = index[parts[0]]
    component = model.components[c]
    if len(parts) == 3:
        assert isinstance(component, ast.Channel)
        txn = next(i for i, t in enumerate(component.transactions) if t.name.text == parts[1])
        if parts[2] == "fails":
            return ir.AtomRef(c, "txn_fails", None, txn)
        return ir.AtomRef(c, "txn_action", parts[2], txn)
    word = parts[1]
    if word in ("down", "up", "closed", "full", "done", "running"):
        return ir.AtomRef(c, word)
    if any(f.mode.text == word for f in component.faults):
        return ir.AtomRef(c, "fault", word)
    return ir.AtomRef(c, "action", word)
