"""The words of `failspec fmea`: the table as text and as CSV, from the `failspec-fmea/1`
document alone (the API builds it, `failspec.api.fmea_document`).

Text, per fault: its number, name and kind, the onset at which its effect was
taken, its first visible effect on a channel or job (with how long after the
onset), and every check it violates on its own (with how long after the onset,
and whether its hypothesis allows the fault); then how many faults violate some
check on their own.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from failspec.counterexamples.text import format_duration, format_instant

Document = Mapping[str, Any]

CSV_COLUMNS = (
    "number",
    "fault",
    "component",
    "kind",
    "onset",
    "first_effect_at",
    "first_effect",
    "first_violation_after_seconds",
    "first_violated_check",
    "violated_checks",
)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _effect_text(row: Mapping[str, Any]) -> str:
    effect = row["first_effect"]
    if effect is None:
        return "none on any channel or job"
    groups: dict[str, list[str]] = {}
    for event in effect["events"]:
        change = f"no {event['change']} any more" if event["missing"] else event["change"]
        groups.setdefault(event["component"], []).append(change)
    changes = "; ".join(f"{c}: {', '.join(x)}" for c, x in groups.items())
    after = format_duration(effect["at"] - row["onset"])
    return f"{format_instant(effect['at'])} (+{after}) {changes}"


def _row_lines(row: Mapping[str, Any]) -> list[str]:
    lines = ["", f"{row['number']:>3}  {row['fault']}  ({row['kind']})"]
    if row["onset"] is None:
        lines.append("     never occurs (its onset window lies past the horizon)")
        return lines
    lines.append(f"     onset          {format_instant(row['onset'])}")
    lines.append(f"     first effect   {_effect_text(row)}")
    if not row["violates"]:
        lines.append("     violates       no check on its own")
    for i, item in enumerate(row["violates"]):
        head = "violates      " if i == 0 else "              "
        after = format_duration(item["violation_at"] - item["onset"])
        outside = "" if item["in_hypothesis"] else ", outside its hypothesis"
        lines.append(
            f'     {head} "{item["check"]}" at {format_instant(item["violation_at"])} '
            f"(+{after}{outside})"
        )
    return lines


def render_fmea_text(document: Document) -> str:
    """The FMEA table as text (see the module)."""
    head = (
        f"{document['file']}  (model {document['model']}): FMEA of "
        f"{_plural(document['faults'], 'fault')} against {_plural(document['checks'], 'check')}"
    )
    lines = [head]
    if document["violated_without_faults"]:
        lines.append("violated with no fault at all (so not listed under any fault):")
        lines += [f'  "{name}"' for name in document["violated_without_faults"]]
    for row in document["rows"]:
        lines += _row_lines(row)
    violating = [row for row in document["rows"] if row["violates"]]
    lines.append("")
    lines.append(
        f"{len(violating)} of {_plural(len(document['rows']), 'fault')} violate some check "
        "on their own" + (f": {', '.join(r['fault'] for r in violating)}" if violating else "")
    )
    if not document["complete"]:
        lines.append(
            "INCOMPLETE: the time limit was hit; the faults after the last row are missing"
        )
    return "\n".join(lines) + "\n"


def render_fmea_csv(document: Document) -> str:
    """The FMEA table as CSV, one row per fault (columns: CSV_COLUMNS)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in document["rows"]:
        effect = row["first_effect"]
        events = ""
        if effect is not None:
            events = "; ".join(
                f"{e['component']}: {'no ' if e['missing'] else ''}{e['change']}"
                for e in effect["events"]
            )
        writer.writerow(
            (
                row["number"],
                row["fault"],
                row["component"],
                row["kind"],
                "" if row["onset"] is None else row["onset"],
                "" if effect is None else effect["at"],
                events,
                "" if row["first_violation_after"] is None else row["first_violation_after"],
                row["first_violated_check"] or "",
                " | ".join(v["check"] for v in row["violates"]),
            )
        )
    return buffer.getvalue()
