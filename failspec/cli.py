"""The `failspec` command: parse the arguments, run the subcommand, return its exit code.

Each subcommand lives in a `commands_*.py` module with `COMMANDS` (its names),
`add_commands` (its argument parser) and `run_command` (parsed arguments ->
exit code); the work itself is the API's (`failspec.api`) and the words the
renderers' (`failspec.counterexamples`).  The exit codes are one table for
every command (`exit_codes.py`).  One crash guard surrounds every command: an
internal error is exit 3 with a one-line message and a request to report it —
never a Python traceback, never another exit code (set FAILSPEC_DEBUG=1 for
the traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, NoReturn

from failspec import __version__
from failspec.exit_codes import ExitCode

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("commands_check", "check every property of the given model files"),
    "cutsets": ("commands_cutsets", "list the minimal fault sets that violate a check"),
    "fmea": ("commands_fmea", "one row per fault: the checks it violates on its own"),
    "export": ("commands_export", "write a check's violation as an Open-PSA fault tree"),
    "view": ("commands_view", "write the HTML viewer page of a saved counterexample"),
    "diff": ("commands_diff", "what a design change did to verdicts and cut sets"),
    "graph": ("commands_graph", "draw a model's dependency graph (dot, svg, html, json)"),
    "merge": ("commands_merge", "join the JSON reports of `check --shard` runs into one"),
    "import": ("commands_import", "write an Open-PSA MEF fault tree as a failspec model"),
    # v1
    "lint": (
        "commands_lint",
        "print the spec errors and warnings of model files, checking nothing",
    ),
    "simulate": (
        "commands_simulate",
        "run one scenario: its timeline, and which checks it violates",
    ),
}
"""Every subcommand: the module (in `failspec/`) that parses and runs it, and its line
in `failspec --help`, in that order.  Only the module of the command given is
imported, so a command pays only for what it uses (`failspec --version` for
nothing)."""


def is_static_mef_cutsets(argv: Sequence[str]) -> bool:
    """Whether `argv` asks `cutsets FILE.xml … --static` of Open-PSA MEF files: that
    command runs in `mef_cutsets.py`, which loads only what the static analysis
    needs, so its whole process costs about what Python's start-up does."""
    if len(argv) < 2 or argv[0] != "cutsets" or "--static" not in argv:
        return False
    return argv[1].lower().endswith((".xml", ".opsa"))


def _module(name: str) -> ModuleType:
    module: ModuleType = importlib.import_module(f"failspec.{name}")
    return module


class _ParserExit(Exception):
    """argparse wanted to end the program (after --help, --version or a usage error)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def help_formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's help formatter, as wide as the terminal: its width read as argparse
    reads it (`shutil.get_terminal_size`: `COLUMNS`, else the terminal of standard
    output, else 80; less 2), without importing `shutil`, which loads `bz2` and
    `lzma`: 4 ms of every start."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # no standard output, or not a terminal
            columns = 80
    return argparse.HelpFormatter(prog, width=columns - 2)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that writes to the streams given to `main` and never calls sys.exit."""

    def __init__(self, *args: Any, stdout: IO[str], stderr: IO[str], **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", help_formatter)
        super().__init__(*args, **kwargs)
        self._stdout = stdout
        self._stderr = stderr

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            to_stderr = file is sys.stderr or file is self._stderr
            (self._stderr if to_stderr else self._stdout).write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._stderr.write(message)
        # argparse exits 2 on a usage error, which is our "bad input" too
        raise _ParserExit(status)


def build_parser(
    stdout: IO[str], stderr: IO[str], command: str | None = None
) -> argparse.ArgumentParser:
    """Return the argument parser of the `failspec` command, writing to `stdout`/`stderr`,
    with the full options of `command`'s module only (every other subcommand is listed
    by its name and help line; with `command` None, all are)."""
    parser = _Parser(
        stdout=stdout,
        stderr=stderr,
        prog="failspec",
        description="Prove or refute failover and failure-propagation properties of a model.",
    )
    parser.add_argument("--version", action="version", version=f"failspec {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    wanted = {COMMANDS[command][0]} if command in COMMANDS else set()
    added: set[str] = set()
    for name, (module, line) in COMMANDS.items():
        if module in wanted and module not in added:
            before = set(commands.choices)
            _module(module).add_commands(commands, stdout, stderr)
            added.add(module)
            assert name in set(commands.choices) - before, (module, name)
        elif name not in commands.choices:
            commands.add_parser(name, help=line, stdout=stdout, stderr=stderr, add_help=False)
    return parser


def _runner(command: str) -> Callable[[argparse.Namespace, IO[str], IO[str]], int]:
    run: Callable[[argparse.Namespace, IO[str], IO[str]], int] = _module(
        COMMANDS[command][0]
    ).run_command
    return run


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def report_internal_error(error: BaseException, stderr: IO[str]) -> int:
    """Print an internal error on one line (the traceback only under FAILSPEC_DEBUG=1)
    with a request to report it; return exit code 3."""
    stderr.write(f"failspec: internal error: {_one_line(error)}\n")
    if os.environ.get("FAILSPEC_DEBUG") == "1":
        import traceback  # only here: it loads tokenize and linecache at every start

        stderr.write("".join(traceback.format_exception(error)))
    else:
        stderr.write(
            "failspec: this is a bug in failspec, not in your input; please report it with "
            "the command and the files that caused it (FAILSPEC_DEBUG=1 shows the traceback)\n"
        )
    return ExitCode.INCOMPLETE


def main(
    argv: Sequence[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the `failspec` command with `argv` (default: sys.argv[1:]); return the exit code."""
    out = sys.stdout if stdout is None else stdout
    err = sys.stderr if stderr is None else stderr
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        if is_static_mef_cutsets(arguments):
            from failspec import mef_cutsets

            return mef_cutsets.main(arguments[1:], out, err)
        first = next((a for a in arguments if not a.startswith("-")), None)
        parser = build_parser(out, err, first if first in COMMANDS else None)
        try:
            args = parser.parse_args(arguments)
        except _ParserExit as stop:
            return stop.status
        if args.command is None:
            parser.print_usage(err)
            err.write("failspec: error: a command is required (failspec check FILE…)\n")
            return ExitCode.BAD_INPUT
        return int(_runner(args.command)(args, out, err))
    except (KeyboardInterrupt, SystemExit, BrokenPipeError):
        raise
    except BaseException as error:  # noqa: BLE001 -- the one crash guard: no traceback
        with contextlib.suppress(OSError, ValueError):
            out.flush()
        return report_internal_error(error, err)


def console_main() -> NoReturn:
    """The console script `failspec`: run `main` on the process's arguments and exit."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # A terminal without UTF-8 still gets ✓ and ← as escapes, not a crash.
            reconfigure(errors="backslashreplace")
    try:
        code = main()
    except KeyboardInterrupt:
        sys.stderr.write("failspec: interrupted\n")
        code = 130
    except BrokenPipeError:
        # The reader went away (`failspec check … | head`): nothing more to say, and
        # nothing more may be written (Python would complain at exit).
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 0
    sys.exit(code)
