"""Time both engines (`--engine explicit`, `--engine smt`) on generated models of growing size.

Generates valid failspec models of about 10, 100 and 1,000 components (seeded):
devices with crash and flap faults, failover pairs with detect windows and a
latent `stuck` fault with manual recovery, services whose `needs` form a random
DAG (networkx), `needs any of` device groups, partitions, ATM and online-banking
channels with timeouts, a store and a few job chains with deadlines; horizon
24h. Each model has one check per hypothesis bound K (`faults at most K of
device, failover`) asserting `never atmI.retain or …` and `JOB done by T` for
the end of every job chain (`kK`). The design is redundant, so K = 1 should hold and
K >= 2 is violated (a primary crash plus its pair's stuck switchover). A second
check per K (`pK`) asserts that the first and the last ATM never retain at once:
a proof across the reopening partitions their channels go through. The engines
measured are `auto` (the default), `explicit` and `smt`.

Every (size, K, engine) is timed as a whole CLI process (`failspec check
--engine E --check kK --timeout T --format json`) in a subprocess; a run that
hits the timeout is recorded as `> T s (unknown)`, never as a figure. Runs that
finish within `--quick` seconds are repeated (median of `--runs`); slower ones
run once. Once a combination times out, larger K at that size and larger sizes
at that K are skipped for that engine (they only grow) and reported as such.
Where both engines finish, their verdicts must agree; a disagreement is
printed with the model file and check.

Models are written to a temporary directory (printed), never into the repository.

    python bench/bench_engines.py                       # sizes 10 100 1000, K 1 2 3
    python bench/bench_engines.py --sizes 10 100 --ks 1 2 --timeout 60
    python bench/bench_engines.py --write-only --outdir /tmp/models   # just the models
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
from bench_explicit import failspec_command
from bench_explicit import machine_info as explicit_machine_info

# --------------------------------------------------------------------------- models


@dataclass
class Model:
    size: int
    seed: int
    blocks: list[str] = field(default_factory=list)
    components: int = 0
    atms: list[str] = field(default_factory=list)
    deadlines: list[tuple[str, str]] = field(default_factory=list)

    def add(self, kind: str, name: str, items: list[str]) -> None:
        body = "".join(f"  {item}\n" for item in items)
        self.blocks.append(f"{kind} {name} {{\n{body}}}")
        self.components += 1


def generate(size: int, seed: int, ks: list[int], reopens: str = "1h") -> tuple[str, int]:
    """Return the source text of a model of about `size` components and its exact count."""
    rng = random.Random(seed)
    m = Model(size, seed)
    n_pairs = max(1, size // 10)
    n_any_devices = 2 * max(1, size // 20)
    n_partitions = max(1, size // 200)
    n_atms = max(1, size // 100)
    n_online = max(1, size // 200)
    n_chains = max(1, size // 100)
    jobs_per_chain = 2
    n_stores = 1
    fixed = (
        3 * n_pairs
        + n_any_devices
        + n_partitions
        + n_atms
        + n_online
        + n_chains * jobs_per_chain
        + n_stores
    )
    n_services = max(2, size - fixed)

    # Devices: the pairs' cards/controllers and the servers of `needs any of` groups.
    pairs: list[str] = []
    for i in range(n_pairs):
        for side in ("a", "b"):
            faults = ["fault crash"]
            faults.append("fault flap repair 5m" if rng.random() < 0.7 else "fault flap")
            m.add("device", f"card{i}_{side}", faults)
    for i in range(n_any_devices):
        faults = ["fault crash repair 30m" if rng.random() < 0.5 else "fault crash"]
        if rng.random() < 0.5:
            faults.append("fault flap repair 2m")
        m.add("device", f"server{i}", faults)
    # Failover pairs: detect windows shorter than the channels' 30 s timeout, so
    # one fault is ridden out; every third pair can get stuck (manual recovery).
    for i in range(n_pairs):
        items = [
            f"primary card{i}_a",
            f"secondary card{i}_b",
            f"detect crash within {rng.choice([5, 10, 15])}s",
            f"detect flap within {rng.choice([10, 20])}s",
        ]
        if i % 3 == 0:
            items += ["fault stuck", f"manual {rng.choice(['2h', '4h', '7h'])}"]
        m.add("failover", f"pair{i}", items)
        pairs.append(f"pair{i}")

    # Services: a random DAG (edge u -> v, u < v: v needs u), each service also
    # resting on a failover pair or on `needs any of` two servers.
    dag = nx.gnp_random_graph(n_services, min(1.0, 2.0 / n_services), seed=seed, directed=True)
    dag = nx.DiGraph([(u, v) for u, v in dag.edges if u < v])
    dag.add_nodes_from(range(n_services))
    assert nx.is_directed_acyclic_graph(dag)
    services = [f"svc{i}" for i in range(n_services)]
    for v in range(n_services):
        items = []
        preds = sorted(dag.predecessors(v))[:3]
        if preds:
            items.append("needs " + ", ".join(services[u] for u in preds))
        if rng.random() < 0.6:
            items.append(f"needs {rng.choice(pairs)}")
        else:
            a, b = rng.sample(range(n_any_devices), 2)
            items.append(f"needs any of server{a}, server{b}")
        m.add("service", services[v], items)

    stores = ["ledger0"]
    m.add("store", "ledger0", [f"capacity {400_000 * n_chains:_}"])  # room for every posting

    partitions = []
    for i in range(n_partitions):
        m.add(
            "partition",
            f"part{i}",
            [f"closes after {rng.choice([1000, 2000])} errors", f"reopens after {reopens}"],
        )
        partitions.append(f"part{i}")

    for i in range(n_atms):
        via = rng.choice(pairs)
        txn_calls = rng.sample(services[min(n_services // 2, n_services - 2) :], 2)
        m.add(
            "channel",
            f"atm{i}",
            [
                f"via {via}",
                f"through {rng.choice(partitions)}",
                "timeout 30s",
                f"transaction withdrawal {{\n    calls {txn_calls[0]}\n    rate 300 per minute\n  }}",
                (
                    f"transaction inquiry {{\n    calls {txn_calls[1]}\n    rate 120 per minute\n"
                    "    on comm -> give_back\n  }"
                ),
                "on comm -> retain",
                "on partition -> retain",
                "on service -> give_back",
            ],
        )
        m.atms.append(f"atm{i}")
    for i in range(n_online):
        m.add(
            "channel",
            f"online{i}",
            [
                f"via {rng.choice(pairs)}",
                f"through {rng.choice(partitions)}",
                "timeout 1m",
                f"transaction transfer {{\n    calls {rng.choice(services)}\n    rate 60 per minute\n  }}",
                "on comm -> queue",
                "on partition -> error_page",
                "on service -> error_page",
            ],
        )

    # Job chains: a posting at 09:00 writing into the ledger, then a send due at 13:00.
    for c in range(n_chains):
        start = 9 + (c % 3)
        post, send = f"posting{c}", f"fx_send{c}" if c == 0 else f"send{c}"
        m.add(
            "job",
            post,
            [
                f"at {start:02d}:00",
                "takes 2h",
                f"needs {rng.choice(services)}",
                f"writes {rng.choice([200_000, 300_000])} into {stores[0]}",
            ],
        )
        m.add("job", send, [f"after {post}", "takes 30m", f"needs {rng.choice(services)}"])
        m.deadlines.append((send, f"{start + 4:02d}:00"))

    checks = check_blocks(m, ks)
    head = (
        f'model generated_{size} "bench_engines.py: about {size} components, seed {seed}"\n'
        "horizon 24h\n"
    )
    return head + "\n" + "\n\n".join(m.blocks + checks) + "\n", m.components


def check_blocks(m: Model, ks: list[int]) -> list[str]:
    """A check per K over every ATM and job deadline (`kK`), and a pair check (`pK`)."""
    checks = []
    retain = " or ".join(f"{a}.retain" for a in m.atms)
    for k in ks:
        lines = [f"faults at most {k} of device, failover", f"never {retain}"]
        lines += [f"{job} done by {t}" for job, t in m.deadlines]
        body = "".join(f"  {line}\n" for line in lines)
        checks.append(f'check "k{k}" {{\n{body}}}')
    # The pair checks: two ATMs far apart never retain at once; proofs across the
    # reopening partitions their channels go through (the hard case at K = 2).
    first, last = m.atms[0], m.atms[-1]
    for k in ks:
        if first != last:
            body = f"  faults at most {k} of device, failover\n  never {first}.retain and {last}.retain\n"
            checks.append(f'check "p{k}" {{\n{body}}}')

    return checks


# --------------------------------------------------------------------------- timing


def machine_info() -> list[str]:
    """bench_explicit's machine lines, then the load average and the commit measured."""
    try:
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent,
        check=False,
    ).stdout.strip()
    return [*explicit_machine_info(), f"load:    {load}", f"commit:  {commit or '?'}"]


