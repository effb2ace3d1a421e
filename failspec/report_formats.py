"""Print a `failspec-report/1` document as JSON, JUnit XML or SARIF.

`failspec check --format …` and `failspec merge --format …` both go through
`render_report`.  SARIF points at the declaration line of each injected
fault's component, which the report does not carry: `component_lines` reads it
from the model file's AST (a file that cannot be read or parsed now gives no
lines, and its results simply have no related locations).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from failspec import __version__
from failspec.counterexamples.junit import render_junit
from failspec.counterexamples.sarif import render_sarif
from failspec.spec.errors import SpecError, SpecErrors

REPORT_FORMATS = ("json", "junit", "sarif")


def component_lines(file: str) -> dict[str, int]:
    """Return component name → 1-based line of its declaration in the model `file`;
    empty when the file cannot be read or parsed."""
    from failspec.spec.parser import parse_model  # the parser is loaded only for SARIF

    try:
        tree = parse_model(Path(file).read_text(encoding="utf-8"), file)
    except (OSError, UnicodeDecodeError, SpecError, SpecErrors):
        return {}
    return {component.name.text: component.span.line for component in tree.components}


def render_report(document: Mapping[str, Any], format: str) -> str:
    """Return the report in `format` (one of REPORT_FORMATS), ending in a newline."""
    if format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if format == "junit":
        return render_junit(document)
    if format == "sarif":
        files = sorted({r["file"] for r in document["results"] if r.get("counterexample")})
        return render_sarif(document, {f: component_lines(f) for f in files}, __version__)
    raise ValueError(f"unknown report format {format!r}")
