"""models/minori: the verdict of every check of before.fspec and after.fspec, and
their counterexamples compared byte for byte with the goldens under
`counterexamples/golden/minori/`: `<model>--<check slug>.json`, the
`failspec-trace/2` trace that `failspec check --save` writes; `.v1.json`, the same
trace in version 1 (`trace_v1.py`); and `.txt`, its text timeline.

Rewrite the goldens with `pytest --update-goldens` where tests/conftest.py
defines that option, or with FAILSPEC_UPDATE_GOLDENS=1, and review the diff.
Each model is checked once per test session (nearly all of the time goes to the
two-fault FX check).  The verdict table of models/minori/README.md and the session
the project's README shows are compared with what the tool prints.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

import failspec
from failspec import CheckResult
from failspec.cli import main
from failspec.commands_check import slugify
from failspec.counterexamples.causal_chain import causal_chain
from failspec.counterexamples.report import dump_trace
from failspec.counterexamples.text import render_trace_text
from failspec.counterexamples.trace import EventKind, Fault, ViolationKind
from failspec.counterexamples.trace_v1 import trace_from_json_v1, trace_to_json_v1

REPO = Path(__file__).resolve().parent.parent
MODELS = REPO / "models" / "minori"
GOLDEN_DIR = REPO / "counterexamples" / "golden" / "minori"

RETAIN = "no single device failure retains customer cards"
MONTH_END = "month-end posting stays within store capacity"
TD_ATM = "time-deposit errors never close an ATM partition"
CARD_LOAN = "a card-loan program defect affects no other product"
FX_ONE = "FX remittances meet the 13:00 cutoff under any single fault"
FX_TWO = "FX remittances meet the 13:00 cutoff under any two faults"
ANY_FAULT_RETAIN = "no single fault retains cards"
TD_DIRECT = "time-deposit errors never close the Direct partition"

# (verdict, the counterexample's faults as (component.mode, onset as HH:MM), violation instant)
# Onsets are free except the card-loan release's (03:54), so a canonical counterexample
# shows the earliest violating onsets: a flap at 00:00 retains at once (its 3-minute
# switchover outlasts the ATM's 30 s timeout); a stuck switchover counts from 00:00,
# and the earliest primary crash that misses 13:00 is 23:29:01 (the 6h59m outage from
# then stalls the 6h32m FX chain due at 23:45 until 06:28:01, done at 13:00:01).
NO_FAULT: tuple[tuple[str, str], ...] = ()
EXPECTED: dict[str, dict[str, tuple[str, tuple[tuple[str, str], ...], str | None]]] = {
    "before.fspec": {
        RETAIN: ("violated", (("nw_card_a.flap", "00:00:00"),), "00:00:00"),
        ANY_FAULT_RETAIN: ("violated", NO_FAULT, "12:14:00"),
        MONTH_END: ("violated", NO_FAULT, "09:51:00"),
        TD_ATM: ("violated", NO_FAULT, "12:14:00"),
        CARD_LOAN: ("violated", (("card_loan_interest.defect", "03:54:00"),), "03:54:00"),
        FX_ONE: ("holds", NO_FAULT, None),
        FX_TWO: (
            "violated",
            (("file_transfer_disk.stuck", "00:00:00"), ("disk_ctrl_a.crash", "23:29:01")),
            "day 2 13:00:00",
        ),
        TD_DIRECT: ("violated", NO_FAULT, "13:25:30"),
    },
    "after.fspec": {
        RETAIN: ("holds", NO_FAULT, None),
        ANY_FAULT_RETAIN: ("holds", NO_FAULT, None),
        MONTH_END: ("violated", NO_FAULT, "09:51:00"),
        TD_ATM: ("violated", NO_FAULT, "12:14:00"),
        CARD_LOAN: ("violated", (("card_loan_interest.defect", "03:54:00"),), "03:54:00"),
        FX_ONE: ("holds", NO_FAULT, None),
        FX_TWO: (
            "violated",
            (("file_transfer_disk.stuck", "00:00:00"), ("disk_ctrl_a.crash", "23:29:01")),
            "day 2 13:00:00",
        ),
        TD_DIRECT: ("violated", NO_FAULT, "13:25:30"),
    },
}

CASES = [(file, name) for file, checks in EXPECTED.items() for name in checks]
VIOLATED = [(file, name) for file, name in CASES if EXPECTED[file][name][0] == "violated"]

_results: dict[str, dict[str, CheckResult]] = {}


def results_of(file: str) -> dict[str, CheckResult]:
    """Check every check of models/minori/FILE once per session; results by check name."""
    if file not in _results:
        model = failspec.load(MODELS / file)
        _results[file] = {r.check: r for r in failspec.check(model)}
    return _results[file]


def clock(at: int) -> str:
    """`HH:MM:SS` for an instant on day 1, `day N HH:MM:SS` after it."""
    day, rest = divmod(at, 86_400)
    text = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}:{rest % 60:02d}"
    return text if day == 0 else f"day {day + 1} {text}"


def golden_stem(file: str, check: str) -> str:
    model = "minori_" + file.removesuffix(".fspec")
    return f"{model}--{slugify(check)}"


def updating_goldens(request: pytest.FixtureRequest) -> bool:
    option = request.config.getoption("--update-goldens", default=None)
    return bool(option) or os.environ.get("FAILSPEC_UPDATE_GOLDENS") == "1"


def assert_golden(request: pytest.FixtureRequest, name: str, actual: str) -> None:
    path = GOLDEN_DIR / name
    if updating_goldens(request):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    assert path.exists(), f"no golden {path}; run pytest --update-goldens"
    assert actual.encode("utf-8") == path.read_bytes(), f"{path} differs"


def test_each_file_declares_exactly_the_expected_checks() -> None:
    for file, checks in EXPECTED.items():
        model = failspec.load(MODELS / file)
        assert [c.name for c in model.checks] == list(checks), file


@pytest.mark.parametrize(("file", "check"), CASES)
def test_verdict_faults_and_violation_instant(file: str, check: str) -> None:
    verdict, faults, violation_at = EXPECTED[file][check]
    result = results_of(file)[check]
    assert result.verdict == verdict
    trace = result.counterexample
    if verdict == "holds":
        assert trace is None
        return
    assert trace is not None
    assert tuple((f.label, clock(f.at)) for f in trace.faults) == faults
    assert clock(trace.violation.at) == violation_at


@pytest.mark.parametrize(("file", "check"), VIOLATED)
def test_counterexample_matches_goldens(
    request: pytest.FixtureRequest, file: str, check: str
) -> None:
    trace = results_of(file)[check].counterexample
    assert trace is not None
    stem = golden_stem(file, check)
    assert_golden(request, f"{stem}.json", dump_trace(trace))
    v1 = json.dumps(trace_to_json_v1(trace), indent=2, ensure_ascii=False) + "\n"
    assert_golden(request, f"{stem}.v1.json", v1)
    assert_golden(request, f"{stem}.txt", render_trace_text(trace))
    # Version 1 reads back into the same events, of the kinds it has (it records a
    # channel's action when the channel starts taking it, not per transaction).
    lacking = (EventKind.STALLED, EventKind.RESUMED, EventKind.NO_SWITCHOVER, EventKind.ACTION)
    again = trace_from_json_v1(json.loads(v1))
    assert [(e.at, e.component, e.kind) for e in again.events if e.kind not in lacking] == [
        (e.at, e.component, e.kind) for e in trace.events if e.kind not in lacking
    ]


@pytest.mark.parametrize("file", ["before.fspec", "after.fspec"])
def test_the_fx_deadline_names_every_cause_and_how_late(file: str) -> None:
    trace = results_of(file)[FX_TWO].counterexample
    assert trace is not None
    violation = trace.violation
    assert violation.kind == ViolationKind.DONE_BY and violation.deadline is not None
    assert violation.deadline.done_at == violation.at + 1
    text = render_trace_text(trace)
    assert (
        "VIOLATED at day 2 13:00:00: fx_remittance done by day 2 13:00 — "
        "done at day 2 13:00:01, 1 second late\n" in text
    )
    (stall,) = violation.deadline.stalls
    assert (trace.event(stall).component, trace.event(stall).kind) == (
        "data_collection",
        EventKind.STALLED,
    )
    chain = [trace.event(n) for n in causal_chain(trace)]
    kinds = {(e.component, e.kind) for e in chain}
    # From both faults, through the outage and the stuck switchover, to the stall.
    assert {(e.component, e.fact.mode) for e in chain if isinstance(e.fact, Fault)} == {
        ("file_transfer_disk", "stuck"),
        ("disk_ctrl_a", "crash"),
    }
    for step in [
        ("disk_ctrl_a", EventKind.DOWN),
        ("file_transfer_disk", EventKind.SWITCHOVER_STARTED),
        ("file_transfer_disk", EventKind.SWITCHOVER_STUCK),
        ("file_transfer", EventKind.DOWN),
        ("data_collection", EventKind.STALLED),
        ("fx_remittance", EventKind.STARTED),
    ]:
        assert step in kinds, step


def test_every_primary_outage_says_what_became_of_the_switchover() -> None:
    for file in EXPECTED:
        for result in results_of(file).values():
            trace = result.counterexample
            if trace is None:
                continue
            pairs = {c.name for c in trace.components if c.kind == "failover"}
            for event in trace.events:
                if event.component in pairs and event.kind == EventKind.DOWN:
                    said = {trace.event(c).kind for c in event.cause}
                    assert said & {
                        EventKind.SWITCHOVER_STARTED,
                        EventKind.NO_SWITCHOVER,
                        EventKind.SWITCHOVER_STUCK,
                        EventKind.SWITCHED,
                    }, (result.check, event)


def test_no_stale_goldens() -> None:
    expected = {
        f"{golden_stem(f, c)}{ext}" for f, c in VIOLATED for ext in (".json", ".v1.json", ".txt")
    }
    assert {p.name for p in GOLDEN_DIR.iterdir()} == expected


def test_cli_save_writes_the_golden_bytes(tmp_path: Path) -> None:
    """The JSON goldens are what `failspec check --save` writes (one fast check)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["check", str(MODELS / "before.fspec"), "--check", MONTH_END, "--save", str(tmp_path)],
        out,
        err,
    )
    assert code == 1, err.getvalue()
    name = f"{golden_stem('before.fspec', MONTH_END)}.json"
    assert (tmp_path / name).read_bytes() == (GOLDEN_DIR / name).read_bytes()


