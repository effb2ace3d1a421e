"""An `unknown` says what was proved before the limit (`Outcome.holds_up_to`).

Both engines search by the number of faults, fewest first, and a size searched
to the end without a violation proves the check for every scenario of at most
that many faults.  When a limit stops them at the next size, the verdict is
`unknown` and says so: `timeout; no scenario of at most 1 fault violates it`,
and `holds_up_to` in the JSON report.  The limit is forced here at a chosen
size (a clock would make the test depend on the machine).
"""

from __future__ import annotations

import json

import pytest

import failspec
from failspec.checker import engines, explicit, smt
from failspec.checker.engine import Outcome, OutOfTime, OverBudget, Reason, Verdict
from failspec.cli import main

MODEL = """model pair "two cards, one ATM"
horizon 1h

device card_a {
  fault crash
}
device card_b {
  fault crash
}
failover pair {
  primary card_a
  secondary card_b
  detect crash within 10s
}
channel atm {
  via pair
  timeout 30s
  transaction withdrawal {
  }
  on comm -> retain
}
check "two faults" {
  faults at most 2 of device
  never atm.retain
}
"""


@pytest.mark.parametrize(
    ("holds_up_to", "words"),
    [
        (None, "timeout"),
        (0, "timeout; the fault-free run does not violate it"),
        (1, "timeout; no scenario of at most 1 fault violates it"),
        (2, "timeout; no scenario of at most 2 faults violates it"),
    ],
)
def test_the_words_of_what_was_proved(holds_up_to: int | None, words: str) -> None:
    assert Outcome.unknown(Reason.TIMEOUT, holds_up_to=holds_up_to).explanation == words


def stop_smt_at(size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the SMT engine run out of time at its first question about `size` faults."""
    first = smt._Query.first

    def first_or_stop(query: smt._Query) -> object:
        if query.size == size:
            raise OutOfTime
        return first(query)

    monkeypatch.setattr(smt._Query, "first", first_or_stop)


@pytest.mark.parametrize(("stop", "proved"), [(0, None), (1, 0), (2, 1)])
def test_the_smt_engine_says_how_many_faults_it_cleared(
    stop: int, proved: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = failspec.loads(MODEL)
    (check,) = model.checks
    assert smt.SmtEngine().decide(model, check, None).verdict == Verdict.VIOLATED
    stop_smt_at(stop, monkeypatch)
    outcome = smt.SmtEngine().decide(model, check, None)
    assert (outcome.verdict, outcome.reason) == (Verdict.UNKNOWN, Reason.TIMEOUT)
    assert outcome.holds_up_to == proved


def test_auto_keeps_the_most_that_was_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both engines stop: the answer is the one that proved more (the SMT engine's
    here, whose stop comes at 2 faults while the explicit engine's comes at once,
    after it found itself slow and started the SMT engine)."""
    model = failspec.loads(MODEL)
    (check,) = model.checks
    stop_smt_at(2, monkeypatch)

    class Stopped:
        def __init__(self, slow: explicit.Slow, near: explicit.NearEnd, jobs: int) -> None:
            self.slow = slow

        def decide(self, *_: object) -> Outcome:
            self.slow.act()
            return Outcome.unknown(Reason.TIMEOUT).by("explicit")

    monkeypatch.setattr(engines, "ExplicitEngine", Stopped)
    outcome = engines.AutoEngine().decide(model, check, None)
    assert (outcome.verdict, outcome.holds_up_to, outcome.engine) == (Verdict.UNKNOWN, 1, "smt")


def test_the_report_carries_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "pair.fspec"  # type: ignore[operator]
    path.write_text(MODEL, encoding="utf-8")
    stop_smt_at(2, monkeypatch)
    assert main(["check", str(path), "--engine", "smt", "--no-cache"]) == 3
    assert "? unknown   two faults  — timeout; no scenario of at most 1 fault violates it" in (
        capsys.readouterr().out
    )
    assert main(["check", str(path), "--engine", "smt", "--no-cache", "--format", "json"]) == 3
    (result,) = json.loads(capsys.readouterr().out)["results"]
    assert (result["verdict"], result["holds_up_to"]) == ("unknown", 1)
    assert result["reason"] == "timeout; no scenario of at most 1 fault violates it"


def stop_explicit_at(size: int, stop: type[Exception], monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the explicit engine hit a limit at its first fault set of `size` faults."""
    best_for_set = explicit._best_for_set

    def best_or_stop(
        model: object, part: object, numbers: tuple[int, ...], *rest: object
    ) -> object:
        if len(numbers) == size:
            raise stop
        return best_for_set(model, part, numbers, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(explicit, "_best_for_set", best_or_stop)


@pytest.mark.parametrize(("stop", "proved"), [(0, None), (1, 0), (2, 1)])
@pytest.mark.parametrize("limit", [OutOfTime, OverBudget])
def test_the_explicit_engine_says_how_many_faults_it_cleared(
    stop: int, proved: int | None, limit: type[Exception], monkeypatch: pytest.MonkeyPatch
) -> None:
    model = failspec.loads(MODEL)
    (check,) = model.checks
    stop_explicit_at(stop, limit, monkeypatch)
    outcome = explicit.ExplicitEngine().decide(model, check, None)
    reason = Reason.TIMEOUT if limit is OutOfTime else Reason.BUDGET
    assert (outcome.verdict, outcome.reason, outcome.holds_up_to) == (
        Verdict.UNKNOWN,
        reason,
        proved,
    )


def test_auto_keeps_what_the_explicit_engine_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    """The explicit engine, slow at once (the SMT engine starts beside it), clears one
    fault before its limit; the SMT engine stops at once: the answer keeps the 1."""
    model = failspec.loads(MODEL)
    (check,) = model.checks
    stop_explicit_at(2, OutOfTime, monkeypatch)
    stop_smt_at(0, monkeypatch)
    outcome = engines.AutoEngine(first_seconds=0.0).decide(model, check, None)
    assert (outcome.verdict, outcome.holds_up_to, outcome.engine) == (
        Verdict.UNKNOWN,
        1,
        "explicit",
    )
