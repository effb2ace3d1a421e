"""Print a `failspec-report/1` document as JSON, JUnit XML or SARIF.

`failspec check --format …` and `failspec merge --format …` both go through
`render_report`.  Everything comes from the report itself: SARIF points at the
declaration line of each injected fault's component, which the report's traces
carry (`components[].line`), so no model file is read again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from failspec import __version__
from failspec.counterexamples.junit import render_junit
from failspec.counterexamples.sarif import render_sarif

REPORT_FORMATS = ("json", "junit", "sarif")


def render_report(document: Mapping[str, Any], format: str) -> str:
    """Return the report in `format` (one of REPORT_FORMATS), ending in a newline."""
    if format == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if format == "junit":
        return render_junit(document)
    if format == "sarif":
        return render_sarif(document, __version__)
    raise ValueError(f"unknown report format {format!r}")
