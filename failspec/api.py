"""`load` a model file into the engine-neutral form, `check` its properties."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from failspec.checker import ir
from failspec.checker.causes import build_trace
from failspec.checker.engine import InternalError, Verdict
from failspec.checker.engines import ENGINE_NAMES, engine_named
from failspec.checker.lowering import lower_model
from failspec.counterexamples.trace import Trace
from failspec.parallel import run_in_order, shard_positions
from failspec.spec.errors import SpecError, SpecErrors
from failspec.spec.parser import parse_model
from failspec.spec.spans import Span
from failspec.spec.validate import validate_model

ENGINES = ENGINE_NAMES

__all__ = [
    "ENGINES",
    "CheckPlan",
    "CheckResult",
    "InternalError",
    "Verdict",
    "check",
    "load",
    "loads",
    "plan_checks",
    "run_checks",
]


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check: `holds`, `violated` (with its counterexample) or `unknown`."""

    file: str
    model: str
    check: str
    line: int
    verdict: Verdict
    engine: str
    """The engine that decided (`explicit` or `smt`; `auto` is never the answer)."""
    seconds: float
    counterexample: Trace | None
    reason: str | None = None
    """Why the verdict is `unknown` (the limit that was hit), in words."""


def loads(text: str, file: str = "<string>") -> ir.Model:
    """Parse, validate and lower a model given as text; raise SpecErrors on bad input."""
    try:
        tree = parse_model(text, file)
    except SpecError as error:
        raise SpecErrors([error]) from None
    errors = validate_model(tree)
    if errors:
        raise SpecErrors(errors)
    return lower_model(tree, file)


def load(path: str | Path) -> ir.Model:
    """Read, parse, validate and lower a model file; raise SpecErrors on bad input."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise SpecErrors(
            [SpecError(Span(file, 1, 1, 1, 1), f"cannot read the model: {reason}")]
        ) from None
    return loads(text, file)


def check(
    model: ir.Model,
    check_name: str | None = None,
    engine: str = "auto",
    timeout: float | None = None,
) -> list[CheckResult]:
    """Check every check of `model` (or only `check_name`) and return one result each.

    `engine` is `explicit`, `smt` or `auto` (`checker/engines.py`; the result says
    which engine decided).  `timeout` (seconds, per check) turns an engine that runs out
    of time into an `unknown` verdict, never a guess.  Raise KeyError for an
    unknown check name and ValueError for an unknown engine.
    """
    chosen = engine_named(engine)
    checks = [c for c in model.checks if check_name is None or c.name == check_name]
    if check_name is not None and not checks:
        raise KeyError(check_name)
    results = []
    for item in checks:
        started = time.perf_counter()
        deadline = None if timeout is None else started + timeout
        outcome = chosen.decide(model, item, deadline)
        used = outcome.engine or chosen.name
        counterexample = None
        if outcome.scenario is not None:
            # Every counterexample is replayed by the reference simulator before it is shown.
            counterexample = build_trace(model, item, outcome.scenario)
            if counterexample.violation.at != outcome.violation_at:
                raise InternalError(
                    f"check {item.name!r}: the {used} engine's counterexample violates at "
                    f"{outcome.violation_at}, but its replay at {counterexample.violation.at}"
                )
        results.append(
            CheckResult(
                file=model.file,
                model=model.name,
                check=item.name,
                line=item.line,
                verdict=outcome.verdict,
                engine=used,
                seconds=round(time.perf_counter() - started, 3),
                counterexample=counterexample,
                reason=outcome.explanation,
            )
        )
    return results


# --- many checks at once -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckPlan:
    """Which (model, check) pairs a run decides, in order: file order, then declaration
    order.  `tasks` are (index into the models, check name); `positions` are their
    places among all `total` pairs (all of them, unless the run is a shard)."""

    tasks: tuple[tuple[int, str], ...]
    positions: tuple[int, ...]
    total: int


def plan_checks(
    models: Sequence[ir.Model],
    check_name: str | None = None,
    shard: tuple[int, int] | None = None,
) -> CheckPlan:
    """The checks of `models` (only those named `check_name`, if given), or the
    `shard` (I, N) of them: every N-th pair from the I-th (`parallel.shard_positions`)."""
    tasks = [
        (index, item.name)
        for index, model in enumerate(models)
        for item in model.checks
        if check_name is None or item.name == check_name
    ]
    positions = list(range(len(tasks)))
    if shard is not None:
        positions = shard_positions(len(tasks), *shard)
    return CheckPlan(tuple(tasks[p] for p in positions), tuple(positions), len(tasks))


def run_checks(
    models: Sequence[ir.Model],
    plan: CheckPlan,
    engine: str = "auto",
    timeout: float | None = None,
    jobs: int = 1,
) -> Iterator[CheckResult]:
    """Decide every check of `plan`, in up to `jobs` processes, and yield the results
    in plan order (so the output of any `jobs` is that of one)."""
    engine_named(engine)  # an unknown engine is refused before any work starts

    def run_one(task: tuple[int, str]) -> CheckResult:
        (result,) = check(models[task[0]], task[1], engine=engine, timeout=timeout)
        return result

    return run_in_order(plan.tasks, run_one, jobs)
