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
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, NoReturn

from failspec import (
    __version__,
    commands_check,
    commands_cutsets,
    commands_diff,
    commands_import,
    commands_lint,
    commands_merge,
    commands_simulate,
    commands_view,
)
from failspec.exit_codes import ExitCode

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

COMMAND_MODULES: tuple[ModuleType, ...] = (
    commands_check,
    commands_cutsets,
    commands_view,
    commands_diff,
    commands_merge,
    commands_import,
    commands_lint,  # v1
    commands_simulate,  # v1
)
"""Every subcommand's module, in the order `failspec --help` lists them."""


class _ParserExit(Exception):
    """argparse wanted to end the program (after --help, --version or a usage error)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that writes to the streams given to `main` and never calls sys.exit."""

    def __init__(self, *args: Any, stdout: IO[str], stderr: IO[str], **kwargs: Any) -> None:
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


def build_parser(stdout: IO[str], stderr: IO[str]) -> argparse.ArgumentParser:
    """Return the argument parser of the `failspec` command, writing to `stdout`/`stderr`."""
    parser = _Parser(
        stdout=stdout,
        stderr=stderr,
        prog="failspec",
        description="Prove or refute failover and failure-propagation properties of a model.",
    )
    parser.add_argument("--version", action="version", version=f"failspec {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in COMMAND_MODULES:
        module.add_commands(commands, stdout, stderr)
    return parser


def _runner(command: str) -> Callable[[argparse.Namespace, IO[str], IO[str]], int]:
    for module in COMMAND_MODULES:
        if command in module.COMMANDS:
            run: Callable[[argparse.Namespace, IO[str], IO[str]], int] = module.run_command
            return run
    raise AssertionError(f"no module runs the command {command!r}")  # pragma: no cover


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def report_internal_error(error: BaseException, stderr: IO[str]) -> int:
    """Print an internal error on one line (the traceback only under FAILSPEC_DEBUG=1)
    with a request to report it; return exit code 3."""
    stderr.write(f"failspec: internal error: {_one_line(error)}\n")
    if os.environ.get("FAILSPEC_DEBUG") == "1":
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
    try:
        parser = build_parser(out, err)
        try:
            args = parser.parse_args(None if argv is None else list(argv))
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
