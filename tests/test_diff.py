"""`failspec diff`: verdict changes, checks added and removed, cut sets of order 1 and 2
that appear or disappear, exit codes, and `--base REV` in a scratch git repository
(the issue's acceptance test: removing the secondary NW card adds a single point of
failure).  Goldens under `counterexamples/golden/diff/`.
"""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from model_strategies import models

import failspec
from failspec.checker import ir
from failspec.checker.cut_sets import TimedCutSets
from failspec.checker.engine import Verdict, Witness
from failspec.cli import main
from failspec.design_diff import compare_models, verdict_from_cut_sets
from failspec.result_cache import CachedCutSets, ResultCache

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "counterexamples" / "golden" / "diff"
AssertGolden = Callable[[Path, str], None]

CHECK = "no single device failure retains customer cards"

WITH_SECONDARY = """\
model minori_like "ATMs behind a redundant pair of network cards"
horizon 1h

device nw_card_a {
  fault crash
}
device nw_card_b {
  fault crash
}

failover nw_link {
  primary nw_card_a
  secondary nw_card_b
  detect crash within 10s
}

service minori {
}

partition atm_partition {
  closes after 1000 errors
}

channel atm {
  via nw_link
  through atm_partition
  timeout 30s
  transaction withdrawal {
    calls minori
    rate 300 per minute
  }
  on comm -> retain
  on partition -> retain
  on service -> return
}

check "no single device failure retains customer cards" {
  faults at most 1 of device
  never atm.retain
}

check "the partition never closes" {
  never atm_partition.closed
}
"""

# The secondary card is gone: the link is the primary card alone.
WITHOUT_SECONDARY = (
    WITH_SECONDARY.replace("device nw_card_b {\n  fault crash\n}\n", "")
    .replace(
        "failover nw_link {\n  primary nw_card_a\n  secondary nw_card_b\n"
        "  detect crash within 10s\n}",
        "service nw_link {\n  needs nw_card_a\n}",
    )
    .replace('check "the partition never closes"', 'check "the partition stays open"')
)


