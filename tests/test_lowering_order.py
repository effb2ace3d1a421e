"""The evaluation order of a lowered model is networkx's lexicographical topological
sort of the reference graph (lowering computes it without networkx, which is then
imported only by the viewer and to name a dependency cycle)."""

from __future__ import annotations

import networkx as nx
from hypothesis import HealthCheck, given, settings
from model_strategies import models

import failspec


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_evaluation_order_is_the_lexicographical_topological_sort(text: str) -> None:
    model = failspec.loads(text, "generated.fspec")
    graph: nx.DiGraph[int] = nx.DiGraph()
    graph.add_nodes_from(c.index for c in model.components)
    graph.add_edges_from((read, reader) for reader, read in model.reads)
    assert model.order == tuple(nx.lexicographical_topological_sort(graph))
