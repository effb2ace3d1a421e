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


# --- the v1 section ("The language, v1: operations in time") ----------------------------

V1_EXAMPLE = ROOT / "models" / "examples" / "exchange.fspec"


def _v1_example() -> str:
    v1 = DESIGN.read_text(encoding="utf-8").split("## The language, v1", 1)[1]
    blocks = re.findall(r"^```\n(.*?)^```", v1, re.DOTALL | re.M)
    models = [str(block) for block in blocks if block.startswith("model ")]
    assert len(models) == 1, "the v1 section has one example model"
    return models[0]


def test_the_v1_example_file_is_the_contracts_v1_example_verbatim() -> None:
    assert V1_EXAMPLE.read_text(encoding="utf-8") == _v1_example()


def _v1_results() -> dict[str, failspec.CheckResult]:
    model = failspec.loads(_v1_example(), "exchange.fspec")
    return {r.check: r for r in failspec.check(model)}


def test_the_v1_example_refutes_five_minutes_of_market_hours() -> None:
    # "during market hours trading is never down for more than 5 minutes": a memory
    # fault of disk_a (no switchover: detect memory never) at any instant before
    # 09:00 takes auth down 20 s later for good; brokers is open from 08:00 and
    # rejects every order, so the run of brokers.down in 09:00..11:30 starting at
    # 09:00 is still going at 09:05 - the earliest violation; fault 1, onset 0.
    result = _v1_results()["during market hours trading is never down for more than 5 minutes"]
    assert result.verdict == "violated"
    trace = result.counterexample
    assert trace is not None
    assert [(f.label, f.at) for f in trace.faults] == [("disk_a.memory", 0)]
    assert trace.violation.at == 9 * 3600 + 5 * 60


def test_a_crash_alone_also_breaks_the_five_minutes_through_recovers_in() -> None:
    # a crash is switched over in 30s, which auth does not ride out (20s): auth is down
    # on [o+20, o+30+5m), 5m10s, so even with the memory fault left out of the
    # hypothesis the check is violated.  Judged from 09:00 (the window), the run is
    # still going at 09:05 when o+5m30s > 09:05, i.e. o >= 08:59:31: the earliest onset
    model = failspec.loads(
        _v1_example().replace("faults at most 1 of device", "faults at most 1 of disk_a.crash"),
        "exchange.fspec",
    )
    [result, _] = failspec.check(model)
    assert result.verdict == "violated"
    assert result.counterexample is not None
    assert [(f.label, f.at) for f in result.counterexample.faults] == [
        ("disk_a.crash", 8 * 3600 + 59 * 60 + 31)
    ]
    assert result.counterexample.violation.at == 9 * 3600 + 5 * 60


def test_the_incidents_scenario_rejects_orders_at_the_opening() -> None:
    # "the incident's scenario keeps orders flowing at the opening": disk_a.memory at
    # 07:04 is never switched over; auth is down from 07:04:20, brokers rejects every
    # order from 08:00, and so at 09:00: violated at 09:00, with the scenario's fault
    result = _v1_results()["the incident's scenario keeps orders flowing at the opening"]
    assert result.verdict == "violated"
    trace = result.counterexample
    assert trace is not None
    assert [(f.label, f.at) for f in trace.faults] == [("disk_a.memory", 7 * 3600 + 4 * 60)]
    assert trace.violation.at == 9 * 3600


def test_the_v1_examples_engines_agree() -> None:
    model = failspec.loads(_v1_example(), "exchange.fspec")
    explicit = failspec.check(model, engine="explicit")
    smt = failspec.check(model, engine="smt")
    assert [(r.verdict, r.counterexample) for r in explicit] == [
        (r.verdict, r.counterexample) for r in smt
    ]


def test_the_v1_texts_window_readings() -> None:
    # "09:00..11:30 contains 11:29:59, not 11:30:00"; "22:00..06:00 daily holds every
    # instant whose time of day is ≥ 22:00 or < 06:00, day 1's 00:00-05:59:59 included"
    from failspec.checker import ir
    from failspec.checker.lowering import lower_windows
    from failspec.spec import ast
    from failspec.spec.parser import parse_model

    def windows(text: str) -> ir.Windows:
        tree = parse_model(f'check "c" {{\n  never a.down during {text}\n}}\n', "w.fspec")
        assertion = tree.checks[0].assertions[0]
        assert isinstance(assertion, ast.Never) and assertion.window is not None
        return lower_windows(assertion.window)

    market = windows("09:00..11:30")
    assert market.contains(11 * 3600 + 29 * 60 + 59) and not market.contains(11 * 3600 + 30 * 60)
    night = windows("22:00..06:00 daily")
    assert night.contains(0) and night.contains(5 * 3600 + 3599) and not night.contains(6 * 3600)
    assert night.contains(22 * 3600) and night.contains(86_400 + 3 * 3600)
    abutting = windows("09:00..11:30, 11:30..12:00")
    assert abutting.intervals == ((9 * 3600, 12 * 3600),)
    assert windows("00:00..24:00 daily").intervals == ((0, 86_400),)