def run(argv: Sequence[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def scratch_repo(tmp_path: Path) -> Path:
    """A git repository whose second commit removes the secondary NW card."""
    repo = tmp_path / "repo"
    (repo / "models").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    (repo / "models" / "bank.fspec").write_text(WITH_SECONDARY, encoding="utf-8")
    (repo / "models" / "notes.txt").write_text("not a model\n", encoding="utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "a redundant pair of network cards")
    (repo / "models" / "bank.fspec").write_text(WITHOUT_SECONDARY, encoding="utf-8")
    (repo / "models" / "notes.txt").write_text("changed\n", encoding="utf-8")
    git(repo, "commit", "-q", "-am", "save a network card")
    return repo


def test_removing_the_secondary_card_adds_a_single_point_of_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, assert_golden: AssertGolden
) -> None:
    repo = scratch_repo(tmp_path)
    monkeypatch.chdir(repo)
    code, out, err = run(["diff", "--base", "HEAD~1"])
    assert (code, err) == (1, "")
    assert "the change adds a single point of failure: nw_card_a.crash" in out
    assert f'the change breaks "{CHECK}" in models/bank.fspec, which held' in out
    assert_golden(GOLDEN / "scratch-repo.txt", out)
    code, markdown, _ = run(["diff", "--base", "HEAD~1", "--format", "markdown"])
    assert code == 1
    assert_golden(GOLDEN / "scratch-repo.md", markdown)
    code, text, _ = run(["diff", "--base", "HEAD~1", "--format", "json"])
    assert code == 1
    assert_golden(GOLDEN / "scratch-repo.json", text)
    document = json.loads(text)
    assert document["summary"]["single_points_of_failure_added"] == ["nw_card_a.crash"]
    statuses = {c["check"]: c["status"] for c in document["files"][0]["checks"]}
    assert statuses == {
        CHECK: "broken",
        "the partition stays open": "added",
        "the partition never closes": "removed",
    }
    (changed,) = [c for c in document["files"][0]["checks"] if c["status"] == "broken"]
    assert changed["cut_sets"]["appeared"] == [
        {
            "order": 1,
            "faults": ["nw_card_a.crash"],
            "movement": "needs fewer faults",
            "related": [["nw_card_a.crash", "nw_card_b.crash"]],
        }
    ]
    assert changed["cut_sets"]["disappeared"] == [
        {
            "order": 2,
            "faults": ["nw_card_a.crash", "nw_card_b.crash"],
            "movement": "needs fewer faults",
            "related": [["nw_card_a.crash"]],
        }
    ]


def test_base_compares_the_working_tree_and_respects_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = scratch_repo(tmp_path)
    monkeypatch.chdir(repo)
    # Nothing changed since HEAD: nothing compared, exit 0.
    code, out, _ = run(["diff", "--base", "HEAD"])
    assert code == 0
    assert out.startswith("no model file changed\n")
    # Put the card back in the working tree: compared with HEAD, the change fixes it.
    (repo / "models" / "bank.fspec").write_text(WITH_SECONDARY, encoding="utf-8")
    code, out, _ = run(["diff", "--base", "HEAD"])
    assert code == 0
    assert (
        "no longer a single point of failure: nw_card_a.crash "
        "(now needs a second fault: nw_card_b.crash)"
    ) in out
    assert f'the change fixes "{CHECK}"' in out
    code, out, _ = run(["diff", "--base", "HEAD", "--format", "json"])
    statuses = [c["status"] for c in json.loads(out)["files"][0]["checks"]]
    assert statuses == ["fixed", "added", "removed"]
    # A path outside the models: nothing compared.
    (repo / "other").mkdir()
    assert run(["diff", "--base", "HEAD", "other"])[0] == 0
    # A model added since the base has only added checks; a deleted one only removed.
    (repo / "models" / "new.fspec").write_text(WITH_SECONDARY, encoding="utf-8")
    git(repo, "add", "models/new.fspec")
    git(repo, "rm", "-q", "--cached", "models/bank.fspec")
    (repo / "models" / "bank.fspec").unlink()
    code, out, _ = run(["diff", "--base", "HEAD", "--format", "json"])
    files = json.loads(out)["files"]
    assert [(f["old"], f["new"]) for f in files] == [
        ("HEAD:models/bank.fspec", None),
        (None, "models/new.fspec"),
    ]
    assert {c["status"] for c in files[0]["checks"]} == {"removed"}
    assert {c["status"] for c in files[1]["checks"]} == {"added"}
    assert code == 0


def test_not_a_revision_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = scratch_repo(tmp_path)
    monkeypatch.chdir(repo)
    code, out, err = run(["diff", "--base", "no-such-rev"])
    assert (code, out) == (2, "")
    assert err.startswith("failspec: git rev-parse")


def test_two_files_a_faster_flap_detection_removes_a_single_point_of_failure(
    assert_golden: AssertGolden, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    example = (REPO / "models" / "examples" / "atm-network.fspec").read_text(encoding="utf-8")
    Path("old.fspec").write_text(example, encoding="utf-8")
    Path("new.fspec").write_text(
        example.replace("detect flap within 3m", "detect flap within 10s"), encoding="utf-8"
    )
    code, out, err = run(["diff", "old.fspec", "new.fspec"])
    assert (code, err) == (0, "")
    assert_golden(GOLDEN / "flap-detection.txt", out)
    # Removing a single point of failure makes the pairs that contain it minimal: an
    # improvement, worded as one, never "adds a pair".
    assert (
        "no longer a single point of failure: nw_card_a.flap "
        "(now needs a second fault: nw_card_b.crash, nw_card_b.flap)"
    ) in out
    assert "adds a pair" not in out and "removes a single point of failure" not in out
    # The other way round the change breaks the check and adds nw_card_a.flap, which
    # needed a second fault before.
    code, out, _ = run(["diff", "new.fspec", "old.fspec"])
    assert code == 1
    assert (
        "the change adds a single point of failure: nw_card_a.flap "
        "(before, it needed a second fault: nw_card_b.crash, nw_card_b.flap)"
    ) in out
    assert "removes a pair" not in out


def test_a_spec_error_in_the_new_version_is_exit_2(tmp_path: Path) -> None:
    old = tmp_path / "old.fspec"
    new = tmp_path / "new.fspec"
    old.write_text(WITH_SECONDARY, encoding="utf-8")
    new.write_text(WITH_SECONDARY.replace("primary nw_card_a", "primary nw_card_c"), "utf-8")
    code, out, err = run(["diff", str(old), str(new)])
    assert (code, out) == (2, "")
    assert "nw_card_c" in err and "nothing compared" in err
    assert run(["diff", str(old)])[0] == 2


def test_an_unknown_verdict_makes_the_diff_incomplete(tmp_path: Path) -> None:
    old = tmp_path / "old.fspec"
    new = tmp_path / "new.fspec"
    old.write_text(WITH_SECONDARY, encoding="utf-8")
    new.write_text(WITH_SECONDARY, encoding="utf-8")
    assert run(["diff", str(old), str(new)])[0] == 0
    # (without the cache, which knows the answers by now and needs no time)
    code, out, _ = run(["diff", str(old), str(new), "--timeout", "0.000001", "--no-cache"])
    assert code == 3
    assert "INCOMPLETE" in out


def test_a_new_pair_and_a_removed_single_point_of_failure_keep_their_words(
    tmp_path: Path,
) -> None:
    # A pair that no set of the old version contains or is contained in is "new"; a
    # single point of failure whose fault is in no new pair is "removed".
    old = tmp_path / "old.fspec"
    new = tmp_path / "new.fspec"
    old.write_text(
        "device a { fault crash }\ndevice b { fault crash }\ndevice c { fault crash }\n"
        "service s { needs a }\n"
        'check "s stays up" { faults at most 2; never s.down }\n',
        encoding="utf-8",
    )
    new.write_text(
        "device a { fault crash }\ndevice b { fault crash }\ndevice c { fault crash }\n"
        "service s { needs any of b, c }\n"
        'check "s stays up" { faults at most 2; never s.down }\n',
        encoding="utf-8",
    )
    code, out, _ = run(["diff", str(old), str(new)])
    assert code == 0
    assert "the change adds a pair: b.crash + c.crash" in out
    assert "the change removes a single point of failure: a.crash" in out
    assert "+ pair: b.crash + c.crash\n" in out
    assert "- single point of failure: a.crash\n" in out


# --- verdicts read from the cut sets ------------------------------------------------


def _timed(sets: list[tuple[int, ...]], complete: bool = True) -> TimedCutSets:
    witnesses = tuple(Witness(0, tuple(0 for _ in c)) for c in sets)
    return TimedCutSets(2, (1, 2, 3), tuple(sets), witnesses, complete)


def _bounded(at_most: int) -> ir.Check:
    return ir.Check(name="c", line=1, at_most=at_most, faults=(1, 2, 3), assertions=())


@pytest.mark.parametrize(
    ("sets", "complete", "at_most", "verdict"),
    [
        ([], True, 1, Verdict.HOLDS),
        ([(1, 2)], True, 1, Verdict.HOLDS),  # a pair does not break a single-fault check
        ([(1, 2)], True, 2, Verdict.VIOLATED),
        ([(3,), (1, 2)], True, 1, Verdict.VIOLATED),
        ([()], True, 1, Verdict.VIOLATED),  # violated with no fault at all
        ([], False, 1, None),  # cut short: nothing settled
        ([(1,)], False, 1, Verdict.VIOLATED),  # cut short, but a real violation
        ([(1, 2)], False, 1, None),
        ([], True, 3, None),  # a bound past the order searched
    ],
)
def test_a_verdict_is_read_from_the_cut_sets_where_they_settle_it(
    sets: list[tuple[int, ...]], complete: bool, at_most: int, verdict: Verdict | None
) -> None:
    assert verdict_from_cut_sets(_timed(sets, complete), _bounded(at_most)) == verdict


def test_a_scenario_check_is_never_read_from_cut_sets() -> None:
    scenario = dataclasses.replace(_bounded(1), scenario=((1, 0),))
    assert verdict_from_cut_sets(_timed([(1,)]), scenario) is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models())
def test_the_diff_gives_every_check_the_verdict_a_check_gives(text: str) -> None:
    model = failspec.loads(text, "generated.fspec")
    diffs = compare_models(model, model, engine="explicit")
    decided = {r.check: r.verdict for r in failspec.check(model, engine="explicit")}
    assert {d.check: d.new.verdict for d in diffs if d.new is not None} == decided, text


TWO_BOUNDS = """\
horizon 1h
device a {
  fault crash
}
device b {
  fault crash
}
service s {
  needs a
  needs b
}
check "one" {
  faults at most 1
  never s.down
}
check "two" {
  faults at most 2
  never s.down
}
"""


def test_checks_that_differ_in_name_and_bound_share_one_cut_set_search(tmp_path: Path) -> None:
    searched: list[str] = []

    class Counting(ResultCache):
        def keep_cut_sets(self, key: str, entry: CachedCutSets) -> None:
            searched.append(key)
            super().keep_cut_sets(key, entry)

    cache = Counting(tmp_path, failspec.__version__)
    model = failspec.loads(TWO_BOUNDS, "two.fspec")
    diffs = compare_models(model, model, cache=cache)
    assert len(searched) == 1
    assert [(d.check, d.new.verdict) for d in diffs if d.new is not None] == [
        ("one", Verdict.VIOLATED),
        ("two", Verdict.VIOLATED),
    ]
