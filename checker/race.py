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
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import Generic, NoReturn, TypeVar

T = TypeVar("T")


def can_race() -> bool:
    """Can computations race in forked processes here?"""
    return sys.platform == "linux"


class Failed:
    """A racer's exception, carried back by name and message."""

    def __init__(self, error: BaseException) -> None:
        self.kind = type(error).__name__
        self.message = str(error)


class Racer(Generic[T]):
    """A computation running in a process of its own; its answer (or `Failed`) comes
    on `receive`, and `stop` ends the process."""

    def __init__(self, receive: Connection, stop: Callable[[], None]) -> None:
        self.receive = receive
        self.stop = stop

    @staticmethod
    def start(compute: Callable[[], T]) -> Racer[T]:
        """`compute()` in a forked process."""
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_run, args=(compute, send), daemon=True)
        process.start()
        send.close()

        def stop() -> None:
            if process.is_alive():
                process.terminate()
            process.join()

        return Racer(receive, stop)


def _run(compute: Callable[[], object], connection: Connection) -> None:
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
        pid = os.fork()
        if pid == 0:
            receive.close()
            self._send = send
            return
        send.close()

        def stop() -> None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)

        raise HandedOver(Racer(receive, stop))

    def finish(self, result: object) -> NoReturn:
        """In the child: send the search's result and end the process at once (nothing
        of the parent's, its buffered output or its clean-up, runs here)."""
        assert self._send is not None
        try:
            _send(self._send, result)
        finally:
            os._exit(0)


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
    try:
        while pending:
            for ready in wait(list(pending)):
                assert isinstance(ready, Connection)
                index = pending.pop(ready)
                value: T | Failed
                try:
                    value = ready.recv()
                except EOFError:
                    value = Failed(RuntimeError("the racer ended without an answer"))
                answers[index] = value
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
