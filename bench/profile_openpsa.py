"""Where the time of `failspec cutsets TREE.xml --static` goes, stage by stage, in
process (one run each; seconds), along the path `static_analysis.analyse` takes:
reading the MEF files, the PDAG, preprocessing (coalescing and modules), the BDDs
in the depth-first order (`first try`, within FIRST_TRY_NODES), and when they do not
fit, the bottom-up families (coherent trees, within QUICK_UNIONS) and the BDDs in
SCRAM's order (`bdd`); then the probability, the ZBDDs of minimal solutions, the
expansion and sorting of the cut sets, whether a longer minimal cut set exists
(`truncated`), the rare-event sum, and writing them.

    .venv/bin/python bench/profile_openpsa.py edf9202 elf9601       # Aralia names
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

from failspec.checker import static_analysis as sa
from failspec.checker.openpsa_tree import static_problem
from failspec.counterexamples.static_report import StaticReport, write_static_text
from failspec.spec.openpsa_model import read_model

DATA = Path(__file__).resolve().parent / "data" / "aralia"


def profile(name: str, order: int = 4) -> str:
    stamps: list[tuple[str, float]] = [("start", time.perf_counter())]

    def mark(stage: str) -> None:
        stamps.append((stage, time.perf_counter()))

    def row(cut_sets: str, size: str) -> str:
        parts = [
            f"{stage} {after - before:.2f}"
            for (_, before), (stage, after) in zip(stamps, stamps[1:], strict=False)
        ]
        return f"| {name} | {cut_sets} | {' · '.join(parts)} | {size} |"

    model = read_model([str(DATA / f"{name}.xml")])
    mark("read")
    problem = static_problem(model, None, 8760.0)
    mark("pdag")
    prepared = sa._prepare(problem.graph)
    mark("preprocess")
    diagram = sa._within_budget(sa._first_try, prepared, sa.NODE_BUDGET, None)
    if diagram is None:
        mark("first try (past it)")
        if problem.graph.coherent:
            found = sa._families(problem.graph, order, None, sa.QUICK_UNIONS)
            mark("bottom-up")
            if found is not None:
                return row(f"{len(found.cut_sets):,}", "bottom-up families")
        diagram = sa._within_budget(sa._second_try, prepared, sa.NODE_BUDGET, None)
        mark("bdd (SCRAM's order)")
        if diagram is None:
            return row("—", "past the node budget")
    else:
        mark("bdd")
    p = [x if x is not None else 0.0 for x in problem.probabilities]
    sa.probabilities(diagram, p)
    mark("probability")
    families = sa.CutSetFamilies(diagram, order)
    mark("zbdd")
    cut_sets = families.top_sets()
    mark("expand+sort")
    _ = families.longer_seen or sa.longer_cut_set_exists(diagram, order, families)
    mark("truncated")
    sa._rare_event(cut_sets, p)
    mark("rare event")
    names = ("", *problem.names)
    report = StaticReport(
        (name,), problem.top, order, names, cut_sets, 0.5, None, (), 8760.0, None, ()
    )
    write_static_text(report, io.StringIO())
    mark("write")
    size = f"{len(diagram.bdd):,} BDD nodes, {len(diagram.roots)} modules, {len(families.zbdd):,} ZBDD nodes"
    return row(f"{len(cut_sets):,}", size)


if __name__ == "__main__":
    for tree in sys.argv[1:]:
        print(profile(tree), flush=True)
