"""The contract's first example is kept verbatim in models/examples/atm-network.fspec
(the tests read it from there), and it gives the verdict the contract implies."""

from __future__ import annotations

import re
from pathlib import Path

import failspec

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT.parent / "shared" / "DESIGN.md"
EXAMPLE = ROOT / "models" / "examples" / "atm-network.fspec"


def test_the_example_file_is_the_contracts_first_example_verbatim() -> None:
    assert DESIGN.exists(), f"the contract is expected beside the repository: {DESIGN}"
    first_block = re.search(r"```\n(model .*?)```", DESIGN.read_text(encoding="utf-8"), re.DOTALL)
    assert first_block is not None
    assert EXAMPLE.read_text(encoding="utf-8") == first_block.group(1)


def test_the_first_example_is_violated_by_the_flapping_card_at_instant_0() -> None:
    [result] = failspec.check(failspec.load(EXAMPLE))
    assert result.verdict == "violated"
    assert result.counterexample is not None
    assert [(f.label, f.at) for f in result.counterexample.faults] == [("nw_card_a.flap", 0)]
    assert result.counterexample.violation.at == 0
