"""The `export` command: an Open-PSA MEF fault tree of a check's violation (an OR of its
minimal cut sets) or of a component's static structure (`checker/openpsa_export.py`),
for SCRAM and other PSA tools.

Exit codes (`exit_codes.py`): 0 written, 2 bad input, 3 the time limit was hit
before every cut set was found (nothing is written then).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import IO, Any

from failspec.exit_codes import ExitCode
from failspec.options import (
    BadInput,
    add_format_option,
    positive_seconds,
    render_spec_failure,
    resolve_target,
    target_options,
)
from failspec.spec.errors import SpecError, SpecErrors

COMMANDS = ("export",)


def add_commands(commands: Any, stdout: IO[str], stderr: IO[str]) -> None:
    """Add the `export` subparser to `commands`."""
    export = commands.add_parser(
        "export",
        stdout=stdout,
        stderr=stderr,
        help="write a check's violation (or a static structure) as an Open-PSA fault tree",
        description="Write an Open-PSA MEF fault tree: the violation of --check as an OR of its "
        "minimal cut sets, or with --static --top X the static fault tree of X.down.",
    )
    target_options(export)
    add_format_option(export, ("openpsa",))
    export.add_argument(
        "-o", "--output", metavar="OUT", type=Path, help="write to OUT (default: standard output)"
    )
    export.add_argument(
        "--timeout", metavar="S", type=positive_seconds, help="seconds for the search"
    )


def _document(args: argparse.Namespace, stderr: IO[str]) -> str | None:
    """The MEF document the arguments ask for, or None when the search ran out of time."""
    from failspec.api import cut_sets, load
    from failspec.checker.fault_tree import StaticTreeError, static_fault_tree
    from failspec.checker.openpsa_export import export_static, export_timed
    from failspec.spec.openpsa_import import restore_imported_names

    deadline = None if args.timeout is None else time.perf_counter() + args.timeout
    model = load(args.file)
    target = resolve_target(model, args)
    if isinstance(target, str):
        try:
            tree = static_fault_tree(model, target)
        except StaticTreeError as error:
            raise BadInput(str(error)) from None
        return restore_imported_names(export_static(model, tree), args.file)
    timed = cut_sets(model, target, args.max_order, deadline)
    if not timed.complete:
        stderr.write("failspec: the time limit was hit; nothing exported\n")
        return None
    return export_timed(model, target, timed.cut_sets)


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec export` with parsed `args`; return the exit code."""
    try:
        document = _document(args, stderr)
        if document is None:
            return ExitCode.INCOMPLETE
        if args.output is None:
            stdout.write(document)
            return ExitCode.OK
        try:
            args.output.write_text(document, encoding="utf-8")
        except OSError as error:
            raise BadInput(f"cannot write {args.output}: {error.strerror or error}") from None
    except (SpecErrors, SpecError) as failure:
        stderr.write(render_spec_failure(failure))
        return ExitCode.BAD_INPUT
    except BadInput as error:
        stderr.write(f"failspec: {error}\n")
        return ExitCode.BAD_INPUT
    return ExitCode.OK
