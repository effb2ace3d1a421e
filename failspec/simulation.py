"""`simulate_scenario`: one scenario's timeline and, for every check, whether and when
the scenario violates its assertions (DESIGN.md, "Incident scenarios").

A check is judged on the scenario whatever its hypothesis says; the result says
when the scenario lies outside it (a fault the hypothesis does not select, more
faults than it allows, or, for a scenario check, another scenario).  The
timeline and the judgements come from the reference simulator.
"""

from __future__ import annotations

from dataclasses import dataclass

from failspec.checker import ir
from failspec.checker.causes import build_timeline
from failspec.checker.signals import Ctx, concrete
from failspec.checker.simulate import judge, simulate
from failspec.counterexamples.trace import TraceEvent

__all__ = ["CheckJudgement", "Simulation", "simulate_scenario"]


@dataclass(frozen=True)
class CheckJudgement:
    """What one scenario does to one check."""

    check: str
    line: int
    violated_at: int | None
    """The violation instant (integer seconds), or None if the scenario violates none
    of the check's assertions."""
    assertion: str | None
    """The assertion violated first (as written), or None."""
    within_hypothesis: bool
    """Is the scenario one the check itself ranges over?"""
    outside: str | None
    """Why it is not, in words; None when it is."""


@dataclass(frozen=True)
class Simulation:
    """A scenario's run: its faults, its timeline up to `until` and every check's judgement."""

    model: ir.Model
    name: str | None
    """The scenario's name (`--scenario NAME`), or None for faults given one by one."""
    scenario: dict[int, int]
    """Fault number → onset (integer seconds)."""
    until: int
    events: tuple[TraceEvent, ...]
    checks: tuple[CheckJudgement, ...]

    @property
    def violated(self) -> tuple[CheckJudgement, ...]:
        """The judgements of the checks the scenario violates, in declaration order."""
        return tuple(c for c in self.checks if c.violated_at is not None)


def simulate_scenario(
    model: ir.Model,
    scenario: dict[int, int],
    until: int | None = None,
    name: str | None = None,
) -> Simulation:
    """Run `scenario` (fault number → onset, each onset one its fault allows) on `model`:
    the timeline up to `until` (default: the horizon) and every check's judgement."""
    end = model.horizon if until is None else until
    ctx = Ctx()
    run = simulate(model, dict(scenario), ctx, until=end)
    judgements = []
    for check in model.checks:
        verdict = judge(run, ctx, check)
        at = None if verdict is None else int(concrete(verdict[0]))
        assertion = None if verdict is None else check.assertions[verdict[1]].text
        outside = _outside(model, check, scenario)
        judgements.append(
            CheckJudgement(check.name, check.line, at, assertion, outside is None, outside)
        )
    events = build_timeline(model, scenario, end)
    return Simulation(model, name, dict(scenario), end, events, tuple(judgements))


def _outside(model: ir.Model, check: ir.Check, scenario: dict[int, int]) -> str | None:
    """Why `scenario` is not one the check ranges over, or None if it is."""
    if check.scenario is not None:
        if tuple(sorted(scenario.items())) == check.scenario:
            return None
        return f"the check is judged on its own {check.hypothesis}"
    if not scenario:
        return None  # the fault-free run is within every hypothesis
    if check.hypothesis is None:
        return "the check allows no fault"
    foreign = [model.fault(n).label for n in sorted(scenario) if n not in check.faults]
    if foreign:
        return f"'{check.hypothesis}' does not select {', '.join(foreign)}"
    if len(scenario) > check.at_most:
        plural = "" if check.at_most == 1 else "s"
        return (
            f"'{check.hypothesis}' allows at most {check.at_most} fault{plural}, "
            f"the scenario has {len(scenario)}"
        )
    return None
