"""`failspec diff OLD NEW` cold and warm, whole processes, default options.

Issue 15 asks for `failspec diff models/minori/before.fspec
models/minori/after.fspec` under 30 s cold on 2 cores and under 3 s when
nothing changed since the last run (the result cache warm), and the same for a
generated 100-component model where one service changes.  For each pair this
benchmark runs, `--runs` times: the diff with a new, empty cache folder
(`--cache DIR`: cold), then the same diff again with that folder (warm), and
prints the medians.  The generated pair is `bench_engines.generate(100, 101,
[1, 2])` and the same text with `rides out 5s` added to one service that needs
a failover pair (`svc5`), so that the checks whose cone holds it are re-decided
and the others are found in the cache.

    python bench/bench_diff.py --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_engines import generate, machine_info
from bench_explicit import failspec_command

REPO = Path(__file__).resolve().parent.parent
CHANGED_SERVICE = "service svc5 {\n"


def generated_pair(directory: Path) -> tuple[Path, Path]:
    """The generated 100-component model and the same with one service changed."""
    text, _ = generate(100, 101, [1, 2])
    if CHANGED_SERVICE not in text:
        raise SystemExit("bench: the generated model has no svc5 to change")
    old, new = directory / "generated-100.fspec", directory / "generated-100-changed.fspec"
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace(CHANGED_SERVICE, CHANGED_SERVICE + "  rides out 5s\n"), "utf-8")
    return old, new


def timed_diff(old: Path, new: Path, cache: Path, timeout: float) -> tuple[float, int]:
    """Seconds and exit code of one `failspec diff OLD NEW --cache CACHE`."""
    argv = [*failspec_command(), "diff", str(old), str(new), "--cache", str(cache)]
    argv += ["--timeout", str(timeout)]
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout * 8, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(argv)} exited {done.returncode}\n{done.stderr}")
    return elapsed, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="diff --timeout (seconds)")
    args = parser.parse_args()
    for line in machine_info():
        print(f"# {line}")
    print("| pair | cold (s) | warm (s) | exit |")
    print("|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="failspec-bench-diff-") as folder:
        directory = Path(folder)
        pairs = {
            "MINORI before → after": (
                REPO / "models" / "minori" / "before.fspec",
                REPO / "models" / "minori" / "after.fspec",
            ),
            "generated 100 components, one service changed": generated_pair(directory),
        }
        for index, (name, (old, new)) in enumerate(pairs.items()):
            cold: list[float] = []
            warm: list[float] = []
            codes: set[int] = set()
            for run in range(args.runs):
                cache = directory / f"cache-{index}-{run}"
                seconds, code = timed_diff(old, new, cache, args.timeout)
                cold.append(seconds)
                seconds, again = timed_diff(old, new, cache, args.timeout)
                warm.append(seconds)
                codes |= {code, again}
            print(
                f"| {name} | {statistics.median(cold):.2f} ({', '.join(f'{s:.1f}' for s in cold)})"
                f" | {statistics.median(warm):.2f} | {', '.join(map(str, sorted(codes)))} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
