"""Computations that race in processes of their own: the first acceptable answer wins.

`auto` (`engines.py`) runs the explicit engine in this process and, once its
pace is slow, hands the rest of its search to a child forked at that very
point (`HandOver.fork`: the child goes on where the search was, nothing is
done twice) while this process starts the SMT engine in a second child
(`Racer.start`) and waits for the first acceptable answer of the two
(`first_of`); the other is stopped.  Both engines are exact and give the same
canonical answer, so whichever finishes first is the answer, and only the name
of the engine that gave it depends on the race.

Where processes cannot be forked (not on Linux), `HandOver.fork` does nothing
and the search goes on here; the caller then computes the other engine after
it, in this process: the same answer, later.

A racer may say, before its answer, that it is ending (`Ending`: within so many
seconds, at its pace so far); `first_of` then pauses the other racers
(SIGSTOP), so that the one about to win has the machine, and lets them go on
(SIGCONT) if it has not answered within the seconds it said (and a second
more): a racer wrong about its end costs the others at most that (decision 66).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Generic, NoReturn, TypeVar

from failspec.parallel import die_with_parent

T = TypeVar("T")


def can_race() -> bool:
    """Can computations race in forked processes here?"""
    return sys.platform == "linux"


class Failed:
    """A racer's exception, carried back by name and message."""

    def __init__(self, error: BaseException) -> None:
        self.kind = type(error).__name__
        self.message = str(error)


@dataclass(frozen=True, slots=True)
class Ending:
    """A racer's word, before its answer, that it expects to answer within `seconds`."""

    seconds: float


ENDING_GRACE = 1.0
"""Seconds past those a racer said it would end within (`Ending`) before the racers
it paused go on."""


class Racer(Generic[T]):
    """A computation running in the process `pid`; its answer (or `Failed`) comes on
    `receive`, possibly after an `Ending`; `stop` ends the process."""

    def __init__(
        self,
        receive: Connection,
        pid: int,
        reap: Callable[[], None],
        alive: Callable[[], bool] = lambda: True,
    ) -> None:
        self.receive = receive
        self.pid = pid
        self._reap = reap
        """Wait for the process to end."""
        self._alive = alive
        """Is the process not yet reaped (so that `pid` is still its own)?"""

    @staticmethod
    def start(compute: Callable[[], T]) -> Racer[T]:
        """`compute()` in a forked process."""
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_run, args=(compute, send, os.getpid()), daemon=True)
        process.start()
        send.close()
        assert process.pid is not None
        return Racer(receive, process.pid, process.join, process.is_alive)

    def pause(self) -> None:
        self._signal(signal.SIGSTOP)

    def go_on(self) -> None:
        self._signal(signal.SIGCONT)

    def stop(self) -> None:
        """End the process (a paused one too: it is let go on to take the signal)."""
        self._signal(signal.SIGTERM)
        self.go_on()
        self._reap()

    def _signal(self, number: int) -> None:
        if self._alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, number)


def _run(compute: Callable[[], object], connection: Connection, parent: int) -> None:
    die_with_parent(parent)
    try:
        result: object = compute()
    except BaseException as error:  # noqa: BLE001 -- carried to the parent
        result = Failed(error)
    _send(connection, result)


def _send(connection: Connection, result: object) -> None:
    try:
        connection.send(result)
    finally:
        connection.close()


def _reap(pid: int) -> None:
    os.waitpid(pid, 0)


class HandedOver(Exception):
    """This process handed the rest of its search to `racer`, a forked child."""

    def __init__(self, racer: Racer[object]) -> None:
        super().__init__("the search goes on in a child process")
        self.racer = racer


class HandOver:
    """The hand-over of a running search to a forked child (`fork`, called from
    inside the search)."""

    def __init__(self) -> None:
        self.wanted = False
        """Whether `fork` was called: the search was slow."""
        self.since = 0.0
        """In the child: when the race began (`time.perf_counter()`)."""
        self._send: Connection | None = None

    @property
    def in_child(self) -> bool:
        """Is this the child the search was handed to?"""
        return self._send is not None

    def fork(self) -> None:
        """In the child, return: it goes on with the search and ends with `finish`.  In
        this process, raise HandedOver.  Without fork, return: the search goes on here."""
        self.wanted = True
        if not can_race():
            return
        receive, send = multiprocessing.Pipe(duplex=False)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            receive.close()
            die_with_parent(parent)
            self._send = send
            self.since = time.perf_counter()
            return
        send.close()
        raise HandedOver(Racer(receive, pid, lambda: _reap(pid)))

    def ending(self, seconds: float) -> None:
        """In the child: say that the search expects to end within `seconds`."""
        assert self._send is not None
        self._send.send(Ending(seconds))

    def finish(self, result: object) -> NoReturn:
        """In the child: send the search's result and end the process at once (nothing
        of the parent's, its buffered output or its clean-up, runs here)."""
        assert self._send is not None
        try:
            _send(self._send, result)
        finally:
            os._exit(0)


def _go_on(paused: Sequence[Racer[T]]) -> list[Racer[T]]:
    """Let the paused racers go on; none is paused any more."""
    for racer in paused:
        racer.go_on()
    return []


def first_of(
    racers: Sequence[Racer[T]], accept: Callable[[T], bool], rank: Callable[[T], int] | None = None
) -> T:
    """The first answer of `racers` that `accept` takes; if none is accepted, the answer
    that `rank` puts highest (the first of those ranked equal; without `rank`, the first
    racer's).  A racer's exception is raised (as RuntimeError, with its type and
    message) only when no racer gives an answer.  Every racer is stopped on the way
    out."""
    answers: dict[int, T | Failed] = {}
    pending = {racer.receive: i for i, racer in enumerate(racers)}
    paused: list[Racer[T]] = []
    until: float | None = None  # when the paused racers go on
    try:
        while pending:
            timeout = None if until is None else max(until - time.perf_counter(), 0.0)
            ready_ones = wait(list(pending), timeout)
            if not ready_ones and until is not None:  # the racer that was ending is late
                paused, until = _go_on(paused), None
            for ready in ready_ones:
                assert isinstance(ready, Connection)
                index = pending[ready]
                value: T | Failed | Ending
                try:
                    value = ready.recv()
                except EOFError:
                    value = Failed(RuntimeError("the racer ended without an answer"))
                if isinstance(value, Ending):
                    if until is None:
                        paused = [r for r in racers if r.receive in pending and r.receive != ready]
                        for racer in paused:
                            racer.pause()
                        until = time.perf_counter() + value.seconds + ENDING_GRACE
                    continue
                del pending[ready]
                answers[index] = value
                if paused and racers[index] not in paused:  # the ending racer answered
                    paused, until = _go_on(paused), None
                if not isinstance(value, Failed) and accept(value):
                    return value
    finally:
        for racer in racers:
            racer.stop()
            racer.receive.close()
    ordered = [answers[i] for i in range(len(racers))]
    found = [a for a in ordered if not isinstance(a, Failed)]
    if found:
        return found[0] if rank is None else max(found, key=rank)
    failed = ordered[0]
    assert isinstance(failed, Failed)
    raise RuntimeError(f"{failed.kind}: {failed.message}")
