"""`failspec check`: exit codes, text and JSON output, --save, --check, spec errors.

Two layers: the first runs the real parser and engine on the contract's first
example; the second replaces `load` and `check` inside the CLI with fakes, so
that the verdict-to-exit-code mapping, the layout and the report format are
pinned down independently of the engine (with goldens under
`counterexamples/golden/`, rewritten by `pytest --update-goldens`).
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

import failspec.api
import failspec.commands_check
from failspec import CheckResult
from failspec.checker import ir
from failspec.checker.engine import Verdict
from failspec.cli import main
from failspec.counterexamples.report import REPORT_FORMAT, report_to_json
from failspec.counterexamples.trace import (
    TRACE_FORMAT,
    Down,
    Fault,
    Trace,
    TraceEvent,
    TraceFault,
    Violation,
    ViolationKind,
    trace_to_json,
)

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "models" / "examples" / "atm-network.fspec"
GOLDEN_DIR = REPO / "counterexamples" / "golden"
CHECK_NAME = "no single device failure retains customer cards"
RESULT_KEYS = [
    "file",
    "line",
    "model",
    "check",
    "verdict",
    "reason",
    "holds_up_to",
    "engine",
    "seconds",
    "counterexample",
]


def run(argv: Sequence[str]) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def without_timings(text: str) -> str:
    return re.sub(r"\(\d+\.\d\ds\)", "(T)", text)


AssertGolden = Callable[[Path, str], None]
"""The `assert_golden` fixture of tests/conftest.py (rewrites with --update-goldens)."""


def example_with(tmp_path: Path, check_block: str, horizon: str = "10m") -> Path:
    """The contract's first example with another horizon and `check_block` for its check."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("horizon 1h ", f"horizon {horizon} ", 1)
    text = text[: text.index("check ")] + check_block
    path = tmp_path / "variant.fspec"
    path.write_text(text, encoding="utf-8")
    return path


# --- the real parser and engine -------------------------------------------------------


def test_the_contract_example_is_violated_with_exit_1() -> None:
    code, out, err = run(["check", str(EXAMPLE)])
    assert code == 1, err
    assert err == ""
    lines = out.split("\n")
    assert lines[0] == f"{EXAMPLE}  (model atm_network)"
    assert lines[1] == f"  ✗ violated  {CHECK_NAME}"
    assert "      fault nw_card_a.flap at 00:00:00" in lines
    assert "      VIOLATED at 00:00:00: never atm.retain" in lines
    assert out.endswith("1 check: 0 holds, 1 violated\n")
    assert all(line == line.rstrip() for line in lines)


def test_a_check_that_holds_exits_0(tmp_path: Path) -> None:
    # A crash is detected in 10s, well inside the channel's 30s timeout.
    path = example_with(
        tmp_path,
        'check "a crashing card retains no card" {\n'
        "  faults at most 1 of nw_card_a.crash, nw_card_b.crash\n"
        "  never atm.retain\n"
        "}\n",
    )
    code, out, err = run(["check", str(path)])
    # v1: the flaps no check selects are warned about on standard error (no effect on
    # the exit code)
    assert code == 0
    assert re.findall(r"warning: .*", err) == [
        "warning: no check can select fault 'nw_card_a.flap'",
        "warning: no check can select fault 'nw_card_b.flap'",
    ]
    assert re.search(r"^  ✓ holds     a crashing card retains no card$", out, re.MULTILINE)
    assert out.endswith("1 check: 1 holds, 0 violated\n")


def test_json_report_has_the_contract_fields() -> None:
    code, out, _ = run(["check", str(EXAMPLE), "--format", "json"])
    assert code == 1
    report = json.loads(out)
    assert list(report) == ["format", "results", "summary", "errors"]
    assert report["format"] == REPORT_FORMAT
    assert report["summary"] == {"checks": 1, "holds": 0, "violated": 1, "unknown": 0}
    assert report["errors"] == []
    (result,) = report["results"]
    assert list(result) == RESULT_KEYS
    assert result["file"] == str(EXAMPLE)
    assert result["model"] == "atm_network"
    assert result["check"] == CHECK_NAME
    assert result["verdict"] == "violated"
    assert result["engine"] == "explicit"
    assert isinstance(result["seconds"], float)
    trace = result["counterexample"]
    assert trace["format"] == TRACE_FORMAT
    assert [(f["component"], f["mode"], f["at"]) for f in trace["faults"]] == [
        ("nw_card_a", "flap", 0)
    ]
    violation = trace["violation"]
    assert (violation["at"], violation["kind"], violation["assertion"]) == (
        0,
        "never",
        "never atm.retain",
    )
    assert violation["window"] is None and violation["cause"]
    assert trace["events"], "a counterexample lists its events"
    for number, event in enumerate(trace["events"], start=1):
        assert list(event)[:4] == ["id", "at", "component", "kind"]
        assert event["id"] == number and list(event)[-1] == "cause"


