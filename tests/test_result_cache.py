"""The result cache (`failspec/result_cache.py`, `checker/fingerprint.py`): a check whose
dependency cone a change did not touch is answered from the cache — and only such a
check; the answer is the same bytes either way; a corrupted, foreign, stale or torn
entry is ignored and rewritten; concurrent runs leave only whole entries."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

import failspec
from failspec.api import CheckResult
from failspec.cli import main
from failspec.design_diff import compare_models
from failspec.result_cache import CachedCutSets, CachedVerdict, ResultCache

REPO = Path(__file__).resolve().parent.parent

# Four independent parts, one check each; every kind of component appears.
MODEL = """\
model parts
horizon 2h

device a1 { fault crash }
device a2 { fault crash; fault flap repair 20s }
failover pair { primary a1; secondary a2; detect crash within 10s; fault stuck; manual 5m }
service svc_a { needs pair }

device b1 { fault crash repair 1m }
program prog_b { fault defect from 00:10 until 00:20 }
partition part_b { closes after 5 errors; reopens after 10m }
channel atm { via b1; through part_b; timeout 30s
  transaction withdrawal { calls prog_b; rate 60 per minute }
  on comm -> retain
  on service -> return
}

device c1 { fault crash }
store index_c { capacity 100 }
job post_c { at 00:30; takes 20m; needs c1; writes 90 into index_c }
job send_c { after post_c; takes 10m }

device d1 { fault crash }
service svc_d { needs any of d1, svc_a }

check "A" { faults at most 1 of device; svc_a.down lasts at most 15s }
check "B" { faults at most 1; never atm.retain }
check "C" { faults at most 1 of c1; send_c done by 01:05 }
check "D" { faults at most 2 of d1, a1; never svc_d.down }
"""

CHANGES: list[tuple[str, str, str, set[str]]] = [
    # (what changes, old text, new text, the checks re-decided)
    (
        "a device's fault",
        "device a1 { fault crash }",
        "device a1 { fault crash repair 1h }",
        {"A", "D"},
    ),
    ("a fault's onset window", "from 00:10 until 00:20", "from 00:10 until 00:25", {"B"}),
    ("a failover's detect line", "detect crash within 10s", "detect crash within 12s", {"A", "D"}),
    ("a failover's manual recovery", "manual 5m", "manual 6m", {"A", "D"}),
    ("a service's needs", "needs any of d1, svc_a", "needs d1", {"D"}),
    ("a partition's closing", "closes after 5 errors", "closes after 6 errors", {"B"}),
    ("a partition's reopening", "reopens after 10m", "reopens after 11m", {"B"}),
    ("a channel's timeout", "timeout 30s", "timeout 40s", {"B"}),
    ("a channel's action", "on service -> return", "on service -> retain", {"B"}),
    ("a transaction's rate", "rate 60 per minute", "rate 61 per minute", {"B"}),
    ("a store's capacity", "capacity 100", "capacity 80", {"C"}),
    ("a job's running time", "takes 20m", "takes 21m", {"C"}),
    ("a job's records", "writes 90 into", "writes 95 into", {"C"}),
    ("a check's assertion", "send_c done by 01:05", "send_c done by 01:06", {"C"}),
    ("a check's hypothesis", "faults at most 2 of d1, a1", "faults at most 1 of d1, a1", {"D"}),
    ("the horizon", "horizon 2h", "horizon 3h", {"A", "B", "C", "D"}),
    (
        "a component added",
        "device d1 { fault crash }",
        "device d0\ndevice d1 { fault crash }",
        set(),
    ),
    (
        "a probability",
        "device c1 { fault crash }",
        "device c1 { fault crash probability 0.1 }",
        set(),
    ),
    ("a comment and a line", "model parts\n", "model parts\n# a remark\n\n", set()),
]


class CountingCache(ResultCache):
    """A result cache that counts the answers kept (each one decided anew)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, failspec.__version__)
        self.kept: list[str] = []

    def keep_verdict(self, key: str, entry: CachedVerdict) -> None:
        self.kept.append(key)
        super().keep_verdict(key, entry)

    def keep_cut_sets(self, key: str, entry: CachedCutSets) -> None:
        self.kept.append(key)
        super().keep_cut_sets(key, entry)


