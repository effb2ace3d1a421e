"""The `view` command: turn a saved counterexample (`failspec-trace/2` JSON, or a
`failspec-trace/1` one from an earlier release) into the viewer's self-contained
HTML page; and the helpers `failspec check` uses for the page beside each saved
trace and for colour on a terminal.

Exit codes follow `failspec check`: 0 the page was written, 2 bad input (an
unreadable file, not a trace, an unwritable output), 3 failspec failed.
"""

from __future__ import annotations

import argparse
import json
import os
import webbrowser
from pathlib import Path
from typing import IO, Any

from failspec.counterexamples.trace import Trace, TraceFormatError, read_trace

COMMANDS = ("view",)


def render_trace_html(trace: Trace) -> str:
    """The viewer's page (imported on use: the viewer's graph layout needs networkx,
    which every other command can start without)."""
    from failspec.counterexamples.viewer import render_trace_html as render

    return render(trace)


def add_commands(commands: Any, stdout: IO[str], stderr: IO[str]) -> None:
    """Add the `view` subparser to `commands`."""
    view = commands.add_parser(
        "view",
        stdout=stdout,
        stderr=stderr,
        help="write the HTML viewer page of a saved counterexample",
        description="Write the viewer page of a counterexample saved by `failspec check --save`: "
        "one self-contained HTML file (dependency graph, timeline, causal chain) that works "
        "offline. Exit 0 when written, 2 on bad input.",
    )
    view.add_argument(
        "trace", metavar="TRACE", type=Path, help="a failspec-trace/2 (or /1) JSON file"
    )
    view.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=Path,
        help="the HTML file to write (default: TRACE with the suffix .html)",
    )
    view.add_argument(
        "--open", action="store_true", help="open the page in the default web browser"
    )


def html_path(trace_path: Path) -> Path:
    """Return where the page of the trace at `trace_path` goes: beside it, suffix `.html`."""
    return trace_path.with_suffix(".html")


def save_trace_html(trace: Trace, trace_path: Path) -> Path:
    """Write the viewer page of `trace` beside its JSON file; return the page's path.

    Raises OSError when the page cannot be written.
    """
    path = html_path(trace_path)
    path.write_text(render_trace_html(trace), encoding="utf-8")
    return path


def use_color(stream: IO[str]) -> bool:
    """Whether to colour output to `stream`: a terminal, and no non-empty `NO_COLOR`."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):
        return False


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec view` with parsed `args`; return the exit code."""
    source: Path = args.trace
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
    except OSError as error:
        stderr.write(f"failspec: cannot read {source}: {error.strerror or error}\n")
        return 2
    except UnicodeDecodeError:
        stderr.write(f"failspec: {source} is not JSON: it is not UTF-8 text\n")
        return 2
    except RecursionError:
        stderr.write(f"failspec: {source} is not a counterexample trace: it is nested too deeply\n")
        return 2
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        stderr.write(f"failspec: {source} is not JSON: malformed at {where}\n")
        return 2
    try:
        trace = read_trace(document)
    except TraceFormatError as error:
        stderr.write(f"failspec: {source} is not a counterexample trace: {error}\n")
        return 2
    output: Path = args.output if args.output is not None else html_path(source)
    page = render_trace_html(trace)
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as error:
        stderr.write(f"failspec: cannot write {output}: {error.strerror or error}\n")
        return 2
    stdout.write(f"wrote {output}\n")
    if args.open:
        webbrowser.open(output.resolve().as_uri())
    return 0