def test_json_report_is_the_same_bytes_apart_from_seconds() -> None:
    runs = [run(["check", str(EXAMPLE), "--format", "json"])[1] for _ in range(2)]
    cleaned = [re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text) for text in runs]
    assert cleaned[0] == cleaned[1]


def test_save_writes_each_counterexample_without_timings(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for directory in (first, second):
        code, out, _ = run(["check", str(EXAMPLE), "--save", str(directory)])
        assert code == 1
        saved = directory / "atm_network--no-single-device-failure-retains-customer-cards.json"
        assert f"counterexample saved to {saved}" in out
    names = sorted(p.name for p in first.iterdir())
    stem = "atm_network--no-single-device-failure-retains-customer-cards"
    assert names == [f"{stem}.html", f"{stem}.json"]  # the viewer page beside the trace
    assert (first / names[0]).read_bytes() == (second / names[0]).read_bytes()
    names = names[1:]
    text = (first / names[0]).read_bytes()
    assert text == (second / names[0]).read_bytes()
    assert text.endswith(b"}\n") and b"seconds" not in text
    document = json.loads(text)
    assert document["format"] == TRACE_FORMAT
    assert document["check"] == CHECK_NAME
    _, report, _ = run(["check", str(EXAMPLE), "--format", "json"])
    assert document == json.loads(report)["results"][0]["counterexample"]


def test_save_writes_nothing_for_a_check_that_holds(tmp_path: Path) -> None:
    path = example_with(tmp_path, 'check "no faults" {\n  never atm.retain\n}\n')
    code, _, _ = run(["check", str(path), "--save", str(tmp_path / "out")])
    assert code == 0
    assert list((tmp_path / "out").iterdir()) == []


def test_check_selects_one_check(tmp_path: Path) -> None:
    path = example_with(
        tmp_path,
        'check "no faults" {\n  never atm.retain\n}\n'
        'check "flap" {\n  faults at most 1 of nw_card_a.flap\n  never atm.retain\n}\n',
    )
    code, out, _ = run(["check", str(path), "--check", "no faults"])
    assert code == 0
    assert "no faults" in out and "flap" not in out
    code, out, _ = run(["check", str(path), "--check", "flap", "--format", "json"])
    assert code == 1
    assert [r["check"] for r in json.loads(out)["results"]] == ["flap"]


def test_an_unknown_check_name_is_exit_2_with_the_names_there_are() -> None:
    code, out, err = run(["check", str(EXAMPLE), "--check", "no such check"])
    assert code == 2
    assert out == ""
    assert err == (
        f'failspec: no check named "no such check" in {EXAMPLE}; the checks are: "{CHECK_NAME}"\n'
    )


def test_an_unreadable_file_is_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.fspec"
    code, out, err = run(["check", str(missing)])
    assert code == 2
    assert out == ""
    assert err.startswith(f"{missing}:1:1: cannot read the model: ")
    assert "Traceback" not in err
    code, _, err = run(["check", str(tmp_path)])
    assert code == 2 and err.startswith(f"{tmp_path}:1:1: cannot read the model: ")


def test_a_spec_error_is_rendered_with_its_source_line_and_a_caret(tmp_path: Path) -> None:
    path = tmp_path / "bad.fspec"
    text = EXAMPLE.read_text(encoding="utf-8").replace("primary nw_card_a", "primary nw_card_c")
    path.write_text(text, encoding="utf-8")
    line = text.split("\n").index("  primary nw_card_c") + 1
    code, out, err = run(["check", str(path)])
    assert code == 2
    assert out == ""
    lines = err.split("\n")
    assert re.match(rf"{re.escape(str(path))}:{line}:11: .*nw_card_c", lines[0]), lines[0]
    assert lines[1] == "      primary nw_card_c"
    assert lines[2] == "    " + " " * 10 + "^~~~~~~~~"
    assert err.endswith("failspec: 1 spec error; nothing checked\n")
    assert "Traceback" not in err


def test_a_syntax_error_is_rendered_with_a_caret_and_nothing_is_checked(tmp_path: Path) -> None:
    good = example_with(tmp_path, 'check "no faults" {\n  never atm.retain\n}\n')
    bad = tmp_path / "syntax.fspec"
    bad.write_text("device d {\n  fault crash )\n}\n", encoding="utf-8")
    code, out, err = run(["check", str(good), str(bad)])
    assert code == 2
    assert out == ""
    first = err.split("\n")[0]
    assert re.match(rf"{re.escape(str(bad))}:2:\d+: ", first), first
    assert re.search(r"^    \s*\^~*$", err, re.MULTILINE)
    assert "Traceback" not in err


def test_spec_errors_go_into_the_json_report_too(tmp_path: Path) -> None:
    bad = tmp_path / "syntax.fspec"
    bad.write_text("device d {\n  fault crash )\n}\n", encoding="utf-8")
    code, out, _ = run(["check", str(bad), "--format", "json"])
    assert code == 2
    report = json.loads(out)
    assert report["results"] == []
    (error,) = report["errors"][:1]
    assert (error["file"], error["line"]) == (str(bad), 2)
    assert list(error) == ["file", "line", "column", "end_line", "end_column", "message", "hint"]


def test_version() -> None:
    code, out, err = run(["--version"])
    assert (code, out, err) == (0, f"failspec {failspec.__version__}\n", "")


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["check"],
        ["cutsets", str(EXAMPLE)],
        ["check", str(EXAMPLE), "--engine", "nope"],
        ["check", str(EXAMPLE), "--format", "xml"],
        ["check", str(EXAMPLE), "--timeout", "0"],
        ["check", str(EXAMPLE), "--timeout", "soon"],
    ],
)
def test_bad_arguments_are_exit_2_with_usage(argv: list[str]) -> None:
    code, out, err = run(argv)
    assert code == 2
    assert out == ""
    assert err.startswith("usage: failspec")
    assert "Traceback" not in err


