"""The `cutsets`, `fmea` and `export` commands: minimal cut sets, an FMEA table, and
an Open-PSA fault tree of a check (or of a component's static structure).

Exit codes follow `failspec check`: 0 nothing found (no cut set; no fault
violates a check), 1 something found, 2 bad input, 3 a time limit was hit or
failspec failed.
"""

from __future__ import annotations  # noqa: I001

import argparse
import csv
import io
import json
import time
from collections import Counter
from pathlib import Path
from typing import IO, Any

from failspec.api import cut_sets as timed_cut_sets_of
from failspec.api import load, static_report
from failspec.commands_check import result_cache
from failspec.checker import ir
from failspec.checker.causes import build_trace
from failspec.checker.cut_sets import timed_cut_sets
from failspec.checker.engine import CutSet
from failspec.checker.engines import ENGINE_NAMES
from failspec.checker.fault_tree import FaultTree, StaticTreeError, static_fault_tree
from failspec.checker.fmea import Fmea, FmeaRow, fmea
from failspec.checker.openpsa_export import export_static, export_timed
from failspec.checker.probability import exact, fault_probabilities, rare_event
from failspec.counterexamples.static_report import (
    write_static_json,
    write_static_text,
)
from failspec.counterexamples.text import format_duration, format_instant
from failspec.counterexamples.trace import trace_to_json
from failspec.mef_cutsets import DEFAULT_MAX_ORDER as DEFAULT_STATIC_ORDER
from failspec.mef_cutsets import is_mef, options_from, static_exit_code
from failspec.mef_cutsets import run as run_mef
from failspec.options import add_cache_options, positive_seconds
from failspec.spec.durations import LiteralError, parse_duration
from failspec.spec.errors import SpecError, SpecErrors, render_errors
from failspec.spec.openpsa_import import restore_imported_names
import contextlib

COMMANDS = ("cutsets", "fmea", "export")
CUTSETS_FORMAT = "failspec-cutsets/1"
FMEA_FORMAT = "failspec-fmea/1"
ORDER_NAMES = {1: "single point of failure", 2: "pair", 3: "triple"}


class _BadInput(Exception):
    """Bad input: the message is printed and the exit code is 2."""


def _mission(text: str) -> int:
    try:
        seconds = parse_duration(text)
    except LiteralError as error:
        raise argparse.ArgumentTypeError(f"{error.message} ({error.hint})") from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError("the mission must be longer than 0s")
    return seconds


def _order(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    return int(text)


def add_commands(commands: Any, stdout: IO[str], stderr: IO[str]) -> None:
    """Add the `cutsets`, `fmea` and `export` subparsers to `commands`."""
    cutsets = commands.add_parser(
        "cutsets",
        stdout=stdout,
        stderr=stderr,
        help="list the minimal fault sets that violate a check",
        description="Every minimal fault set (up to --max-order) for which some onsets violate "
        "the check, each with its canonical counterexample; or, with --static --top X, the "
        "minimal cut sets of the static fault tree of X.down. Exit 0 if there is none, 1 if "
        "there are some, 2 on bad input, 3 if the time limit was hit.",
    )
    _target_options(cutsets)
    # Open-PSA MEF input (failspec/mef_cutsets.py): more files, indented JSON, importance.
    cutsets.add_argument("more", nargs="*", metavar="MORE", help="with an MEF FILE: more MEF files")
    cutsets.add_argument("--pretty", action="store_true", help="indented JSON")
    cutsets.add_argument(
        "--importance", action="store_true", help="with --static: importance factors"
    )
    cutsets.add_argument(
        "--format", choices=("text", "json"), default="text", help="output format (default: text)"
    )
    cutsets.add_argument(
        "--mission",
        metavar="D",
        type=_mission,
        help="mission duration (like 8760h or 365d) for faults with a rate: p = 1 - exp(-rate·D)",
    )
    cutsets.add_argument(
        "--timeout",
        metavar="S",
        type=positive_seconds,
        help="seconds for the search (or the static analysis); past it, exit 3",
    )
    add_cache_options(cutsets)
    cutsets.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        default="auto",
        help="the engine of the timed search: explicit (asked about each candidate set), "
        "smt (enumerates violating sets) or auto (default: the two race, after a first "
        "small try of the explicit engine)",
    )

    table = commands.add_parser(
        "fmea",
        stdout=stdout,
        stderr=stderr,
        help="one row per fault: the checks it violates on its own and its first effect",
        description="A failure modes and effects table: for each declared fault, the checks it "
        "violates on its own, its first visible effect on a channel or job, and how long after "
        "onset the first violation comes. Exit 0 if no fault violates a check on its own, 1 if "
        "one does, 2 on bad input, 3 if the time limit was hit.",
    )
    table.add_argument("file", metavar="FILE", help="a .fspec model file")
    table.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="output format (default: text)",
    )
    table.add_argument(
        "--timeout", metavar="S", type=positive_seconds, help="seconds for the table"
    )

    export = commands.add_parser(
        "export",
        stdout=stdout,
        stderr=stderr,
        help="write a check's violation (or a static structure) as an Open-PSA fault tree",
        description="Write an Open-PSA MEF fault tree: the violation of --check as an OR of its "
        "minimal cut sets, or with --static --top X the static fault tree of X.down.",
    )
    _target_options(export)
    export.add_argument(
        "--format", choices=("openpsa",), default="openpsa", help="output format (openpsa)"
    )
    export.add_argument(
        "-o", "--output", metavar="OUT", type=Path, help="write to OUT (default: standard output)"
    )
    export.add_argument(
        "--timeout", metavar="S", type=positive_seconds, help="seconds for the search"
    )


