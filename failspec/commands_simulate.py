"""The `simulate` command: run one scenario and say which checks it violates.

    failspec simulate FILE (--scenario NAME | --fault C.M@T …) [--until T]
                      [--format text|json] [--save DIR]

It prints the scenario's timeline with causes up to `--until` (default: the
horizon), then, for every check, whether and when the scenario violates its
assertions, ignoring the check's hypothesis but saying when the scenario lies
outside it.  Neither option: the fault-free run.  `--fault nas1.memory@07:04`
takes any time point of the language.  With `--save DIR`, the counterexample of
every check the scenario violates is written as `check --save` writes one.

Exit 0: the scenario violates no check; 1: it violates one; 2: bad input.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from failspec.checker import ir
from failspec.checker.causes import build_trace
from failspec.counterexamples.report import dump_trace
from failspec.counterexamples.text import timeline_lines
from failspec.counterexamples.trace import TraceFault, event_to_json, fault_to_json
from failspec.counterexamples.vocabulary import format_instant
from failspec.exit_codes import ExitCode
from failspec.lint import lint
from failspec.simulation import Simulation, simulate_scenario
from failspec.spec import ast
from failspec.spec.durations import LiteralError, parse_time_point
from failspec.spec.errors import render_errors
from failspec.spec.spans import Span
from failspec.spec.validate import validate_scenario

COMMANDS = ("simulate",)

SIMULATION_FORMAT = "failspec-simulation/1"

EXIT_NO_VIOLATION = ExitCode.OK
EXIT_VIOLATION = ExitCode.FOUND
EXIT_BAD_INPUT = ExitCode.BAD_INPUT

_OPTION = "<command line>"
"""The file name of the spans of `--fault` options (each on its own 'line')."""


class _BadInput(Exception):
    """A bad option: the message is printed as `failspec: …`, exit 2."""


def add_commands(commands: Any, stdout: IO[str], stderr: IO[str]) -> None:
    """Add the `simulate` subparser to `commands`."""
    parser = commands.add_parser(
        "simulate",
        stdout=stdout,
        stderr=stderr,
        help="run one scenario: its timeline, and which checks it violates",
        description="Run one scenario of a model (a named scenario, faults given one by "
        "one, or neither: the fault-free run), print its timeline with causes and, for "
        "every check, whether and when the scenario violates it. Exit 0 if it violates "
        "no check, 1 if it violates one, 2 on bad input.",
    )
    parser.add_argument("file", metavar="FILE", help="a .fspec model file")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--scenario", metavar="NAME", help="a scenario declared in FILE")
    which.add_argument(
        "--fault",
        metavar="C.M@T",
        action="append",
        default=[],
        help="inject fault M of component C at time point T (repeatable): nas1.memory@07:04",
    )
    parser.add_argument(
        "--until",
        metavar="T",
        help="the last instant of the timeline, any time point (default: the horizon)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument(
        "--save",
        metavar="DIR",
        type=Path,
        help="write the counterexample of every check the scenario violates to "
        "DIR/<model>--<check>.json, with its viewer page",
    )


@dataclass(frozen=True)
class _Request:
    model: ir.Model
    name: str | None
    scenario: dict[int, int]
    until: int | None


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec simulate` with parsed `args`; return the exit code."""
    result = lint(args.file)
    if result.errors or result.model is None or result.tree is None:
        stderr.write(render_errors(result.errors, _sources(args.file)))
        count = len(result.errors)
        stderr.write(f"failspec: {count} spec error{'' if count == 1 else 's'}; nothing run\n")
        return EXIT_BAD_INPUT
    try:
        request = _request(args, result.model, result.tree)
    except _BadInput as error:
        stderr.write(f"failspec: {error}\n")
        return EXIT_BAD_INPUT
    simulation = simulate_scenario(request.model, request.scenario, request.until, request.name)
    if args.save is not None:
        try:
            saved = _save(simulation, args.save)
        except OSError as error:
            name = error.filename or args.save
            stderr.write(f"failspec: cannot write {name}: {error.strerror or error}\n")
            return EXIT_BAD_INPUT
    else:
        saved = {}
    if args.format == "json":
        text = json.dumps(simulation_to_json(simulation), indent=2, ensure_ascii=False) + "\n"
        stdout.write(text)
    else:
        stdout.write(render_simulation_text(simulation, saved))
    return EXIT_VIOLATION if simulation.violated else EXIT_NO_VIOLATION


def _sources(file: str) -> dict[str, str]:
    try:
        return {file: Path(file).read_text(encoding="utf-8")}
    except (OSError, UnicodeDecodeError):
        return {}


def _request(args: argparse.Namespace, model: ir.Model, tree: ast.Model) -> _Request:
    until = None
    if args.until is not None:
        until = _time_point(args.until, "--until")
    if args.scenario is not None:
        named = [s for s in model.scenarios if s.name == args.scenario]
        if not named:
            known = ", ".join(f'"{s.name}"' for s in model.scenarios) or "none"
            raise _BadInput(
                f'no scenario named "{args.scenario}" in {args.file}; the scenarios are: {known}'
            )
        return _Request(model, args.scenario, dict(named[0].faults), until)
    return _Request(model, None, _faults(args.fault, model, tree), until)


def _time_point(text: str, option: str) -> int:
    try:
        return parse_time_point(text.strip())
    except LiteralError as error:
        raise _BadInput(f"{option} {text}: {error.message} ({error.hint})") from None


