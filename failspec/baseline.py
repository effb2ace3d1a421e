"""Baselines: the violations a team has accepted, so that CI fails only on new ones.

A baseline file (`failspec-baseline/1`) lists accepted violations by model
file and check name, with the violation it was written for (for the reader;
matching uses file and check alone, so a counterexample that changes shape
stays accepted):

    {"format": "failspec-baseline/1",
     "accepted": [{"file": "models/minori/before.fspec", "check": "…",
                   "model": "minori_before", "violation": "VIOLATED at 12:14:00: …"}]}

Files are compared as normalised paths relative to the working directory, so
`models/a.fspec` and `./models/a.fspec` are the same file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from failspec.counterexamples.junit import violation_message
from failspec.counterexamples.report import CheckOutcome
from failspec.counterexamples.trace import trace_to_json

BASELINE_FORMAT = "failspec-baseline/1"

Key = tuple[str, str]
"""(normalised file path, check name)."""


class BaselineError(Exception):
    """The baseline file cannot be read or is not a baseline (exit code 2)."""


def normalise_file(file: str) -> str:
    """Return `file` as a normalised path relative to the working directory, `/`-separated."""
    try:
        relative = os.path.relpath(os.path.abspath(file))
    except ValueError:  # another drive on Windows
        relative = os.path.abspath(file)
    return Path(relative).as_posix()


def key_of(file: str, check: str) -> Key:
    return (normalise_file(file), check)


def baseline_document(results: Sequence[CheckOutcome]) -> dict[str, Any]:
    """Return the baseline that accepts every violation among `results`, in their order."""
    accepted = []
    for result in results:
        if result.verdict != "violated" or result.counterexample is None:
            continue
        accepted.append(
            {
                "file": normalise_file(result.file),
                "check": result.check,
                "model": result.model,
                "violation": violation_message(trace_to_json(result.counterexample)),
            }
        )
    return {"format": BASELINE_FORMAT, "accepted": accepted}


def dump_baseline(results: Sequence[CheckOutcome]) -> str:
    """Return the baseline of `results` as pretty JSON text ending in a newline."""
    return json.dumps(baseline_document(results), indent=2, ensure_ascii=False) + "\n"


def read_baseline(path: Path) -> set[Key]:
    """Return the accepted (file, check) keys of the baseline file at `path`."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"cannot read the baseline {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"the baseline {path} is not JSON: {error}") from None
    if not isinstance(document, dict) or document.get("format") != BASELINE_FORMAT:
        raise BaselineError(f'the baseline {path} is not a "{BASELINE_FORMAT}" document')
    keys = set()
    for item in document.get("accepted", []):
        if not isinstance(item, dict) or not isinstance(item.get("file"), str):
            raise BaselineError(f"the baseline {path} has an entry without a file: {item!r}")
        if not isinstance(item.get("check"), str):
            raise BaselineError(f"the baseline {path} has an entry without a check: {item!r}")
        keys.add(key_of(item["file"], item["check"]))
    return keys


def split_accepted(
    results: Iterable[CheckOutcome], accepted: set[Key]
) -> tuple[list[CheckOutcome], list[Key]]:
    """Return the violated results the baseline accepts, and the baseline's keys among
    `results`' checks that are no longer violated (stale entries), both in result order."""
    taken, stale = [], []
    for result in results:
        key = key_of(result.file, result.check)
        if key not in accepted:
            continue
        if result.verdict == "violated":
            taken.append(result)
        elif result.verdict == "holds":
            stale.append(key)
    return taken, stale