@dataclass
class Run:
    seconds: float | None  # wall clock; None when it ran out of time
    verdict: str  # holds, violated, unknown, error
    engine: str = ""
    check_seconds: float | None = None
    reason: str = ""


def run_once(model: Path, check: str, engine: str, timeout: float) -> Run:
    command = [
        *failspec_command(),
        "check",
        "--engine",
        engine,
        "--check",
        check,
        "--timeout",
        str(timeout),
        "--format",
        "json",
        "-q",
        "--no-cache",
        str(model),
    ]
    started = time.perf_counter()
    try:
        # A hard limit above --timeout: start-up and loading are outside the check's timeout.
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout + 60, check=False
        )
    except subprocess.TimeoutExpired:
        return Run(None, "unknown", engine, None, "process killed at timeout + 60 s")
    elapsed = time.perf_counter() - started
    try:
        result = json.loads(done.stdout)["results"][0]
    except (ValueError, KeyError, IndexError):
        return Run(
            elapsed,
            "error",
            engine,
            None,
            f"exit {done.returncode}: {(done.stderr or done.stdout).strip()[:300]}",
        )
    verdict = result["verdict"]
    if verdict == "unknown":
        return Run(
            None,
            "unknown",
            result.get("engine", engine),
            result.get("seconds"),
            result.get("reason") or "",
        )
    return Run(elapsed, verdict, result.get("engine", engine), result.get("seconds"))


