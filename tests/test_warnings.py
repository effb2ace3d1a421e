"""Warnings and `failspec lint`: every kind, its rendering as a golden file, and how
`failspec check` treats them (printed, listed in the JSON report, no effect on a
verdict or an exit code except under `--warnings error`).

Each kind has an input `tests/golden/warnings/NAME.fspec` whose warnings include
one of that kind, and the rendered output `NAME.out` (`failspec lint`'s lines),
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
from failspec.commands_lint import render_diagnostics
from failspec.lint import lint, lint_text
from failspec.spec.errors import WarningKind

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden" / "warnings"

KINDS = {
    "action_never_taken": WarningKind.ACTION_NEVER_TAKEN,
    "manual_without_stuck": WarningKind.MANUAL_WITHOUT_STUCK,
    "fault_free_check": WarningKind.FAULT_FREE_CHECK,
    "fault_never_selected": WarningKind.FAULT_NEVER_SELECTED,
    "fault_never_occurs": WarningKind.FAULT_NEVER_OCCURS,
    "window_past_horizon": WarningKind.WINDOW_PAST_HORIZON,
    "open_past_horizon": WarningKind.WINDOW_PAST_HORIZON,
    "instant_past_horizon": WarningKind.WINDOW_PAST_HORIZON,
}

# Every model of the repository, and the warnings each one has on purpose (documented
# beside the model): after.fspec names `atm.retain`, which no class maps to any more,
# to compare the design before and after its countermeasure (models/minori/README.md).
DELIBERATE = {
    "models/minori/after.fspec": [WarningKind.ACTION_NEVER_TAKEN] * 2,
}
MODELS = sorted(
    str(path.relative_to(ROOT))
    for pattern in ("models/**/*.fspec", "bench/models/*.fspec", "tests/engine_regressions/*.fspec")
    for path in ROOT.glob(pattern)
)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", sorted(KINDS))
def test_warning_kind_golden(name: str, assert_golden: Callable[[Path, str], None]) -> None:
    path = GOLDEN / f"{name}.fspec"
    result = lint_text(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert result.errors == []
    assert KINDS[name] in [w.kind for w in result.warnings]
    assert all(w.hint for w in result.warnings)
    # rendered from the file on disk, as `failspec lint` prints it
    assert_golden(GOLDEN / f"{name}.out", render_diagnostics(lint(path.relative_to(ROOT))))


def test_every_golden_input_has_a_kind() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.fspec")) == sorted(KINDS)
    assert set(KINDS.values()) == set(WarningKind)


@pytest.mark.parametrize("path", MODELS)
def test_every_model_in_the_repository_is_clean_or_deliberate(path: str) -> None:
    result = lint(ROOT / path)
    assert result.errors == []
    assert [w.kind for w in result.warnings] == DELIBERATE.get(path, [])


def test_the_action_warning_suggests_the_nearest_action() -> None:
    result = lint_text((GOLDEN / "action_never_taken.fspec").read_text(encoding="utf-8"))
    (warning,) = [w for w in result.warnings if w.kind == WarningKind.ACTION_NEVER_TAKEN]
    assert warning.hint == "did you mean 'reject'?"


def test_a_three_part_action_atom_reads_the_transactions_own_lines() -> None:
    text = (
        "device d { fault crash }\n"
        "channel atm {\n  via d\n  on comm -> retain\n"
        "  transaction inquiry { on comm -> give_back }\n  transaction withdrawal\n}\n"
        'check "c" {\n  faults at most 1\n  never atm.inquiry.retain or atm.withdrawal.retain\n'
        "  never atm.retain or atm.inquiry.give_back\n}\n"
    )
    result = lint_text(text)
    assert [w.message for w in result.warnings] == [
        "'atm.inquiry.retain' can never hold: no class of transaction 'inquiry' of channel "
        "'atm' maps to 'retain'"
    ]


def test_a_daily_window_past_midnight_is_never_past_the_horizon() -> None:
    text = (
        "horizon 1h\ndevice d { fault crash }\n"
        'check "c" {\n  faults at most 1\n  never d.down during 22:00..06:00 daily\n}\n'
    )
    assert lint_text(text).warnings == []


def test_a_model_without_checks_does_not_warn_about_unselected_faults() -> None:
    assert lint_text("device d { fault crash }\n").warnings == []


def test_a_scenario_check_selects_its_scenarios_faults() -> None:
    text = (
        "device d {\n  fault crash\n}\n"
        'scenario "s" {\n  d.crash at 1m\n}\n'
        'check "c" {\n  scenario "s"\n  never d.down\n}\n'
    )
    assert lint_text(text).warnings == []


# --- the commands ----------------------------------------------------------------------


def test_lint_exit_codes() -> None:
    clean = "models/examples/atm-network.fspec"
    warned = "tests/golden/warnings/manual_without_stuck.fspec"
    broken = "tests/golden/errors/window_empty.fspec"
    assert run(["lint", clean])[0] == 0
    code, out, _ = run(["lint", clean, warned])
    assert code == 1
    assert out.endswith("2 files: 1 warning\n")
    assert f"{warned}:9:10: warning: 'manual' has no effect" in out
    code, out, _ = run(["lint", warned, broken])
    assert code == 2
    assert out.endswith("2 files: 1 spec error, 1 warning\n")


def test_lint_json() -> None:
    code, out, _ = run(
        ["lint", "tests/golden/warnings/manual_without_stuck.fspec", "--format", "json"]
    )
    assert code == 1
    document = json.loads(out)
    assert list(document) == ["format", "files", "errors", "warnings"]
    assert document["format"] == "failspec-lint/1"
    (warning,) = document["warnings"]
    assert list(warning) == [
        "file", "line", "column", "end_line", "end_column", "kind", "message", "hint",
    ]  # fmt: skip
    assert warning["kind"] == "manual-without-stuck"


def test_check_prints_warnings_and_they_change_no_verdict() -> None:
    path = "tests/golden/warnings/manual_without_stuck.fspec"
    code, out, err = run(["check", path])
    # g follows a crash of a for the 10 s switchover: violated at the onset 0
    assert code == 1
    assert err.startswith(f"{path}:9:10: warning: 'manual' has no effect")
    assert "1 check: 0 holds, 1 violated" in out
    assert run(["check", path, "--warnings", "ignore"])[2] == ""


def test_check_with_warnings_error_checks_nothing() -> None:
    path = "tests/golden/warnings/manual_without_stuck.fspec"
    code, out, err = run(["check", path, "--warnings", "error"])
    assert (code, out) == (2, "")
    assert err.endswith("failspec: 1 warning and --warnings error; nothing checked\n")
    code, out, _ = run(["check", path, "--warnings", "error", "--format", "json"])
    assert code == 2
    report = json.loads(out)
    assert report["results"] == []
    assert [w["kind"] for w in report["warnings"]] == ["manual-without-stuck"]
    # a clean model is checked as always
    assert run(["check", "models/examples/atm-network.fspec", "--warnings", "error"])[0] == 1


def test_the_json_report_lists_warnings_only_when_there_are_some() -> None:
    # decision 40: a report of warning-free models keeps the v0 keys
    _, out, _ = run(["check", "models/examples/atm-network.fspec", "--format", "json"])
    assert list(json.loads(out)) == ["format", "results", "summary", "errors"]
    _, out, _ = run(
        ["check", "tests/golden/warnings/manual_without_stuck.fspec", "--format", "json"]
    )
    report = json.loads(out)
    assert list(report) == ["format", "results", "summary", "errors", "warnings"]
    assert report["results"][0]["verdict"] == "violated"


def test_warnings_come_from_the_api_too() -> None:
    result = lint(ROOT / "models" / "minori" / "after.fspec")
    assert result.model is not None
    assert [
        r.verdict
        for r in failspec.check(result.model, "month-end posting stays within store capacity")
    ] == ["violated"]
