"""`load` a model file into the engine-neutral form, `check` its properties."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from failspec.checker import ir
from failspec.checker.causes import build_trace
from failspec.checker.explicit import Outcome as ExplicitOutcome
from failspec.checker.explicit import check_explicit
from failspec.checker.lowering import lower_model
from failspec.checker.smt import Outcome as SmtOutcome
from failspec.checker.smt import check_smt
from failspec.counterexamples.trace import Trace
from failspec.spec.errors import SpecError, SpecErrors
from failspec.spec.parser import parse_model
from failspec.spec.spans import Span
from failspec.spec.validate import validate_model

ENGINES = ("auto", "explicit", "smt")

AUTO_EXPLICIT_RUNS = 20_000
"""`--engine auto` runs the explicit engine for at most this many simulator runs
(a deterministic measure of work) on a check that allows at most one fault,
then hands the check to the SMT engine."""

AUTO_EXPLICIT_RUNS_MANY = 200
"""The same bound for a check that allows two faults or more: enough for the
explicit engine to settle what the fault-free world or a few scenarios decide,
little enough that the SMT engine, far faster on pairs of faults (see
docs/performance.md), gets the rest."""


def auto_explicit_runs(check: ir.Check) -> int:
    """How many simulator runs `--engine auto` lets the explicit engine spend on a check."""
    return AUTO_EXPLICIT_RUNS if check.at_most <= 1 else AUTO_EXPLICIT_RUNS_MANY


class InternalError(Exception):
    """An engine contradicted the reference simulator: a bug, reported as exit code 3."""


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check: `holds`, `violated` (with its counterexample) or `unknown`."""

    file: str
    model: str
    check: str
    line: int
    verdict: str
    engine: str
    seconds: float
    counterexample: Trace | None
    reason: str | None = None
    """Why the verdict is `unknown` (the limit that was hit)."""


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

    `engine` is `explicit`, `smt` or `auto`: the explicit engine for up to
    `auto_explicit_runs` simulator runs, then the SMT engine (the result says which
    engine decided).  `timeout` (seconds, per check) turns an engine that runs out
    of time into an `unknown` verdict, never a guess.  Raise KeyError for an
    unknown check name and ValueError for an unknown engine.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    checks = [c for c in model.checks if check_name is None or c.name == check_name]
    if check_name is not None and not checks:
        raise KeyError(check_name)
    results = []
    for item in checks:
        started = time.perf_counter()
        deadline = None if timeout is None else started + timeout
        used = engine
        if engine == "smt":
            outcome: ExplicitOutcome | SmtOutcome = check_smt(model, item, deadline)
        elif engine == "explicit":
            outcome = check_explicit(model, item, deadline)
        else:
            used = "explicit"
            outcome = check_explicit(model, item, deadline, max_runs=auto_explicit_runs(item))
            if outcome.verdict == "unknown" and outcome.reason == "budget":
                used = "smt"
                outcome = check_smt(model, item, deadline)
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
                reason=outcome.reason,
            )
        )
    return results
