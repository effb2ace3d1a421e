"""What the v1 forms cost the SMT engine: each model with them against the same model
without them, as whole processes, alternating.

The models that use the v1 forms (`open` hours, `rides out`, `recovers in`,
`detect MODE never`, assertions `during` windows or `at` an instant):

- `bench/models/atm-network-24h-v1.fspec` (the 24-hour ATM network with hours,
  a restart and a switchover configured off);
- `models/examples/exchange.fspec` (the contract's v1 example) and
  `models/examples/online-day.fspec`;
- the 100-component model of `bench_engines.py` (seed 1, K = 1 and 2) with the
  v1 forms added: ATM hours (`open 00:00..23:00 daily`), an inquiry's own
  hours (`00:00..22:00 daily`), `rides out 10s` on every service with needs and
  `recovers in 1m` on every other one, and the `never` assertion judged
  `during 00:00..23:00 daily`.

The first and the last are built so that the two variants ask the engine the
same kind of questions (their first violations lie within the hours and
windows): their ratio is what the forms cost the encoding.  In the two
examples the forms move the answer (a violation at 09:05 instead of 00:05),
so the variant with them asks about later instants; their ratio is reported
too.

"Without" is the same text with every v1 line and clause taken out (`strip_v1`);
scenario blocks and scenario checks are left out of both, as they have no v0
counterpart.  Every run is `failspec check --engine smt --jobs 1 --no-cache --format json
FILE` in a subprocess; the two variants alternate run by run, and the median of
each is reported with their ratio (with / without).  Verdicts of the two
variants may differ (the forms change the model); the script prints them.

    .venv/bin/python bench/bench_v1.py               # 5 runs of each variant
    .venv/bin/python bench/bench_v1.py --runs 9 --only atm-network-24h
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_engines import generate, machine_info
from bench_explicit import failspec_command

ROOT = Path(__file__).resolve().parent.parent

_V1_LINE = re.compile(r"^\s*(rides out|recovers in|open) .*\n|^\s*detect \w+ never.*\n", re.M)
_V1_CLAUSE = re.compile(
    r"^(\s*(?:never|always) .*?)(?: during .*| at [0-9d][^#\n]*?)(\s*(?:#.*)?)$", re.M
)
_LASTS_WINDOW = re.compile(r"^(\s*.* lasts at most \S+) during .*?(\s*(?:#.*)?)$", re.M)
_SCENARIO = re.compile(r'^scenario "[^"]*" \{\n(?:.*\n)*?\}\n', re.M)
_SCENARIO_CHECK = re.compile(r'^check "[^"]*" \{\n\s*scenario "[^"]*"\n(?:.*\n)*?\}\n', re.M)


def without_scenarios(text: str) -> str:
    """The model without its scenario blocks and scenario checks (no v0 counterpart)."""
    return _SCENARIO_CHECK.sub("", _SCENARIO.sub("", text))


def strip_v1(text: str) -> str:
    """The same model without any v1 form: no hours, no rides out or recovers in, no
    `detect MODE never` line, no assertion window."""
    text = _V1_LINE.sub("", without_scenarios(text))
    text = _V1_CLAUSE.sub(r"\1\2", text)
    return _LASTS_WINDOW.sub(r"\1\2", text)


def with_v1(text: str) -> str:
    """The bench_engines model with the v1 forms added (see the module)."""
    text = re.sub(r"(channel atm\d+ \{\n)", r"\1  open 00:00..23:00 daily\n", text)
    text = text.replace(
        "  transaction inquiry {\n", "  transaction inquiry {\n    open 00:00..22:00 daily\n"
    )
    count = 0

    def timing(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        extra = "  rides out 10s\n" + ("  recovers in 1m\n" if count % 2 == 0 else "")
        return match.group(0) + extra

    text = re.sub(r"service svc\d+ \{\n(?:  needs .*\n)+", timing, text)
    return re.sub(r"^(  never .*\.retain)$", r"\1 during 00:00..23:00 daily", text, flags=re.M)


def models(directory: Path) -> list[tuple[str, Path, Path]]:
    """(name, with v1 forms, without) model files, written into `directory`."""
    sources = {
        "atm-network-24h": (ROOT / "bench/models/atm-network-24h-v1.fspec").read_text("utf-8"),
        "exchange": (ROOT / "models/examples/exchange.fspec").read_text("utf-8"),
        "online-day": (ROOT / "models/examples/online-day.fspec").read_text("utf-8"),
        "generated-100": with_v1(generate(100, 1, [1, 2])[0]),
    }
    pairs = []
    for name, text in sources.items():
        with_path, without_path = directory / f"{name}-v1.fspec", directory / f"{name}-v0.fspec"
        with_path.write_text(without_scenarios(text), encoding="utf-8")
        without_path.write_text(strip_v1(text), encoding="utf-8")
        pairs.append((name, with_path, without_path))
    return pairs


def run_once(path: Path) -> tuple[float, list[str], float]:
    """Wall-clock seconds of one whole process, its verdicts, and the checks' seconds."""
    command = [*failspec_command(), "check", "--engine", "smt", "--jobs", "1", "--no-cache"]
    command += ["--format", "json"]
    started = time.perf_counter()
    done = subprocess.run([*command, str(path)], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{path}: exit {done.returncode}\n{done.stderr}")
    results = json.loads(done.stdout)["results"]
    return elapsed, [r["verdict"] for r in results], sum(r["seconds"] for r in results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each variant")
    parser.add_argument("--only", nargs="*", help="only these models (by name)")
    args = parser.parse_args()
    for line in machine_info():
        print(line)
    print(f"runs:    {args.runs} of each variant, alternating, after one untimed warm-up each")
    print()
    with tempfile.TemporaryDirectory() as scratch:
        print(f"models in {scratch}")
        rows = []
        for name, with_path, without_path in models(Path(scratch)):
            if args.only and name not in args.only:
                continue
            run_once(with_path), run_once(without_path)  # warm-up
            times: dict[str, list[float]] = {"with": [], "without": []}
            checks: dict[str, list[float]] = {"with": [], "without": []}
            verdicts: dict[str, list[str]] = {}
            for _ in range(args.runs):
                for variant, path in (("with", with_path), ("without", without_path)):
                    elapsed, found, seconds = run_once(path)
                    times[variant].append(elapsed)
                    checks[variant].append(seconds)
                    verdicts[variant] = found
            w, wo = statistics.median(times["with"]), statistics.median(times["without"])
            cw, cwo = statistics.median(checks["with"]), statistics.median(checks["without"])
            rows.append((name, w, wo, cw, cwo))
            print(
                f"{name:16} with {w:7.2f} s  without {wo:7.2f} s  ratio {w / wo:4.2f}   "
                f"(checks: {cw:.2f} s / {cwo:.2f} s)   verdicts {verdicts['with']} / "
                f"{verdicts['without']}",
                flush=True,
            )
        worst = max((w / wo for _, w, wo, _, _ in rows), default=0.0)
        print()
        print(f"largest ratio (whole processes): {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
