"""The causal chain of a trace: the events the violation rests on and, transitively,
their causes, from the injected fault(s) to the violation.

It follows the ids in the violation's and the events' `cause` fields; nothing
else (no names, no words) decides what is on the chain.
"""

from __future__ import annotations

from failspec.counterexamples.trace import Trace


def causal_chain(trace: Trace) -> tuple[int, ...]:
    """The ids, ascending, of the events the violation rests on and of all their
    causes, transitively."""
    chain: set[int] = set()
    pending = list(trace.violation.cause)
    while pending:
        event_id = pending.pop()
        if event_id in chain:
            continue
        chain.add(event_id)
        pending.extend(trace.event(event_id).cause)
    return tuple(sorted(chain))


def reaches(trace: Trace, event_id: int) -> bool:
    """Whether the event is on the causal chain (the violation rests on it)."""
    return event_id in causal_chain(trace)
