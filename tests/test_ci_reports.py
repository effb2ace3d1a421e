"""CI reports of `failspec check`: JUnit and SARIF (against their schemas), baselines,
`--jobs` (same bytes as `--jobs 1`), `--shard` with `failspec merge`, progress lines.

The reports are made from the contract's example and the bank models of
tests/test_diff.py, copied into a scratch `models/` folder so that their paths
are relative and the goldens (`counterexamples/golden/report/`, rewritten by
`pytest --update-goldens`) do not move when the MINORI models are refined.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema
from test_diff import WITH_SECONDARY, WITHOUT_SECONDARY

from failspec.cli import main

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "tests" / "schemas"
GOLDEN = REPO / "counterexamples" / "golden" / "report"
BEFORE = "models/bank-without-card-b.fspec"  # "no single device failure…" violated
AFTER = "models/bank.fspec"  # every check holds
EXAMPLE = "models/atm-network.fspec"  # violated by nw_card_a.flap
NEW_CHECK = (
    'check "the link never goes down" {\n  faults at most 1 of device\n  never nw_link.down\n}\n'
)
MODELS = [BEFORE, AFTER, EXAMPLE]

AssertGolden = Callable[[Path, str], None]


def run(argv: Sequence[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def without_seconds(document: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = json.loads(json.dumps(document))
    for result in cleaned["results"]:
        result["seconds"] = 0
    return cleaned


def write_models(root: Path) -> None:
    (root / "models").mkdir(parents=True, exist_ok=True)
    (root / BEFORE).write_text(WITHOUT_SECONDARY, encoding="utf-8")
    (root / AFTER).write_text(WITH_SECONDARY, encoding="utf-8")
    source = REPO / "models" / "examples" / "atm-network.fspec"
    (root / EXAMPLE).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")


@pytest.fixture(autouse=True)
def in_scratch_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_models(tmp_path / "work")
    monkeypatch.chdir(tmp_path / "work")
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        (SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
    )
    return schema


@pytest.fixture(scope="module")
def junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit.xsd"))


def validate_sarif(text: str, schema: dict[str, Any]) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    validator.validate(document)
    return document


# --- JUnit ----------------------------------------------------------------------------


def test_junit_is_valid_and_matches_golden(
    junit_schema: xmlschema.XMLSchema, assert_golden: AssertGolden
) -> None:
    code, out, err = run(["check", BEFORE, EXAMPLE, "--format", "junit", "--jobs", "1"])
    assert (code, err) == (1, "")
    junit_schema.validate(out)
    assert_golden(GOLDEN / "bank-and-atm.junit.xml", out)
    assert '<testsuites name="failspec" tests="3" failures="2" errors="0">' in out
    # A failure's text is the timeline, the same as the text output's.
    assert "VIOLATED at 00:00:00: never atm.retain\n  ← atm.retain on withdrawal\n</failure>" in out


def test_junit_unknown_is_an_error_and_spec_errors_are_test_cases(
    junit_schema: xmlschema.XMLSchema, tmp_path: Path
) -> None:
    code, out, _ = run(
        ["check", BEFORE, "--format", "junit", "--timeout", "0.000001", "--jobs", "1"]
    )
    assert code == 3
    junit_schema.validate(out)
    assert 'type="unknown"' in out and "<error" in out
    bad = tmp_path / "bad.fspec"
    bad.write_text("device d {\n  fault crash )\n}\n", encoding="utf-8")
    code, out, _ = run(["check", str(bad), "--format", "junit"])
    assert code == 2
    junit_schema.validate(out)
    assert 'name="spec error at line 2"' in out


# --- SARIF ----------------------------------------------------------------------------


def test_sarif_is_valid_and_matches_golden(
    sarif_schema: dict[str, Any], assert_golden: AssertGolden
) -> None:
    code, out, err = run(["check", BEFORE, EXAMPLE, "--format", "sarif", "--jobs", "1"])
    assert (code, err) == (1, "")
    document = validate_sarif(out, sarif_schema)
    assert_golden(GOLDEN / "bank-and-atm.sarif", out)
    results = document["runs"][0]["results"]
    assert len(results) == 2  # the violations; the check that holds is no result
    flap = results[-1]
    assert flap["ruleId"] == "failspec/violated"
    region = flap["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 40}  # the check's line in atm-network.fspec
    (related,) = flap["relatedLocations"]
    assert related["physicalLocation"]["region"] == {"startLine": 4}  # device nw_card_a
    assert "nw_card_a.flap" in related["message"]["text"]
    assert "VIOLATED at 00:00:00: never atm.retain" in flap["message"]["text"]


def test_sarif_spec_errors_and_unknown_are_valid(
    sarif_schema: dict[str, Any], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.fspec"
    bad.write_text("device d {\n  fault crash )\n}\n", encoding="utf-8")
    code, out, _ = run(["check", str(bad), "--format", "sarif"])
    assert code == 2
    (result,) = validate_sarif(out, sarif_schema)["runs"][0]["results"]
    assert result["ruleId"] == "failspec/spec-error"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(
        "file:///"
    )
    code, out, _ = run(["check", EXAMPLE, "--format", "sarif", "--timeout", "0.000001"])
    assert code == 3
    (result,) = validate_sarif(out, sarif_schema)["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("failspec/unknown", "warning")


# --- baselines ------------------------------------------------------------------------


def test_a_baseline_accepts_known_violations_and_fails_on_new_ones(
    tmp_path: Path,
    sarif_schema: dict[str, Any],
    junit_schema: xmlschema.XMLSchema,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    baseline = tmp_path / "baseline.json"
    code, _, _ = run(["check", BEFORE, "--write-baseline", str(baseline), "--jobs", "1"])
    assert code == 0  # every violation of the run is now accepted
    written = json.loads(baseline.read_text(encoding="utf-8"))
    assert written["format"] == "failspec-baseline/1"
    assert [(item["file"], item["check"]) for item in written["accepted"]] == [
        (BEFORE, "no single device failure retains customer cards")
    ]

    code, out, err = run(["check", BEFORE, "--baseline", str(baseline)])
    assert (code, err) == (0, "")
    assert out.endswith("2 checks: 1 holds, 1 violated (1 accepted in the baseline)\n")
    assert out.count("  (accepted in the baseline)") == 1

    # A new violated check in the same file is not accepted (from another folder, by
    # the same relative path).
    other = tmp_path / "other"
    write_models(other)
    (other / BEFORE).write_text(WITHOUT_SECONDARY + NEW_CHECK, encoding="utf-8")
    monkeypatch.chdir(other)
    code, out, err = run(["check", BEFORE, "--baseline", str(baseline)])
    assert (code, err) == (1, "")
    assert out.count("  (accepted in the baseline)") == 1
    code, out, _ = run(["check", BEFORE, "--baseline", str(baseline), "--format", "sarif"])
    states = [r["baselineState"] for r in validate_sarif(out, sarif_schema)["runs"][0]["results"]]
    assert states == ["unchanged", "new"]
    code, out, _ = run(["check", BEFORE, "--baseline", str(baseline), "--format", "junit"])
    junit_schema.validate(out)
    assert out.count("<skipped") == 1 and out.count("<failure") == 1


def test_a_stale_baseline_entry_is_reported(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    run(["check", BEFORE, "--write-baseline", str(baseline), "--jobs", "1"])
    text = baseline.read_text(encoding="utf-8").replace(BEFORE, AFTER)
    assert AFTER in text
    baseline.write_text(text, encoding="utf-8")
    code, _, err = run(["check", AFTER, "--baseline", str(baseline)])
    assert code == 0
    assert 'the baseline accepts "no single device failure retains customer cards"' in err


def test_a_bad_baseline_is_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    code, out, err = run(["check", EXAMPLE, "--baseline", str(missing)])
    assert (code, out) == (2, "")
    assert err.startswith(f"failspec: cannot read the baseline {missing}")


# --- --jobs, --shard, merge ------------------------------------------------------------


@pytest.mark.parametrize("format", ["text", "junit", "sarif"])
def test_jobs_gives_the_same_bytes_as_one_job(format: str) -> None:
    one = run(["check", *MODELS, "--format", format, "--jobs", "1"])
    two = run(["check", *MODELS, "--format", format, "--jobs", "2"])
    assert one == two
    assert one[0] == 1


def test_three_merged_shards_equal_the_whole_run(
    tmp_path: Path, junit_schema: xmlschema.XMLSchema, sarif_schema: dict[str, Any]
) -> None:
    code, whole, _ = run(["check", *MODELS, "--format", "json"])
    assert code == 1
    shards = []
    for index in (1, 2, 3):
        code, out, _ = run(["check", *MODELS, "--shard", f"{index}/3", "--format", "json"])
        assert code in (0, 1)
        path = tmp_path / f"shard-{index}.json"
        path.write_text(out, encoding="utf-8")
        shards.append(path)
        document = json.loads(out)
        assert document["shard"]["positions"] == list(range(index - 1, 5, 3))
    sizes = [len(json.loads(p.read_text(encoding="utf-8"))["results"]) for p in shards]
    assert sizes == [2, 2, 1]
    # Given in any order, the shards merge into the whole run's report.
    code, merged, err = run(["merge", *map(str, reversed(shards))])
    assert (code, err) == (1, "")
    assert without_seconds(json.loads(merged)) == without_seconds(json.loads(whole))
    assert list(json.loads(merged)) == list(json.loads(whole))
    for format in ("junit", "sarif"):
        code, merged_text, _ = run(["merge", *map(str, shards), "--format", format])
        assert code == 1
        assert merged_text == run(["check", *MODELS, "--format", format])[1]
        if format == "junit":
            junit_schema.validate(merged_text)
        else:
            validate_sarif(merged_text, sarif_schema)


def test_merge_refuses_an_incomplete_set_of_shards(tmp_path: Path) -> None:
    path = tmp_path / "shard-1.json"
    path.write_text(run(["check", EXAMPLE, "--shard", "1/2", "--format", "json"])[1], "utf-8")
    code, out, err = run(["merge", str(path)])
    assert (code, out) == (2, "")
    assert err == "failspec: missing shard report(s): 2/2\n"
    code, _, err = run(["merge", str(path), str(path)])
    assert code == 2 and "given twice" in err
    code, _, err = run(["merge", str(tmp_path / "none.json")])
    assert code == 2 and err.startswith("failspec: cannot read")


@pytest.mark.parametrize(
    "argv", [["--shard", "0/3"], ["--shard", "4/3"], ["--shard", "x"], ["--jobs", "0"]]
)
def test_bad_ci_options_are_exit_2(argv: list[str]) -> None:
    code, out, err = run(["check", EXAMPLE, *argv])
    assert (code, out) == (2, "")
    assert err.startswith("usage: failspec")


# --- progress --------------------------------------------------------------------------


class TerminalStream(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_on_terminal(argv: Sequence[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), TerminalStream()
    code = main(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_progress_is_a_line_per_check_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run_on_terminal(["check", EXAMPLE, AFTER, "--jobs", "2"])
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 3
    assert re.fullmatch(
        r"\[1/3\] violated no single device failure retains customer cards  "
        r"\(models/atm-network\.fspec, \d+\.\d\ds\)",
        lines[0],
    ), lines[0]
    assert lines[-1].startswith("[3/3] holds    ")
    assert out == run(["check", EXAMPLE, AFTER])[1]  # stdout is untouched


def test_progress_is_quiet_in_ci_with_quiet_and_off_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run_on_terminal(["check", EXAMPLE, "--quiet"])[2] == ""
    assert run(["check", EXAMPLE])[2] == ""
    monkeypatch.setenv("CI", "true")
    assert run_on_terminal(["check", EXAMPLE])[2] == ""


def test_sarif_from_json_reports_needs_no_model_file(
    tmp_path: Path, sarif_schema: dict[str, Any]
) -> None:
    """The declaration lines SARIF points at travel in the report's traces: merging
    reports whose model files are gone gives the same SARIF (nothing is re-parsed)."""
    code, report, _ = run(["check", BEFORE, EXAMPLE, "--format", "json", "--jobs", "1"])
    assert code == 1
    _, expected, _ = run(["check", BEFORE, EXAMPLE, "--format", "sarif", "--jobs", "1"])
    path = tmp_path / "report.json"
    path.write_text(report, encoding="utf-8")
    for model in (BEFORE, EXAMPLE, AFTER):
        Path(model).unlink()
    code, merged, err = run(["merge", str(path), "--format", "sarif"])
    assert (code, err) == (1, "")
    assert merged == expected
    flap = validate_sarif(merged, sarif_schema)["runs"][0]["results"][-1]
    (related,) = flap["relatedLocations"]
    assert related["physicalLocation"]["region"] == {"startLine": 4}  # device nw_card_a