@dataclass
class Cell:
    size: int
    k: int
    engine: str
    check: str = ""
    runs: list[Run] = field(default_factory=list)
    skipped: str = ""

    @property
    def median(self) -> float | None:
        times = [r.seconds for r in self.runs if r.seconds is not None]
        return statistics.median(times) if times and len(times) == len(self.runs) else None

    @property
    def verdict(self) -> str:
        return self.runs[0].verdict if self.runs else "skipped"

    def text(self, timeout: float) -> str:
        if self.skipped:
            return f"skipped ({self.skipped})"
        if self.verdict == "unknown":
            return f"> {timeout:g} s (unknown)"
        if self.verdict == "error":
            return f"error ({self.runs[0].reason})"
        median = self.median
        return f"{median:.2f} ({len(self.runs)} run{'s' if len(self.runs) > 1 else ''})"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--ks", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--engines", nargs="+", default=["auto", "explicit", "smt"])
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per check (120)")
    parser.add_argument("--runs", type=int, default=3, help="runs for quick cells (median; 3)")
    parser.add_argument(
        "--quick",
        type=float,
        default=20.0,
        help="a first run under this many seconds is repeated (20)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed (the size is added to it)")
    parser.add_argument(
        "--outdir",
        type=Path,
        default=None,
        help="where the models go (default: a new temporary directory)",
    )
    parser.add_argument(
        "--reopens",
        default="1h",
        help="the partitions' `reopens after` (1h; the SMT engine answers "
        "unknown when a partition may close more than 64 times in the horizon)",
    )
    parser.add_argument("--write-only", action="store_true", help="write the models and stop")
    args = parser.parse_args()

    outdir = args.outdir or Path(tempfile.mkdtemp(prefix="failspec-bench-"))
    outdir.mkdir(parents=True, exist_ok=True)
    for line in machine_info():
        print(line, flush=True)
    print(f"models:  {outdir}", flush=True)
    print(
        f"timeout: {args.timeout:g} s per check; median of {args.runs} runs when the first "
        f"takes under {args.quick:g} s, else 1 run",
        flush=True,
    )

    models: dict[int, Path] = {}
    for size in args.sizes:
        text, count = generate(size, args.seed + size, args.ks, args.reopens)
        path = outdir / f"generated-{size}.fspec"
        path.write_text(text)
        models[size] = path
        print(f"size {size}: {count} components, {path}", flush=True)
    if args.write_only:
        return 0

    cells: list[Cell] = []
    timed_out: dict[tuple[str, str], list[tuple[int, int]]] = {}
    disagreements: list[tuple[Path, str, dict[str, str]]] = []
    for size in args.sizes:
        for kind in ("k", "p"):
            for k in args.ks:
                check = f"{kind}{k}"
                if kind == "p" and f'check "{check}"' not in models[size].read_text():
                    continue
                row = [Cell(size, k, engine, check) for engine in args.engines]
                for cell in row:
                    measure(cell, models[size], args, timed_out.setdefault((cell.engine, kind), []))
                cells += row
                finished = {c.engine: c.verdict for c in row if c.verdict in ("holds", "violated")}
                if len(set(finished.values())) > 1:
                    disagreements.append((models[size], check, finished))
    print_table(cells, args.engines, args.timeout)
    if disagreements:
        print("\nVERDICT DISAGREEMENTS:")
        for path, check, found in disagreements:
            print(f"  {path} --check {check}: {found}")
        return 1
    print("\nno verdict disagreements where both engines finished")
    return 0


