"""failspec against SCRAM on every Open-PSA benchmark tree the repository vendors:
the 43 Aralia trees (`bench/data/aralia/`) and SCRAM's own fault-tree inputs
(`bench/data/scram/`), static minimal cut sets of order <= 4 and the exact top
probability, as whole processes.

For each tree, alternately (failspec, then scram, `--runs` times after one
untimed warm-up each):

    failspec cutsets FILES --static --max-order 4 > OUT.txt
    scram FILES -l 4 --probability true [--ccf true] -o REPORT.xml

each with a 60 s limit and its output capped at 2 GiB (RLIMIT_FSIZE: a report of
millions of cut sets must not fill a disk).  The warm-up outputs are compared:
the cut sets as a set of sets (a SHA-256 digest of the sorted names) and the
probability to the six significant digits SCRAM prints.  It prints the machine,
the date, the commit and a Markdown table: per tree the cut sets, whether they
agree, the probabilities, the median seconds of both, their ratio, and the
geometric mean of the ratios over the trees both finish.

    .venv/bin/python bench/bench_openpsa.py                 # 3 timed runs each
    .venv/bin/python bench/bench_openpsa.py --runs 1 --only edf9202 elf9601
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from bench_engines import machine_info
from bench_explicit import failspec_command

DATA = Path(__file__).resolve().parent / "data"
TIMEOUT_SECONDS = 60.0
MAX_OUTPUT_BYTES = 2 * 1024**3
ORDER = 4
SCRAM_TREES: dict[str, list[str]] = {
    "BSCU": ["BSCU/BSCU.xml"],
    "Baobab1": ["Baobab/baobab1.xml", "Baobab/baobab1-basic-events.xml"],
    "Baobab2": ["Baobab/baobab2.xml", "Baobab/baobab2-basic-events.xml"],
    "CEA9601": ["CEA9601/CEA9601.xml", "CEA9601/CEA9601-basic-events.xml"],
    "Chinese": ["Chinese/chinese.xml", "Chinese/chinese-basic-events.xml"],
    "HIPPS": ["HIPPS/HIPPS.xml"],
    "Lift": ["Lift/lift.xml"],
    "SmallTree": ["SmallTree/SmallTree.xml"],
    "Theatre": ["Theatre/theatre.xml"],
    "ThreeMotor": ["ThreeMotor/three_motor.xml"],
    "TwoTrain": ["TwoTrain/two_train.xml"],
    "TwoTrain-CCF": ["TwoTrain/common_cause.xml"],
    "ne574": ["ne574/ne574.xml"],
}


def trees() -> Iterator[tuple[str, list[str]]]:
    """(name, files) of every benchmark tree: Aralia first, then SCRAM's."""
    for path in sorted((DATA / "aralia").glob("*.xml")):
        yield path.stem, [str(path)]
    for name, files in SCRAM_TREES.items():
        yield name, [str(DATA / "scram" / f) for f in files]


@dataclass
class Run:
    seconds: float | None  # None: the time limit was hit
    returncode: int


def _cap_output() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES))


ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""Python as a user runs it: with its compiled modules cached (a session that sets
PYTHONDONTWRITEBYTECODE would make every failspec run compile its sources again)."""


def timed(command: list[str], stdout_path: Path) -> Run:
    """Run `command` once, its standard output to `stdout_path`; wall seconds.

    The wait blocks in `waitpid`, and a timer kills the process at the timeout:
    `subprocess.run(..., timeout=)` with no pipe to read polls the process instead,
    sleeping up to 50 ms between looks, so that every run that took 0.06–0.11 s
    read as 0.11–0.12 s (the small trees' times, failspec's and SCRAM's alike,
    until 2026-12-02)."""
    with stdout_path.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.DEVNULL,
            preexec_fn=_cap_output,
            env=ENVIRONMENT,
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            process.kill()

        timer = threading.Timer(TIMEOUT_SECONDS, kill)
        timer.start()
        try:
            returncode = process.wait()
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
    return Run(None, -1) if killed.is_set() else Run(seconds, returncode)


def digest(families: Iterator[list[str]]) -> tuple[int, str]:
    """The number of cut sets and a digest of the set of sets."""
    lines = sorted(" ".join(sorted(names)) for names in families)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def failspec_sets(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8") as text:
        for line in text:
            if line.startswith("  order "):
                yield line.split("  ", 2)[2].rstrip("\n").split(" + ")


def failspec_probability(path: Path) -> str | None:
    with path.open(encoding="utf-8") as text:
        for line in text:
            if not line.startswith("probability "):
                continue
            if ": between " in line:  # a rigorous interval ("... the exact value was ...")
                low, high = line.split(": between ")[1].split(" (")[0].split(" and ")
                return f"[{low}, {high}]"
            if ": exact " in line:
                return line.split(": exact ")[1].split()[0]
    return None


def scram_sets(path: Path) -> Iterator[list[str]]:
    for _event, element in ElementTree.iterparse(path):
        if element.tag == "product":
            names = []
            for child in element:
                if child.tag == "basic-event":
                    names.append(child.get("name", ""))
                elif child.tag == "ccf-event":
                    members = [e.get("name", "") for e in child]
                    names.append("[" + " ".join(members) + "]")
            yield names
            element.clear()


def scram_probability(path: Path) -> str | None:
    for _event, element in ElementTree.iterparse(path, events=("start",)):
        if element.tag == "sum-of-products":
            value = element.get("probability")
            return None if value is None else str(value)
    return None


def agrees(ours: str | None, printed: str | None) -> bool:
    """`ours` (six significant digits) rounds to SCRAM's printed value."""
    if ours is None or printed is None:
        return False
    a, b = float(ours), float(printed)
    return a == b or math.isclose(a, b, rel_tol=1e-5)


