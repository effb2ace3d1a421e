"""The `cutsets` command: the minimal cut sets of a check (timed), or of a component's
static structure or an Open-PSA MEF tree (static).

Exit codes (`exit_codes.py`): 0 no cut set, 1 some, 2 bad input, 3 a time limit
was hit.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from typing import IO, Any

from failspec.api import cut_sets as timed_cut_sets_of
from failspec.api import load, static_report
from failspec.checker import ir
from failspec.checker.causes import build_trace
from failspec.checker.engine import CutSet
from failspec.checker.engines import ENGINE_NAMES
from failspec.checker.fault_tree import StaticTreeError
from failspec.checker.probability import timed_probability
from failspec.commands_check import result_cache
from failspec.counterexamples.static_report import write_static_json, write_static_text
from failspec.counterexamples.text import format_duration, format_instant
from failspec.counterexamples.trace import trace_to_json
from failspec.exit_codes import ExitCode
from failspec.mef_cutsets import DEFAULT_MAX_ORDER as DEFAULT_STATIC_ORDER
from failspec.mef_cutsets import is_mef, options_from, static_exit_code
from failspec.mef_cutsets import run as run_mef
from failspec.options import (
    BadInput,
    add_cache_options,
    add_jobs_option,
    positive_seconds,
    render_spec_failure,
    resolve_target,
    target_options,
)
from failspec.parallel import default_jobs
from failspec.spec.durations import LiteralError, parse_duration
from failspec.spec.errors import SpecError, SpecErrors

COMMANDS = ("cutsets",)
CUTSETS_FORMAT = "failspec-cutsets/1"
FMEA_FORMAT = "failspec-fmea/1"
ORDER_NAMES = {1: "single point of failure", 2: "pair", 3: "triple"}


def _mission(text: str) -> int:
    try:
        seconds = parse_duration(text)
    except LiteralError as error:
        raise argparse.ArgumentTypeError(f"{error.message} ({error.hint})") from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError("the mission must be longer than 0s")
    return seconds


def add_commands(commands: Any, stdout: IO[str], stderr: IO[str]) -> None:
    """Add the `cutsets` subparser to `commands`."""
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
    target_options(cutsets)
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
    add_jobs_option(cutsets)
    cutsets.add_argument(
        "--engine",
        choices=ENGINE_NAMES,
        default="auto",
        help="the engine of the timed search: explicit (asked about each candidate set), "
        "smt (enumerates violating sets) or auto (default: the two race, after a first "
        "small try of the explicit engine)",
    )


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec cutsets` with parsed `args`; return the exit code."""
    started = time.perf_counter()
    deadline = None if args.timeout is None else started + args.timeout
    if is_mef(args.file) or args.more:
        return _run_mef_cutsets(args, stdout, stderr)
    try:
        model = load(args.file)
    except (SpecErrors, SpecError) as failure:
        stderr.write(render_spec_failure(failure))
        return ExitCode.BAD_INPUT
    try:
        return _run_cutsets(model, args, stdout, deadline)
    except BadInput as error:
        stderr.write(f"failspec: {error}\n")
        return 2


# --- cutsets ---------------------------------------------------------------------


def _run_mef_cutsets(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """`cutsets` of Open-PSA MEF files: static only (failspec/mef_cutsets.py)."""
    if not args.static or not all(is_mef(f) for f in (args.file, *args.more)):
        stderr.write("failspec: Open-PSA MEF files take --static (and only MEF files)\n")
        return 2
    return run_mef(options_from(args, (args.file, *args.more)), stdout, stderr)


def _run_static(
    model: ir.Model, top: str, args: argparse.Namespace, stdout: IO[str], deadline: float | None
) -> int:
    """`cutsets --static --top X` of a model (`failspec.api.static_report`), written
    by the report MEF trees use too (`counterexamples/static_report.py`)."""
    max_order = DEFAULT_STATIC_ORDER if args.max_order is None else args.max_order
    try:
        report = static_report(model, top, max_order, args.mission, args.importance, deadline)
    except StaticTreeError as error:
        raise BadInput(str(error)) from None
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
    target = resolve_target(model, args)
    if isinstance(target, str):
        return _run_static(model, target, args, stdout, deadline)
    if args.importance:
        raise BadInput("--importance goes with --static")
    labels = {f.number: f.label for f in model.faults}
    document: dict[str, Any] = {"format": CUTSETS_FORMAT, "file": model.file, "model": model.name}
    lines = [f"{model.file}  (model {model.name})"]
    cache = result_cache(args, model.file)
    jobs = default_jobs() if args.jobs is None else args.jobs
    timed = timed_cut_sets_of(model, target, args.max_order, deadline, args.engine, cache, jobs)
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
    probability = timed_probability(model, cut_sets, args.mission)
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
