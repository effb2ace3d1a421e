"""The words of `failspec diff`: findings, plain text and markdown, from the
`failspec-diff/1` document alone (`failspec/design_diff.py` builds it).

A cut set that moved is worded by its `movement`, so that a reviewer reads the
change right: a pair that became minimal because its fault is no longer a
single point of failure is an improvement ("no longer a single point of
failure: X (now needs a second fault: Y)"), and a single point of failure that
replaced pairs says which second faults it used to need; `new` and `gone` are
kept for sets that no set of the other version contains or is contained in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

ORDER_NAMES = {1: "single point of failure", 2: "pair"}

Document = Mapping[str, Any]


def _labels(cut_set: Mapping[str, Any]) -> str:
    return " + ".join(cut_set["faults"])


def _partners(cut_set: Mapping[str, Any]) -> str:
    """The faults of the related sets beyond this set's own (the second faults)."""
    own = set(cut_set["faults"])
    extra = [f for related in cut_set["related"] for f in related if f not in own]
    return ", ".join(dict.fromkeys(extra))


def _appeared_sentence(cut_set: Mapping[str, Any], where: str) -> tuple[int, str]:
    """(rank, sentence) for an appeared set that is not an improvement; rank orders
    the findings."""
    names = _labels(cut_set)
    if cut_set["order"] == 1:
        before = ""
        if cut_set["movement"] == "needs fewer faults":
            before = f" (before, it needed a second fault: {_partners(cut_set)})"
        return 1, f"the change adds a single point of failure: {names}{before} ({where})"
    return 4, f"the change adds a pair: {names} ({where})"


def _disappeared_sentence(cut_set: Mapping[str, Any], where: str) -> tuple[int, str] | None:
    movement, names = cut_set["movement"], _labels(cut_set)
    if movement == "needs fewer faults":
        return None  # worded with the single point of failure that replaced it
    if cut_set["order"] == 1:
        if movement == "needs more faults":
            return 3, (
                f"no longer a single point of failure: {names} "
                f"(now needs a second fault: {_partners(cut_set)}) ({where})"
            )
        return 3, f"the change removes a single point of failure: {names} ({where})"
    return 4, f"the change removes a pair: {names} ({where})"


def _check_findings(item: Mapping[str, Any], file: str) -> list[tuple[int, str]]:
    where = f'"{item["check"]}" in {file}'
    found: list[tuple[int, str]] = []
    status = item["status"]
    if status == "broken":
        found.append((0, f"the change breaks {where}, which held"))
    elif status == "fixed":
        found.append((2, f"the change fixes {where}"))
    elif status == "removed":
        found.append((5, f"the change removes the check {where}"))
    cut_sets = item["cut_sets"]
    if cut_sets is None:
        return found
    for cut_set in cut_sets["appeared"]:
        if cut_set["movement"] != "needs more faults":
            found.append(_appeared_sentence(cut_set, where))
    for cut_set in cut_sets["disappeared"]:
        sentence = _disappeared_sentence(cut_set, where)
        if sentence is not None:
            found.append(sentence)
    without = cut_sets["violated_without_faults"]
    if without["old"] != without["new"]:
        now = "now" if without["new"] else "no longer"
        found.append((5, f"{where} is {now} violated with no fault at all"))
    return found


def findings(document: Document) -> list[str]:
    """The sentences a reviewer needs, most serious first: broken checks, new single
    points of failure, fixes, single points of failure removed, pairs, the rest."""
    found: list[tuple[int, str]] = []
    for file in document["files"]:
        name = file["new"] or file["old"] or "?"
        for item in file["checks"]:
            found += _check_findings(item, name)
    return [sentence for _, sentence in sorted(found, key=lambda pair: pair[0])]


def _verdicts(item: Mapping[str, Any]) -> str:
    old = item["old_verdict"] or "absent"
    new = item["new_verdict"] or "absent"
    return old if old == new else f"{old} → {new}"


def _movement_note(cut_set: Mapping[str, Any], appeared: bool) -> str:
    """What a moved set's line adds about the set it replaced or that replaced it."""
    movement = cut_set["movement"]
    related = "; ".join(" + ".join(r) for r in cut_set["related"])
    if movement == "needs more faults":
        if appeared:
            return f" (no longer enough alone: {related})"
        return f" (now needs a second fault: {_partners(cut_set)})"
    if movement == "needs fewer faults":
        if appeared:
            return f" (before, it needed a second fault: {_partners(cut_set)})"
        return f" (now {related} alone)"
    return ""


