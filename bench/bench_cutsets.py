"""Static minimal cut sets: `failspec cutsets --static` against `scram --mocus`, as processes.

For each size (basic events) it generates a static model (a random, layered
fault tree: devices with one fault each, services over 2-4 inputs as OR, AND
or 2-out-of-3 votes, with shared inputs), exports it with `failspec export
--static`, then times, alternately and after one untimed warm-up each,

    failspec cutsets MODEL --static --top top --max-order 2 --format json
    scram --mocus -l 2 TREE.xml -o REPORT.xml

as whole processes (start-up included), checks that both found the same
number of minimal cut sets, and prints the median times and their ratio.

    .venv/bin/python bench/bench_cutsets.py                 # sizes 50 .. 5000
    .venv/bin/python bench/bench_cutsets.py --sizes 50 500 --runs 3
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.etree import ElementTree

from bench_explicit import use_bytecode_cache

SIZES = (50, 200, 1000, 2000, 5000)


def generate(events: int, seed: int) -> str:
    """A layered random fault tree over `events` devices; the last service is `top`."""
    rng = random.Random(seed)
    lines = [f"model bench_{events}", ""]
    layer = []
    for i in range(events):
        lines.append(f"device d{i} {{\n  fault failure probability 1e-3\n}}")
        layer.append(f"d{i}")
    gate = 0
    while len(layer) > 1:
        rng.shuffle(layer)
        above: list[str] = []
        i = 0
        while i < len(layer):
            width = min(rng.randint(2, 4), len(layer) - i)
            members = layer[i : i + width]
            i += width
            if rng.random() < 0.1 and len(above) > 0:
                members.append(rng.choice(layer))  # a shared input
                members = list(dict.fromkeys(members))
            name = f"g{gate}"
            gate += 1
            form = rng.random()
            if len(members) == 1:
                need = f"needs {members[0]}"
            elif form < 0.7:
                need = f"needs {', '.join(members)}"
            elif form < 0.95 or len(members) < 3:
                need = f"needs any of {', '.join(members)}"
            else:
                need = f"needs {len(members) - 1} of {', '.join(members)}"
            lines.append(f"service {name} {{\n  {need}\n}}")
            above.append(name)
        layer = above
    lines.append(f"service top {{\n  needs {layer[0]}\n}}")
    return "\n".join(lines) + "\n"


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    return time.perf_counter() - started, done


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--failspec", default=str(Path(sys.executable).parent / "failspec"))
    args = parser.parse_args()
    if shutil.which("scram") is None:
        print("bench: scram is not installed (apt-get install scram)", file=sys.stderr)
        return 1
    print(f"# {use_bytecode_cache()}")
    print(
        f"# {platform.uname().system} {platform.uname().release} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{datetime.date.today().isoformat()}"
    )
    print(
        "| basic events | minimal cut sets (order <= 2) | failspec (s) | scram (s) | failspec / scram |"
    )
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="failspec-bench-") as directory:
        for size in args.sizes:
            model = Path(directory) / f"bench-{size}.fspec"
            model.write_text(generate(size, seed=size), encoding="utf-8")
            tree = Path(directory) / f"bench-{size}.xml"
            report = Path(directory) / f"bench-{size}-report.xml"
            export = [
                args.failspec,
                "export",
                str(model),
                "--static",
                "--top",
                "top",
                "-o",
                str(tree),
            ]
            subprocess.run(export, check=True)
            ours = [
                args.failspec,
                "cutsets",
                str(model),
                "--static",
                "--top",
                "top",
                "--max-order",
                "2",
                "--format",
                "json",
            ]
            theirs = ["scram", "--mocus", "-l", "2", str(tree), "-o", str(report)]
            timed(ours)
            timed(theirs)
            ours_times, theirs_times = [], []
            for _ in range(args.runs):
                seconds, done = timed(ours)
                if done.returncode not in (0, 1):
                    print(done.stderr, file=sys.stderr)
                    return 1
                ours_times.append(seconds)
                count = len(json.loads(done.stdout)["cut_sets"])
                seconds, done = timed(theirs)
                if done.returncode != 0 or report.stat().st_size > 256 * 1024 * 1024:
                    print(done.stderr, file=sys.stderr)
                    return 1
                theirs_times.append(seconds)
            products = ElementTree.parse(report).getroot().find("./results/sum-of-products")
            assert products is not None
            if int(products.get("products", "0")) != count:
                print(
                    f"bench: {size} events: failspec {count} cut sets, scram "
                    f"{products.get('products')}",
                    file=sys.stderr,
                )
                return 1
            a, b = statistics.median(ours_times), statistics.median(theirs_times)
            print(f"| {size} | {count} | {a:.3f} | {b:.3f} | {a / b:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