def measure(
    cell: Cell, model: Path, args: argparse.Namespace, timed_out: list[tuple[int, int]]
) -> None:
    """Run `cell` (repeated when quick) unless a smaller size or K of its kind timed out."""
    hit = next(((s, k) for s, k in timed_out if s <= cell.size and k <= cell.k), None)
    label = f"size {cell.size:5d} {cell.check:3s} {cell.engine:8s}"
    if hit is not None:
        cell.skipped = f"size {hit[0]}, K = {hit[1]} ran out of time"
        print(f"{label} {cell.text(args.timeout)}", flush=True)
        return
    first = run_once(model, cell.check, cell.engine, args.timeout)
    cell.runs.append(first)
    if first.seconds is not None and first.verdict != "error" and first.seconds < args.quick:
        for _ in range(args.runs - 1):
            cell.runs.append(run_once(model, cell.check, cell.engine, args.timeout))
    if first.verdict == "unknown":
        timed_out.append((cell.size, cell.k))
    reported = {r.verdict for r in cell.runs}
    extra = f"  [{first.reason}]" if first.reason else ""
    inner = "/".join(f"{r.check_seconds:.2f}" for r in cell.runs if r.check_seconds is not None)
    decided_by = ",".join(sorted({r.engine for r in cell.runs if r.engine}))
    print(
        f"{label} {cell.text(args.timeout):>24s}  verdict {','.join(sorted(reported))}  "
        f"check s {inner}  by {decided_by}{extra}",
        flush=True,
    )


def print_table(cells: list[Cell], engines: list[str], timeout: float) -> None:
    print()
    print("| components | check | verdict | " + " | ".join(f"{e} (s)" for e in engines) + " |")
    print("|---|---|---|" + "---|" * len(engines))
    rows: dict[tuple[int, str], list[Cell]] = {}
    for cell in cells:
        rows.setdefault((cell.size, cell.check), []).append(cell)
    for (size, check), group in rows.items():
        verdicts = sorted({c.verdict for c in group if c.verdict in ("holds", "violated")})
        print(
            f"| {size} | {check} | {'/'.join(verdicts) or '-'} | "
            + " | ".join(c.text(timeout) for c in group)
            + " |"
        )


if __name__ == "__main__":
    sys.exit(main())
