"""The explicit engine's classes of equivalent onsets are sound: on small generated
models it returns exactly what simulating every onset of every fault set returns."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from model_strategies import models

import failspec
from failspec.checker.explicit import check_brute_force, check_explicit
from failspec.checker.simulate import violation_of


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
