"""`failspec simulate`: one scenario's timeline and the checks it violates
(DESIGN.md, "Incident scenarios: scenario NAME { … } and failspec simulate").

The MINORI 3 March timeline is a golden file (`tests/golden/simulate/`),
rewritten by `pytest --update-goldens`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

import failspec
from failspec.cli import main
from failspec.simulation import simulate_scenario

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "simulate"
BEFORE = "models/minori/before.fspec"
EXAMPLE = "models/examples/exchange.fspec"


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


def test_the_3_march_flap_on_minori(assert_golden: Callable[[Path, str], None]) -> None:
    code, out, err = run(["simulate", BEFORE, "--fault", "nw_card_a.flap@19:58"])
    assert (code, err) == (1, "")
    assert "19:58:00  atm                  retain" in out
    assert "  ✗ violated at 19:58:00  no single device failure retains customer cards\n" in out
    assert out.endswith("the scenario violates 5 of 8 checks\n")
    assert_golden(GOLDEN / "minori-before-3-march.txt", out)


def test_a_named_scenario_is_the_same_run_as_its_faults() -> None:
    by_name = run(["simulate", BEFORE, "--scenario", "3 March"])[1]
    by_fault = run(["simulate", BEFORE, "--fault", "nw_card_a.flap@19:58"])[1]
    assert by_name.replace('scenario "3 March": ', "scenario: ") == by_fault


def test_the_fault_free_run_and_exit_0() -> None:
    code, out, _ = run(["simulate", "models/examples/atm-network.fspec"])
    assert code == 0
    assert "scenario: no faults\n" in out
    assert "(no events)" in out
    assert out.endswith("the scenario violates no check\n")


def test_outside_the_hypothesis_is_said() -> None:
    _, out, _ = run(["simulate", BEFORE, "--fault", "nw_card_a.flap@19:58"])
    assert (
        "  ✓ not violated          a card-loan program defect affects no other product\n"
        "      outside the check's hypothesis: 'faults at most 1 of card_loan_interest' does "
        "not select nw_card_a.flap\n"
    ) in out


def test_a_scenario_check_is_judged_on_the_simulated_scenario() -> None:
    code, out, _ = run(["simulate", EXAMPLE, "--scenario", "the incident"])
    assert code == 1
    assert "✗ violated at 09:00:00  the incident's scenario keeps orders flowing" in out
    _, other, _ = run(["simulate", EXAMPLE, "--fault", "disk_a.memory@08:00"])
    assert 'the check is judged on its own scenario "the incident"' in other


def test_until_extends_the_timeline_past_the_horizon() -> None:
    # a crash at 14:59 (the horizon is 15:00): auth is down on [14:59:20, 15:04:30)
    argv = ["simulate", EXAMPLE, "--fault", "disk_a.crash@14:59"]
    _, out, _ = run(argv)
    assert "timeline up to 15:00:00" in out
    assert "15:04:30  auth" not in out
    _, out, _ = run([*argv, "--until", "day 2 10:00"])
    assert "timeline up to day 2 10:00:00" in out
    assert "15:04:30  auth         up" in out


def test_json_document() -> None:
    code, out, _ = run(["simulate", BEFORE, "--scenario", "3 March", "--format", "json"])
    assert code == 1
    document = json.loads(out)
    assert list(document) == [
        "format", "file", "model", "scenario", "until", "events", "checks", "summary",
    ]  # fmt: skip
    assert document["format"] == "failspec-simulation/1"
    assert document["scenario"] == {
        "name": "3 March",
        "faults": [
            {"number": 2, "component": "nw_card_a", "mode": "flap", "at": 71880, "repair": None}
        ],
    }
    # the events as a trace's (failspec-trace/2): ids from 1, kinds, fields, causes
    events = document["events"]
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    flap = next(e for e in events if e["kind"] == "fault")
    assert flap == {
        "id": flap["id"],
        "at": 71880,
        "component": "nw_card_a",
        "kind": "fault",
        "mode": "flap",
        "repair": None,
        "latent": False,
        "cause": [],
    }
    assert all(c < e["id"] for e in events for c in e["cause"])
    first = document["checks"][0]
    assert first == {
        "check": "no single device failure retains customer cards",
        "line": first["line"],
        "violated": True,
        "at": 71880,
        "assertion": "never atm.retain and (nw_link.down or atm_server.down)",
        "within_hypothesis": True,
        "outside": None,
    }
    assert document["summary"] == {"checks": 8, "violated": 5}


def test_save_writes_the_counterexample_of_every_violated_check(tmp_path: Path) -> None:
    code, out, _ = run(["simulate", EXAMPLE, "--scenario", "the incident", "--save", str(tmp_path)])
    assert code == 1
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "exchange--the-incident-s-scenario-keeps-orders-flowing-at-the-opening.json" in names
    assert "exchange--the-incident-s-scenario-keeps-orders-flowing-at-the-opening.html" in names
    assert "counterexample saved to" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--scenario", "3 Mrach"], 'no scenario named "3 Mrach" in models/minori/before.fspec'),
        (["--fault", "nw_card_a.flap"], "--fault nw_card_a.flap: write COMPONENT.MODE@TIME"),
        (["--fault", "nw_card_c.flap@19:58"], "--fault nw_card_c.flap@19:58: unknown component"),
        (
            ["--fault", "card_loan_interest.defect@04:00"],
            "--fault card_loan_interest.defect@04:00: 'card_loan_interest.defect' cannot start "
            "at 04:00 ('card_loan_interest.defect' allows only the onset 03:54)",
        ),
        (
            ["--fault", "nw_card_a.flap@1:00", "--fault", "nw_card_a.flap@2:00"],
            "is given twice",
        ),
        (["--fault", "nw_card_a.flap@25:00"], "clock time '25:00' is out of range"),
        (["--until", "soon"], "--until soon: malformed duration 'soon'"),
    ],
)
def test_bad_input_is_exit_2(argv: list[str], message: str) -> None:
    code, out, err = run(["simulate", BEFORE, *argv])
    assert (code, out) == (2, "")
    assert err.startswith("failspec: ") and message in err, err


def test_a_spec_error_is_exit_2() -> None:
    code, _, err = run(["simulate", "tests/golden/errors/window_empty.fspec"])
    assert code == 2
    assert "window_empty.fspec:2:8: the window 09:00..09:00 is empty" in err


def test_the_api() -> None:
    model = failspec.load(ROOT / EXAMPLE)
    (incident,) = model.scenarios
    simulation = simulate_scenario(model, dict(incident.faults), name=incident.name)
    assert [j.check for j in simulation.violated] == [c.name for c in model.checks]
    assert simulation.until == model.horizon
