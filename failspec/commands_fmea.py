"""The `fmea` command: one row per fault — the checks it violates on its own, its first
visible effect on a channel or job, and how long after its onset the first violation
comes (the table is the API's, `failspec.api.fmea_document`; its words are
`counterexamples/fmea_text.py`'s).

Exit codes (`exit_codes.py`): 0 no fault violates a check on its own, 1 one does,
2 bad input, 3 the time limit was hit.
"""

from __future__ import annotations

import argparse
import json
from typing import IO, Any

from failspec.exit_codes import ExitCode, exit_code_of
from failspec.options import add_format_option, positive_seconds, render_spec_failure
from failspec.spec.errors import SpecError, SpecErrors

COMMANDS = ("fmea",)


def add_commands(commands: Any, stdout: IO[str], stderr: IO[str]) -> None:
    """Add the `fmea` subparser to `commands`."""
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
    add_format_option(table, ("text", "json", "csv"))
    table.add_argument(
        "--timeout", metavar="S", type=positive_seconds, help="seconds for the table"
    )


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec fmea` with parsed `args`; return the exit code."""
    from failspec.api import fmea_document, load
    from failspec.counterexamples.fmea_text import render_fmea_csv, render_fmea_text

    try:
        model = load(args.file)
    except (SpecErrors, SpecError) as failure:
        stderr.write(render_spec_failure(failure))
        return ExitCode.BAD_INPUT
    document = fmea_document(model, args.timeout)
    if args.format == "json":
        stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        stdout.write(render_fmea_csv(document))
    else:
        stdout.write(render_fmea_text(document))
    found = any(row["violates"] for row in document["rows"])
    return exit_code_of(found=found, complete=document["complete"])
