"""Goldens for the outputs that are not traces: cut sets (timed and static, text and
JSON), the FMEA table (text, JSON, CSV), the Open-PSA export (timed and static) and
the Open-PSA import.  `pytest --update-goldens` rewrites them; review the diff like
code.  Each output is also produced twice, and must be the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from failspec.cli import main

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "counterexamples" / "golden"
EXAMPLE = "models/examples/atm-network.fspec"
BEFORE = "models/minori/before.fspec"
TWO_TRAINS = "tests/data/openpsa/two-trains.xml"
AssertGolden = Callable[[Path, str], None]

CASES: dict[str, tuple[Sequence[str], int]] = {
    "cutsets/atm-network.txt": (
        ["cutsets", EXAMPLE, "--check", "no single device failure retains customer cards"],
        1,
    ),
    "cutsets/atm-network.json": (
        [
            "cutsets",
            EXAMPLE,
            "--check",
            "no single device failure retains customer cards",
            "--max-order",
            "2",
            "--format",
            "json",
        ],
        1,
    ),
    "cutsets/minori-fx-two-faults.txt": (
        ["cutsets", BEFORE, "--check", "FX remittances meet the 13:00 cutoff under any two faults"],
        1,
    ),
    "cutsets/minori-nw-link-static.txt": (
        ["cutsets", BEFORE, "--static", "--top", "nw_link", "--mission", "8760h"],
        1,
    ),
    "fmea/atm-network.txt": (["fmea", EXAMPLE], 1),
    "fmea/atm-network.json": (["fmea", EXAMPLE, "--format", "json"], 1),
    "fmea/atm-network.csv": (["fmea", EXAMPLE, "--format", "csv"], 1),
    "export/atm-network-timed.xml": (
        ["export", EXAMPLE, "--check", "no single device failure retains customer cards"],
        0,
    ),
    "export/minori-nw-link-static.xml": (["export", BEFORE, "--static", "--top", "nw_link"], 0),
    "import/two-trains.fspec": (["import", TWO_TRAINS], 0),
}


def run(argv: Sequence[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(autouse=True)
def at_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    # The outputs name the files as given: relative paths keep the goldens portable.
    monkeypatch.chdir(REPO)


@pytest.mark.parametrize("golden", sorted(CASES))
def test_output_matches_its_golden(assert_golden: AssertGolden, golden: str) -> None:
    argv, expected_code = CASES[golden]
    code, out, err = run(argv)
    assert (code, err) == (expected_code, ""), err
    assert run(argv) == (code, out, err), "the same input must give the same bytes"
    assert_golden(GOLDEN / golden, out)


def test_an_imported_tree_checks_as_the_tree_says() -> None:
    # The imported model of the two trains: POWER alone, or a pump or valve of each
    # train, takes the top down.
    path = GOLDEN / "import" / "two-trains.fspec"
    assert "fault failure probability 0.01" in path.read_text(encoding="utf-8")
    code, out, err = run(["cutsets", str(path.relative_to(REPO)), "--static", "--top", "top"])
    assert code == 1, err
    assert "order 1  power.failure" in out
    assert "order 2  pump_a.failure + pump_b.failure" in out
    assert "1 single point of failure, 4 pairs" in out
