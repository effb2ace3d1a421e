"""Static minimal cut sets of the Open-PSA benchmarks: `failspec cutsets --static`
against `scram`, as whole processes, on the trees Debian's `scram` ships.

For Baobab1, Baobab2 and Chinese (/usr/share/scram/input/), it imports the
tree once (`failspec import`, untimed), then times, alternately and after one
untimed warm-up each,

    failspec cutsets MODEL --static --top TOP          (order limit 20, probability)
    scram TREE.xml EVENTS.xml -o REPORT.xml            (BDD, order limit 20)
    scram TREE.xml EVENTS.xml --probability true -o REPORT.xml

as whole processes (start-up included).  failspec prints every minimal cut set
and the top probability (rare-event and exact), so the second `scram` line does
the same work.  It checks that failspec lists as many minimal cut sets as SCRAM
reports and prints the medians as a Markdown table.

    .venv/bin/python bench/bench_scram.py             # 7 runs each
    .venv/bin/python bench/bench_scram.py --runs 3
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.etree import ElementTree

from bench_engines import machine_info
from bench_explicit import failspec_command

INPUT = Path("/usr/share/scram/input")
BENCHMARKS = {
    "Baobab1": ["Baobab/baobab1.xml", "Baobab/baobab1-basic-events.xml"],
    "Baobab2": ["Baobab/baobab2.xml", "Baobab/baobab2-basic-events.xml"],
    "Chinese": ["Chinese/chinese.xml", "Chinese/chinese-basic-events.xml"],
}
MAX_REPORT = 64 * 1024 * 1024
TOP = re.compile(r"^\s*never (\w+)\.down\s*$", re.MULTILINE)


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `command` once; return its wall-clock seconds and what it did."""
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    return time.perf_counter() - started, done


def scram_version() -> str:
    done = subprocess.run(["scram", "--version"], capture_output=True, text=True, check=False)
    return " ".join(done.stdout.split()[:3]) or "scram ?"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    args = parser.parse_args()
    if shutil.which("scram") is None:
        print("bench: scram is not installed (apt-get install scram)", file=sys.stderr)
        return 1
    failspec = failspec_command()
    for line in machine_info():
        print(line)
    print(f"scram:   {scram_version()}")
    print(f"runs:    {args.runs} of each, alternating, after one warm-up; medians")
    print()
    print(
        "| benchmark | minimal cut sets | failspec (s) | scram (s) "
        "| scram --probability true (s) | failspec / scram --probability |"
    )
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="failspec-bench-scram-") as directory:
        for name, relative in BENCHMARKS.items():
            files = [str(INPUT / f) for f in relative]
            model = Path(directory) / f"{name}.fspec"
            report = Path(directory) / f"{name}-report.xml"
            subprocess.run([*failspec, "import", *files, "-o", str(model)], check=True)
            tops = TOP.findall(model.read_text(encoding="utf-8"))
            if len(tops) != 1:
                print(f"bench: {name}: expected one top gate, found {tops}", file=sys.stderr)
                return 1
            commands = {
                "failspec": [*failspec, "cutsets", str(model), "--static", "--top", tops[0]],
                "scram": ["scram", *files, "-o", str(report)],
                "scram-p": ["scram", *files, "--probability", "true", "-o", str(report)],
            }
            times: dict[str, list[float]] = {key: [] for key in commands}
            count = 0
            for run in range(args.runs + 1):
                for key, command in commands.items():
                    seconds, done = timed(command)
                    if key == "failspec":
                        ok = done.returncode == 1  # 1: some cut set
                    else:
                        ok = done.returncode == 0 and report.stat().st_size <= MAX_REPORT
                    if not ok:
                        print(f"bench: {' '.join(command)}\n{done.stderr}", file=sys.stderr)
                        return 1
                    if key == "failspec":
                        count = sum(1 for s in done.stdout.splitlines() if s.startswith("  order "))
                    if run > 0:
                        times[key].append(seconds)
            products = ElementTree.parse(report).getroot().find("./results/sum-of-products")
            assert products is not None
            if int(products.get("products", "0")) != count:
                print(
                    f"bench: {name}: failspec {count} cut sets, scram {products.get('products')}",
                    file=sys.stderr,
                )
                return 1
            ours, theirs, theirs_p = (statistics.median(times[k]) for k in commands)
            print(
                f"| {name} | {count:,} | {ours:.3f} | {theirs:.3f} | {theirs_p:.3f} "
                f"| {ours / theirs_p:.1f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
