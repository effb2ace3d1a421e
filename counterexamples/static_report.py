"""The words of a static cut-set analysis: text and JSON, streamed, from plain data.

`StaticReport` holds what an analysis found, as names and numbers (no checker
type), for an Open-PSA MEF tree and for the static tree of a `.fspec` model
alike (`model` set: the words and fault objects of a model);
`write_static_text` and `write_static_json` write it to a stream a chunk at a
time, so a million cut sets never sit in memory as text.  JSON is the
`failspec-cutsets/1` document of `failspec cutsets --static`: compact, one
line per cut set (`pretty`: indented, still one line per cut set).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import IO, NamedTuple

from failspec.checker.decision_diagrams import NATIVE

if NATIVE:
    from failspec.checker import _listing

CUTSETS_FORMAT = "failspec-cutsets/1"
ORDER_NAMES = {1: "single point of failure", 2: "pair", 3: "triple"}
CHUNK = 4096
"""Cut sets written per write call."""


class ImportanceRow(NamedTuple):
    """One basic event's importance factors (`rrw` None: infinite)."""

    event: str
    occurrence: int
    probability: float
    mif: float
    cif: float
    dif: float
    raw: float
    rrw: float | None


class StaticReport(NamedTuple):
    """A static analysis: `cut_sets` are tuples of indices into `names` (which may
    keep an unused name at 0), sorted by
    order; `probability` None when some event has none (`missing` names them);
    `mission_hours` the mission time the probabilities were evaluated at (None: a
    model's run without `--mission`)."""

    files: tuple[str, ...]
    top: str
    max_order: int
    names: tuple[str, ...]
    cut_sets: Sequence[tuple[int, ...]]
    probability: float | None
    rare_event: float | None
    missing: tuple[str, ...]
    mission_hours: float | None
    importance: tuple[ImportanceRow, ...] | None
    notes: tuple[str, ...]
    interval: tuple[float, float] | None = None
    """When the exact value could not be computed: rigorous lower and upper bounds."""
    complete: bool = True
    """False when the cut sets could not be computed (the list is then empty)."""
    truncated: bool | None = None
    """Whether a minimal cut set longer than `max_order` exists (None: not decided)."""
    stopped: str | None = None
    """Why the report is incomplete: `budget` (the diagrams' node budget) or `time`."""
    model: str | None = None
    """The `.fspec` model's name when the tree is a model's (`top` is then a component
    and the tree that of `top.down`); None for Open-PSA MEF files."""
    faults: Sequence[tuple[int, str, str]] | None = None
    """A model's faults by index into `names`: (number, component, mode)."""
    quantified: bool = True
    """False when nothing has a probability (a model without probabilities, rates or
    `--mission`): no probability is reported at all."""


def _plural(order: int, count: int) -> str:
    if order in ORDER_NAMES:
        name = ORDER_NAMES[order]
        plural = name.replace("point ", "points ") if order == 1 else name + "s"
    else:
        name, plural = f"cut set of order {order}", f"cut sets of order {order}"
    return f"{count} {name if count == 1 else plural}"


def order_summary(counts: dict[int, int], max_order: int, model: bool = False) -> str:
    """`0 single points of failure, 2 pairs, …` up to the largest order found (at least
    3), then `none of order … to K` (`model`: a `.fspec` model's words)."""
    if counts.get(0):
        if model:
            return "violated with no fault at all: the empty set is the only minimal cut set"
        return "failed with no basic event at all: the empty set is the only minimal cut set"
    if not counts:
        return f"no minimal cut set up to order {max_order}"
    upto = max(max(counts), min(max_order, 3))
    parts = [_plural(order, counts.get(order, 0)) for order in range(1, upto + 1)]
    if upto < max_order:
        parts.append(f"none of order {upto + 1} to {max_order}")
    return ", ".join(parts)


def _hours(hours: float) -> str:
    return f"{int(hours)}h" if float(hours).is_integer() else f"{hours!r}h"


