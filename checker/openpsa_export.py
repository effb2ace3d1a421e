"""Open-PSA Model Exchange Format (MEF) fault trees, for SCRAM and other PSA tools.

Names.  MEF names may not contain `.` or `--`, so a fault `component.mode` is
the basic event `component-mode` (our identifiers never contain `-`, so the
mapping is reversible: `fault_label`).  A component's gate in a static tree
keeps the component's name (no `-`); every other gate has a name of three or
more `-`-separated parts (`cut-set-3`, `fx-part-2`, `top-of-check`), which no
fault's name has.

`export_timed` writes a check's violation as a fault tree: the top gate is an
OR of the minimal cut sets, each an AND of its faults' basic events.
`export_static` writes the static structure of `X.down` (`fault_tree.py`).
Either has exactly one unreferenced gate (the top), gates with at least two
inputs (a top with one input is written as a bare reference, a constant top
as `<constant>`), and a basic event per fault with its `probability` as a
`<float>` or its `rate` as an `<exponential>` over the system mission time
(hours: pass `--mission-time` to SCRAM).

SCRAM reads these files: `tests/scram.py` runs it on them, and the tests compare
its cut sets and probabilities with ours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from failspec.checker import ir
from failspec.checker.fault_tree import FaultTree, Input

TOP_GATE = "top-of-check"


def scram_name(label: str) -> str:
    """`component.mode` -> `component-mode`, a legal MEF name."""
    return label.replace(".", "-")


def fault_label(name: str) -> str | None:
    """The fault `component.mode` a basic-event name stands for, or None for a gate."""
    parts = name.split("-")
    if len(parts) != 2 or not all(parts):
        return None
    return f"{parts[0]}.{parts[1]}"


def _basic_events(model: ir.Model, numbers: Sequence[int]) -> list[str]:
    lines = ["  <model-data>"]
    for n in numbers:
        fault = model.fault(n)
        name = quoteattr(scram_name(fault.label))
        label = f"<label>{escape(fault.label)} (fault {n})</label>"
        if fault.probability is not None:
            value = f'<float value="{float(fault.probability)!r}"/>'
        elif fault.rate_per_hour is not None:
            value = (
                f'<exponential><float value="{float(fault.rate_per_hour)!r}"/>'
                "<system-mission-time/></exponential>"
            )
        else:
            value = ""
        lines.append(f"    <define-basic-event name={name}>{label}{value}</define-basic-event>")
    lines.append("  </model-data>")
    return lines


def _ref(model: ir.Model, item: Input) -> str:
    if isinstance(item, int):
        return f"<basic-event name={quoteattr(scram_name(model.fault(item).label))}/>"
    return f"<gate name={quoteattr(item)}/>"


def _formula(model: ir.Model, k: int, inputs: Sequence[Input]) -> str:
    refs = "".join(_ref(model, i) for i in inputs)
    if k == 1:
        return f"<or>{refs}</or>"
    if k == len(inputs):
        return f"<and>{refs}</and>"
    return f'<atleast min="{k}">{refs}</atleast>'


def _tree_name(model_name: str) -> str:
    """The model's name as a legal MEF name (a model loaded from text is `<string>`)."""
    name = re.sub(r"[^A-Za-z0-9_]+", "_", model_name).strip("_")
    return name if name and not name[0].isdigit() else f"model_{name}"


def _document(model_name: str, comment: str, gates: list[str], events: list[str]) -> str:
    tree_name = _tree_name(model_name)
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<!-- {escape(comment).replace('--', '- -')} -->",
        "<opsa-mef>",
        f"  <define-fault-tree name={quoteattr(tree_name)}>",
    ]
    return "\n".join([*head, *gates, "  </define-fault-tree>", *events, "</opsa-mef>", ""])


def export_timed(model: ir.Model, check: ir.Check, cut_sets: Sequence[tuple[int, ...]]) -> str:
    """The fault tree of `check`'s violation: an OR of its minimal cut sets."""
    gates: list[str] = []
    tops: list[Input] = []
    for i, cut_set in enumerate(cut_sets, start=1):
        if len(cut_set) == 1:
            tops.append(cut_set[0])
        elif len(cut_set) > 1:
            name = f"cut-set-{i}"
            tops.append(name)
            formula = _formula(model, len(cut_set), cut_set)
            gates.append(f"    <define-gate name={quoteattr(name)}>{formula}</define-gate>")
    if any(len(c) == 0 for c in cut_sets):
        top_formula = '<constant value="true"/>'
        gates = []
    elif not tops:
        top_formula = '<constant value="false"/>'
    elif len(tops) == 1:
        top_formula = _ref(model, tops[0])
    else:
        top_formula = _formula(model, 1, tops)
    label = f"<label>{escape(check.name)}</label>"
    top = f"    <define-gate name={quoteattr(TOP_GATE)}>{label}{top_formula}</define-gate>"
    numbers = sorted({n for c in cut_sets for n in c})
    comment = f'failspec: model {model.name}, the violation of check "{check.name}"'
    return _document(model.name, comment, [top, *gates], _basic_events(model, numbers))


def export_static(model: ir.Model, tree: FaultTree) -> str:
    """The static fault tree of `tree.top_component`.down."""
    gates: list[str] = []
    if isinstance(tree.top, (bool, int)):
        if isinstance(tree.top, bool):
            formula = f'<constant value="{"true" if tree.top else "false"}"/>'
        else:
            formula = _ref(model, tree.top)
        name = tree.top_component
        gates.append(f"    <define-gate name={quoteattr(name)}>{formula}</define-gate>")
    elif tree.top != tree.top_component:
        # The top folds to another component's gate: name the top after its component.
        formula = _ref(model, tree.top)
        name = tree.top_component
        gates.append(f"    <define-gate name={quoteattr(name)}>{formula}</define-gate>")
    for gate in reversed(tree.gates):
        gates.append(
            f"    <define-gate name={quoteattr(gate.name)}>"
            f"{_formula(model, gate.k, gate.inputs)}</define-gate>"
        )
    comment = f"failspec: model {model.name}, static fault tree of {tree.top_component}.down"
    return _document(model.name, comment, gates, _basic_events(model, tree.events()))