def cut_set_lines(item: Mapping[str, Any]) -> list[str]:
    """The per-check lines: `+`/`-` and each moved cut set, then what else changed."""
    lines = []
    cut_sets = item["cut_sets"]
    if cut_sets is not None:
        for sign, key in (("+", "appeared"), ("-", "disappeared")):
            for cut_set in cut_sets[key]:
                name = ORDER_NAMES[cut_set["order"]]
                note = _movement_note(cut_set, appeared=sign == "+")
                lines.append(f"{sign} {name}: {_labels(cut_set)}{note}")
        without = cut_sets["violated_without_faults"]
        if without["old"] != without["new"]:
            lines.append(
                "now violated with no fault at all"
                if without["new"]
                else "no longer violated with no fault at all"
            )
    if not item["complete"]:
        lines.append("INCOMPLETE: a verdict is unknown or the cut-set search hit the time limit")
    return lines


def headline(document: Document) -> str:
    """`ok|FAILS|INCOMPLETE: the change breaks N checks that held and adds M single points…`."""
    summary = document["summary"]
    broken = summary["checks"]["broken"]
    spofs = len(summary["single_points_of_failure_added"])
    parts = [
        f"breaks {broken} check{'' if broken == 1 else 's'} that held",
        f"adds {spofs} single point{'' if spofs == 1 else 's'} of failure",
    ]
    verdict = {0: "ok", 1: "FAILS", 3: "INCOMPLETE"}[document["exit_code"]]
    return f"{verdict}: the change {' and '.join(parts)}"


def _file_head(file: Mapping[str, Any]) -> str:
    if file["old"] is None:
        return f"{file['new']}  (added)"
    if file["new"] is None:
        return f"{file['old']}  (removed)"
    return f"{file['old']} → {file['new']}"


def render_diff_text(document: Document) -> str:
    """The diff as plain text: per file the checks that changed, then the findings."""
    lines: list[str] = []
    for file in document["files"]:
        lines.append(_file_head(file))
        shown = [c for c in file["checks"] if c["status"] != "unchanged"]
        for item in shown:
            lines.append(f"  {item['status']:<9}  {item['check']}: {_verdicts(item)}")
            lines += [f"             {line}" for line in cut_set_lines(item)]
        unchanged = len(file["checks"]) - len(shown)
        if unchanged:
            lines.append(f"  {unchanged} check{'' if unchanged == 1 else 's'} unchanged")
        lines.append("")
    if not document["files"]:
        lines += ["no model file changed", ""]
    lines += findings(document)
    lines.append(headline(document))
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _markdown_table(checks: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = ["| check | verdict | change | cut sets (order ≤ 2) |", "|---|---|---|---|"]
    for item in checks:
        cut_sets = "<br>".join(_md(line) for line in cut_set_lines(item))
        verdicts = _md(_verdicts(item))
        if item["status"] == "broken":
            verdicts = f"**{verdicts}**"
        lines.append(f"| {_md(item['check'])} | {verdicts} | {item['status']} | {cut_sets} |")
    return [*lines, ""]


def render_diff_markdown(document: Document) -> str:
    """The diff as GitHub-flavoured markdown for a pull-request comment."""
    mark = {0: "✅", 1: "❌", 3: "⚠️"}[document["exit_code"]]
    lines = ["## failspec diff", "", f"{mark} **{_md(headline(document))}**", ""]
    found = findings(document)
    if found:
        lines += [f"- {_md(sentence)}" for sentence in found] + [""]
    for file in document["files"]:
        lines += [f"### `{file['new'] or file['old'] or '?'}`", ""]
        shown = [c for c in file["checks"] if c["status"] != "unchanged"]
        if shown:
            lines += _markdown_table(shown)
        unchanged = len(file["checks"]) - len(shown)
        if unchanged:
            lines += [f"{unchanged} check{'' if unchanged == 1 else 's'} unchanged.", ""]
    if not document["files"]:
        lines += ["No model file changed.", ""]
    return "\n".join(lines)
