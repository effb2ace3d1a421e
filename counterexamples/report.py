"""The machine-readable report of a `failspec check` run: `failspec-report/1`.

One result per check, keys in a fixed order, so that the same results always
print the same bytes (apart from `seconds`, the measured time of each check):

    {"format": "failspec-report/1",
     "results": [{"file": …, "line": …, "model": …, "check": …, "verdict": …,
                  "reason": …, "holds_up_to": …, "engine": …, "seconds": …,
                  "counterexample": {…} | null}],
     "summary": {"checks": …, "holds": …, "violated": …, "unknown": …},
     "errors": [{"file": …, "line": …, "column": …, "end_line": …, "end_column": …,
                 "message": …, "hint": …}]}

`errors` lists the spec errors of the input (empty when it was valid, and then
every check was run).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from failspec.counterexamples.trace import Trace, trace_to_json
from failspec.spec.errors import SpecError

REPORT_FORMAT = "failspec-report/1"
VERDICTS = ("holds", "violated", "unknown")


class CheckOutcome(Protocol):
    """What the report needs of a check's result (`failspec.api.CheckResult` has it)."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def model(self) -> str: ...
    @property
    def check(self) -> str: ...
    @property
    def verdict(self) -> str: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def holds_up_to(self) -> int | None: ...
    @property
    def engine(self) -> str: ...
    @property
    def seconds(self) -> float: ...
    @property
    def counterexample(self) -> Trace | None: ...


def result_to_json(result: CheckOutcome) -> dict[str, Any]:
    """Return one entry of `results` (a dict with keys in a fixed order)."""
    counterexample = result.counterexample
    return {
        "file": result.file,
        "line": result.line,
        "model": result.model,
        "check": result.check,
        "verdict": result.verdict,
        "reason": result.reason,
        "holds_up_to": result.holds_up_to,
        "engine": result.engine,
        "seconds": result.seconds,
        "counterexample": None if counterexample is None else trace_to_json(counterexample),
    }


def error_to_json(error: SpecError) -> dict[str, Any]:
    """Return a spec error with its span (1-based line and column, end exclusive)."""
    span = error.span
    return {
        "file": span.file,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "message": error.message,
        "hint": error.hint,
    }


def count_verdicts(verdicts: Iterable[str]) -> dict[str, int]:
    """Return how many checks there are and how many have each verdict, in a fixed order."""
    listed = list(verdicts)
    counts = {"checks": len(listed)}
    for verdict in VERDICTS:
        counts[verdict] = sum(1 for v in listed if v == verdict)
    return counts


def report_to_json(
    results: Sequence[CheckOutcome], errors: Sequence[SpecError] = ()
) -> dict[str, Any]:
    """Return the `failspec-report/1` document for `results` in the order given."""
    return {
        "format": REPORT_FORMAT,
        "results": [result_to_json(r) for r in results],
        "summary": count_verdicts(r.verdict for r in results),
        "errors": [error_to_json(e) for e in errors],
    }


def dump_report(results: Sequence[CheckOutcome], errors: Sequence[SpecError] = ()) -> str:
    """Return the report as pretty JSON text (UTF-8 characters kept) ending in a newline."""
    return json.dumps(report_to_json(results, errors), indent=2, ensure_ascii=False) + "\n"


def dump_trace(trace: Trace) -> str:
    """Return a trace as the pretty `failspec-trace/2` JSON text of a `--save` file.

    Keys in the order `trace_to_json` gives them; no timings; ends in a newline.
    """
    return json.dumps(trace_to_json(trace), indent=2, ensure_ascii=False) + "\n"