# --- fakes: the mapping from verdicts to output and exit codes ------------------------


def fake_trace(model: str, check: str) -> Trace:
    return Trace(
        model=model,
        title=None,
        check=check,
        horizon=3600,
        faults=(TraceFault(2, "nw_card_a", "flap", 0, None),),
        events=(
            TraceEvent(1, 0, "nw_card_a", Fault("flap", None, False)),
            TraceEvent(2, 0, "nw_link", Down(), (1,)),
        ),
        violation=Violation(0, ViolationKind.NEVER, "never atm.retain", (2,)),
    )


def fake_model(file: str, name: str, checks: Sequence[str]) -> ir.Model:
    return ir.Model(
        name=name,
        title=None,
        file=file,
        horizon=3600,
        components=(),
        order=(),
        faults=(),
        checks=tuple(ir.Check(c, 10 + i, 1, (), ()) for i, c in enumerate(checks)),
    )


def fake_result(model: ir.Model, check: ir.Check, verdict: str) -> CheckResult:
    return CheckResult(
        file=model.file,
        model=model.name,
        check=check.name,
        line=check.line,
        verdict=Verdict(verdict),
        engine="explicit",
        seconds=0.25,
        counterexample=fake_trace(model.name, check.name) if verdict == "violated" else None,
        reason="timeout after 5s" if verdict == "unknown" else None,
    )


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Make `failspec check FILE` load FILE's name as a list of `verdict` checks.

    A file named `a.fspec` whose fake contents are ["holds", "violated"] gets two
    checks named after their verdicts; a check named `crash` makes the engine raise.
    """
    contents: dict[str, list[str]] = {}

    def load(path: str) -> ir.Model:
        return fake_model(path, Path(path).stem, contents[path])

    def check(
        model: ir.Model,
        check_name: str | None = None,
        engine: str = "explicit",
        timeout: float | None = None,
        cache: object = None,
        jobs: int = 1,
    ) -> list[CheckResult]:
        results = []
        for item in model.checks:
            if check_name is not None and item.name != check_name:
                continue
            verdict = re.findall(r"[a-z]+", item.name)[0]
            if verdict == "crash":
                raise RuntimeError("the engine broke\nover two lines")
            results.append(fake_result(model, item, verdict))
        return results

    monkeypatch.setattr(failspec.api, "load", load)
    monkeypatch.setattr(failspec.api, "check", check)
    return contents


@pytest.mark.parametrize(
    ("verdicts", "code"),
    [
        ([], 0),
        (["holds"], 0),
        (["holds", "holds two"], 0),
        (["violated"], 1),
        (["holds", "violated"], 1),
        (["unknown"], 3),
        (["holds", "unknown"], 3),
        (["violated", "unknown"], 3),
    ],
)
def test_exit_code_follows_the_verdicts(
    fakes: dict[str, list[str]], verdicts: list[str], code: int
) -> None:
    fakes["m.fspec"] = verdicts
    assert run(["check", "m.fspec"])[0] == code


def test_text_output_layout_matches_golden(
    assert_golden: AssertGolden, fakes: dict[str, list[str]], tmp_path: Path
) -> None:
    fakes["models/a.fspec"] = ["holds", "violated", "unknown"]
    fakes["models/b.fspec"] = ["violated again", "violated: 'quoted' / slashed"]
    code, out, err = run(
        ["check", "models/a.fspec", "models/b.fspec", "--save", str(tmp_path / "out")]
    )
    assert (code, err) == (3, "")
    assert_golden(GOLDEN_DIR / "text" / "cli-check.txt", out.replace(str(tmp_path), "TMP"))
    assert out.endswith("5 checks: 1 holds, 3 violated, 1 unknown\n")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "a--violated.html",
        "a--violated.json",
        "b--violated-again.html",
        "b--violated-again.json",
        "b--violated-quoted-slashed.html",
        "b--violated-quoted-slashed.json",
    ]


def test_save_numbers_names_that_would_collide(fakes: dict[str, list[str]], tmp_path: Path) -> None:
    fakes["one/m.fspec"] = ["violated x"]
    fakes["two/m.fspec"] = ["violated X"]
    assert run(["check", "one/m.fspec", "two/m.fspec", "--save", str(tmp_path)])[0] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "m--violated-x-2.html",
        "m--violated-x-2.json",
        "m--violated-x.html",
        "m--violated-x.json",
    ]
    second = json.loads((tmp_path / "m--violated-x-2.json").read_text(encoding="utf-8"))
    assert second["check"] == "violated X"


def test_json_report_matches_golden(
    assert_golden: AssertGolden, fakes: dict[str, list[str]]
) -> None:
    fakes["models/a.fspec"] = ["holds", "violated", "unknown"]
    code, out, err = run(["check", "models/a.fspec", "--format", "json"])
    assert (code, err) == (3, "")
    assert_golden(GOLDEN_DIR / "report" / "cli-check.json", out)
    report = json.loads(out)
    assert [list(r) for r in report["results"]] == [RESULT_KEYS] * 3
    assert report["results"][2]["reason"] == "timeout after 5s"


def test_report_counterexample_is_the_trace_json() -> None:
    model = fake_model("m.fspec", "m", ["violated"])
    result = fake_result(model, model.checks[0], "violated")
    assert result.counterexample is not None
    document = report_to_json([result])
    assert document["results"][0]["counterexample"] == trace_to_json(result.counterexample)


def test_an_engine_exception_is_exit_3_in_one_line(
    fakes: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FAILSPEC_DEBUG", raising=False)
    fakes["m.fspec"] = ["crash"]
    code, _, err = run(["check", "m.fspec"])
    assert code == 3
    assert err == (
        "failspec: internal error: RuntimeError: the engine broke over two lines\n"
        "failspec: this is a bug in failspec, not in your input; please report it with the "
        "command and the files that caused it (FAILSPEC_DEBUG=1 shows the traceback)\n"
    )


def test_failspec_debug_shows_the_traceback(
    fakes: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAILSPEC_DEBUG", "1")
    fakes["m.fspec"] = ["crash"]
    code, _, err = run(["check", "m.fspec"])
    assert code == 3
    assert err.startswith("failspec: internal error: RuntimeError: the engine broke")
    assert "Traceback (most recent call last)" in err


def test_a_loader_exception_other_than_a_spec_error_is_exit_3(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def load(path: str) -> ir.Model:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(failspec.api, "load", load)
    monkeypatch.delenv("FAILSPEC_DEBUG", raising=False)
    code, out, err = run(["check", "m.fspec"])
    assert (code, out) == (3, "")
    assert err.startswith("failspec: internal error: RecursionError: maximum recursion")
    assert "Traceback" not in err


def test_auto_settles_quick_checks_in_process_and_races_the_rest() -> None:
    # docs/engines.md: 200 explicit runs settle the single-fault FX check; the two-fault
    # one needs thousands, so the engines race for it and either may win, with the
    # answer each engine gives alone
    model = failspec.load(REPO / "models" / "minori" / "before.fspec")
    results = {r.check: r for r in failspec.check(model)}
    assert results["FX remittances meet the 13:00 cutoff under any single fault"].engine == (
        "explicit"
    )
    raced = results["FX remittances meet the 13:00 cutoff under any two faults"]
    assert raced.engine in ("explicit", "smt")
    [alone] = failspec.check(model, raced.check, engine="smt")
    assert (alone.verdict, alone.counterexample) == (raced.verdict, raced.counterexample)
    # violated with no fault: one run settles it, whatever the bound
    month_end = next(c for c in model.checks if c.name.startswith("month-end"))
    widened: ir.Check = dataclasses.replace(month_end, at_most=2)
    [result] = failspec.check(dataclasses.replace(model, checks=(widened,)))
    assert (result.verdict, result.engine) == ("violated", "explicit")


def _python_prints(program: str, check: bool = True) -> str:
    """What a new Python process running `program` from the repository's root prints."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=root, check=check
    )
    return done.stdout


