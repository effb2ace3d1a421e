"""The shape of a `failspec-report/1` document read back from a file, checked field by
field, so that a malformed report gets a message in our words (`results[2].verdict:
expected one of holds, violated, unknown; found "maybe"`) instead of a Python error.

Only what a consumer of the report reads is checked: the fields the contract and
`report.py` name, with their types, and every counterexample must be one the
trace reader (`trace.py`) reads.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from failspec.counterexamples.report import REPORT_FORMAT, VERDICTS
from failspec.counterexamples.trace import read_trace


class ReportShapeError(ValueError):
    """A report lacks a field a consumer reads, or has one of the wrong type."""


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"the string {json.dumps(value)[:60]}"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _field(item: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in item:
        raise ReportShapeError(f"{where}: no field {json.dumps(key)}")
    return item[key]


def _require(value: Any, expected: type | tuple[type, ...], what: str, where: str) -> None:
    if isinstance(value, bool) and bool not in (
        expected if isinstance(expected, tuple) else (expected,)
    ):
        raise ReportShapeError(f"{where}: expected {what}, found {_kind(value)}")
    if not isinstance(value, expected):
        raise ReportShapeError(f"{where}: expected {what}, found {_kind(value)}")


def _object(value: Any, where: str) -> Mapping[str, Any]:
    _require(value, dict, "an object", where)
    result: Mapping[str, Any] = value
    return result


def _list(value: Any, where: str) -> Sequence[Any]:
    _require(value, list, "a list", where)
    result: Sequence[Any] = value
    return result


def _text(item: Mapping[str, Any], key: str, where: str, optional: bool = False) -> None:
    value = _field(item, key, where)
    if value is None and optional:
        return
    _require(value, str, "a string" + (" or null" if optional else ""), f"{where}.{key}")


def _whole(item: Mapping[str, Any], key: str, where: str) -> None:
    _require(_field(item, key, where), int, "a whole number", f"{where}.{key}")


def _result(result: Any, where: str) -> None:
    item = _object(result, where)
    for key in ("file", "model", "check", "engine"):
        _text(item, key, where)
    _text(item, "reason", where, optional=True)
    _whole(item, "line", where)
    if item.get("holds_up_to") is not None:  # absent from reports of older versions
        _whole(item, "holds_up_to", where)
    verdict = _field(item, "verdict", where)
    if verdict not in VERDICTS:
        raise ReportShapeError(
            f"{where}.verdict: expected one of {', '.join(VERDICTS)}; found {_kind(verdict)}"
        )
    _require(_field(item, "seconds", where), (int, float), "a number", f"{where}.seconds")
    counterexample = _field(item, "counterexample", where)
    if counterexample is not None:
        trace = _object(counterexample, f"{where}.counterexample")
        _text(trace, "format", f"{where}.counterexample")
        _readable_trace(trace, f"{where}.counterexample")


def _readable_trace(trace: Mapping[str, Any], where: str) -> None:
    """The trace reader must read the counterexample; its own complaint, or a missing
    or mistyped field it stumbled on, is said in our words."""
    try:
        read_trace(dict(trace))
    except KeyError as error:
        raise ReportShapeError(f"{where}: not a readable trace (no field {error})") from None
    except (TypeError, ValueError, AttributeError) as error:
        raise ReportShapeError(f"{where}: not a readable trace ({error})") from None


def _error(error: Any, where: str) -> None:
    item = _object(error, where)
    _text(item, "file", where)
    _text(item, "message", where)
    _text(item, "hint", where, optional=True)
    for key in ("line", "column", "end_line", "end_column"):
        _whole(item, key, where)


def _shard(shard: Any, results: int) -> None:
    item = _object(shard, "shard")
    for key in ("index", "count", "total"):
        _whole(item, key, "shard")
    positions = _list(_field(item, "positions", "shard"), "shard.positions")
    for i, position in enumerate(positions):
        _require(position, int, "a whole number", f"shard.positions[{i}]")
    if len(positions) != results:
        raise ReportShapeError("shard.positions: one position per result expected")


def _baseline(baseline: Any) -> None:
    item = _object(baseline, "baseline")
    for key in ("accepted", "stale"):
        entries = _list(item.get(key, []), f"baseline.{key}")
        for i, entry in enumerate(entries):
            where = f"baseline.{key}[{i}]"
            _text(_object(entry, where), "file", where)
            _text(_object(entry, where), "check", where)


def check_report_shape(document: Any) -> Mapping[str, Any]:
    """Return `document` if it has the shape of a `failspec-report/1` report; raise
    ReportShapeError naming the first field that is missing or of the wrong type."""
    report = _object(document, "the report")
    if report.get("format") != REPORT_FORMAT:
        raise ReportShapeError(f'not a "{REPORT_FORMAT}" report')
    results = _list(_field(report, "results", "the report"), "results")
    for i, result in enumerate(results):
        _result(result, f"results[{i}]")
    for i, error in enumerate(_list(report.get("errors", []), "errors")):
        _error(error, f"errors[{i}]")
    if report.get("shard") is not None:
        _shard(report["shard"], len(results))
    if report.get("baseline") is not None:
        _baseline(report["baseline"])
    return report