@dataclass
class Row:
    name: str
    cut_sets: str
    sets_agree: str
    ours_p: str
    scram_p: str
    p_agree: str
    ours_s: float | None
    scram_s: float | None
    ours_complete: bool  # False: failspec finished without every cut set (exit 3)


def measure(name: str, files: list[str], runs: int, directory: Path) -> Row:
    ours_out, scram_out = directory / "ours.txt", directory / "scram.xml"
    ccf = ["--ccf", "true"] if name == "TwoTrain-CCF" else []
    failspec = [*failspec_command(), "cutsets", *files, "--static", "--max-order", str(ORDER)]
    scram = ["scram", *files, "-l", str(ORDER), "--probability", "true", *ccf, "-o", str(scram_out)]
    first_ours = timed(failspec, ours_out)
    first_scram = timed(scram, directory / "scram-stdout.txt")
    ours_ok = first_ours.seconds is not None and first_ours.returncode in (0, 1, 3)
    ours_complete = first_ours.returncode in (0, 1)
    scram_ok = first_scram.seconds is not None and first_scram.returncode == 0
    ours_digest = digest(failspec_sets(ours_out)) if ours_ok and ours_complete else None
    scram_digest = digest(scram_sets(scram_out)) if scram_ok else None
    ours_p = failspec_probability(ours_out) if ours_ok else None
    scram_p = scram_probability(scram_out) if scram_ok else None
    ours_times: list[float] = []
    scram_times: list[float] = []
    for _ in range(runs):
        if ours_ok:
            run = timed(failspec, ours_out)
            ours_ok = run.seconds is not None
            if run.seconds is not None:
                ours_times.append(run.seconds)
        if scram_ok:
            run = timed(scram, directory / "scram-stdout.txt")
            scram_ok = run.seconds is not None
            if run.seconds is not None:
                scram_times.append(run.seconds)
    count = "—" if ours_digest is None else f"{ours_digest[0]:,}"
    if ours_digest is None or scram_digest is None:
        same = "—"
    else:
        same = "yes" if ours_digest == scram_digest else "**no**"
    p_same = (
        "—"
        if ours_p is None or scram_p is None
        else ("yes" if agrees(ours_p, scram_p) else "**no**")
    )
    return Row(
        name,
        count,
        same,
        ours_p or "none",
        scram_p or "none",
        p_same,
        statistics.median(ours_times) if ours_ok and ours_times else None,
        statistics.median(scram_times) if scram_ok and scram_times else None,
        ours_complete,
    )


ISSUE_15_TREES = ("Baobab1", "Baobab2", "Chinese")


def peak_rss_kb(command: list[str], stdout_path: Path) -> int:
    """The peak resident memory (KiB) of one run of `command` (GNU time's %M)."""
    report = stdout_path.with_suffix(".rss")
    with stdout_path.open("wb") as out:
        subprocess.run(
            ["/usr/bin/time", "-o", str(report), "-f", "%M", *command],
            stdout=out,
            stderr=subprocess.DEVNULL,
            timeout=TIMEOUT_SECONDS,
            preexec_fn=_cap_output,
            env=ENVIRONMENT,
            check=False,
        )
    return int(report.read_text().split()[-1])


