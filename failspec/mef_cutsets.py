"""`failspec cutsets TREE.xml [MORE.xml ...] --static`: static analysis of Open-PSA
MEF files read directly, beside `.fspec` models.

The files (a tree, its basic events, parameters and CCF groups, in any order)
are read (`spec/openpsa_model.py`), the top gate (`--top GATE`, or the only
gate no other gate uses) becomes a PDAG with probabilities at the mission time
(`checker/openpsa_tree.py`), and its modular BDDs give the minimal cut sets up
to `--max-order` (default 20), the exact top probability and, with
`--importance`, each basic event's importance factors
(`checker/static_analysis.py`).  Every gate the timed language cannot express
(NOT, XOR, NAND, NOR, IFF, IMPLY, CARDINALITY) is analysed as it is, and said
so in a note.

This module imports no more than the analysis needs (no parser, no Z3, no
networkx), so a whole `failspec cutsets` process on an MEF file starts in
about the time Python does: `failspec/cli.py` sends such a command here
before it builds the rest of the command line.  Exit codes: 0 no cut set, 1 some, 2 bad
input, 3 when the diagrams are out of reach (no cut set; the probability is then
a rigorous interval from pruned diagrams, `checker/probability_bounds.py`).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from typing import IO, NamedTuple

from failspec.checker.decision_diagrams import DiagramTooLarge
from failspec.checker.openpsa_tree import StaticProblem, static_problem
from failspec.checker.probability_bounds import probability_interval
from failspec.checker.static_analysis import (
    CutSetFamilies,
    build_diagrams,
    importance,
    occurrences,
    probabilities,
)
from failspec.counterexamples.static_report import (
    ImportanceRow,
    StaticReport,
    write_static_json,
    write_static_text,
)
from failspec.spec.openpsa_expressions import DEFAULT_MISSION_HOURS
from failspec.spec.openpsa_model import read_model
from failspec.spec.openpsa_xml import ImportError_

DEFAULT_MAX_ORDER = 20
BOUND_NODES = 2_000
"""The most nodes a pruned bound keeps per gate (`probability_bounds.py`)."""
MEF_SUFFIXES = (".xml", ".opsa")


def is_mef(path: str) -> bool:
    """Whether `path` names an Open-PSA MEF file (by its suffix)."""
    return path.lower().endswith(MEF_SUFFIXES)


class StaticOptions(NamedTuple):
    """What `failspec cutsets --static` on MEF files was asked."""

    files: tuple[str, ...]
    top: str | None
    max_order: int
    mission_hours: float
    output_format: str
    pretty: bool
    importance: bool


def mission_hours(text: str) -> float:
    """A `--mission` duration (`8760h`, `365d`) in hours (argparse's type)."""
    from failspec.spec.durations import LiteralError, parse_duration

    try:
        seconds = parse_duration(text)
    except LiteralError as error:
        raise argparse.ArgumentTypeError(f"{error.message} ({error.hint})") from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError("the mission must be longer than 0s")
    return seconds / 3600


def options_from(args: argparse.Namespace, files: Sequence[str]) -> StaticOptions:
    """The options of parsed `failspec cutsets` arguments (`--mission` in seconds)."""
    mission = args.mission
    return StaticOptions(
        tuple(files),
        args.top,
        DEFAULT_MAX_ORDER if args.max_order is None else args.max_order,
        DEFAULT_MISSION_HOURS if mission is None else mission / 3600,
        args.format,
        bool(getattr(args, "pretty", False)),
        bool(getattr(args, "importance", False)),
    )


def main(argv: Sequence[str], stdout: IO[str], stderr: IO[str]) -> int:
    """`failspec cutsets FILE.xml … --static …` (argv after `cutsets`)."""
    parser = argparse.ArgumentParser(
        prog="failspec cutsets",
        description="Minimal cut sets, exact probability and importance of an Open-PSA "
        "MEF fault tree (static analysis).",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="Open-PSA MEF files")
    parser.add_argument("--static", action="store_true", required=True)
    parser.add_argument("--top", metavar="GATE", help="the top gate (default: the only one)")
    parser.add_argument("--max-order", metavar="K", type=_order, help="largest cut set (20)")
    parser.add_argument("--mission", metavar="D", type=mission_hours, help="mission (8760h)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--pretty", action="store_true", help="indented JSON")
    parser.add_argument("--importance", action="store_true", help="importance factors")
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as leaving:
        return 0 if leaving.code == 0 else 2
    options = StaticOptions(
        tuple(args.files),
        args.top,
        DEFAULT_MAX_ORDER if args.max_order is None else args.max_order,
        DEFAULT_MISSION_HOURS if args.mission is None else args.mission,
        args.format,
        args.pretty,
        args.importance,
    )
    return run(options, stdout, stderr)


def _order(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    return int(text)


def run(options: StaticOptions, stdout: IO[str], stderr: IO[str]) -> int:
    """Analyse, write the report; return the exit code."""
    try:
        report = analyze(options)
    except ImportError_ as error:
        stderr.write(f"failspec: {error}\n")
        return 2
    if options.output_format == "json":
        write_static_json(report, stdout, options.pretty)
    else:
        write_static_text(report, stdout)
    if not report.complete:
        return 3
    return 1 if report.cut_sets else 0


def _notes(problem: StaticProblem) -> tuple[str, ...]:
    notes = []
    if problem.non_coherent:
        notes.append(
            f"non-coherent gates ({', '.join(problem.non_coherent)}): a cut set is a minimal "
            "set of failed events that fails the top with every other event working "
            "(SCRAM's minimal cut sets, not prime implicants); the timed language cannot "
            "express these gates"
        )
    groups = sorted({g for g in problem.groups if g is not None})
    if groups:
        notes.append(f"CCF groups expanded into their common-cause events: {', '.join(groups)}")
    return tuple(notes)


def analyze(options: StaticOptions) -> StaticReport:
    """The report of the analysis `options` ask for (ImportError_ on bad input,
    DiagramTooLarge past the node budget)."""
    model = read_model(options.files)
    problem = static_problem(model, options.top, options.mission_hours)
    root = problem.graph.root
    k = options.max_order
    if isinstance(root, bool) or not problem.graph.is_gate(abs(root)):
        return _trivial(options, problem)
    try:
        diagram = build_diagrams(problem.graph)
    except DiagramTooLarge:
        return _bounded(options, problem)
    families = CutSetFamilies(diagram, k)
    cut_sets = families.top_sets()  # variable numbers, so names get a dummy at 0
    used = sorted(_support(problem))  # every cut set's events are among these
    missing = tuple(problem.names[i] for i in used if problem.probabilities[i] is None)
    p_exact = rare = None
    rows: tuple[ImportanceRow, ...] | None = None
    if not missing:
        p = [x if x is not None else 0.0 for x in problem.probabilities]
        quantities = probabilities(diagram, p)
        p_exact = quantities.top
        rare = _rare_event(cut_sets, [0.0, *p])
        if options.importance:
            counts = occurrences(cut_sets)
            rows = tuple(
                ImportanceRow(
                    problem.names[f.variable - 1],
                    f.occurrence,
                    f.probability,
                    f.mif,
                    f.cif,
                    f.dif,
                    f.raw,
                    f.rrw,
                )
                for f in importance(diagram, quantities, p, counts)
            )
    return StaticReport(
        options.files,
        problem.top,
        k,
        ("", *problem.names),
        cut_sets,
        p_exact,
        rare,
        missing,
        options.mission_hours,
        rows,
        _notes(problem),
    )


def _bounded(options: StaticOptions, problem: StaticProblem) -> StaticReport:
    """The report when the BDDs are out of reach: no cut sets, and a rigorous interval
    for the probability (`checker/probability_bounds.py`)."""
    used = sorted(_support(problem))
    missing = tuple(problem.names[i] for i in used if problem.probabilities[i] is None)
    interval = None
    if not missing:
        p = [x if x is not None else 0.0 for x in problem.probabilities]
        bounds = probability_interval(problem.graph, p, BOUND_NODES)
        interval = (bounds.low, bounds.high)
    return StaticReport(
        options.files,
        problem.top,
        options.max_order,
        ("", *problem.names),
        [],
        None,
        None,
        missing,
        options.mission_hours,
        None,
        _notes(problem),
        interval,
        complete=False,
    )


def _support(problem: StaticProblem) -> set[int]:
    """The variables (0-based) the graph reads."""
    graph = problem.graph
    found: set[int] = set()
    for g in graph.reachable():
        found.update(abs(i) - 1 for i in graph.gate(g).inputs if abs(i) <= graph.variables)
    return found


def _rare_event(cut_sets: Sequence[tuple[int, ...]], p: Sequence[float]) -> float:
    return min(1.0, math.fsum(math.prod([p[i] for i in c]) for c in cut_sets))


def _trivial(options: StaticOptions, problem: StaticProblem) -> StaticReport:
    """A top that is a constant or one basic event (or its complement)."""
    root = problem.graph.root
    if isinstance(root, bool):
        cut_sets: list[tuple[int, ...]] = [()] if root else []
        p_exact: float | None = 1.0 if root else 0.0
        missing: tuple[str, ...] = ()
    else:
        v = abs(root) - 1
        q = problem.probabilities[v]
        missing = () if q is not None else (problem.names[v],)
        cut_sets = [(v + 1,)] if root > 0 else [()]
        p_exact = None if q is None else (q if root > 0 else 1 - q)
    return StaticReport(
        options.files,
        problem.top,
        options.max_order,
        ("", *problem.names),
        cut_sets if options.max_order >= max((len(c) for c in cut_sets), default=0) else [],
        p_exact,
        p_exact,
        missing,
        options.mission_hours,
        None,
        _notes(problem),
    )


def console_main() -> None:
    """Run `failspec cutsets` on MEF files with the process's arguments (after
    `cutsets`) and exit with its code."""
    try:
        code = main(sys.argv[2:], sys.stdout, sys.stderr)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left (`| head`): nothing more to say
        sys.stderr.close()
        code = 1
    except KeyboardInterrupt:
        sys.stderr.write("failspec: interrupted\n")
        code = 130
    sys.exit(code)
