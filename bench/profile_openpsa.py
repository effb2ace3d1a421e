"""Where the time of `failspec cutsets TREE.xml --static` goes, stage by stage, in
process (one run each; seconds): reading the MEF files, the PDAG, preprocessing
(coalescing and modules), the variable order, the BDDs, the probability, the ZBDDs
of minimal solutions, the expansion and sorting of the cut sets, whether a longer
minimal cut set exists (`truncated`), and writing them.

    .venv/bin/python bench/profile_openpsa.py edf9202 elf9601       # Aralia names
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from failspec.checker import static_analysis as sa
from failspec.checker.openpsa_tree import static_problem
from failspec.checker.pdag import preprocess, variable_order
from failspec.counterexamples.static_report import StaticReport, write_static_text
from failspec.spec.openpsa_model import read_model

DATA = Path(__file__).resolve().parent / "data" / "aralia"


def profile(name: str, order: int = 4) -> str:
    stamps: list[tuple[str, float]] = [("start", time.perf_counter())]

    def mark(stage: str) -> None:
        stamps.append((stage, time.perf_counter()))

    model = read_model([str(DATA / f"{name}.xml")])
    mark("read")
    problem = static_problem(model, None, 8760.0)
    mark("pdag")
    graph = preprocess(problem.graph)
    mark("preprocess")
    variable_order(graph)
    mark("order")
    diagram = sa.build_diagrams(problem.graph)  # preprocesses and orders again
    mark("bdd+")
    p = [x if x is not None else 0.0 for x in problem.probabilities]
    sa.probabilities(diagram, p)
    mark("probability")
    families = sa.CutSetFamilies(diagram, order)
    mark("zbdd")
    cut_sets = families.top_sets()
    mark("expand+sort")
    _ = families.longer_seen or sa.longer_cut_set_exists(diagram, order, families)
    mark("truncated")
    names = ("", *problem.names)
    report = StaticReport(
        (name,), problem.top, order, names, cut_sets, 0.5, None, (), 8760.0, None, ()
    )
    write_static_text(report, io.StringIO())
    mark("write")
    prep = stamps[3][1] - stamps[2][1] + stamps[4][1] - stamps[3][1]
    parts = []
    for (_, before), (stage, after) in zip(stamps, stamps[1:], strict=False):
        seconds = after - before - (prep if stage == "bdd+" else 0.0)
        parts.append(f"{stage.rstrip('+')} {seconds:.2f}")
    size = f"{len(diagram.bdd):,} BDD nodes, {len(diagram.roots)} modules, {len(families.zbdd):,} ZBDD nodes"
    return f"| {name} | {len(cut_sets):,} | {' · '.join(parts)} | {size} |"


if __name__ == "__main__":
    for tree in sys.argv[1:]:
        print(profile(tree), flush=True)
