"""The FMEA table: what each single fault does on its own (MINORI and a small model)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from failspec import load, loads
from failspec.checker.fmea import fmea
from failspec.cli import main

REPO = Path(__file__).resolve().parent.parent
BEFORE = REPO / "models" / "minori" / "before.fspec"
NETWORK_CHECK = "no single device failure retains customer cards"


def run(argv: list[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(argv, stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_minori_the_flapping_card_is_the_single_fault_that_retains_cards() -> None:
    table = fmea(load(BEFORE))
    rows = {row.label: row for row in table.rows}
    assert [row.fault for row in table.rows] == list(range(1, 9))
    flap = rows["nw_card_a.flap"]
    assert [v.check for v in flap.violated] == [NETWORK_CHECK]
    assert flap.effect is not None
    assert flap.effect.at == 0  # onsets are free: the earliest, 00:00
    assert ("atm", "retain on withdrawal", False) in {
        (e.component, e.change, e.missing) for e in flap.effect.events
    }
    assert flap.first_violation_after == 0
    # Which single faults retain cards: the flap alone.
    retaining = [
        row.label
        for row in table.rows
        if row.effect is not None
        and any(
            e.component == "atm" and e.change.startswith("retain on ") for e in row.effect.events
        )
    ]
    assert retaining == ["nw_card_a.flap"]
    # A clean crash switches over within the ATM's 30 s timeout: no visible effect.
    # It violates the network check only by coinciding with the 28 Feb closure:
    # crashed at 12:13:51, the link is still down at 12:14:00 when the closed
    # partition makes the ATM retain (class C).
    crash = rows["nw_card_a.crash"]
    assert [(v.check, v.violation_at, v.onset) for v in crash.violated] == [
        (NETWORK_CHECK, 12 * 3600 + 14 * 60, 12 * 3600 + 13 * 60 + 51)
    ]
    assert crash.effect is None
    assert [v.check for v in rows["card_loan_interest.defect"].violated] == [
        "a card-loan program defect affects no other product"
    ]
    # Checks violated with no fault are listed once, not under each fault.
    assert "month-end posting stays within store capacity" in table.violated_without_faults
    assert all(
        v.check not in table.violated_without_faults for row in table.rows for v in row.violated
    )


def test_missing_effect_and_delay() -> None:
    model = loads(
        "horizon 3h\n"
        "device disk {\n  fault crash from 30m until 1h repair 20m\n}\n"
        "job batch {\n  at 0s\n  takes 1h\n  needs disk\n}\n"
        'check "batch done by 1h10m" {\n  faults at most 1\n  batch done by 1h10m\n}\n'
    )
    (row,) = fmea(model).rows
    assert row.onset == 1800
    assert [(v.check, v.violation_at, v.onset) for v in row.violated] == [
        ("batch done by 1h10m", 4200, 1800)
    ]
    assert row.first_violation_after == 4200 - 1800
    assert row.effect is not None
    assert row.effect.at == 1800  # the job is down from the crash on
    assert [(e.component, e.change, e.missing) for e in row.effect.events] == [
        ("batch", "down", False),
        ("batch", "stalled", False),
    ]


RIDES_OUT = """horizon 3h
device disk {
  fault crash from 30m until 1h repair 20m
}
job batch {
  at 0s
  takes 1h
  needs disk
  rides out %s
}
check "batch done by 1h10m" {
  faults at most 1
  batch done by 1h10m
}
"""


def test_riding_out_is_no_effect() -> None:
    """The batch rides out the first 2 minutes of the disk's 20-minute outage: its
    first effect is the stall at 00:32:00 (onset + 2m), not the ride at 00:30:00; a
    ride through the whole outage has no effect at all."""
    (row,) = fmea(loads(RIDES_OUT % "2m")).rows
    assert row.onset == 1800 and row.effect is not None
    assert row.effect.at == 1800 + 120
    assert "riding out" not in [e.change for e in row.effect.events]
    (ridden,) = fmea(loads(RIDES_OUT % "20m")).rows
    assert ridden.violated == () and ridden.effect is None


def test_a_scenario_check_is_no_faults_row() -> None:
    # decision 47: a scenario check ranges over no fault, so no fault violates it alone
    model = loads(
        "horizon 1h\n"
        "device disk {\n  fault crash\n}\n"
        'scenario "s" {\n  disk.crash at 10m\n}\n'
        'check "scenario" {\n  scenario "s"\n  never disk.down\n}\n'
        'check "any" {\n  faults at most 1\n  never disk.down\n}\n'
    )
    (row,) = fmea(model).rows
    assert [v.check for v in row.violated] == ["any"]


def test_cli_fmea_formats() -> None:
    code, out, _ = run(["fmea", str(BEFORE)])
    assert code == 1
    assert (
        "3 of 8 faults violate some check on their own: "
        "nw_card_a.crash, nw_card_a.flap, card_loan_interest.defect" in out
    )
    code, out, _ = run(["fmea", str(BEFORE), "--format", "json"])
    document = json.loads(out)
    assert document["format"] == "failspec-fmea/1"
    assert document["rows"][1]["fault"] == "nw_card_a.flap"
    assert document["rows"][1]["violates"][0]["check"] == NETWORK_CHECK
    code, out, _ = run(["fmea", str(BEFORE), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 8
    assert rows[1]["fault"] == "nw_card_a.flap"
    assert rows[1]["first_violation_after_seconds"] == "0"
    assert "atm: retain" in rows[1]["first_effect"]
