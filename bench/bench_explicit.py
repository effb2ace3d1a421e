"""Time `failspec check --engine explicit` as a whole CLI process on the 24h ATM model.

Runs the console script in a subprocess several times and prints the machine,
the date and the median wall-clock time.  The model is the contract's first
example with `horizon 24h` (bench/models/atm-network-24h.fspec); its check is
violated, so every run must exit 1.

    python bench/bench_explicit.py [--runs N] [--model FILE]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL = BENCH_DIR / "models" / "atm-network-24h.fspec"
EXPECTED_EXIT = 1


def failspec_command() -> list[str]:
    """Return the `failspec` console script next to this Python, or the one on PATH."""
    beside = Path(sys.executable).parent / "failspec"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("failspec")
    if found is None:
        raise SystemExit("failspec is not installed: pip install -e . first")
    return [found]


def use_bytecode_cache() -> str:
    """Let the failspec processes the bench starts write and read Python's bytecode
    cache, as a user's do; return the header line that says so.

    A session may set PYTHONDONTWRITEBYTECODE=1 (this machine's do): then every
    process compiles failspec's modules from source, about 0.15 s that no user
    pays, and whole-process figures (start-up above all) are inflated by it."""
    was_set = os.environ.pop("PYTHONDONTWRITEBYTECODE", None) is not None
    return "bytecode: cached" + (" (PYTHONDONTWRITEBYTECODE unset for the runs)" if was_set else "")


def machine_info() -> list[str]:
    """Return `uname -a`, the CPU count, the Python version and the date, one line each,
    and the bytecode line of `use_bytecode_cache` (whose change of the environment
    every bench wants before its first run)."""
    try:
        uname = subprocess.run(["uname", "-a"], capture_output=True, text=True, check=True)
        uname_line = uname.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        uname_line = " ".join(platform.uname())
    return [
        f"machine: {uname_line}",
        f"cpus:    {os.cpu_count()}",
        f"python:  {platform.python_implementation()} {platform.python_version()}",
        f"date:    {datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M:%S UTC')}",
        use_bytecode_cache(),
    ]


def time_run(command: list[str]) -> float:
    """Run `command` once; return its wall-clock seconds; fail on an unexpected exit code."""
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if completed.returncode != EXPECTED_EXIT:
        raise SystemExit(
            f"{' '.join(command)} exited {completed.returncode}, expected {EXPECTED_EXIT}\n"
            f"{completed.stdout}{completed.stderr}"
        )
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs (default 7)")
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="the model file")
    args = parser.parse_args()
    command = [*failspec_command(), "check", "--engine", "explicit", "--no-cache", str(args.model)]
    for line in machine_info():
        print(line)
    print(f"command: {' '.join(command)}")
    time_run(command)  # warm-up: imports and file caches, not timed
    times = [time_run(command) for _ in range(args.runs)]
    print(f"runs:    {args.runs} (after one warm-up)")
    print(f"times:   {', '.join(f'{t:.3f}' for t in times)} s")
    print(f"median:  {statistics.median(times):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
