"""The contract's examples, read from the copy of the contract kept in the repository
(docs/contract/DESIGN.md): each parses and gives the verdict its text implies.

The first example is also kept verbatim as models/examples/atm-network.fspec, the
smallest model a newcomer starts from.
"""

from __future__ import annotations

import re
from pathlib import Path

import failspec

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT / "docs" / "contract" / "DESIGN.md"
EXAMPLE = ROOT / "models" / "examples" / "atm-network.fspec"


def code_blocks() -> list[str]:
    """Every fenced code block of the contract without a language tag, in order."""
    return re.findall(r"^```\n(.*?)^```", DESIGN.read_text(encoding="utf-8"), re.DOTALL | re.M)


def test_the_contract_is_in_the_repository() -> None:
    assert DESIGN.is_file()
    assert "failspec — design contract" in DESIGN.read_text(encoding="utf-8")


def test_the_example_file_is_the_contracts_first_example_verbatim() -> None:
    models = [block for block in code_blocks() if block.startswith("model ")]
    assert models, "the contract has no example model"
    assert EXAMPLE.read_text(encoding="utf-8") == models[0]


def test_the_first_example_is_violated_by_the_flapping_card_at_instant_0() -> None:
    [result] = failspec.check(failspec.load(EXAMPLE))
    assert result.verdict == "violated"
    assert result.counterexample is not None
    assert [(f.label, f.at) for f in result.counterexample.faults] == [("nw_card_a.flap", 0)]
    assert result.counterexample.violation.at == 0


def _fx_fragment() -> str:
    [fragment] = [block for block in code_blocks() if block.startswith('check "FX remittances')]
    return fragment


def test_the_fx_fragment_holds_when_a_single_fault_cannot_delay_the_job() -> None:
    # `fx_send` is "a job of a larger model": the smallest such model, with a
    # redundant pair that switches over in 10 minutes, meets the cutoff.
    model = failspec.loads(
        """model fx
horizon day 2 00:00
device disk_a { fault crash }
device disk_b { fault crash }
failover disk { primary disk_a; secondary disk_b; detect crash within 10m }
job fx_send { at 12:00; takes 30m; needs disk }
"""
        + _fx_fragment(),
        "fx.fspec",
    )
    [result] = failspec.check(model)
    assert result.verdict == "holds"


def test_the_fx_fragment_is_violated_when_a_switchover_is_too_slow() -> None:
    # With a 31-minute switchover the job started at 12:00 and taking 30 minutes is
    # done at 13:01 at the latest (crash at 12:00): a second late.
    model = failspec.loads(
        """model fx
horizon day 2 00:00
device disk_a { fault crash }
device disk_b { fault crash }
failover disk { primary disk_a; secondary disk_b; detect crash within 31m }
job fx_send { at 12:00; takes 30m; needs disk }
"""
        + _fx_fragment(),
        "fx.fspec",
    )
    [result] = failspec.check(model)
    assert result.verdict == "violated"
    assert result.counterexample is not None
    assert result.counterexample.violation.at == 13 * 3600
