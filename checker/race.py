"""A race of computations in processes of their own: the first acceptable answer wins.

`first_of([f, g])` runs `f()` and `g()` at the same time, each in a process
forked from this one, and returns the first result `accept` takes; the others
are stopped.  It is how `auto` lets the two engines race (`engines.py`): both
are exact and give the same canonical answer, so whichever finishes first is
the answer, and only the name of the engine that gave it depends on the race.

Where processes cannot be forked (not on Linux, or inside a process that must
not fork), the computations run one after the other in this process instead,
in the order given, and the first acceptable result is returned: the same
answer, later.
"""

from __future__ import annotations

import multiprocessing
import sys
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import TypeVar

T = TypeVar("T")


class _Failed:
    """A racer's exception, carried back by name and message."""

    def __init__(self, error: BaseException) -> None:
        self.kind = type(error).__name__
        self.message = str(error)


def _run(compute: Callable[[], object], connection: Connection) -> None:
    try:
        result: object = compute()
    except BaseException as error:  # noqa: BLE001 -- carried to the parent
        result = _Failed(error)
    try:
        connection.send(result)
    finally:
        connection.close()


def can_race() -> bool:
    """Can computations race in forked processes here?"""
    return sys.platform == "linux"


def first_of(
    computations: Sequence[Callable[[], T]],
    accept: Callable[[T], bool],
    rank: Callable[[T], int] | None = None,
) -> T:
    """The first result of `computations` that `accept` takes, computed in parallel;
    if none is accepted, the result that `rank` puts highest (the first of those
    ranked equal; without `rank`, the result of the first computation).  An
    exception of a computation is raised (as RuntimeError, with its type and
    message) only when no other computation gives a result."""
    if not can_race() or len(computations) == 1:
        computed = []
        for compute in computations:
            answer = compute()
            if accept(answer):
                return answer
            computed.append(answer)
        return _best(computed, rank)
    context = multiprocessing.get_context("fork")
    racers = []
    for compute in computations:
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_run, args=(compute, send), daemon=True)
        process.start()
        send.close()
        racers.append((receive, process))
    results: dict[int, T | _Failed] = {}
    pending = {receive: i for i, (receive, _) in enumerate(racers)}
    try:
        while pending:
            for ready in wait(list(pending)):
                assert isinstance(ready, Connection)
                index = pending.pop(ready)
                value: T | _Failed
                try:
                    value = ready.recv()
                except EOFError:
                    value = _Failed(RuntimeError("the racer ended without an answer"))
                results[index] = value
                if not isinstance(value, _Failed) and accept(value):
                    return value
    finally:
        for receive, process in racers:
            if process.is_alive():
                process.terminate()
            process.join()
            receive.close()
    answers = [results[i] for i in range(len(racers))]
    found = [answer for answer in answers if not isinstance(answer, _Failed)]
    if found:
        return _best(found, rank)
    failed = answers[0]
    assert isinstance(failed, _Failed)
    raise RuntimeError(f"{failed.kind}: {failed.message}")


def _best(answers: list[T], rank: Callable[[T], int] | None) -> T:
    """The first of `answers` that `rank` puts highest (without `rank`, the first)."""
    return answers[0] if rank is None else max(answers, key=rank)
