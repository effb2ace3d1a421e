"""The `import` command: Open-PSA MEF fault trees as a failspec model.

Exit 0 on success, 2 when a file cannot be imported (the message names the
element and its line).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO, Any

from failspec.mef_cutsets import mission_hours as _mission_hours
from failspec.spec.openpsa_expressions import DEFAULT_MISSION_HOURS
from failspec.spec.openpsa_import import ImportError_, import_files

COMMANDS = ("import",)


def _order(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1: {text!r}")
    return int(text)


def add_commands(commands: Any, stdout: IO[str], stderr: IO[str]) -> None:
    """Add the `import` subparser to `commands`."""
    parser = commands.add_parser(
        "import",
        stdout=stdout,
        stderr=stderr,
        help="write an Open-PSA MEF fault tree as a failspec model",
        description="Read Open-PSA MEF files (a fault tree and its basic-event files) and write "
        "a failspec model: a device per basic event, a service per gate, a check per top gate. "
        "Exit 0 on success, 2 if the files use what the language cannot express.",
    )
    parser.add_argument("files", metavar="FILE", nargs="+", help="Open-PSA MEF .xml files")
    parser.add_argument("-o", "--output", metavar="OUT", help="write the model here (.fspec)")
    parser.add_argument(
        "--max-order",
        metavar="K",
        type=_order,
        default=2,
        help="each check's hypothesis: faults at most K (default: 2)",
    )
    parser.add_argument(
        "--mission",
        metavar="D",
        type=_mission_hours,
        default=DEFAULT_MISSION_HOURS,
        help="the mission time at which probabilities are evaluated (default 8760h)",
    )
    parser.add_argument(
        "--drop-unsupported-probabilities",
        action="store_true",
        help="import a basic event whose probability is not a constant (or a constant-rate "
        "exponential) without a probability instead of failing",
    )


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec import` with parsed `args`; return the exit code."""
    try:
        text = import_files(
            args.files, args.max_order, args.drop_unsupported_probabilities, args.mission
        )
    except ImportError_ as error:
        stderr.write(f"failspec: {error}\n")
        return 2
    if args.output is None:
        stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as error:
        stderr.write(f"failspec: cannot write {args.output}: {error.strerror}\n")
        return 2
    return 0
