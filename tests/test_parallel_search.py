"""The explicit engine's search in several processes (`ExplicitEngine.jobs`,
`explicit.ask_each`) gives exactly the answer of one: the same canonical
counterexample, the same cut sets with the same witnesses, the same `unknown`
when a limit passes inside a worker.  The threshold that keeps small searches in
one process is lowered here, so that every search of these small models is
split over two processes."""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from model_strategies import models

import failspec
from failspec.checker import explicit
from failspec.checker.engine import Reason, Verdict
from failspec.checker.explicit import ExplicitEngine, check_explicit
from failspec.cli import main

REPO = Path(__file__).resolve().parent.parent
KEPT = [
    *sorted((REPO / "tests" / "engine_regressions").glob("*.fspec")),
    REPO / "models" / "minori" / "before.fspec",
    REPO / "models" / "examples" / "atm-network.fspec",
]


FX_TWO = "FX remittances meet the 13:00 cutoff under any two faults"


@pytest.fixture(autouse=True)
def split_every_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(explicit, "PARALLEL_FROM", 2)


def both_ways(model: failspec.Model, most: int) -> None:
    """The verdict, and the cut sets up to order `most`, with one and two processes."""
    for check in model.checks:
        one = check_explicit(model, check)
        assert check_explicit(model, check, jobs=2) == one, check.name
        order = min(check.at_most, most)
        sets = list(ExplicitEngine().cut_sets(model, check, order, None))
        assert list(ExplicitEngine(jobs=2).cut_sets(model, check, order, None)) == sets


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_two_processes_answer_as_one_on_generated_models(text: str) -> None:
    both_ways(failspec.loads(text, "generated.fspec"), 2)


@pytest.mark.parametrize("path", KEPT, ids=lambda p: p.name)
def test_two_processes_answer_as_one_on_kept_models(path: Path) -> None:
    both_ways(failspec.load(path), 1)  # pairs of some of these take 20 s


FIVE_AT_ZERO = "model five\nhorizon 1h\n" + "".join(
    f"device d{i} {{\n  fault crash\n}}\n" for i in range(1, 6)
)
FIVE_AT_ZERO += """
check "any device down" {
  faults at most 2 of device
  never d3.down or d4.down
}
"""


def test_a_violation_at_the_first_instant_stops_the_search_as_in_one_process() -> None:
    """d3.crash at 00:00:00 violates at once: no later set can be more canonical, and
    the answer is the first such set in ascending order, whichever worker asked."""
    model = failspec.loads(FIVE_AT_ZERO, "five.fspec")
    (check,) = model.checks
    outcome = check_explicit(model, check, jobs=2)
    assert outcome == check_explicit(model, check)
    assert outcome.verdict == Verdict.VIOLATED and outcome.violation_at == 0
    assert outcome.scenario is not None
    assert [model.fault(n).component_name for n in outcome.scenario] == ["d3"]


def test_a_deadline_that_passes_in_a_worker_is_unknown_timeout() -> None:
    model = failspec.load(REPO / "models" / "minori" / "before.fspec")
    check = model.checks[-1]
    outcome = check_explicit(model, check, deadline=time.perf_counter() - 1, jobs=2)
    assert (outcome.verdict, outcome.reason) == (Verdict.UNKNOWN, Reason.TIMEOUT)
    orders = list(ExplicitEngine(jobs=2).cut_sets(model, check, 2, time.perf_counter() - 1))
    assert not orders[-1].complete and orders[-1].reason == Reason.TIMEOUT


def run(argv: Sequence[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.mark.parametrize("engine", ["explicit", "auto"])
def test_cutsets_and_check_print_the_same_with_any_jobs(engine: str) -> None:
    before = str(REPO / "models" / "minori" / "before.fspec")
    cutsets = ["cutsets", before, "--check", FX_TWO, "--engine", engine, "--no-cache"]
    one = run([*cutsets, "--jobs", "1", "--format", "json"])
    assert one[0] == 1 and '"complete": true' in one[1]
    assert run([*cutsets, "--jobs", "2", "--format", "json"]) == one
    checks = ["check", before, "--check", FX_TWO, "--engine", engine, "--no-cache", "-q"]
    assert run([*checks, "--jobs", "2"]) == run([*checks, "--jobs", "1"])


def test_a_slow_first_task_holds_back_no_worker(tmp_path: Path) -> None:
    """`run_in_order` queues only a few tasks per worker, yet a task that waits
    blocks no other: here the first waits for the last, 40 tasks later, to run."""
    from failspec.parallel import IN_FLIGHT_PER_WORKER, run_in_order

    signal = tmp_path / "the last task ran"
    count = 2 * IN_FLIGHT_PER_WORKER * 5

    def task(index: int) -> int:
        if index == count - 1:
            signal.touch()
        if index == 0:
            waited = time.monotonic() + 60
            while not signal.exists():
                if time.monotonic() > waited:
                    raise RuntimeError("the last task never ran while the first waited")
                time.sleep(0.01)
        return index * index

    assert list(run_in_order(list(range(count)), task, 2)) == [i * i for i in range(count)]


def test_static_cut_sets_accept_jobs_and_print_the_same() -> None:
    tree = str(REPO / "bench" / "data" / "scram" / "SmallTree" / "SmallTree.xml")
    one = run(["cutsets", tree, "--static"])
    assert one[0] == 1 and "2 pairs" in one[1]
    assert run(["cutsets", tree, "--static", "--jobs", "2"]) == one
    assert run(["cutsets", tree, "--static", "--jobs", "0"])[0] == 2
