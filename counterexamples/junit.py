"""Render a `failspec-report/1` document as JUnit XML, for CI test-report viewers.

The counterexamples may be `failspec-trace/2` or `/1` (an older report);
both are read into the same facts.  One `<testsuite>` per model file (in the order the report first names it), one
`<testcase>` per check: a check that holds passes; a violated check is a
`<failure>` whose message is the violation line and whose text is the
counterexample's timeline (`render_trace_text`); an `unknown` verdict is an
`<error>`; a violation the baseline accepts is `<skipped>`, with its timeline.
A spec error is a test case `spec error at line N` with an `<error>`.

No timings and no timestamps: `time` is optional in JUnit XML, and leaving it
out makes the same report print the same bytes (golden files, `--jobs`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from failspec.counterexamples.text import render_trace_text
from failspec.counterexamples.trace import read_trace
from failspec.counterexamples.vocabulary import violation_words


def accepted_keys(document: Mapping[str, Any]) -> set[tuple[str, str]]:
    """Return the (file, check) pairs whose violation the report's baseline accepts."""
    baseline = document.get("baseline")
    if not baseline:
        return set()
    return {(item["file"], item["check"]) for item in baseline.get("accepted", [])}


def violation_message(counterexample: Mapping[str, Any]) -> str:
    """Return `VIOLATED at 12:14:00: never atm.retain` (with what the violation's fields
    add: `— done at 09:10:00, 10 minutes late`) for a trace document of either version;
    raise TraceFormatError if it is not one."""
    return violation_words(read_trace(dict(counterexample)).violation)


def timeline_text(counterexample: Mapping[str, Any]) -> str:
    """Return the plain text timeline of a trace document of either version."""
    return render_trace_text(read_trace(dict(counterexample)))


def render_junit(document: Mapping[str, Any]) -> str:
    """Return the report as a JUnit XML document (UTF-8 declaration, ends in a newline)."""
    accepted = accepted_keys(document)
    suites: dict[str, ET.Element] = {}
    counts: dict[str, dict[str, int]] = {}

    def suite(file: str) -> ET.Element:
        if file not in suites:
            suites[file] = ET.Element("testsuite", {"name": file})
            counts[file] = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        return suites[file]

    for error in document.get("errors", []):
        file = error["file"]
        case = ET.SubElement(
            suite(file),
            "testcase",
            {
                "name": f"spec error at line {error['line']}",
                "classname": file,
                "file": file,
                "line": str(error["line"]),
            },
        )
        text = f"{file}:{error['line']}:{error['column']}: {error['message']}"
        node = ET.SubElement(case, "error", {"message": text, "type": "spec error"})
        if error.get("hint"):
            node.text = error["hint"]
        counts[file]["tests"] += 1
        counts[file]["errors"] += 1

    for result in document["results"]:
        file = result["file"]
        case = ET.SubElement(
            suite(file),
            "testcase",
            {
                "name": result["check"],
                "classname": result["model"],
                "file": file,
                "line": str(result["line"]),
            },
        )
        counts[file]["tests"] += 1
        verdict = result["verdict"]
        counterexample = result.get("counterexample")
        if verdict == "violated" and counterexample is not None:
            message = violation_message(counterexample)
            if (file, result["check"]) in accepted:
                tag, message = "skipped", f"accepted in the baseline: {message}"
                counts[file]["skipped"] += 1
            else:
                tag = "failure"
                counts[file]["failures"] += 1
            node = ET.SubElement(case, tag, {"message": message, "type": "violated"})
            node.text = timeline_text(counterexample)
        elif verdict != "holds":
            reason = result.get("reason")
            message = f"{verdict}: {reason}" if reason else verdict
            ET.SubElement(case, "error", {"message": message, "type": verdict})
            counts[file]["errors"] += 1

    root = ET.Element("testsuites", {"name": "failspec"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for file, element in suites.items():
        for key, value in counts[file].items():
            element.set(key, str(value))
            totals[key] += value
        root.append(element)
    for key in ("tests", "failures", "errors"):
        root.set(key, str(totals[key]))
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
