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
a rigorous interval from pruned diagrams, `checker/probability_bounds.py`) or
when `--timeout S` passed (what was complete is reported, and said so).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import IO, NamedTuple

from failspec.checker.openpsa_tree import StaticProblem, static_problem
from failspec.checker.static_analysis import StaticAnalysis, analyse
from failspec.cli import help_formatter
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
    timeout_seconds: float | None = None


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
        getattr(args, "timeout", None),
    )


def main(argv: Sequence[str], stdout: IO[str], stderr: IO[str]) -> int:
    """`failspec cutsets FILE.xml … --static …` (argv after `cutsets`)."""
    parser = argparse.ArgumentParser(
        formatter_class=help_formatter,
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
    parser.add_argument("--timeout", metavar="S", type=_seconds, help="seconds for the analysis")
    parser.add_argument(
        "--jobs",
        metavar="N",
        type=_jobs,
        help="accepted as for a check; the analysis is one process",
    )
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
        args.timeout,
    )
    return run(options, stdout, stderr)


def _jobs(text: str) -> int:
    from failspec.options import jobs_count

    return jobs_count(text)


def _seconds(text: str) -> float:
    from failspec.options import positive_seconds

    return positive_seconds(text)


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
    return static_exit_code(report)


def static_exit_code(report: StaticReport) -> int:
    """3 when the analysis stopped short (the time limit or the node budget), else 1 when
    it lists a cut set, else 0."""
    if report.stopped is not None or not report.complete:
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
    """The report of the analysis `options` ask for (ImportError_ on bad input)."""
    deadline = None
    if options.timeout_seconds is not None:
        deadline = time.perf_counter() + options.timeout_seconds
    model = read_model(options.files)
    problem = static_problem(model, options.top, options.mission_hours)
    found = analyse(
        problem.graph,
        problem.probabilities,
        options.max_order,
        options.importance,
        deadline,
        bound_nodes=BOUND_NODES,
    )
    names = ("", *problem.names)  # cut sets are variable numbers: a placeholder at 0
    return StaticReport(
        options.files,
        problem.top,
        options.max_order,
        names,
        found.cut_sets,
        found.probability,
        found.rare_event,
        tuple(names[v] for v in found.missing),
        options.mission_hours,
        importance_rows(found, names),
        _notes(problem),
        found.interval,
        found.complete,
        found.truncated,
        found.stopped,
    )


def importance_rows(
    found: StaticAnalysis, names: Sequence[str]
) -> tuple[ImportanceRow, ...] | None:
    """The importance table of an analysis, events by `names[variable]`."""
    if found.importance is None:
        return None
    return tuple(
        ImportanceRow(
            names[f.variable], f.occurrence, f.probability, f.mif, f.cif, f.dif, f.raw, f.rrw
        )
        for f in found.importance
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
