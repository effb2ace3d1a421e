"""The causal structure of a trace: which event each cause names, which events the
violation rests on, and the chain of events from the injected fault(s) to it.

Events are numbered by their position in `trace.events` (0-based).  A cause
`component.change` names the latest event with that reference at or before the
event's instant, preferring one listed before it (events of one instant come in
evaluation order, so a cause is listed before its effect).
"""

from __future__ import annotations

import re

from failspec.counterexamples.trace import Trace

_ATOM = re.compile(r"\b[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)+\b")
_WORD = re.compile(r"\b[a-z_][a-z0-9_]*\b")


def resolve_causes(trace: Trace) -> tuple[tuple[int, ...], ...]:
    """Return, for every event, the numbers of the events its `cause` names.

    A cause that names no event of the trace (it cannot happen in a trace the
    checker built) is left out.
    """
    by_ref: dict[str, list[int]] = {}
    for number, event in enumerate(trace.events):
        by_ref.setdefault(event.ref, []).append(number)
    resolved: list[tuple[int, ...]] = []
    for number, event in enumerate(trace.events):
        found: list[int] = []
        for ref in event.cause:
            candidates = [
                j for j in by_ref.get(ref, ()) if j != number and trace.events[j].at <= event.at
            ]
            before = [j for j in candidates if j < number]
            if before:
                found.append(before[-1])
            elif candidates:
                found.append(candidates[0])
        resolved.append(tuple(dict.fromkeys(found)))
    return tuple(resolved)


def _matches(change: str, atom: tuple[str, ...]) -> bool:
    """Whether an event `change` of component atom[0] makes the atom's word true (or false)."""
    word = atom[-1]
    if len(atom) == 3:  # CH.X.fails, CH.X.ACTION
        return change.startswith(f"{atom[1]} fails (") or change == word
    if word == "running":
        return change == "started"
    if word == "up":  # `always X.up` breaks when X goes down
        return change in ("up", "down")
    return change == word


def violation_roots(trace: Trace) -> tuple[int, ...]:
    """Return the numbers of the events the violated assertion rests on, ascending.

    For every atom of the assertion (`atm.retain`, `nw_link.down`, `atm.withdrawal.fails`)
    the latest event at or before the violation instant that makes it true; for
    an atom without one, and for a component named without a dot (the job of
    `J done by T`), the latest event of that component.
    """
    until = trace.violation.at
    events = [(n, e) for n, e in enumerate(trace.events) if e.at <= until]
    components = {e.component for _, e in events}
    text = trace.violation.assertion
    roots: set[int] = set()
    named: list[str] = []
    for match in _ATOM.finditer(text):
        atom = tuple(match.group(0).split("."))
        hits = [n for n, e in events if e.component == atom[0] and _matches(e.change, atom)]
        if hits:
            roots.add(hits[-1])
        else:
            named.append(atom[0])
    without_atoms = _ATOM.sub(" ", text)
    named += [w for w in _WORD.findall(without_atoms) if w in components]
    for component in named:
        hits = [n for n, e in events if e.component == component]
        if hits:
            roots.add(hits[-1])
    return tuple(sorted(roots))


def find_causal_chain(trace: Trace) -> tuple[int, ...]:
    """Return the numbers, ascending, of the events from the injected fault(s) to the
    violation: the events the violation rests on and, transitively, their causes."""
    causes = resolve_causes(trace)
    chain: set[int] = set()
    pending = list(violation_roots(trace))
    while pending:
        number = pending.pop()
        if number in chain:
            continue
        chain.add(number)
        pending.extend(causes[number])
    return tuple(sorted(chain))