def _target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a .fspec model file")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--check", metavar="NAME", help="the check (timed cut sets)")
    target.add_argument(
        "--static", action="store_true", help="the static fault tree of --top X instead"
    )
    parser.add_argument("--top", metavar="X", help="with --static: the component whose .down")
    parser.add_argument(
        "--max-order",
        metavar="K",
        type=_order,
        help="largest cut set (default: the hypothesis' bound; with --static, 20)",
    )


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec cutsets|fmea|export` with parsed `args`; return the exit code."""
    started = time.perf_counter()
    deadline = None if args.timeout is None else started + args.timeout
    if args.command == "cutsets" and (is_mef(args.file) or args.more):
        return _run_mef_cutsets(args, stdout, stderr)
    try:
        model = load(args.file)
    except (SpecErrors, SpecError) as failure:
        errors = failure.errors if isinstance(failure, SpecErrors) else [failure]
        sources = {}
        with contextlib.suppress(OSError, UnicodeDecodeError):
            sources[args.file] = Path(args.file).read_text(encoding="utf-8")
        stderr.write(render_errors(errors, sources))
        return 2
    try:
        if args.command == "fmea":
            return _run_fmea(model, args, stdout, deadline)
        if args.command == "cutsets":
            return _run_cutsets(model, args, stdout, deadline)
        return _run_export(model, args, stdout, stderr, deadline)
    except _BadInput as error:
        stderr.write(f"failspec: {error}\n")
        return 2


# --- cutsets ---------------------------------------------------------------------


def _run_mef_cutsets(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """`cutsets` of Open-PSA MEF files: static only (failspec/mef_cutsets.py)."""
    if not args.static or not all(is_mef(f) for f in (args.file, *args.more)):
        stderr.write("failspec: Open-PSA MEF files take --static (and only MEF files)\n")
        return 2
    return run_mef(options_from(args, (args.file, *args.more)), stdout, stderr)


def _target(model: ir.Model, args: argparse.Namespace) -> ir.Check | str:
    """The check (timed) or the top component's name (static) the arguments name."""
    if args.static:
        if args.check is not None:
            raise _BadInput("give either --check NAME or --static --top X, not both")
        if args.top is None:
            raise _BadInput("--static needs --top X, the component whose X.down is the top event")
        names = [c.name for c in model.components]
        if args.top not in names:
            raise _BadInput(f"no component named '{args.top}' in {model.file}")
        return str(args.top)
    if args.top is not None:
        raise _BadInput("--top X goes with --static")
    listing = ", ".join(f'"{c.name}"' for c in model.checks) or "none"
    if args.check is None:
        raise _BadInput(f"give --check NAME (the checks are: {listing}) or --static --top X")
    for item in model.checks:
        if item.name == args.check:
            return item
    raise _BadInput(f'no check named "{args.check}" in {model.file}; the checks are: {listing}')


def _static_tree(model: ir.Model, top: str) -> FaultTree:
    try:
        return static_fault_tree(model, top)
    except StaticTreeError as error:
        raise _BadInput(str(error)) from None


def _probability(
    model: ir.Model, cut_sets: tuple[CutSet, ...], mission: int | None
) -> dict[str, Any] | None:
    """The probability of a timed check's violation from its cut sets: rare-event, and
    exact for the cut sets listed (never a lower bound here: timed cut sets are not
    cut off by an order limit below the hypothesis' bound)."""
    numbers = sorted({n for c in cut_sets for n in c})
    informed = [
        n
        for n in numbers
        if model.fault(n).probability is not None or model.fault(n).rate_per_hour is not None
    ]
    if not informed and mission is None:
        return None
    p, missing = fault_probabilities(model, numbers, mission)
    result: dict[str, Any] = {
        "mission_seconds": mission,
        "rare_event": None,
        "exact": None,
        "exact_is_lower_bound": False,
        "missing": [model.fault(n).label for n in missing],
    }
    if not missing:
        result["rare_event"] = rare_event(cut_sets, p)
        result["exact"] = exact(cut_sets, p)
    return result


def _run_static(
    model: ir.Model, top: str, args: argparse.Namespace, stdout: IO[str], deadline: float | None
) -> int:
    """`cutsets --static --top X` of a model (`failspec.api.static_report`), written
    by the report MEF trees use too (`counterexamples/static_report.py`)."""
    max_order = DEFAULT_STATIC_ORDER if args.max_order is None else args.max_order
    try:
        report = static_report(model, top, max_order, args.mission, args.importance, deadline)
    except StaticTreeError as error:
        raise _BadInput(str(error)) from None
    if args.format == "json":
        write_static_json(report, stdout, args.pretty)
    else:
        write_static_text(report, stdout)
    return static_exit_code(report)


def _order_summary(cut_sets: tuple[CutSet, ...], max_order: int, complete: bool = True) -> str:
    if any(len(c) == 0 for c in cut_sets):
        return "violated with no fault at all: the empty set is the only minimal cut set"
    if not cut_sets:
        if not complete:
            return "no minimal cut set found before the time limit"
        return f"no minimal cut set up to order {max_order}"
    counts = Counter(len(c) for c in cut_sets)
    parts = []
    # Every order up to the limit, but past order 3 only up to the largest found
    # (a static tree's limit defaults to 20).
    upto = max(max(counts), min(max_order, 3))
    for order in range(1, upto + 1):
        count = counts[order]
        if order in ORDER_NAMES:
            name = ORDER_NAMES[order]
            plural = name.replace("point ", "points ") if order == 1 else name + "s"
        else:
            name, plural = f"cut set of order {order}", f"cut sets of order {order}"
        parts.append(f"{count} {name if count == 1 else plural}")
    if upto < max_order:
        parts.append(f"none of order {upto + 1} to {max_order}")
    return ", ".join(parts)


def _run_cutsets(
    model: ir.Model, args: argparse.Namespace, stdout: IO[str], deadline: float | None
) -> int:
    target = _target(model, args)
    if isinstance(target, str):
        return _run_static(model, target, args, stdout, deadline)
    if args.importance:
        raise _BadInput("--importance goes with --static")
    labels = {f.number: f.label for f in model.faults}
    document: dict[str, Any] = {"format": CUTSETS_FORMAT, "file": model.file, "model": model.name}
    lines = [f"{model.file}  (model {model.name})"]
    cache = result_cache(args, model.file)
    timed = timed_cut_sets_of(model, target, args.max_order, deadline, args.engine, cache)
    cut_sets, max_order, complete = timed.cut_sets, timed.max_order, timed.complete
    lines.append(
        f'minimal cut sets of "{target.name}" up to order {max_order}, '
        f"of {len(timed.candidates)} faults"
    )
    lines.append("")
    items = []
    width = max((len(" + ".join(labels[n] for n in c)) for c in cut_sets), default=0)
    for cut_set, witness in zip(cut_sets, timed.witnesses, strict=True):
        names = " + ".join(labels[n] for n in cut_set) or "(no fault)"
        onsets = ", ".join(format_instant(o) for o in witness.onsets)
        detail = f"violated at {format_instant(witness.violation_at)}"
        if onsets:
            detail += f"; onsets {onsets}"
        lines.append(f"  order {len(cut_set)}  {names.ljust(width)}  {detail}")
        trace = build_trace(model, target, dict(zip(cut_set, witness.onsets, strict=True)))
        items.append(
            {
                "order": len(cut_set),
                "faults": _faults_json(model, cut_set),
                "witness": {
                    "violation_at": witness.violation_at,
                    "onsets": list(witness.onsets),
                    "counterexample": trace_to_json(trace),
                },
            }
        )
    document.update(mode="timed", check=target.name, top=None, max_order=max_order)
    document.update(complete=complete, truncated=False, cut_sets=items)
    probability = _probability(model, cut_sets, args.mission)
    counts = Counter(len(c) for c in cut_sets)
    document["summary"] = [{"order": k, "count": counts[k]} for k in range(max_order + 1)]
    document["probability"] = probability
    lines.append("")
    lines.append(_order_summary(cut_sets, max_order, complete))
    if not complete:
        lines.append("INCOMPLETE: the time limit was hit; more minimal cut sets may exist")
    lines += _probability_lines(probability)
    if args.format == "json":
        # Compact by default (issue 15): the document on one line; --pretty indents it.
        indent = 2 if args.pretty else None
        stdout.write(json.dumps(document, indent=indent, ensure_ascii=False) + "\n")
    else:
        stdout.write("\n".join(lines) + "\n")
    if not complete:
        return 3
    return 1 if cut_sets else 0


def _faults_json(model: ir.Model, cut_set: CutSet) -> list[dict[str, Any]]:
    return [
        {"number": n, "component": model.fault(n).component_name, "mode": model.fault(n).mode}
        for n in cut_set
    ]


def _probability_lines(probability: dict[str, Any] | None) -> list[str]:
    if probability is None:
        return []
    mission = probability["mission_seconds"]
    over = f"over a mission of {format_duration(mission)}" if mission else "over the mission"
    if probability["missing"]:
        missing = ", ".join(probability["missing"])
        why = "" if mission else " (give --mission D for a rate)"
        return [f"probability {over}: unknown; no probability for {missing}{why}"]
    line = f"probability {over}: rare-event approximation {probability['rare_event']:.6g}"
    if probability["exact"] is not None:
        line += f", exact {probability['exact']:.6g}"
    return [line]


# --- fmea ------------------------------------------------------------------------


def _run_fmea(
    model: ir.Model, args: argparse.Namespace, stdout: IO[str], deadline: float | None
) -> int:
    table = fmea(model, deadline)
    if args.format == "json":
        stdout.write(json.dumps(_fmea_json(table), indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        stdout.write(_fmea_csv(table))
    else:
        stdout.write(_fmea_text(model, table))
    if not table.complete:
        return 3
    return 1 if any(row.violated for row in table.rows) else 0


def _effect_text(row: FmeaRow) -> str:
    if row.effect is None:
        return "none on any channel or job"
    groups: dict[str, list[str]] = {}
    for event in row.effect.events:
        change = f"no {event.change} any more" if event.missing else event.change
        groups.setdefault(event.component, []).append(change)
    assert row.onset is not None
    changes = "; ".join(f"{c}: {', '.join(x)}" for c, x in groups.items())
    return (
        f"{format_instant(row.effect.at)} (+{format_duration(row.effect.at - row.onset)}) {changes}"
    )


def _fmea_text(model: ir.Model, table: Fmea) -> str:
    head = f"{model.file}  (model {model.name}): FMEA of {len(model.faults)} faults"
    lines = [f"{head} against {len(model.checks)} checks"]
    if table.violated_without_faults:
        lines.append("violated with no fault at all (so not listed under any fault):")
        lines += [f'  "{name}"' for name in table.violated_without_faults]
    for row in table.rows:
        lines.append("")
        lines.append(f"{row.fault:>3}  {row.label}  ({row.kind})")
        if row.onset is None:
            lines.append("     never occurs (its onset window lies past the horizon)")
            continue
        lines.append(f"     onset          {format_instant(row.onset)}")
        lines.append(f"     first effect   {_effect_text(row)}")
        if not row.violated:
            lines.append("     violates       no check on its own")
        for i, item in enumerate(row.violated):
            head = "violates      " if i == 0 else "              "
            after = format_duration(item.violation_at - item.onset)
            outside = "" if item.in_hypothesis else ", outside its hypothesis"
            lines.append(
                f'     {head} "{item.check}" at {format_instant(item.violation_at)} '
                f"(+{after}{outside})"
            )
    violating = [row for row in table.rows if row.violated]
    lines.append("")
    lines.append(
        f"{len(violating)} of {len(table.rows)} faults violate some check on their own"
        + (f": {', '.join(r.label for r in violating)}" if violating else "")
    )
    if not table.complete:
        lines.append(
            "INCOMPLETE: the time limit was hit; the faults after the last row are missing"
        )
    return "\n".join(lines) + "\n"


def _fmea_json(table: Fmea) -> dict[str, Any]:
    rows = []
    for row in table.rows:
        effect = None
        if row.effect is not None:
            effect = {
                "at": row.effect.at,
                "events": [
                    {"component": e.component, "change": e.change, "missing": e.missing}
                    for e in row.effect.events
                ],
            }
        rows.append(
            {
                "number": row.fault,
                "fault": row.label,
                "component": row.component,
                "kind": row.kind,
                "onset": row.onset,
                "violates": [
                    {
                        "check": v.check,
                        "violation_at": v.violation_at,
                        "onset": v.onset,
                        "in_hypothesis": v.in_hypothesis,
                    }
                    for v in row.violated
                ],
                "first_effect": effect,
                "first_violation_after": row.first_violation_after,
                "first_violated_check": row.first_violated_check,
            }
        )
    return {
        "format": FMEA_FORMAT,
        "file": table.file,
        "model": table.model,
        "violated_without_faults": list(table.violated_without_faults),
        "complete": table.complete,
        "rows": rows,
    }


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


def _fmea_csv(table: Fmea) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in table.rows:
        effect = row.effect
        events = ""
        if effect is not None:
            events = "; ".join(
                f"{e.component}: {'no ' if e.missing else ''}{e.change}" for e in effect.events
            )
        writer.writerow(
            (
                row.fault,
                row.label,
                row.component,
                row.kind,
                "" if row.onset is None else row.onset,
                "" if effect is None else effect.at,
                events,
                "" if row.first_violation_after is None else row.first_violation_after,
                row.first_violated_check or "",
                " | ".join(v.check for v in row.violated),
            )
        )
    return buffer.getvalue()


# --- export ----------------------------------------------------------------------


def _run_export(
    model: ir.Model,
    args: argparse.Namespace,
    stdout: IO[str],
    stderr: IO[str],
    deadline: float | None,
) -> int:
    target = _target(model, args)
    if isinstance(target, str):
        document = export_static(model, _static_tree(model, target))
        document = restore_imported_names(document, args.file)
    else:
        timed = timed_cut_sets(model, target, args.max_order, deadline)
        if not timed.complete:
            stderr.write("failspec: the time limit was hit; nothing exported\n")
            return 3
        document = export_timed(model, target, timed.cut_sets)
    if args.output is None:
        stdout.write(document)
        return 0
    try:
        args.output.write_text(document, encoding="utf-8")
    except OSError as error:
        raise _BadInput(f"cannot write {args.output}: {error.strerror or error}") from None
    return 0
