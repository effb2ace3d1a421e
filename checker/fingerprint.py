"""A content hash of exactly what the answer about a check depends on.

The answer about a check (its verdict and canonical counterexample, its
minimal cut sets) depends on the check, the horizon, and the components of its
*dependency cone*: the cone of influence (`cone.py`), together with what the
cone's components read beyond their references — a partition's routed
channels (their rates and timeouts count its errors) and every job writing into
a store (their records decide whether it can fill) — closed again under
references.  Faults outside that cone never occur in a canonical answer (a
violating scenario stays violating without them, at the same instant), and the
canonical order compares fault numbers only among faults of the cone, whose
relative order is their declaration order.

The fingerprint hashes the source (AST) of the check and of the cone's
components in declaration order — names, not indices, so that adding or
removing an unrelated component changes nothing — with spans, probabilities
and rates left out (they never change an answer), plus the horizon and the
options given.  Two models with the same fingerprint for a check have the same
answer for it, up to the numbering of faults outside the cone.  A scenario check
(`scenario "NAME"`) also depends on its scenario block, which is hashed too
(its faults by name and onset).

The minimal cut sets up to an order K (`cut_sets_fingerprint`) depend on even
less: not on the check's name nor on its hypothesis' bound (K replaces it), only
on the faults it selects and its assertions — so "FX meets the cutoff under any
single fault" and "… under any two faults" share their cut sets of order 2.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from failspec.checker import ir
from failspec.checker.cone import dependency_cone
from failspec.spec import ast

FINGERPRINT_FORMAT = "failspec-fingerprint/2"
"""Changes whenever the fingerprint's recipe does: a new recipe never meets an old key."""

_LEFT_OUT = {"FaultDecl": ("probability", "rate")}
"""AST fields that never change an answer (quantitative analyses only)."""


def _plain(node: object) -> Any:
    """`node` as JSON-ready data: dataclasses field by field (only the fields that take
    part in equality, so no span), names as their text, fractions exact."""
    if isinstance(node, ast.Name):
        return node.text
    if isinstance(node, Fraction):
        return f"{node.numerator}/{node.denominator}"
    if isinstance(node, (tuple, list)):
        return [_plain(item) for item in node]
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        left_out = _LEFT_OUT.get(type(node).__name__, ())
        fields = {
            f.name: _plain(getattr(node, f.name))
            for f in dataclasses.fields(node)
            if f.compare and f.name not in left_out
        }
        return {"node": type(node).__name__, **fields}
    if node is None or isinstance(node, (bool, int, str)):
        return node
    raise TypeError(f"no fingerprint for a {type(node).__name__}")


def check_fingerprint(
    model: ir.Model, check: ir.Check, options: Mapping[str, object] | None = None
) -> str | None:
    """The hex SHA-256 fingerprint of the answer about `check`, or None when the
    model keeps no source (a model built by hand, not loaded)."""
    return _fingerprint(model, check, options or {}, cut_sets=False)


def cut_sets_fingerprint(
    model: ir.Model, check: ir.Check, max_order: int, engine: str
) -> str | None:
    """The fingerprint of the minimal cut sets of `check` up to `max_order` (None as
    for `check_fingerprint`): the check is hashed without its name and bound."""
    options = {"engine": engine, "max_order": max_order}
    return _fingerprint(model, check, options, cut_sets=True)


def _fingerprint(
    model: ir.Model, check: ir.Check, options: Mapping[str, object], cut_sets: bool
) -> str | None:
    source = model.source
    if source is None:
        return None
    (check_source,) = [c for c in source.checks if c.name == check.name]
    if cut_sets:
        hypothesis = check_source.hypothesis
        if hypothesis is not None:
            hypothesis = dataclasses.replace(hypothesis, at_most=0)
        check_source = dataclasses.replace(check_source, name="", hypothesis=hypothesis)
    cone = dependency_cone(model, check)
    document = {
        "format": FINGERPRINT_FORMAT,
        "horizon": model.horizon,
        "options": dict(sorted(options.items())),
        "check": _plain(check_source),
        "components": [_plain(source.components[index]) for index in cone],
    }
    if check_source.scenario is not None:
        name = check_source.scenario.name
        (scenario,) = [s for s in source.scenarios if s.name == name]
        document["scenario"] = _plain(scenario)
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()
