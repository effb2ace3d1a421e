"""The default engine against each engine alone: `check` and `cutsets`, whole processes.

Issue 15 asks that `failspec check` and `failspec cutsets` with the default
engine (`auto`) stay within 1.5× of the faster of the two engines.  This
benchmark times, for each model and each check, `--engine auto`, `--engine
explicit` and `--engine smt` as whole CLI processes (`--no-cache`, so nothing
is remembered between runs), in rotating order so that load on the machine
falls on all three alike, and prints the ratio of `auto` to the faster engine.

The models: MINORI before and after (`models/minori/`), the contract's example
with a 24 h horizon (`bench/models/atm-network-24h.fspec`), and a generated
family of *layered failover* models (`layered_model`): devices with two or
three fault modes each, failover pairs of devices, failover pairs of those pairs
(two nested layers), services on the top layer, a start-up job chain that must
finish by 09:00 and a broker channel through a partition; each has one check
of one fault and one of two.  A run past `--timeout` counts as `> T s`.

    python bench/bench_default.py                 # every model, both commands
    python bench/bench_default.py --layers 2 3 --runs 3 --timeout 300
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench_explicit import machine_info

REPO = Path(__file__).resolve().parent.parent
ENGINES = ("auto", "explicit", "smt")
MODES = ("crash", "flap", "memory")


def layered_model(pairs: int, seed: int) -> str:
    """A model with `pairs` failover pairs of devices under `pairs // 2` pairs of pairs."""
    rng = random.Random(seed)
    lines = [f'model layered_{pairs}_{seed} "two nested failover layers"', "horizon 12:00", ""]
    devices = []
    for i in range(2 * pairs):
        modes = MODES[: rng.choice((2, 3))]
        faults = []
        for mode in modes:
            repair = f" repair {rng.choice((2, 5, 20))}m" if mode == "flap" else ""
            faults.append(f"fault {mode}{repair}")
        name = f"dev{i}"
        devices.append((name, modes))
        lines.append(f"device {name} {{ {'; '.join(faults)} }}")
    inner = []
    for p in range(pairs):
        (primary, modes), (secondary, _) = devices[2 * p], devices[2 * p + 1]
        detects = [f"detect {m} within {rng.choice((10, 30, 90))}s" for m in modes if m != "memory"]
        if rng.random() < 0.3:
            detects.append(f"detect any within {rng.choice((2, 5))}m")
        stuck = "; fault stuck; manual 40m" if rng.random() < 0.5 else ""
        lines.append(
            f"failover pair{p} {{ primary {primary}; secondary {secondary}; "
            f"{'; '.join(detects)}{stuck} }}"
        )
        inner.append(f"pair{p}")
    outer = []
    for q in range(max(1, pairs // 2)):
        a, b = inner[(2 * q) % len(inner)], inner[(2 * q + 1) % len(inner)]
        if a == b:
            outer.append(a)
            continue
        lines.append(f"failover layer{q} {{ primary {a}; secondary {b}; detect any within 1m }}")
        outer.append(f"layer{q}")
    lines.append(f"service platform {{ needs {', '.join(outer)} }}")
    lines.append("job open_books { at 07:00; takes 40m; needs platform }")
    lines.append("job load_rates { after open_books; takes 30m; needs platform }")
    lines.append("job pre_open { after load_rates; takes 20m; needs platform }")
    lines.append("partition orders { closes after 500 errors; reopens after 10m }")
    lines.append(
        "channel brokers { via " + outer[0] + "; through orders; timeout 30s\n"
        "  transaction new_order { calls platform; rate 120 per minute }\n"
        "  on comm -> reject\n  on service -> reject\n}"
    )
    for k in (1, 2):
        lines.append(
            f'check "k{k}" {{ faults at most {k}; '
            f"pre_open done by 09:00; brokers.reject lasts at most 5m }}"
        )
    return "\n".join(lines) + "\n"


@dataclass
class Case:
    label: str
    path: Path
    command: str
    check: str
    times: dict[str, list[float | None]] = field(default_factory=dict)


def run_once(case: Case, engine: str, timeout: float) -> float | None:
    argv = [
        sys.executable,
        "-m",
        "failspec",
        case.command,
        str(case.path),
        "--check",
        case.check,
        "--engine",
        engine,
        "--no-cache",
        "--timeout",
        str(timeout),
        "--format",
        "json",
    ]
    started = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout + 30)
    except subprocess.TimeoutExpired:
        return None
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        return None
    return elapsed


def cases(layers: list[int], seeds: int, folder: Path) -> list[Case]:
    found = []
    for file in ("models/minori/before.fspec", "models/minori/after.fspec"):
        path = REPO / file
        for name in (
            "FX remittances meet the 13:00 cutoff under any two faults",
            "no single device failure retains customer cards",
        ):
            for command in ("check", "cutsets"):
                found.append(Case(f"{Path(file).stem}: {name[:28]}", path, command, name))
    for pairs in layers:
        for seed in range(1, seeds + 1):
            path = folder / f"layered-{pairs}-{seed}.fspec"
            path.write_text(layered_model(pairs, seed), encoding="utf-8")
            for k in ("k1", "k2"):
                for command in ("check", "cutsets"):
                    found.append(Case(f"layered {pairs} pairs #{seed} {k}", path, command, k))
    return found


def show(value: float | None, timeout: float) -> str:
    return f"> {timeout:.0f}" if value is None else f"{value:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--layers", type=int, nargs="+", default=[4, 6])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    for line in machine_info():
        print(line)
    folder = Path(tempfile.mkdtemp(prefix="failspec-bench-default-"))
    print(f"models in {folder}")
    results = []
    for case in cases(args.layers, args.seeds, folder):
        medians: dict[str, float | None] = {}
        runs: dict[str, list[float | None]] = {e: [] for e in ENGINES}
        for r in range(args.runs):
            order = ENGINES[r % 3 :] + ENGINES[: r % 3]  # rotate: load falls on all alike
            for engine in order:
                runs[engine].append(run_once(case, engine, args.timeout))
        for engine, values in runs.items():
            finished = [v for v in values if v is not None]
            medians[engine] = statistics.median(finished) if len(finished) == len(values) else None
        faster = min((v for e, v in medians.items() if e != "auto" and v is not None), default=None)
        ratio = None
        if faster is not None and medians["auto"] is not None:
            ratio = medians["auto"] / faster
        results.append((case, medians, ratio))
        print(
            f"{case.command:7s} {case.label:48s} "
            + "  ".join(f"{e} {show(medians[e], args.timeout):>7s}" for e in ENGINES)
            + f"  auto/faster {'-' if ratio is None else f'{ratio:.2f}'}",
            flush=True,
        )
    ratios = [r for _, _, r in results if r is not None]
    if ratios:
        print(f"\nworst auto/faster {max(ratios):.2f}, median {statistics.median(ratios):.2f}")
    print(json.dumps({"worst": max(ratios, default=None)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
