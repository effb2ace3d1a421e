"""The same input gives byte-identical reports and counterexamples, whatever the
hash seed of the process that computed them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "models" / "examples" / "atm-network.fspec"


def _report(seed: str, tmp: Path) -> tuple[str, dict[str, bytes]]:
    save = tmp / f"save-{seed}"
    env = dict(os.environ, PYTHONHASHSEED=seed)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "failspec",
            "check",
            str(EXAMPLE),
            "--format",
            "json",
            "--save",
            str(save),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    for result in report["results"]:
        result.pop("seconds")
    files = {p.name: p.read_bytes() for p in sorted(save.iterdir())}
    return json.dumps(report, indent=2), files


def test_reports_and_saved_traces_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    first = _report("0", tmp_path)
    second = _report("12345", tmp_path)
    assert first == second
    assert first[1], "--save wrote no counterexample"
