"""Run independent tasks in worker processes and hand back their results in task order.

`failspec check --jobs N` runs each (file, check) pair as one task.  Results
come back in the order of the tasks, whatever order the workers finish in, so
the output of `--jobs N` is byte-for-byte that of `--jobs 1` (only the
`seconds` of the JSON report are measured, as always).

Where the platform can fork (Linux), the workers are forked from the running
process: they inherit the loaded models and `run_one`, so nothing is pickled
on the way in and no worker imports or parses anything again.  Elsewhere they
are spawned, and `run_one` and the tasks must pickle.  Each worker reads the
task list from a module variable set by the pool's initializer: that is state
of the worker process alone, never of the parent.

`shard` picks the deterministic I-th of N slices of a task list.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_worker_state: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def default_jobs() -> int:
    """The number of cores this process may run on (at least 1)."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)


PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """In a process forked to work for `parent`: be killed when that process ends,
    however it ends (a worker left behind would hold a core or its memory).  Linux
    only; elsewhere nothing is done."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(1)


def _start_worker(run_one: Callable[[Any], Any], tasks: Sequence[Any], parent: int) -> None:
    global _worker_state
    die_with_parent(parent)
    _worker_state = (run_one, tasks)


def _run_task(index: int) -> Any:
    assert _worker_state is not None, "the worker was not initialised"
    run_one, tasks = _worker_state
    return run_one(tasks[index])


IN_FLIGHT_PER_WORKER = 4
"""Tasks handed to the pool ahead of the results read, per worker: enough to keep
every worker busy, few enough that a long task list (the explicit engine's
fault sets of one size: 171,406 pairs on a 1,000-component model) is not all
queued at once."""


STOP_EVERY = 0.05
"""How often, in seconds, `run_in_order` asks its `stop` while it waits on workers."""


def run_in_order(
    tasks: Sequence[T],
    run_one: Callable[[T], R],
    jobs: int,
    stop: Callable[[], bool] | None = None,
) -> Generator[R, None, None]:
    """Yield `run_one(task)` for every task, in task order, using up to `jobs` processes.

    With `jobs` ≤ 1 or at most one task everything runs in this process.  At most
    `IN_FLIGHT_PER_WORKER` tasks per worker are queued or running at a time; a
    task that finished before the tasks ahead of it waits, done, for its turn (a
    slow task ahead holds back no worker).  An exception raised by `run_one` is
    raised here when its result's turn comes (the results before it have been
    yielded); the remaining tasks are cancelled, and so are they when the caller
    stops early and closes the generator.  With workers, `stop` (if any) is asked
    after each result is taken and every `STOP_EVERY` seconds of waiting: once it
    answers True, the workers are killed (what they were doing is lost) and the
    generator ends; the caller knows from the results it took which tasks are left.
    """
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield run_one(task)
        return
    method = "fork" if sys.platform == "linux" else "spawn"
    context = multiprocessing.get_context(method)
    workers = min(jobs, len(tasks))
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(run_one, tasks, os.getpid()),
    ) as pool:
        futures: dict[int, Future[R]] = {}
        running: set[Future[R]] = set()
        submitted = 0
        try:
            for turn in range(len(tasks)):
                while True:
                    while submitted < len(tasks) and len(running) < workers * IN_FLIGHT_PER_WORKER:
                        futures[submitted] = pool.submit(_run_task, submitted)
                        running.add(futures[submitted])
                        submitted += 1
                    if futures[turn].done():
                        break
                    every = None if stop is None else STOP_EVERY
                    finished, _ = wait(running, timeout=every, return_when=FIRST_COMPLETED)
                    running -= finished
                    if stop is not None and stop():
                        _kill(pool, futures)
                        return
                running.discard(futures[turn])
                yield futures.pop(turn).result()
                if stop is not None and stop():
                    _kill(pool, futures)
                    return
        finally:
            for future in futures.values():
                future.cancel()


def _kill(pool: ProcessPoolExecutor, futures: dict[int, Future[Any]]) -> None:
    """Kill the pool's workers: a task they run is not waited for.  The executor, its
    workers gone, fails what was queued and shuts down at once; its futures are
    left to it (Python 3.11's executor fails a future cancelled here with an error
    in its own thread), so `futures` is emptied of them.  A worker killed as it
    sends a result leaves no part of it in the executor's pipe as long as the
    result is smaller than the pipe's atomic write (4,096 bytes on Linux): the
    explicit engine's answers, a few numbers each, are."""
    for worker in list(pool._processes.values()):
        with contextlib.suppress(OSError):
            worker.kill()
    futures.clear()


def parse_shard(text: str) -> tuple[int, int]:
    """Parse `I/N` (1 ≤ I ≤ N) into (I, N); raise ValueError otherwise."""
    index_text, slash, count_text = text.partition("/")
    if not slash or not index_text.isdigit() or not count_text.isdigit():
        raise ValueError(f"expected I/N, like 1/3: {text!r}")
    index, count = int(index_text), int(count_text)
    if not 1 <= index <= count:
        raise ValueError(f"I must lie between 1 and N: {text!r}")
    return index, count


def shard_positions(total: int, index: int, count: int) -> list[int]:
    """Return the positions (0-based) of the tasks that shard `index` of `count` runs:
    every `count`-th task from position `index - 1`.  The shards of one task list are
    disjoint, cover it, and differ in size by at most one."""
    return list(range(index - 1, total, count))