def decide(text: str, cache: ResultCache) -> list[CheckResult]:
    return failspec.check(failspec.loads(text, "parts.fspec"), cache=cache)


def run(argv: Sequence[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def test_the_model_decides_every_check_and_the_second_run_is_all_hits(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, failspec.__version__)
    first = decide(MODEL, cache)
    assert [r.cached for r in first] == [False] * 4
    assert {r.verdict for r in first} == {"holds", "violated"}
    second = decide(MODEL, cache)
    assert [r.cached for r in second] == [True] * 4
    for a, b in zip(first, second, strict=True):
        assert (a.verdict, a.engine, a.counterexample) == (b.verdict, b.engine, b.counterexample)


@pytest.mark.parametrize(("what", "old", "new", "affected"), CHANGES, ids=[c[0] for c in CHANGES])
def test_a_change_re_decides_exactly_the_checks_that_read_it(
    tmp_path: Path, what: str, old: str, new: str, affected: set[str]
) -> None:
    assert old in MODEL, what
    cache = ResultCache(tmp_path, failspec.__version__)
    decide(MODEL, cache)
    changed = decide(MODEL.replace(old, new, 1), cache)
    redecided = {r.check for r in changed if not r.cached}
    assert redecided == affected, what
    # and the answers from the cache are those a run without it gives
    fresh = failspec.check(failspec.loads(MODEL.replace(old, new, 1), "parts.fspec"))
    for a, b in zip(changed, fresh, strict=True):
        assert (a.verdict, a.counterexample) == (b.verdict, b.counterexample), what


def test_a_diff_re_decides_only_what_the_change_touched(tmp_path: Path) -> None:
    cache = CountingCache(tmp_path)
    old = failspec.loads(MODEL, "old.fspec")
    new = failspec.loads(MODEL.replace("capacity 100", "capacity 80"), "new.fspec")
    compare_models(old, new, cache=cache)
    # OLD's four checks and NEW's changed one are decided, each by its cut sets up to
    # order 2, which settle its verdict (bounds 1 and 2); NEW's other three are not
    assert len(cache.kept) == 5
    cache.kept.clear()
    compare_models(old, new, cache=cache)
    assert cache.kept == []


def _entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".json")


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "another key", "another version", "another kind", "no replay"],
)
def test_a_damaged_entry_is_ignored_and_rewritten(tmp_path: Path, damage: str) -> None:
    cache = ResultCache(tmp_path, failspec.__version__)
    before = decide(MODEL, cache)
    violated = [r for r in before if r.verdict == "violated"]
    assert violated
    for path in _entries(tmp_path):
        document = json.loads(path.read_text(encoding="utf-8"))
        text = path.read_text(encoding="utf-8")
        if damage == "garbage":
            path.write_bytes(b"\x00\xffnot json")
            continue
        if damage == "truncated":
            path.write_text(text[: len(text) // 2], encoding="utf-8")
            continue
        if damage == "another key":
            document["key"] = "0" * 64
        elif damage == "another version":
            document["failspec"] = "0.0.0"
        elif damage == "another kind":
            document["kind"] = "cut sets"
        elif document["result"]["verdict"] == "violated":
            # an onset that no longer violates where the entry says it does
            document["result"]["violation_at"] += 1
        path.write_text(json.dumps(document), encoding="utf-8")
    after = decide(MODEL, cache)
    for a, b in zip(before, after, strict=True):
        assert (a.verdict, a.counterexample) == (b.verdict, b.counterexample)
        if damage != "no replay" or a.verdict == "violated":
            assert not b.cached, (damage, a.check)
    # rewritten: the next run is all hits
    assert all(r.cached for r in decide(MODEL, cache))


def test_a_run_killed_mid_write_leaves_no_entry_that_is_read(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, failspec.__version__)
    decide(MODEL, cache)
    entries = _entries(tmp_path)
    # what a killed writer leaves: its temporary file, never renamed into place
    for path in entries:
        (tmp_path / f".{path.stem}.x1y2.tmp").write_text('{"format": "failspec-ca', "utf-8")
        path.unlink()
    assert [r.cached for r in decide(MODEL, cache)] == [False] * 4
    assert len(_entries(tmp_path)) == len(entries)


def test_concurrent_runs_leave_only_whole_entries(tmp_path: Path) -> None:
    model = tmp_path / "parts.fspec"
    model.write_text(MODEL, encoding="utf-8")
    folder = tmp_path / "cache"
    command = [sys.executable, "-m", "failspec", "check", str(model), "--cache", str(folder)]
    processes = [
        subprocess.Popen([*command, "--jobs", "2"], stdout=subprocess.DEVNULL) for _ in range(3)
    ]
    assert [p.wait(timeout=300) for p in processes] == [1, 1, 1]
    entries = _entries(folder)
    assert len(entries) == 4
    for path in entries:
        assert json.loads(path.read_text(encoding="utf-8"))["format"] == "failspec-cache/1"
    assert not [p for p in folder.iterdir() if p.suffix == ".tmp"]


def test_the_cli_output_is_the_same_bytes_cold_and_warm(tmp_path: Path) -> None:
    model = tmp_path / "parts.fspec"
    model.write_text(MODEL, encoding="utf-8")
    folder = str(tmp_path / "cache")
    for argv in (
        ["check", str(model), "--cache", folder],
        ["check", str(model), "--cache", folder, "--format", "sarif"],
        ["cutsets", str(model), "--check", "D", "--cache", folder, "--format", "json"],
    ):
        cold = run(argv)
        warm = run(argv)
        assert cold == warm, argv
    assert run(["check", str(model), "--cache", folder, "--no-cache"])[0] == 1


def test_the_default_cache_is_beside_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FAILSPEC_CACHE_DIR")
    model = tmp_path / "models" / "parts.fspec"
    model.parent.mkdir()
    model.write_text(MODEL, encoding="utf-8")
    assert run(["check", str(model)])[0] == 1
    assert len(_entries(tmp_path / "models" / ".failspec-cache")) == 4
    assert run(["check", str(model), "--no-cache"])[0] == 1
    unwritable = tmp_path / "file-not-folder"
    unwritable.write_text("", encoding="utf-8")
    # a cache that cannot be written is no cache: the answers are the same
    assert run(["check", str(model), "--cache", str(unwritable)])[0] == 1


def test_cut_sets_come_back_from_the_cache(tmp_path: Path) -> None:
    from failspec.api import cut_sets

    cache = ResultCache(tmp_path, failspec.__version__)
    model = failspec.loads(MODEL, "parts.fspec")
    (check_d,) = [c for c in model.checks if c.name == "D"]
    cold = cut_sets(model, check_d, 2, cache=cache)
    assert cold.cut_sets
    warm = cut_sets(model, check_d, 2, cache=cache)
    assert (cold.cut_sets, cold.witnesses, cold.engines) == (
        warm.cut_sets,
        warm.witnesses,
        warm.engines,
    )
    # a model whose faults are numbered differently maps the cached names back
    shifted = failspec.loads(MODEL.replace("device d1", "device d0 { fault x }\ndevice d1"), "p")
    (check_d,) = [c for c in shifted.checks if c.name == "D"]
    again = cut_sets(shifted, check_d, 2, cache=cache)

    def labels(cut_set: tuple[int, ...]) -> list[str]:
        return [shifted.fault(n).label for n in cut_set]

    assert [labels(c) for c in again.cut_sets] == [
        [model.fault(n).label for n in c] for c in cold.cut_sets
    ]


def test_the_environment_names_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = tmp_path / "parts.fspec"
    model.write_text(MODEL, encoding="utf-8")
    monkeypatch.setenv("FAILSPEC_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert run(["check", str(model)])[0] == 1
    assert len(_entries(tmp_path / "elsewhere")) == 4
    assert not (tmp_path / ".failspec-cache").exists()
    assert os.environ["FAILSPEC_CACHE_DIR"].endswith("elsewhere")
