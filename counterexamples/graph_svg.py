"""Draw a laid-out dependency graph (`graph_layout.py`) as SVG markup.

The viewer draws it with every component's status and the causal chain; `failspec
graph` draws it coloured by kind, with no trace.  Both get the same columns,
boxes and curves from here.  Every string from the model is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from failspec.counterexamples.graph_layout import GraphLayout, NodeBox, route_edge

STATUS_CHAR_WIDTH = 5.7
"""Mean width of a character of a node's status line (10.5px sans-serif), in pixels."""
PROGRESS_HEIGHT = 3
"""Height in pixels of a job's progress bar along the bottom of its box."""


def escape(value: object) -> str:
    """Escape `value` for HTML or SVG text and attribute values (quotes included)."""
    return html.escape(str(value), quote=True)


def fit_text(text: str, chars: int) -> str:
    """Return `text` cut to at most `chars` characters, ending in `…` if it was cut."""
    if len(text) <= chars:
        return text
    return text[: chars - 1] + "…" if chars > 1 else ""


@dataclass(frozen=True, slots=True)
class NodeLook:
    """How one box looks: extra CSS classes, its `data-status` (None: none), the first
    word of its second line and the rest (`note`), its tooltip, and for a job the
    fraction of its work done (None: no progress bar)."""

    classes: tuple[str, ...] = ()
    status: str | None = None
    label: str = ""
    note: str = ""
    title: str = ""
    progress: float | None = None


@dataclass(frozen=True, slots=True)
class ChainLink:
    """An arrow of the causal chain from `cause`'s box to `effect`'s; `dependency`
    when `effect` reads `cause` (otherwise it is drawn dashed)."""

    cause: str
    effect: str
    dependency: bool


def node_fit(node: NodeBox) -> int:
    """How many characters of the status line fit in the box."""
    return int((node.width - 18) / STATUS_CHAR_WIDTH)


def _node(node: NodeBox, look: NodeLook) -> str:
    cx = node.x + 10
    fit = node_fit(node)
    note = fit_text(f" · {look.note}", fit - len(look.label)) if look.note else ""
    classes = " ".join(("node", *look.classes))
    status = f' data-status="{escape(look.status)}"' if look.status is not None else ""
    parts = [
        f'<g class="{classes}" data-name="{escape(node.name)}" data-kind="{escape(node.kind)}"'
        f'{status} tabindex="-1">',
        f"<title>{escape(look.title)}</title>",
        f'<rect class="box" x="{node.x}" y="{node.y}" width="{node.width}" '
        f'height="{node.height}" rx="6"/>',
        f'<text class="name" x="{cx}" y="{node.y + 16}">{escape(node.name)}</text>',
        f'<text class="status" x="{cx}" y="{node.y + 32}" data-fit="{fit}">'
        f'<tspan class="label">{escape(look.label)}</tspan>'
        f'<tspan class="note">{escape(note)}</tspan></text>',
    ]
    if look.progress is not None:
        inner = node.width - 12
        done = round(inner * max(0.0, min(1.0, look.progress)))
        y = node.y + node.height - PROGRESS_HEIGHT - 3
        parts.append(
            f'<rect class="progress-track" x="{node.x + 6}" y="{y}" width="{inner}" '
            f'height="{PROGRESS_HEIGHT}"/>'
            f'<rect class="progress" x="{node.x + 6}" y="{y}" width="{done}" '
            f'height="{PROGRESS_HEIGHT}" data-width="{inner}"/>'
        )
    parts.append("</g>")
    return "".join(parts)


def render_graph_svg(
    layout: GraphLayout,
    looks: Mapping[str, NodeLook],
    links: Sequence[ChainLink] = (),
    *,
    svg_id: str = "graph-svg",
    labelled_by: str = "graph-title",
    inner_head: str = "",
) -> str:
    """The `<svg>` element of the laid-out graph: column labels, a grey curve per
    dependency (`data-reader`, `data-read`), the chain's arrows, then the boxes.
    `inner_head` (markup: a `<title>`, a `<style>`) goes first inside the element."""
    parts = [
        (
            f'<svg id="{escape(svg_id)}" viewBox="0 0 {layout.width} {layout.height}" '
            f'width="{layout.width}" height="{layout.height}" role="img" '
            f'aria-labelledby="{escape(labelled_by)}" xmlns="http://www.w3.org/2000/svg">'
            + inner_head
        ),
        (
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse">'
            '<path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>'
        ),
    ]
    for column in layout.columns:
        x = column.x + column.width // 2
        parts.append(
            f'<text class="column-label" x="{x}" y="26" text-anchor="middle">'
            f"{escape(column.label)}</text>"
        )
    parts.append('<g class="edges">')
    for reader, read in layout.edges:
        d = route_edge(layout.node(reader), layout.node(read))
        parts.append(
            f'<path class="edge" d="{d}" data-reader="{escape(reader)}" data-read="{escape(read)}"/>'
        )
    parts.append("</g>")
    if links:
        parts.append('<g class="chain-links">')
        for link in links:
            css = "chain-link" if link.dependency else "chain-link causal-only"
            d = route_edge(layout.node(link.cause), layout.node(link.effect))
            parts.append(
                f'<path class="{css}" d="{d}" marker-end="url(#arrow)" '
                f'data-cause="{escape(link.cause)}" data-effect="{escape(link.effect)}"/>'
            )
        parts.append("</g>")
    parts.append('<g class="nodes">')
    parts += [_node(node, looks.get(node.name, NodeLook())) for node in layout.nodes]
    parts.append("</g></svg>")
    return "".join(parts)