def _mission_words(report: StaticReport) -> str:
    hours = report.mission_hours
    if hours is None:
        return "over the mission"
    if report.model is not None and float(hours * 3600).is_integer():
        from failspec.counterexamples.vocabulary import format_duration  # a model's words

        return f"over a mission of {format_duration(int(hours * 3600))}"
    return f"over a mission of {_hours(hours)}"


def probability_line(report: StaticReport) -> str:
    """The probability line of the text report."""
    over = _mission_words(report)
    if report.interval is not None:
        low, high = report.interval
        return (
            f"probability {over}: between {low:.6g} and {high:.6g} (a rigorous interval, from "
            "pruned decision diagrams and, where they narrow it, the minimal cut sets; the "
            "exact value was out of reach)"
        )
    if report.missing:
        hint = " (give --mission D for a rate)" if report.mission_hours is None else ""
        return f"probability {over}: unknown; no probability for {', '.join(report.missing)}{hint}"
    if report.probability is None:
        return f"probability {over}: unknown; the time limit was hit before it was computed"
    line = f"probability {over}: exact {report.probability:.6g}"
    if report.rare_event is not None:
        line += f" (rare-event approximation {report.rare_event:.6g})"
    return line


def _lines(
    cut_sets: Sequence[tuple[int, ...]],
    start: int,
    end: int,
    names: Sequence[str],
    prefixes: Sequence[str],
    separator: str,
    suffix: str,
    terminator: str,
) -> str:
    """The lines of cut_sets[start:end]: for each set c, prefixes[len(c)], its members'
    names joined by `separator`, `suffix` and `terminator`; in C where the extension
    runs (decision 70), the same text."""
    if NATIVE and isinstance(cut_sets, list):
        return _listing.lines(cut_sets, start, end, names, prefixes, separator, suffix, terminator)
    return "".join(
        prefixes[len(c)] + separator.join(map(names.__getitem__, c)) + suffix + terminator
        for c in cut_sets[start:end]
    )


def _counts(cut_sets: Sequence[tuple[int, ...]]) -> dict[int, int]:
    if NATIVE and isinstance(cut_sets, list):
        return _listing.count_by_order(cut_sets)
    return dict(Counter(map(len, cut_sets)))


def write_static_text(report: StaticReport, out: IO[str]) -> None:
    """The text report: a head, one line per cut set, the summary, the probability,
    and the importance table when there is one."""
    if report.model is None:
        head = [f"{' '.join(report.files)}  (Open-PSA MEF, top gate {report.top})"]
        subject = f"{report.top}, static"
    else:
        head = [f"{' '.join(report.files)}  (model {report.model})"]
        subject = (
            f"{report.top}.down, static (every fault permanent, every switchover window elapsed)"
        )
    head += [f"note: {note}" for note in report.notes]
    head.append(f"minimal cut sets of {subject}, up to order {report.max_order}")
    head.append("")
    out.write("\n".join(head) + "\n")
    names = report.names
    cut_sets = report.cut_sets
    prefixes = [f"  order {k}  " for k in range(report.max_order + 1)]
    for start in range(0, len(cut_sets), CHUNK):
        out.write(_lines(cut_sets, start, start + CHUNK, names, prefixes, " + ", "", "\n"))
    summary = order_summary(_counts(cut_sets), report.max_order, report.model is not None)
    if not report.complete:
        summary = (
            "INCOMPLETE: the time limit was hit before the cut sets were complete; none is listed"
            if report.stopped == "time"
            else "INCOMPLETE: the decision diagrams outgrew their budget; no cut set was computed"
        )
    elif report.truncated:
        summary += f" (longer minimal cut sets exist past order {report.max_order})"
    elif report.truncated is None:
        why = (
            "the time limit was hit"
            if report.stopped == "time"
            else "the diagrams outgrew their budget"
        )
        summary += f" (whether a longer minimal cut set exists is unknown: {why} first)"
    tail = ["", summary]
    if report.quantified:
        tail.append(probability_line(report))
    if report.importance is not None:
        tail += _importance_lines(report.importance)
    out.write("\n".join(tail) + "\n")


