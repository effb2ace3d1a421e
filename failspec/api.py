"""`load` a model file into the engine-neutral form, `check` its properties."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from failspec.checker import ir
from failspec.checker.causes import build_trace
from failspec.checker.engine import InternalError, Verdict
from failspec.checker.engines import ENGINE_NAMES, engine_named
from failspec.checker.lowering import lower_model
from failspec.counterexamples.trace import Trace
from failspec.spec.errors import SpecError, SpecErrors
from failspec.spec.parser import parse_model
from failspec.spec.spans import Span
from failspec.spec.validate import validate_model

ENGINES = ENGINE_NAMES

__all__ = ["ENGINES", "CheckResult", "InternalError", "Verdict", "check", "load", "loads"]


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
