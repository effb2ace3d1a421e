"""The dependency rule, written once: the components whose state a component reads.

A component reads (its state at an instant depends on the state of):

- every member of its `needs` lines;
- a failover: its primary and its secondary;
- a channel: its `via` components, its partition (`through`) and every
  component one of its transactions `calls`;
- a job: the jobs it runs `after` and the stores it `writes into`;
- a partition: the `via` and the `calls` of every channel routed through it
  (their failures are its errors), but not that channel itself.

A store does not read the jobs that write into it: the records written by
instant t depend only on progress before t, so that feedback is causal.  The
graph of these references must be acyclic (`validate.py` reports a cycle), and
the lowering orders components after everything they read.
"""

from __future__ import annotations

from collections.abc import Iterator

from failspec.spec import ast


def channel_references(channel: ast.Channel) -> Iterator[ast.Name]:
    """A channel's references: `via`, then `through`, then every transaction's `calls`."""
    yield from channel.via
    if channel.through is not None:
        yield channel.through
    for transaction in channel.transactions:
        yield from transaction.calls


def component_references(
    component: ast.Component, routed: dict[str, list[ast.Channel]]
) -> Iterator[ast.Name]:
    """Every name `component` reads, in the order written; `routed` maps a partition's
    name to the channels routed through it (`channels_through`)."""
    for needs in component.needs:
        yield from needs.members
    if isinstance(component, ast.Failover):
        for side in (component.primary, component.secondary):
            if side is not None:
                yield side
    elif isinstance(component, ast.Channel):
        yield from channel_references(component)
    elif isinstance(component, ast.Job):
        yield from component.after
        for writes in component.writes:
            yield writes.store
    elif isinstance(component, ast.Partition):
        for channel in routed.get(component.name.text, []):
            for reference in channel_references(channel):
                if reference is not channel.through:
                    yield reference


def channels_through(model: ast.Model) -> dict[str, list[ast.Channel]]:
    """Partition name -> the channels routed `through` it, in declaration order."""
    routed: dict[str, list[ast.Channel]] = {}
    for component in model.components:
        if isinstance(component, ast.Channel) and component.through is not None:
            routed.setdefault(component.through.text, []).append(component)
    return routed


def dependencies(model: ast.Model) -> Iterator[tuple[ast.Component, ast.Name]]:
    """(component, a name it reads) for every reference of every component, in
    declaration order; a reference may name an undeclared component (validation
    reports it) or the component itself (a cycle)."""
    routed = channels_through(model)
    for component in model.components:
        for reference in component_references(component, routed):
            yield component, reference
