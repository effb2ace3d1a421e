"""The `graph` command: a model's dependency graph, with no trace, as DOT, SVG, an
HTML page or JSON (`failspec-graph/1`), coloured by kind, in the viewer's layout.

Exit codes follow `failspec check`: 0 the graph was written, 2 bad input (a spec
error, an unreadable model, an unwritable output).  Nothing is checked.
"""

from __future__ import annotations

import argparse
import contextlib
import json
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from failspec.api import load
from failspec.checker import ir
from failspec.counterexamples.trace import TraceComponent
from failspec.options import add_format_option
from failspec.spec.errors import SpecError, SpecErrors, render_errors
from failspec.spec.spans import UNKNOWN_SPAN

if TYPE_CHECKING:
    from failspec.counterexamples.model_graph import ModelGraph

COMMANDS = ("graph",)
FORMATS = ("dot", "svg", "html", "json")


def add_commands(commands: Any, stdout: IO[str], stderr: IO[str]) -> None:
    """Add the `graph` subparser to `commands`."""
    graph = commands.add_parser(
        "graph",
        stdout=stdout,
        stderr=stderr,
        help="draw a model's dependency graph (no checking)",
        description="Print the dependency graph of a model, coloured by kind, in the "
        "viewer's layout: DOT (default; `dot -Tsvg` draws it), SVG, a self-contained HTML "
        "page, or JSON (components with kind and declaration line, edges reader → read). "
        "Exit 0 when written, 2 on bad input.",
    )
    graph.add_argument("file", metavar="FILE", help="a .fspec model file")
    add_format_option(graph, FORMATS)
    graph.add_argument(
        "-o", "--output", metavar="FILE", type=Path, help="write to FILE instead of printing"
    )


def model_graph(model: ir.Model) -> ModelGraph:
    """The model's dependency graph: its components with their kind and declaration
    line, and the sorted (reader, read) pairs of `model.reads`.  (The graph's modules
    are imported on use: their layout needs networkx, which other commands start
    without.)"""
    from failspec.counterexamples.model_graph import ModelGraph

    names = [c.name for c in model.components]
    components = tuple(
        TraceComponent(c.name, c.kind, None if c.span.file == UNKNOWN_SPAN.file else c.span.line)
        for c in model.components
    )
    edges = tuple(sorted({(names[reader], names[read]) for reader, read in model.reads}))
    return ModelGraph(model.name, model.title, components, edges)


def render_graph(model: ir.Model, format: str) -> str:
    """The graph of `model` in `format` (one of FORMATS), ending in a newline."""
    from failspec.counterexamples import model_graph as graphs

    graph = model_graph(model)
    if format == "json":
        return json.dumps(graphs.graph_to_json(graph), indent=2, ensure_ascii=False) + "\n"
    if format == "svg":
        return graphs.render_graph_svg_document(graph)
    if format == "html":
        return graphs.render_graph_html(graph)
    return graphs.render_graph_dot(graph)


def _spec_errors(errors: list[SpecError], stderr: IO[str]) -> int:
    sources: dict[str, str] = {}
    for file in sorted({e.span.file for e in errors}):
        with contextlib.suppress(OSError, UnicodeDecodeError, ValueError):
            sources[file] = Path(file).read_text(encoding="utf-8")
    stderr.write(render_errors(errors, sources))
    count = len(errors)
    stderr.write(f"failspec: {count} spec error{'' if count == 1 else 's'}; no graph drawn\n")
    return 2


def run_command(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run `failspec graph` with parsed `args`; return the exit code."""
    try:
        model = load(args.file)
    except SpecErrors as failure:
        return _spec_errors(list(failure.errors), stderr)
    except SpecError as failure:
        return _spec_errors([failure], stderr)
    text = render_graph(model, args.format)
    if args.output is None:
        stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as error:
        stderr.write(f"failspec: cannot write {args.output}: {error.strerror or error}\n")
        return 2
    stdout.write(f"wrote {args.output}\n")
    return 0