def _faults(options: list[str], model: ir.Model, tree: ast.Model) -> dict[int, int]:
    """The scenario of `--fault C.M@T` options, validated as a scenario block is."""
    entries = []
    for line, option in enumerate(options, start=1):
        fault, at, when = option.partition("@")
        component, dot, mode = fault.strip().partition(".")
        if not at or not dot or not component or not mode:
            raise _BadInput(f"--fault {option}: write COMPONENT.MODE@TIME, e.g. nas1.memory@07:04")
        span = Span(_OPTION, line, 1, line, len(option) + 1)
        onset = ast.TimePoint(_time_point(when, f"--fault {option}:"), span)
        entries.append(
            ast.ScenarioFault(ast.Name(component, span), ast.Name(mode, span), onset, span)
        )
    scenario = ast.Scenario(
        "--fault", tuple(entries), Span(_OPTION, 1, 1, 1, 1), Span(_OPTION, 1, 1, 1, 1)
    )
    errors = validate_scenario(tree, scenario)
    if errors:
        first = errors[0]
        option = options[first.span.line - 1]
        hint = f" ({first.hint})" if first.hint else ""
        raise _BadInput(f"--fault {option}: {first.message}{hint}")
    numbers = {f.label: f.number for f in model.faults}
    return {numbers[f"{e.component.text}.{e.mode.text}"]: e.at.seconds for e in entries}


def _save(simulation: Simulation, directory: Path) -> dict[str, Path]:
    """Write the trace (and viewer page) of every check the scenario violates."""
    from failspec.commands_check import slugify
    from failspec.commands_view import save_trace_html

    directory.mkdir(parents=True, exist_ok=True)
    model = simulation.model
    saved: dict[str, Path] = {}
    used: set[str] = set()
    for judgement in simulation.violated:
        check = next(c for c in model.checks if c.name == judgement.check)
        trace = build_trace(model, check, simulation.scenario)
        stem = f"{model.name}--{slugify(check.name)}"
        name, number = f"{stem}.json", 1
        while name in used:
            number += 1
            name = f"{stem}-{number}.json"
        used.add(name)
        path = directory / name
        path.write_text(dump_trace(trace), encoding="utf-8")
        save_trace_html(trace, path)
        saved[check.name] = path
    return saved


# --- output ----------------------------------------------------------------------------


def _trace_faults(simulation: Simulation) -> tuple[TraceFault, ...]:
    model = simulation.model
    return tuple(
        TraceFault(n, model.fault(n).component_name, model.fault(n).mode, at, model.fault(n).repair)
        for n, at in sorted(simulation.scenario.items())
    )


def _scenario_line(simulation: Simulation) -> str:
    faults = _trace_faults(simulation)
    listed = ", ".join(f"{f.label} at {format_instant(f.at)}" for f in faults) or "no faults"
    if simulation.name is not None:
        return f'scenario "{simulation.name}": {listed}'
    return f"scenario: {listed}"


def render_simulation_text(simulation: Simulation, saved: dict[str, Path] | None = None) -> str:
    """The scenario, its timeline (time, component, change, cause) and every check's
    judgement, as text ending in a newline; the same input gives the same bytes."""
    model = simulation.model
    lines = [f"{model.file}  (model {model.name})", _scenario_line(simulation)]
    lines.append(f"timeline up to {format_instant(simulation.until)}")
    lines.append("")
    lines += timeline_lines(simulation.events) or ["(no events)"]
    lines.append("")
    lines.append("checks:")
    width = max((len(_mark(j.violated_at)) for j in simulation.checks), default=0)
    for judgement in simulation.checks:
        lines.append(f"  {_mark(judgement.violated_at).ljust(width)}  {judgement.check}")
        if judgement.assertion is not None:
            lines.append(f"      {judgement.assertion}")
        if judgement.outside is not None:
            lines.append(f"      outside the check's hypothesis: {judgement.outside}")
        if saved and judgement.check in saved:
            lines.append(f"      counterexample saved to {saved[judgement.check]}")
    if not simulation.checks:
        lines.append("  (the model has no checks)")
    lines.append("")
    count, total = len(simulation.violated), len(simulation.checks)
    lines.append(
        f"the scenario violates {count} of {total} check{'' if total == 1 else 's'}"
        if count
        else "the scenario violates no check"
    )
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _mark(violated_at: int | None) -> str:
    return (
        "✓ not violated" if violated_at is None else f"✗ violated at {format_instant(violated_at)}"
    )


def simulation_to_json(simulation: Simulation) -> dict[str, Any]:
    """The `failspec-simulation/1` document (keys in a fixed order)."""
    model = simulation.model
    return {
        "format": SIMULATION_FORMAT,
        "file": model.file,
        "model": model.name,
        "scenario": {
            "name": simulation.name,
            "faults": [fault_to_json(f) for f in _trace_faults(simulation)],
        },
        "until": simulation.until,
        "events": [event_to_json(e) for e in simulation.events],
        "checks": [
            {
                "check": j.check,
                "line": j.line,
                "violated": j.violated_at is not None,
                "at": j.violated_at,
                "assertion": j.assertion,
                "within_hypothesis": j.within_hypothesis,
                "outside": j.outside,
            }
            for j in simulation.checks
        ],
        "summary": {"checks": len(simulation.checks), "violated": len(simulation.violated)},
    }
