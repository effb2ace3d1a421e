"""The explicit engine's classes of equivalent onsets are sound: on small generated
models it returns exactly what simulating every onset of every fault set returns
(brute force injects every fault and simulates the whole model; the engine only
the check's cone)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from model_strategies import models

import failspec
from failspec.checker.cone import dependency_cone
from failspec.checker.explicit import check_brute_force, check_explicit
from failspec.checker.simulate import Scenario, simulate, violation_of


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_explicit_engine_equals_brute_force(text: str) -> None:
    model = failspec.loads(text, "generated.fspec")
    for check in model.checks:
        fast = check_explicit(model, check)
        slow = check_brute_force(model, check)
        assert fast == slow, text
        if fast.scenario is not None:
            replay = violation_of(model, check, fast.scenario)
            assert replay is not None and replay[0] == fast.violation_at


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_simulating_the_dependency_cone_alone_gives_its_signals(text: str) -> None:
    """Every component of a check's dependency cone has the same signals whether the
    cone alone or the whole model is simulated, with every fault at its earliest."""
    model = failspec.loads(text, "generated.fspec")
    for check in model.checks:
        scenario: Scenario = {n: model.fault(n).earliest for n in check.faults}
        whole = simulate(model, scenario)
        only = frozenset(dependency_cone(model, check))
        part = simulate(model, scenario, only=only)
        assert set(part.down) == only, text
        for index in only:
            assert part.down[index] == whole.down[index], (model.components[index].name, text)
            assert part.closed.get(index) == whole.closed.get(index), text
            assert part.job_done.get(index) == whole.job_done.get(index), text


REGRESSIONS = Path(__file__).resolve().parent / "engine_regressions"


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.fspec")), ids=lambda p: p.name)
def test_the_cone_changes_no_answer_on_kept_models(path: Path) -> None:
    """Parts in cones of their own, and the whole model with every fault, give the
    same canonical answer (checks of several parts are rare among generated models)."""
    model = failspec.load(path)
    for check in model.checks:
        assert check_explicit(model, check) == check_explicit(model, check, cone=False), check.name
