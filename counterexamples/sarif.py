"""Render a `failspec-report/1` document as SARIF 2.1.0, for code-scanning views.

Each violated check is a result (rule `failspec/violated`, level `error`)
located at the check's line in its model file, with the counterexample in its
message (the violation line, the faults, then the whole timeline) and one
related location per injected fault: the declaration line of the fault's
component, which the trace carries (`components[].line`; a version-1 trace has
none, and its results then have no related locations).  Nothing here reads a
model file.  An `unknown` verdict is a `warning`
(rule `failspec/unknown`) at the check's line; a spec error is an `error`
(rule `failspec/spec-error`) at its span.  A check that holds is no result.

When the report carries a baseline, every violation gets a `baselineState`:
`unchanged` when the baseline accepts it, `new` otherwise.

Nothing in the output depends on time or on the machine: the same report
prints the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import quote

from failspec.counterexamples.junit import accepted_keys, timeline_text, violation_message
from failspec.counterexamples.text import format_instant

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

RULES = (
    {
        "id": "failspec/violated",
        "name": "CheckViolated",
        "shortDescription": {"text": "A check of the model is violated"},
        "fullDescription": {
            "text": "Some fault scenario that the check's fault hypothesis allows violates "
            "the check; the result's message holds the counterexample."
        },
        "defaultConfiguration": {"level": "error"},
    },
    {
        "id": "failspec/unknown",
        "name": "CheckUnknown",
        "shortDescription": {"text": "A check's verdict is unknown"},
        "fullDescription": {"text": "A resource limit (a --timeout) was hit before a verdict."},
        "defaultConfiguration": {"level": "warning"},
    },
    {
        "id": "failspec/spec-error",
        "name": "SpecError",
        "shortDescription": {"text": "The model file is not a valid model"},
        "fullDescription": {"text": "A syntax or validation error; nothing was checked."},
        "defaultConfiguration": {"level": "error"},
    },
)
RULE_INDEX = {rule["id"]: index for index, rule in enumerate(RULES)}


def artifact_uri(file: str) -> str:
    """Return a model file's path as a SARIF artifact URI: relative paths stay relative
    (with `/` separators, percent-encoded), absolute ones become `file://` URIs."""
    if PureWindowsPath(file).is_absolute() and not file.startswith("/"):
        return PureWindowsPath(file).as_uri()
    path = PurePosixPath(file.replace("\\", "/"))
    if path.is_absolute():
        return path.as_uri()
    return quote(str(path), safe="/")


def _location(file: str, line: int, column: int | None = None) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(line, 1)}
    if column is not None:
        region["startColumn"] = max(column, 1)
    return {"physicalLocation": {"artifactLocation": {"uri": artifact_uri(file)}, "region": region}}


def _violation_text(result: Mapping[str, Any]) -> str:
    counterexample = result["counterexample"]
    faults = counterexample["faults"]
    if faults:
        injected = ", ".join(
            f"{f['component']}.{f['mode']} at {format_instant(f['at'])}" for f in faults
        )
    else:
        injected = "no fault at all"
    head = (
        f'Check "{result["check"]}" is violated: {violation_message(counterexample)} ({injected}).'
    )
    return head + "\n\n" + timeline_text(counterexample)


def declaration_lines(counterexample: Mapping[str, Any]) -> dict[str, int]:
    """Component name → the 1-based line of its declaration, from the trace's
    `components` (empty when they carry no lines)."""
    lines = {}
    for component in counterexample.get("components") or ():
        if isinstance(component, Mapping) and isinstance(component.get("line"), int):
            lines[str(component.get("name"))] = component["line"]
    return lines


def _result(
    result: Mapping[str, Any], accepted: set[tuple[str, str]] | None
) -> dict[str, Any] | None:
    file, verdict = result["file"], result["verdict"]
    counterexample = result.get("counterexample")
    if verdict == "holds":
        return None
    if verdict == "violated" and counterexample is not None:
        rule, level = "failspec/violated", "error"
        text = _violation_text(result)
    else:
        rule, level = "failspec/unknown", "warning"
        reason = result.get("reason")
        text = f'The verdict of check "{result["check"]}" is {verdict}' + (
            f": {reason}." if reason else "."
        )
    item: dict[str, Any] = {
        "ruleId": rule,
        "ruleIndex": RULE_INDEX[rule],
        "level": level,
        "message": {"text": text},
        "locations": [_location(file, result["line"])],
    }
    if counterexample is not None:
        related = []
        known = declaration_lines(counterexample)
        for number, fault in enumerate(counterexample["faults"], start=1):
            line = known.get(fault["component"])
            if line is None:
                continue
            location = _location(file, line)
            location["id"] = number
            location["message"] = {
                "text": f"{fault['component']}: fault {fault['component']}.{fault['mode']} "
                f"injected at {format_instant(fault['at'])}"
            }
            related.append(location)
        if related:
            item["relatedLocations"] = related
    item["partialFingerprints"] = {"failspecCheck/v1": f"{result['model']}/{result['check']}"}
    if accepted is not None and verdict == "violated":
        item["baselineState"] = "unchanged" if (file, result["check"]) in accepted else "new"
    return item


def _error_result(error: Mapping[str, Any]) -> dict[str, Any]:
    text = error["message"] + (f" ({error['hint']})" if error.get("hint") else "")
    return {
        "ruleId": "failspec/spec-error",
        "ruleIndex": RULE_INDEX["failspec/spec-error"],
        "level": "error",
        "message": {"text": text},
        "locations": [_location(error["file"], error["line"], error["column"])],
    }


def sarif_document(document: Mapping[str, Any], version: str) -> dict[str, Any]:
    """Return the SARIF log (a dict) of the report; `version` is failspec's version."""
    accepted = accepted_keys(document) if document.get("baseline") else None
    results = [_error_result(e) for e in document.get("errors", [])]
    for result in document["results"]:
        item = _result(result, accepted)
        if item is not None:
            results.append(item)
    driver = {
        "name": "failspec",
        "version": version,
        "rules": [dict(rule) for rule in RULES],
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
        ],
    }


def render_sarif(document: Mapping[str, Any], version: str) -> str:
    """Return the SARIF log of the report as pretty JSON text ending in a newline."""
    sarif = sarif_document(document, version)
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