def readme_verdicts() -> dict[str, tuple[str, str]]:
    """The verdict table of models/minori/README.md: check name -> (before, after) verdict."""
    table: dict[str, tuple[str, str]] = {}
    for line in (MODELS / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[1].startswith(("✗", "✓")):
            continue
        name = cells[0].removeprefix("*extra:*").strip()
        verdicts = tuple("violated" if c.startswith("✗ violated") else "holds" for c in cells[1:])
        table[name] = (verdicts[0], verdicts[1])
    return table


def test_minori_readme_table_matches_the_verdicts() -> None:
    expected = {
        name: (EXPECTED["before.fspec"][name][0], EXPECTED["after.fspec"][name][0])
        for name in EXPECTED["before.fspec"]
    }
    assert readme_verdicts() == expected


def test_project_readme_shows_what_the_tool_prints() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    command = f'$ failspec check models/minori/before.fspec --check "{RETAIN}"\n'
    assert command in text
    shown = text.split(command, 1)[1].split("```", 1)[0]
    out, err = io.StringIO(), io.StringIO()
    code = main(["check", str(MODELS / "before.fspec"), "--check", RETAIN], out, err)
    assert code == 1, err.getvalue()
    printed = out.getvalue().replace(str(MODELS / "before.fspec"), "models/minori/before.fspec")
    assert shown == printed
