"""Warnings: a valid model that is almost certainly not what its author meant.

`lint_model` reads the AST (for the spans of what it points at) and the IR of
the same model (for what the lowering settled: a transaction's actions after
its own `on` lines, the faults a hypothesis selects, the cone of influence of
a check).  A warning never changes a verdict.  The kinds (`WarningKind`):

- an action atom (`CH.ACTION`, `CH.X.ACTION`) to which no class of that channel
  or transaction maps: it can never hold;
- `manual` on a failover that has no `stuck` fault: it has no effect;
- a check whose cone of influence holds no fault its hypothesis selects (a
  `faults at most K` line with K ≥ 1): the fault-free run alone decides it;
- a declared fault that no check can select (in a model with checks), and one
  whose every onset lies past the horizon: it never occurs;
- an `open` window or an assertion window that lies wholly past the horizon
  (its first instant is after it): it judges or opens nothing that is judged.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from failspec.checker import ir
from failspec.checker.cone import cone_of, selectable_faults
from failspec.spec import ast
from failspec.spec.errors import SpecWarning, WarningKind, warning_order


def lint_model(tree: ast.Model, model: ir.Model) -> list[SpecWarning]:
    """Every warning about the model, sorted by position; `model` is `tree` lowered."""
    warnings = [
        *_never_taken_actions(tree, model),
        *_manual_without_stuck(tree),
        *_fault_free_checks(tree, model),
        *_unused_faults(model),
        *_windows_past_horizon(tree, model.horizon),
    ]
    return sorted(warnings, key=warning_order)


# --- actions ---------------------------------------------------------------------------


def _never_taken_actions(tree: ast.Model, model: ir.Model) -> Iterator[SpecWarning]:
    for check in tree.checks:
        for assertion in check.assertions:
            if isinstance(assertion, ast.DoneBy):
                continue
            for atom in _atoms(assertion.expr):
                warning = _action_warning(atom, model)
                if warning is not None:
                    yield warning


def _action_warning(atom: ast.Atom, model: ir.Model) -> SpecWarning | None:
    """A warning if `atom` names an action no class maps to (for its transaction)."""
    component = model.component_named(atom.parts[0].text)
    spec = component.spec
    if not isinstance(spec, ir.ChannelSpec):
        return None
    word = atom.parts[-1].text
    if len(atom.parts) == 3:
        transaction = next(t for t in spec.transactions if t.name == atom.parts[1].text)
        if word == "fails":
            return None
        actions = sorted({action for _, action in transaction.actions})
        owner = f"transaction '{transaction.name}' of channel '{component.name}'"
    else:
        faults = {f.mode for f in model.faults if f.component == component.index}
        if word in ("down", "up") or word in faults:
            return None
        actions = list(spec.actions)
        owner = f"channel '{component.name}'"
    if word in actions:
        return None
    close = difflib.get_close_matches(word, actions, n=1)
    if close:
        hint = f"did you mean '{close[0]}'?"
    elif actions:
        hint = f"the actions of {owner}: {', '.join(actions)}"
    else:
        hint = f"{owner} takes no action: give it 'on CLASS -> ACTION' lines"
    text = ".".join(part.text for part in atom.parts)
    return SpecWarning(
        WarningKind.ACTION_NEVER_TAKEN,
        atom.span,
        f"'{text}' can never hold: no class of {owner} maps to '{word}'",
        hint,
    )


def _atoms(expr: ast.Expr) -> Iterator[ast.Atom]:
    if isinstance(expr, ast.Atom):
        yield expr
    elif isinstance(expr, ast.Not):
        yield from _atoms(expr.operand)
    else:
        for operand in expr.operands:
            yield from _atoms(operand)


# --- failovers -------------------------------------------------------------------------


def _manual_without_stuck(tree: ast.Model) -> Iterator[SpecWarning]:
    for component in tree.components:
        if not isinstance(component, ast.Failover) or component.manual is None:
            continue
        if any(fault.mode.text == "stuck" for fault in component.faults):
            continue
        yield SpecWarning(
            WarningKind.MANUAL_WITHOUT_STUCK,
            component.manual.span,
            f"'manual' has no effect: failover '{component.name.text}' has no 'stuck' fault",
            "a manual recovery follows a failed switchover; declare 'fault stuck' "
            "(the switchover may fail) or drop 'manual'",
        )


# --- hypotheses and faults -------------------------------------------------------------


def _fault_free_checks(tree: ast.Model, model: ir.Model) -> Iterator[SpecWarning]:
    for check, node in zip(model.checks, tree.checks, strict=True):
        if node.hypothesis is None or check.at_most == 0:
            continue
        if selectable_faults(model, check, cone_of(model, check)):
            continue
        yield SpecWarning(
            WarningKind.FAULT_FREE_CHECK,
            node.hypothesis.span,
            f'check "{check.name}" is decided by the fault-free run alone: no fault its '
            "hypothesis selects can reach what it asserts",
            "select faults of the components the assertions depend on, or write "
            "'faults at most 0' for a check about the fault-free run",
        )


def _unused_faults(model: ir.Model) -> Iterator[SpecWarning]:
    selected = {n for check in model.checks for n in check.faults}
    for fault in model.faults:
        if fault.earliest > fault.latest:
            yield SpecWarning(
                WarningKind.FAULT_NEVER_OCCURS,
                fault.span,
                f"fault '{fault.label}' can never occur: its onsets lie past the horizon "
                f"({ast.render_time_point(model.horizon)})",
                "an onset lies in 0..horizon; move it, or extend the horizon",
            )
        elif model.checks and fault.number not in selected:
            yield SpecWarning(
                WarningKind.FAULT_NEVER_SELECTED,
                fault.span,
                f"no check can select fault '{fault.label}'",
                "select it in a check ('faults at most K of …' or a scenario), or drop it",
            )


# --- windows ---------------------------------------------------------------------------


def _windows_past_horizon(tree: ast.Model, horizon: int) -> Iterator[SpecWarning]:
    for component in tree.components:
        if not isinstance(component, ast.Channel):
            continue
        hours = [component.hours, *(t.hours for t in component.transactions)]
        for windows in hours:
            if windows is not None:
                yield from _past(windows, horizon, "opens nothing that is judged")
    for check in tree.checks:
        for assertion in check.assertions:
            if isinstance(assertion, ast.DoneBy):
                continue
            if assertion.window is not None:
                yield from _past(assertion.window, horizon, "judges nothing")
            at = assertion.at if isinstance(assertion, (ast.Never, ast.Always)) else None
            if at is not None and at.seconds > horizon:
                yield SpecWarning(
                    WarningKind.WINDOW_PAST_HORIZON,
                    at.span,
                    f"the instant {ast.render_time_point(at.seconds)} lies past the horizon "
                    f"({ast.render_time_point(horizon)}): the assertion judges nothing",
                    "instants are judged up to the horizon; move it, or extend the horizon",
                )


def _past(windows: ast.Windows, horizon: int, effect: str) -> Iterator[SpecWarning]:
    for window in windows.windows:
        start, end = window.start.seconds, window.end.seconds
        wraps = windows.daily and end < start  # holds 00:00 of day 1
        if start <= horizon or wraps:
            continue
        text = ast.render_windows(ast.Windows((window,), windows.daily, window.span))
        yield SpecWarning(
            WarningKind.WINDOW_PAST_HORIZON,
            window.span,
            f"the window {text} lies wholly past the horizon "
            f"({ast.render_time_point(horizon)}): it {effect}",
            "instants are judged up to the horizon; move the window, or extend the horizon",
        )
