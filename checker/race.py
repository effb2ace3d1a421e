"""A rival computation that joins a running one in a process of its own.

`auto` (`engines.py`) runs the explicit engine in this process and, once its
pace is slow, starts the SMT engine beside it: `Rival(compute, accept)` is that
second computation.  `start()` forks a process that computes it; `poll()`,
called from inside the running search, raises `Overtaken` with the rival's
answer once that answer is in and `accept` takes it, which ends the search;
`answer()` waits for the rival when the search ended without a definite answer
of its own; leaving the `with` block stops the rival's process.  Both engines
are exact and give the same canonical answer, so whichever finishes first is
the answer; only the name of the engine that gave it depends on the race.

Where processes cannot be forked (not on Linux), `start()` only notes that
the rival is wanted, and `answer()` computes it in this process, after the
search: the same answer, later.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")

LOOK_EVERY = 0.05
"""Seconds between two looks at the rival's pipe from inside the search (a look
is a system call; the search polls far more often than this)."""


def can_race() -> bool:
    """Can computations race in forked processes here?"""
    return sys.platform == "linux"


class Overtaken(Exception):
    """The rival's answer came first and was accepted: `answer` is it."""

    def __init__(self, answer: object) -> None:
        super().__init__("the rival answered first")
        self.answer = answer


def _run(compute: Callable[[], object], connection: Connection) -> None:
    """The rival's process: send its answer, or None when it raised."""
    try:
        result: object = compute()
    except BaseException:  # noqa: BLE001 -- a rival that fails loses the race
        result = None
    try:
        connection.send(result)
    finally:
        connection.close()


class Rival(Generic[T]):
    """`compute` as a rival of the search this process runs: see the module."""

    def __init__(
        self,
        compute: Callable[[], T],
        accept: Callable[[T], bool],
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.compute = compute
        self.accept = accept
        self.clock = clock
        self.wanted = False
        """Whether `start` was called (the search was slow)."""
        self._process: BaseProcess | None = None
        self._receive: Connection | None = None
        self._next_look = 0.0
        self._answer: T | None = None
        self._answered = False

    def start(self) -> None:
        """Start the rival (once): in a forked process where one can be forked."""
        if self.wanted:
            return
        self.wanted = True
        if not can_race():
            return
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_run, args=(self.compute, send), daemon=True)
        process.start()
        send.close()
        self._process, self._receive = process, receive

    def poll(self) -> None:
        """Raise Overtaken once the rival's answer is in and accepted (looking at its
        pipe at most every LOOK_EVERY seconds)."""
        if self._receive is None or self._answered:
            return
        now = self.clock()
        if now < self._next_look:
            return
        self._next_look = now + LOOK_EVERY
        if self._receive.poll():
            self._take()
            if self._answer is not None and self.accept(self._answer):
                raise Overtaken(self._answer)

    def answer(self) -> T | None:
        """The rival's answer, waiting for it (None: not wanted, or it failed)."""
        if not self.wanted or self._answered:
            return self._answer
        if self._receive is None:  # no fork: compute it here, now
            try:
                self._answer = self.compute()
            except Exception:  # noqa: BLE001 -- a rival that fails loses the race
                self._answer = None
            self._answered = True
        else:
            self._take()
        return self._answer

    def _take(self) -> None:
        assert self._receive is not None
        try:
            self._answer = self._receive.recv()
        except EOFError:  # the process ended without an answer
            self._answer = None
        self._answered = True

    def stop(self) -> None:
        """End the rival's process, if it runs."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.terminate()
            self._process.join()
            self._process = None
        if self._receive is not None:
            self._receive.close()
        self._answered = True  # nothing more will come

    def __enter__(self) -> Rival[T]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
