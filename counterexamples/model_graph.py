"""A model's dependency graph without any trace, for `failspec graph`: as JSON
(`failspec-graph/1`), Graphviz DOT, SVG, or an HTML page.

The SVG and HTML use the viewer's layout (`graph_layout.py`, `graph_svg.py`): a
column per group of kinds, from what customers use (channels, left) to what it
runs on (devices, right); each box is coloured by its kind and says its kind and
declaration line.  DOT draws the same edges, `reader -> read`, with the same
colours.  Everything depends only on the graph: same model, same bytes; every
string from the model is escaped (HTML entities in SVG and HTML, `\\"` and `\\\\`
in DOT).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from failspec.counterexamples.graph_layout import layout_graph
from failspec.counterexamples.graph_svg import NodeLook, escape, render_graph_svg
from failspec.counterexamples.trace import TraceComponent
from failspec.counterexamples.viewer import read_asset

GRAPH_FORMAT = "failspec-graph/1"

KIND_COLORS: dict[str, tuple[str, str]] = {
    "channel": ("#ddf4ff", "#0969da"),
    "job": ("#fff8c5", "#9a6700"),
    "partition": ("#eee5ff", "#8250df"),
    "service": ("#e6f6ea", "#2da44e"),
    "program": ("#dafbe1", "#1a7f37"),
    "store": ("#ffe7d1", "#bc4c00"),
    "failover": ("#fff1c2", "#bf8700"),
    "device": ("#f6f8fa", "#57606a"),
}
"""(fill, stroke) of each kind's boxes, in SVG, HTML and DOT alike."""
OTHER_COLORS = ("#ffffff", "#8c959f")


@dataclass(frozen=True, slots=True)
class ModelGraph:
    """A model's components (declaration order; name, kind, declaration line) and its
    dependency edges (reader, read): `reader`'s state depends on `read`'s."""

    model: str
    title: str | None
    components: tuple[TraceComponent, ...]
    edges: tuple[tuple[str, str], ...]


def graph_to_json(graph: ModelGraph) -> dict[str, Any]:
    """The `failspec-graph/1` document, keys in a fixed order."""
    return {
        "format": GRAPH_FORMAT,
        "model": graph.model,
        "title": graph.title,
        "components": [{"name": c.name, "kind": c.kind, "line": c.line} for c in graph.components],
        "edges": [{"reader": reader, "read": read} for reader, read in graph.edges],
    }


def _dot_string(text: str) -> str:
    """A DOT double-quoted string: backslashes, quotes and line ends escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def render_graph_dot(graph: ModelGraph) -> str:
    """The graph in Graphviz DOT (`dot -Tsvg` draws it), ending in a newline."""
    label = graph.model + (f" — {graph.title}" if graph.title else "")
    lines = [
        f"digraph {_dot_string(graph.model)} {{",
        f"  label={_dot_string(label)};",
        '  labelloc="t";',
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="monospace", fontsize=11];',
        '  edge [color="#8c959f", arrowsize=0.6];',
    ]
    for component in graph.components:
        fill, stroke = KIND_COLORS.get(component.kind, OTHER_COLORS)
        text = f"{component.name}\n{component.kind}"
        lines.append(
            f"  {_dot_string(component.name)} [label={_dot_string(text)}, "
            f'fillcolor="{fill}", color="{stroke}"];'
        )
    lines += [f"  {_dot_string(reader)} -> {_dot_string(read)};" for reader, read in graph.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _graph_css() -> str:
    rules = [
        f'.node[data-kind="{kind}"] .box {{ fill: {fill}; stroke: {stroke}; }}'
        for kind, (fill, stroke) in KIND_COLORS.items()
    ]
    return read_asset("graph.css") + "\n".join(rules) + "\n"


def _svg(graph: ModelGraph, inner_head: str) -> str:
    kinds = {c.name: c.kind for c in graph.components}
    lines = {c.name: c.line for c in graph.components}
    layout = layout_graph(kinds, graph.edges)
    looks = {}
    for node in layout.nodes:
        line = lines.get(node.name)
        where = f"line {line}" if line is not None else ""
        looks[node.name] = NodeLook(
            label=node.kind,
            note=where,
            title=f"{node.name} ({node.kind})" + (f", {where}" if where else ""),
        )
    return render_graph_svg(
        layout, looks, svg_id="model-graph", labelled_by="model-graph-title", inner_head=inner_head
    )


def render_graph_svg_document(graph: ModelGraph) -> str:
    """The graph as a standalone SVG file (its style inside), ending in a newline."""
    name = graph.model + (f" — {graph.title}" if graph.title else "")
    head = f'<title id="model-graph-title">{escape(name)}</title><style>\n{_graph_css()}</style>'
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _svg(graph, head) + "\n"


def _legend(graph: ModelGraph) -> str:
    present = {c.kind for c in graph.components}
    kinds = [k for k in KIND_COLORS if k in present] + sorted(present - set(KIND_COLORS))
    items = []
    for kind in kinds:
        fill, stroke = KIND_COLORS.get(kind, OTHER_COLORS)
        items.append(
            f'<li><span class="swatch" style="background:{fill};border-color:{stroke}"></span>'
            f"{escape(kind)}</li>"
        )
    return "".join(items)


def render_graph_html(graph: ModelGraph) -> str:
    """The graph as one self-contained HTML page, ending in a newline."""
    title = f"failspec graph: {graph.model}"
    heading = escape(graph.model) + (f" — {escape(graph.title)}" if graph.title else "")
    css = _graph_css()
    page_css = (
        "body { margin: 16px 24px; font: 14px/1.45 system-ui, sans-serif; color: #1b1f24; }\n"
        ".legend { display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 0; "
        "list-style: none; font-size: 12px; }\n"
        ".legend li { display: flex; align-items: center; gap: 5px; }\n"
        ".swatch { display: inline-block; width: 18px; height: 12px; border-radius: 3px; "
        "border: 2px solid; }\n"
        ".graph-scroll { overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; }\n"
        "#model-graph { display: block; }\n"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="failspec">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>\n{page_css}{css}</style>\n"
        "</head>\n<body>\n"
        f'<h1 id="model-graph-title">{heading}</h1>\n'
        "<p>The dependency graph: a grey line joins a component to what it depends on; "
        "columns go from what customers use (left) to what it runs on (right).</p>\n"
        f'<ul class="legend">{_legend(graph)}</ul>\n'
        f'<div class="graph-scroll">{_svg(graph, "")}</div>\n'
        "</body>\n</html>\n"
    )
