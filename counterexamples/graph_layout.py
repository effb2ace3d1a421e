"""Lay out a model's dependency graph for the viewer and `failspec graph`: one column per group of kinds,
nodes ordered within their column to keep edges short, coordinates in SVG pixels.

Columns, left to right, go from what customers use to what it runs on: channels,
jobs, partitions, services and programs, stores, failover pairs, devices (then any
other kind).  A line joins a component to what it depends on, so failures spread
from right to left.  The order within a column comes from a barycentre heuristic
on the networkx graph (each node moves towards the mean height of its neighbours
in other columns; ties keep declaration order).  Everything is integer pixels and
depends only on the components and edges given, so the same graph gives the same
layout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

KIND_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Channels", ("channel",)),
    ("Jobs", ("job",)),
    ("Partitions", ("partition",)),
    ("Services & programs", ("service", "program")),
    ("Stores", ("store",)),
    ("Failover pairs", ("failover",)),
    ("Devices", ("device",)),
)
OTHER_GROUP = "Other"

NODE_HEIGHT = 40
NODE_GAP = 12
MIN_NODE_WIDTH = 112
MIN_WIDTH_OF_KIND = {"failover": 250, "channel": 150}
"""Wider boxes where the status line matters most (`in switchover · to b at 20:01:00`)."""
CHAR_WIDTH = 7.3
"""Width of one character of a node name (12px monospace), for sizing boxes."""
NODE_PADDING = 22
COLUMN_GAP = 54
MARGIN = 16
HEADER_HEIGHT = 30
SWEEPS = 8


@dataclass(frozen=True, slots=True)
class NodeBox:
    """A component's box: top-left corner (`x`, `y`), size, and its column number."""

    name: str
    kind: str
    column: int
    x: int
    y: int
    width: int
    height: int

    @property
    def middle(self) -> int:
        return self.y + self.height // 2


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    x: int
    width: int


@dataclass(frozen=True, slots=True)
class GraphLayout:
    """The laid-out graph: canvas size, columns, nodes (in declaration order) and the
    edges (reader, read), in the order given."""

    width: int
    height: int
    columns: tuple[Column, ...]
    nodes: tuple[NodeBox, ...]
    edges: tuple[tuple[str, str], ...]

    def node(self, name: str) -> NodeBox:
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)


def _group_of(kind: str) -> str:
    for label, kinds in KIND_GROUPS:
        if kind in kinds:
            return label
    return OTHER_GROUP


def _order_columns(graph: nx.Graph, columns: list[list[str]]) -> list[list[str]]:
    """Reorder each column by the barycentre of its nodes' neighbours in other columns."""
    column_of = {name: c for c, names in enumerate(columns) for name in names}

    def heights() -> dict[str, float]:
        return {name: i - (len(names) - 1) / 2 for names in columns for i, name in enumerate(names)}

    for sweep in range(SWEEPS):
        sequence = range(len(columns)) if sweep % 2 == 0 else range(len(columns) - 1, -1, -1)
        for c in sequence:
            y = heights()
            keys = []
            for i, name in enumerate(columns[c]):
                others = [y[m] for m in sorted(graph.neighbors(name)) if column_of[m] != c]
                centre = sum(others) / len(others) if others else y[name]
                keys.append((round(centre, 6), i, name))
            columns[c] = [name for _, _, name in sorted(keys)]
    return columns


def layout_graph(kinds: Mapping[str, str], edges: Sequence[tuple[str, str]]) -> GraphLayout:
    """Return the layout of the components (name → kind, in declaration order) and the
    (reader, read) edges; edges naming unknown components are left out."""
    labels = [label for label, _ in KIND_GROUPS] + [OTHER_GROUP]
    grouped: dict[str, list[str]] = {label: [] for label in labels}
    for name, kind in kinds.items():
        grouped[_group_of(kind)].append(name)
    used = [label for label in labels if grouped[label]]
    columns = [list(grouped[label]) for label in used]

    kept = tuple((r, d) for r, d in edges if r in kinds and d in kinds and r != d)
    graph: nx.Graph = nx.Graph()
    graph.add_nodes_from(kinds)
    graph.add_edges_from(kept)
    columns = _order_columns(graph, columns)

    tallest = max((len(names) for names in columns), default=0)
    body = tallest * NODE_HEIGHT + max(tallest - 1, 0) * NODE_GAP
    boxes: dict[str, NodeBox] = {}
    column_boxes: list[Column] = []
    x = MARGIN
    for c, names in enumerate(columns):
        least = max(MIN_WIDTH_OF_KIND.get(kinds[n], MIN_NODE_WIDTH) for n in names)
        width = max(least, *(round(CHAR_WIDTH * len(n)) + NODE_PADDING for n in names))
        column_boxes.append(Column(used[c], x, width))
        size = len(names) * NODE_HEIGHT + (len(names) - 1) * NODE_GAP
        top = MARGIN + HEADER_HEIGHT + (body - size) // 2
        for i, name in enumerate(names):
            y = top + i * (NODE_HEIGHT + NODE_GAP)
            boxes[name] = NodeBox(name, kinds[name], c, x, y, width, NODE_HEIGHT)
        x += width + COLUMN_GAP
    width = max(x - COLUMN_GAP + MARGIN, 2 * MARGIN)
    height = MARGIN + HEADER_HEIGHT + body + MARGIN
    return GraphLayout(
        width=width,
        height=height,
        columns=tuple(column_boxes),
        nodes=tuple(boxes[name] for name in kinds),
        edges=kept,
    )


def route_edge(start: NodeBox, end: NodeBox) -> str:
    """Return the SVG path (`d`) of a curve from box `start` to box `end`.

    Between columns it leaves the side facing the other box; within a column it
    bulges out to the right, further for boxes further apart.
    """
    if start.column == end.column:
        x0, x1 = start.x + start.width, end.x + end.width
        bulge = 22 + 6 * abs(end.y - start.y) // (NODE_HEIGHT + NODE_GAP)
        y0, y1 = start.middle, end.middle
        return f"M{x0},{y0} C{x0 + bulge},{y0} {x1 + bulge},{y1} {x1},{y1}"
    if start.column < end.column:
        x0, x1 = start.x + start.width, end.x
    else:
        x0, x1 = start.x, end.x + end.width
    bend = (x1 - x0) // 2
    y0, y1 = start.middle, end.middle
    return f"M{x0},{y0} C{x0 + bend},{y0} {x1 - bend},{y1} {x1},{y1}"