def static_speed(runs: int, directory: Path, order: int = 20) -> None:
    """Issue 15's measurement: the minimal cut sets up to `order` (20: every one) of
    Baobab1, Baobab2 and Chinese, text and JSON, against `scram -l ORDER --probability
    true`, one alternating run; the median seconds, the ratio and the peak memory of
    each."""
    print(
        "| tree | cut sets | failspec text (s) | failspec JSON (s) | SCRAM (s) "
        "| text / SCRAM | JSON / SCRAM | JSON peak RSS (MB) | SCRAM peak RSS (MB) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name in ISSUE_15_TREES:
        files = [str(DATA / "scram" / f) for f in SCRAM_TREES[name]]
        base = [*failspec_command(), "cutsets", *files, "--static", "--max-order", str(order)]
        scram_run = ["scram", *files, "-l", str(order), "--probability", "true"]
        commands = {
            "text": base,
            "json": [*base, "--format", "json"],
            "scram": [*scram_run, "-o", str(directory / "r.xml")],
        }
        times: dict[str, list[float]] = {k: [] for k in commands}
        for run in range(runs + 1):
            for key, command in commands.items():
                done = timed(command, directory / f"{key}.out")
                if run and done.seconds is not None:
                    times[key].append(done.seconds)
        count = sum(1 for _ in failspec_sets(directory / "text.out"))
        ours_json = peak_rss_kb(commands["json"], directory / "json.out") / 1024
        theirs = peak_rss_kb(commands["scram"], directory / "scram.out") / 1024
        text, json_, scram = (statistics.median(times[k]) for k in commands)
        print(
            f"| {name} | {count:,} | {text:.3f} | {json_:.3f} | {scram:.3f} | {text / scram:.2f} "
            f"| {json_ / scram:.2f} | {ours_json:.0f} | {theirs:.0f} |",
            flush=True,
        )


def _seconds(value: float | None) -> str:
    return f"> {TIMEOUT_SECONDS:.0f} s" if value is None else f"{value:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (default 3)")
    parser.add_argument("--only", nargs="*", help="only these trees (names)")
    parser.add_argument(
        "--static-speed",
        action="store_true",
        help="issue 15's measurement instead: Baobab1, Baobab2, Chinese, order 20, text and JSON",
    )
    parser.add_argument(
        "--static-order",
        type=int,
        default=20,
        help="with --static-speed: the order limit of both tools (default 20: every cut set)",
    )
    args = parser.parse_args()
    if shutil.which("scram") is None:
        print("bench: scram is not installed (apt-get install scram)", file=sys.stderr)
        return 1
    for line in machine_info():
        print(line)
    if args.static_speed:
        print(
            f"runs:    {args.runs} of each, alternating, after one warm-up; medians; "
            f"order <= {args.static_order}"
        )
        print()
        with tempfile.TemporaryDirectory(prefix="failspec-bench-openpsa-") as name:
            static_speed(args.runs, Path(name), args.static_order)
        return 0
    print(
        f"runs:    {args.runs} of each, alternating, after one warm-up; medians; order <= {ORDER}"
    )
    print()
    print(
        "| tree | cut sets | agree | failspec P | SCRAM P | agree | failspec (s) | SCRAM (s) | ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    ratios: list[float] = []
    with tempfile.TemporaryDirectory(prefix="failspec-bench-openpsa-") as name:
        directory = Path(name)
        for tree, files in trees():
            if args.only and tree not in args.only:
                continue
            row = measure(tree, files, args.runs, directory)
            ratio = "—"
            ours_s = _seconds(row.ours_s)
            if row.ours_s is not None and not row.ours_complete:
                ours_s += " (incomplete)"
            elif row.ours_s is not None and row.scram_s is not None:
                ratios.append(row.ours_s / row.scram_s)
                ratio = f"{ratios[-1]:.2f}"
            print(
                f"| {row.name} | {row.cut_sets} | {row.sets_agree} | {row.ours_p} | {row.scram_p} "
                f"| {row.p_agree} | {ours_s} | {_seconds(row.scram_s)} | {ratio} |",
                flush=True,
            )
    if ratios:
        mean = math.exp(math.fsum(math.log(r) for r in ratios) / len(ratios))
        print(
            f"\ngeometric mean of failspec / SCRAM over {len(ratios)} trees both finish: {mean:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