def _number(value: float | None) -> str:
    return "inf" if value is None else f"{value:.6g}"


def _importance_lines(rows: Sequence[ImportanceRow]) -> list[str]:
    width = max((len(r.event) for r in rows), default=5)
    head = ("event", "occurrence", "probability", "MIF", "CIF", "DIF", "RAW", "RRW")
    lines = ["", "importance (MIF: Birnbaum, CIF: criticality, DIF: Fussell-Vesely):"]
    lines.append("  " + head[0].ljust(width) + "".join(f"  {h:>12}" for h in head[1:]))
    for r in rows:
        values = (r.probability, r.mif, r.cif, r.dif, r.raw)
        cells = [f"{r.occurrence:>12}"] + [f"{_number(v):>12}" for v in values]
        cells.append(f"{_number(r.rrw):>12}")
        lines.append("  " + r.event.ljust(width) + "".join(f"  {c}" for c in cells))
    return lines


def write_static_json(report: StaticReport, out: IO[str], pretty: bool = False) -> None:
    """The `failspec-cutsets/1` document, streamed: compact with one line per cut set,
    or indented with `pretty`."""
    import json  # here: a text report does not pay for it at start-up

    separators = (", ", ": ") if pretty else (",", ":")

    def dumps(value: object) -> str:
        return json.dumps(value, separators=separators)

    indent = "  " if pretty else ""
    newline = "\n" if pretty else ""
    head: dict[str, object] = {"format": CUTSETS_FORMAT}
    if report.model is None:
        head["files"] = list(report.files)
    else:
        head.update(file=report.files[0], model=report.model)
    head.update(mode="static", check=None, top=report.top, max_order=report.max_order)
    head.update(complete=report.complete, stopped=report.stopped, truncated=report.truncated)
    head["notes"] = list(report.notes)
    sep = ": " if pretty else ":"
    comma = "," + newline
    out.write("{" + newline)
    out.write(comma.join(f"{indent}{dumps(k)}{sep}{dumps(v)}" for k, v in head.items()))
    out.write(f",{newline}{indent}{dumps('cut_sets')}{sep}[\n")
    key = '"events"'
    if report.faults is None:
        names = [dumps(n) for n in report.names]
    else:
        key = '"faults"'
        names = [
            json.dumps(
                {"number": number, "component": component, "mode": mode}, separators=(",", ":")
            )
            for number, component, mode in report.faults
        ]
    cut_sets = report.cut_sets
    inner = indent * 2
    prefixes = [f'{inner}{{"order":{k},{key}:[' for k in range(report.max_order + 1)]
    for start in range(0, len(cut_sets), CHUNK):
        text = _lines(cut_sets, start, start + CHUNK, names, prefixes, ",", "]}", ",\n")
        last = start + CHUNK >= len(cut_sets)
        out.write(text[:-2] + "\n" if last else text)
    counts = _counts(cut_sets)
    tail: dict[str, object] = {
        "summary": [{"order": k, "count": counts.get(k, 0)} for k in range(report.max_order + 1)],
        "probability": {
            "mission_hours": report.mission_hours,
            "exact": report.probability,
            "rare_event": report.rare_event,
            "interval": None if report.interval is None else list(report.interval),
            "missing": list(report.missing),
        }
        if report.quantified
        else None,
        "importance": None
        if report.importance is None
        else [
            {
                "event": r.event,
                "occurrence": r.occurrence,
                "probability": r.probability,
                "mif": r.mif,
                "cif": r.cif,
                "dif": r.dif,
                "raw": r.raw,
                "rrw": r.rrw,
            }
            for r in report.importance
        ],
    }
    out.write(f"{indent}]")
    for key, value in tail.items():
        out.write(f",{newline or chr(10)}{indent}{dumps(key)}{sep}{dumps(value)}")
    out.write(newline + "}\n")