def test_checking_a_model_imports_neither_the_static_analysis_nor_z3() -> None:
    """Start-up (issue 15): `failspec check` on the contract's example, decided in
    process, loads only what it uses — not Z3, not the static analysis, not Open-PSA."""
    program = (
        "import sys\n"
        "from failspec.cli import main\n"
        "main(['check', 'models/examples/atm-network.fspec', '--no-cache', '-q'])\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    loaded = set(_python_prints(program, check=False).split("\n")[-2].split())
    assert "failspec.checker.explicit" in loaded  # the check was decided
    unwanted = {
        "z3",
        "failspec.checker.static_analysis",
        "failspec.checker.decision_diagrams",
        "failspec.mef_cutsets",
        "failspec.spec.openpsa_model",
    }
    assert not loaded & unwanted, sorted(loaded & unwanted)


def test_python_starts_without_an_import_hook_for_failspec() -> None:
    """Start-up (decision 67): the README's `pip install -e .` puts a plain path into
    its `.pth`, so no `__editable__` finder (and the `pathlib` it loads) is imported at
    every start of Python; nor does a normal install have one."""
    program = "import sys; print(' '.join(sorted(sys.modules)))"
    hooks = [name for name in _python_prints(program).split() if name.startswith("__editable__")]
    assert hooks == []


def test_a_static_analysis_loads_no_more_of_the_standard_library_than_it_uses() -> None:
    """Start-up: `failspec cutsets FILE.xml --static` loads neither `shutil` (with `bz2`
    and `lzma`; argparse would load it for the terminal's width), `tempfile` nor
    `traceback` (only for an internal error under FAILSPEC_DEBUG=1)."""
    program = (
        "import sys, io, contextlib\n"
        "from failspec.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['cutsets', 'bench/data/aralia/chinese.xml', '--static'])\n"
        "print(code, ' '.join(sorted(sys.modules)))\n"
    )
    code, *loaded = _python_prints(program).split()
    assert code == "1"  # the tree has cut sets
    assert not {"shutil", "tempfile", "traceback", "bz2", "lzma"} & set(loaded)


def test_help_is_as_wide_as_argparse_would_make_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """`cli.help_formatter` reads the width as `shutil.get_terminal_size` does:
    `COLUMNS` when it is a positive number, else the terminal (80 when there is none);
    argparse then leaves 2 columns."""
    import shutil

    from failspec.cli import help_formatter

    for columns in ("50", "133", "0", "wide", None):
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        expected = shutil.get_terminal_size().columns - 2
        assert help_formatter("failspec")._width == expected, columns
