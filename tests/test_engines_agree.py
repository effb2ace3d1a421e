"""Two engines, one truth: on generated models (every construct of the language,
v1 forms included) the SMT engine and the explicit engine give the same verdict
and the same canonical counterexample, and the simulator replays every
counterexample."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from model_strategies import models

import failspec
from failspec.checker.explicit import check_explicit
from failspec.checker.simulate import violation_of
from failspec.checker.smt import check_smt
from failspec.checker.smt_encoding import MAX_CLOSURES
from failspec.counterexamples.trace import trace_to_json

ROOT = Path(__file__).resolve().parent.parent
REGRESSIONS = Path(__file__).resolve().parent / "engine_regressions"


# Every encoding choice of the SMT engine: fault selection by flags or by slots, and
# reopening partitions unrolled one closing at first (deepened on demand) or all.
SMT_VARIANTS = [(slots, depth) for slots in (False, True) for depth in (1, MAX_CLOSURES)]


def _agree(text: str) -> None:
    model = failspec.loads(text, "generated.fspec")
    for check in model.checks:
        # without the cone, so that the cone analysis the SMT engine uses is tested too
        explicit = check_explicit(model, check, cone=False)
        for variant in SMT_VARIANTS:
            slots, depth = variant
            smt = check_smt(model, check, slots=slots, first_depth=depth)
            assert smt.verdict != "unknown", (smt.reason, variant, text)
            assert (smt.verdict, smt.scenario, smt.violation_at) == (
                explicit.verdict,
                explicit.scenario,
                explicit.violation_at,
            ), (variant, text)
            if smt.scenario is not None:
                replay = violation_of(model, check, smt.scenario)
                assert replay is not None and replay[0] == smt.violation_at


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_smt_and_explicit_engines_agree_on_generated_models(text: str) -> None:
    _agree(text)


V1_FORMS: dict[str, str | re.Pattern[str]] = {
    "rides out": "rides out ",
    "recovers in": "recovers in ",
    "detect MODE never": " never\n",
    "open hours": "  open ",
    "transaction hours": "    open ",
    "during": " during ",
    "daily": " daily",
    "at an instant": re.compile(r"^  (never|always) .* at \d+s$", re.M),
    "scenario check": '  scenario "',
}


def test_the_generated_models_use_every_v1_form() -> None:
    """The generator draws every v1 form often enough to matter (counted over the
    first 300 models of a derandomized run)."""
    counts = dict.fromkeys(V1_FORMS, 0)

    @settings(max_examples=300, derandomize=True, database=None, deadline=None)
    @given(models())
    def count(text: str) -> None:
        for form, marker in V1_FORMS.items():
            found = marker.search(text) if isinstance(marker, re.Pattern) else marker in text
            counts[form] += bool(found)

    count()
    assert all(n >= 10 for n in counts.values()), counts


@pytest.mark.parametrize(
    "path", sorted(REGRESSIONS.glob("*.fspec")) if REGRESSIONS.exists() else [], ids=str
)
def test_engines_agree_on_kept_regressions(path: Path) -> None:
    _agree(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "models" / "examples" / "atm-network.fspec",
        *sorted((ROOT / "models" / "minori").glob("*.fspec")),
    ],
    ids=lambda p: p.name,
)
def test_both_engines_print_byte_identical_traces(path: Path) -> None:
    model = failspec.load(path)
    explicit = failspec.check(model, engine="explicit")
    smt = failspec.check(model, engine="smt")
    for a, b in zip(explicit, smt, strict=True):
        assert (a.check, a.verdict) == (b.check, b.verdict)
        assert (a.counterexample is None) == (b.counterexample is None)
        if a.counterexample is not None and b.counterexample is not None:
            assert json.dumps(trace_to_json(a.counterexample)) == json.dumps(
                trace_to_json(b.counterexample)
            )
