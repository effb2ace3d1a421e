"""Every command, on hostile input: no traceback, no internal error, no hang past
`--timeout` + 5 s, and no exit code outside 0–3.

The inputs: random text and random bytes, the contract's example mutated,
expressions of great length and depth, huge numbers in every place a number
goes, a large model, an empty file, a missing file, a folder; for `merge` and
`view`, reports and traces that are not JSON, not objects, or lack or mistype
their fields; for `import`, XML that is not MEF, truncated or deeply nested.
Each goes through the whole pipeline (parse, validate, lower, the engines,
the renderers), in process, through `failspec.cli.main`.  An internal error is
exit 3 too, but it is a bug: the tests fail on its message.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from failspec.cli import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = (REPO / "models" / "examples" / "atm-network.fspec").read_text(encoding="utf-8")
SHORT_EXAMPLE = EXAMPLE.replace("horizon 1h ", "horizon 5m ", 1)
TIMEOUT = 5.0
"""The `--timeout` every engine command gets; a command may take 5 s more."""

FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


def run(argv: Sequence[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    code = main(list(argv), stdout, stderr)
    elapsed = time.perf_counter() - started
    out, err = stdout.getvalue(), stderr.getvalue()
    assert "Traceback" not in out + err, err
    assert "internal error" not in err, err
    assert code in (0, 1, 2, 3), (code, err)
    assert elapsed <= TIMEOUT + 5, (argv, elapsed)
    return code, out, err


def model_commands(path: Path, other: Path) -> list[list[str]]:
    """Every command that reads a model file, with a short time limit each."""
    limit = ["--timeout", str(TIMEOUT)]
    file = str(path)
    return [
        ["check", file, *limit],
        ["check", file, "--engine", "smt", "--format", "json", *limit],
        ["check", file, "--engine", "explicit", "--format", "sarif", *limit],
        ["check", file, "--format", "junit", "--jobs", "1", *limit],
        ["cutsets", file, "--check", "c", *limit],
        ["cutsets", file, "--static", "--top", "d", "--format", "json"],
        ["fmea", file, "--format", "csv", *limit],
        ["export", file, "--check", "c", *limit],
        ["export", file, "--static", "--top", "d"],
        ["diff", str(other), file, *limit],
        ["diff", file, str(other), "--format", "json", *limit],
    ]


def run_every_model_command(tmp_path: Path, content: str | bytes) -> None:
    path = tmp_path / "fuzz.fspec"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    other = tmp_path / "other.fspec"
    other.write_text(SHORT_EXAMPLE, encoding="utf-8")
    for argv in model_commands(path, other):
        code, _, err = run(argv)
        if code == 2:
            assert err.startswith(("failspec:", str(path))), (argv, err)


# --- fixed hostile models ---------------------------------------------------------------

LONG_OR = " or ".join(["d.down"] * 2000)
DEEP_NOT = "not " * 150 + "d.down"
DEEP_MIXED = "d.down"
for _level in range(99):
    DEEP_MIXED = f"(d.up {'and' if _level % 2 else 'or'} {DEEP_MIXED})"
HUGE = "99999999999999999999999999999999"


def _model(assertion: str, hypothesis: str = "faults at most 1") -> str:
    return f'device d {{ fault crash }}\ncheck "c" {{\n  {hypothesis}\n  {assertion}\n}}\n'


def _large_model(devices: int) -> str:
    lines = [f"device d{i} {{ fault crash; fault flap repair 5s }}" for i in range(devices)]
    lines.append("device d { fault crash }")
    lines.append("service s { needs any of " + ", ".join(f"d{i}" for i in range(devices)) + " }")
    lines.append('check "c" { faults at most 2; never s.down }')
    return "\n".join(lines) + "\n"


HOSTILE_MODELS = {
    "empty": "",
    "only a comment": "# nothing here\n",
    "long or": _model(f"never {LONG_OR}"),
    "deep not": _model(f"never {DEEP_NOT}"),
    "deep mixed": _model(f"never {DEEP_MIXED}"),
    "deep parentheses": _model("never " + "(" * 3000 + "d.down" + ")" * 3000),
    "huge at most": _model("never d.down", f"faults at most {HUGE}"),
    "huge at most holding": _model("never d.down and d.up", f"faults at most {HUGE}"),
    "huge duration": _model(f"d.down lasts at most {HUGE}s"),
    "huge horizon": f"horizon {HUGE}s\n" + _model("never d.down"),
    "huge day": _model(f"never d.down\n  j done by day {HUGE} 10:00"),
    "huge capacity": "store s { capacity "
    + HUGE
    + " }\n"
    + "job j { takes 10s; writes "
    + HUGE
    + " into s }\n"
    + 'check "c" { never s.full }\n',
    "huge rate": "device d { fault crash }\npartition p { closes after "
    + HUGE
    + " errors }\n"
    + "channel ch { through p\n  transaction t { calls d; rate 1e300 per second }\n"
    + "  on service -> reject }\n"
    + 'check "c" { faults at most 1; never p.closed }\n',
    "tiny probability": "device d { fault crash probability 1e-300 }\n" + _model("never d.up", ""),
    "huge needs": "device a\ndevice b\nservice s { needs " + HUGE + " of a, b }\n",
    "many closings": "horizon 1000000000000s\ndevice d { fault crash }\nservice s { needs d }\n"
    + "partition p { closes after 1 errors; reopens after 1s }\n"
    + "channel ch { through p\n  transaction t { calls s; rate 60 per minute }\n"
    + "  on service -> reject }\n"
    + 'check "c" { faults at most 1; never ch.down and d.up }\n',
    "large model": _large_model(400),
    "nul bytes": SHORT_EXAMPLE.replace("device", "dev\x00ice", 1),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_MODELS))
def test_every_command_on_a_hostile_model(tmp_path: Path, name: str) -> None:
    run_every_model_command(tmp_path, HOSTILE_MODELS[name])


def test_every_command_on_binary_garbage(tmp_path: Path) -> None:
    run_every_model_command(tmp_path, bytes(range(256)) * 40)


def test_every_command_on_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    other = tmp_path / "other.fspec"
    other.write_text(SHORT_EXAMPLE, encoding="utf-8")
    for path in (tmp_path / "missing.fspec", tmp_path):
        for argv in model_commands(path, other):
            code, _, err = run(argv)
            assert code == 2, (argv, err)


def test_the_long_expression_is_decided_and_the_deep_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.fspec"
    path.write_text(HOSTILE_MODELS["long or"], encoding="utf-8")
    assert run(["check", str(path), "--engine", "smt"])[0] == 1
    assert run(["check", str(path), "--engine", "explicit"])[0] == 1
    path.write_text(HOSTILE_MODELS["deep not"], encoding="utf-8")
    code, _, err = run(["check", str(path)])
    assert code == 2
    assert "expression nested too deeply" in err and "^" in err


# --- generated hostile models -----------------------------------------------------------

ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz_0123456789 \n\t{}();,.:->#\"'*") + ["é", "\u2028", "\x00"]
)


@st.composite
def mutated_examples(draw: st.DrawFn) -> str:
    text = SHORT_EXAMPLE
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + text[at + draw(st.integers(1, 6)) :]
        else:
            text = text[:at] + draw(st.text(ALPHABET, min_size=1, max_size=4)) + text[at:]
    return text


@FUZZ
@given(st.text(ALPHABET, max_size=300) | st.binary(max_size=300) | mutated_examples())
def test_every_command_on_generated_input(content: str | bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        run_every_model_command(Path(directory), content)


# --- merge and view -----------------------------------------------------------------------

RESULT = {
    "file": "m.fspec",
    "line": 1,
    "model": "m",
    "check": "c",
    "verdict": "holds",
    "reason": None,
    "engine": "smt",
    "seconds": 0.1,
    "counterexample": None,
}


def _documents() -> dict[str, object]:
    report = {"format": "failspec-report/1", "results": [RESULT], "errors": []}
    broken: dict[str, object] = {
        "not an object": [1, 2],
        "no format": {"results": []},
        "another format": {"format": "failspec-trace/1"},
        "results not a list": {**report, "results": {}},
        "a result without a verdict": {**report, "results": [{"file": "m"}]},
        "a verdict of the wrong type": {**report, "results": [{**RESULT, "verdict": 3}]},
        "a line that is text": {**report, "results": [{**RESULT, "line": "x"}]},
        "a counterexample that is text": {
            **report,
            "results": [{**RESULT, "verdict": "violated", "counterexample": "x"}],
        },
        "a counterexample without fields": {
            **report,
            "results": [{**RESULT, "verdict": "violated", "counterexample": {"format": "x"}}],
        },
        "a shard of nothing": {**report, "shard": {"index": 1}},
        "errors not a list": {**report, "errors": 5},
    }
    return broken


TRACES: dict[str, object] = {
    "not an object": "trace",
    "another format": {"format": "failspec-report/1"},
    "no events": {"format": "failspec-trace/1", "model": "m", "check": "c"},
    "an instant that is text": {
        "format": "failspec-trace/1",
        "model": "m",
        "check": "c",
        "faults": [],
        "events": [{"at": "x", "component": "d", "change": "down", "cause": []}],
        "violation": {"at": 0, "assertion": "never d.down"},
    },
    "a version from the future": {"format": "failspec-trace/9"},
}


@pytest.mark.parametrize("name", sorted(_documents()))
def test_merge_refuses_a_malformed_report_in_our_words(tmp_path: Path, name: str) -> None:
    path = tmp_path / "report.json"
    path.write_text(json.dumps(_documents()[name]), encoding="utf-8")
    for fmt in ("json", "junit", "sarif"):
        code, _, err = run(["merge", str(path), "--format", fmt])
        assert code == 2, (name, err)
        assert err.startswith("failspec: ") and err.count("\n") == 1, err
        assert "Error(" not in err and "not supported between" not in err, err


@pytest.mark.parametrize("name", sorted(TRACES))
def test_view_refuses_a_malformed_trace_in_our_words(tmp_path: Path, name: str) -> None:
    path = tmp_path / "trace.json"
    path.write_text(json.dumps(TRACES[name]), encoding="utf-8")
    code, _, err = run(["view", str(path), "-o", str(tmp_path / "page.html")])
    assert code == 2, (name, err)
    assert err.startswith("failspec: "), err
    assert "Error(" not in err and "not supported between" not in err, err


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_merge_view_and_import_on_garbage(content: bytes | str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "input.json"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        for argv in (
            ["merge", str(path)],
            ["view", str(path), "-o", str(Path(directory) / "page.html")],
            ["import", str(path)],
        ):
            code, _, _ = run(argv)
            assert code == 2, argv


XML_INPUTS = {
    "not xml": "model m",
    "truncated": "<opsa-mef><define-fault-tree name='t'><define-gate name='g'><or>",
    "no tree": "<opsa-mef/>",
    "deep": "<opsa-mef><define-fault-tree name='t'><define-gate name='g'>"
    + "<or><basic-event name='a'/>" * 3000
    + "<basic-event name='b'/>"
    + "</or>" * 3000
    + "</define-gate></define-fault-tree></opsa-mef>",
    "huge number": "<opsa-mef><define-fault-tree name='t'><define-gate name='g'>"
    "<atleast min='99999999999999999999'><basic-event name='a'/><basic-event name='b'/>"
    "</atleast></define-gate></define-fault-tree></opsa-mef>",
}


@pytest.mark.parametrize("name", sorted(XML_INPUTS))
def test_import_on_hostile_xml(tmp_path: Path, name: str) -> None:
    path = tmp_path / "tree.xml"
    path.write_text(XML_INPUTS[name], encoding="utf-8")
    code, _, err = run(["import", str(path)])
    assert code in (0, 2), err
