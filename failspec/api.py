"""`load` a model file into the engine-neutral form, `check` its properties."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from failspec.checker import ir
from failspec.checker.causes import build_trace
from failspec.checker.cut_sets import TimedCutSets, timed_cut_sets
from failspec.checker.engine import Engine, InternalError, Verdict, Witness
from failspec.checker.engines import ENGINE_NAMES, engine_named
from failspec.checker.fingerprint import check_fingerprint, cut_sets_fingerprint
from failspec.checker.lowering import lower_model
from failspec.checker.simulate import violation_of
from failspec.counterexamples.trace import Trace
from failspec.parallel import run_in_order, shard_positions
from failspec.result_cache import CachedCutSet, CachedCutSets, CachedVerdict, ResultCache
from failspec.spec.errors import SpecError, SpecErrors
from failspec.spec.parser import parse_model
from failspec.spec.spans import Span
from failspec.spec.validate import validate_model

if TYPE_CHECKING:
    from failspec.counterexamples.static_report import StaticReport

ENGINES = ENGINE_NAMES

__all__ = [
    "ENGINES",
    "CheckPlan",
    "CheckResult",
    "InternalError",
    "Verdict",
    "check",
    "load",
    "loads",
    "plan_checks",
    "run_checks",
    "static_report",
]


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check: `holds`, `violated` (with its counterexample) or `unknown`."""

    file: str
    model: str
    check: str
    line: int
    verdict: Verdict
    engine: str
    """The engine that decided (`explicit` or `smt`; `auto` is never the answer)."""
    seconds: float
    counterexample: Trace | None
    reason: str | None = None
    """Why the verdict is `unknown` (the limit that was hit), in words."""
    holds_up_to: int | None = None
    """When `unknown`: no scenario of at most this many faults violates the check
    (what was proved before the limit); None when not even that is known."""
    cached: bool = False
    """Answered from the result cache (its counterexample replayed), not decided anew."""


def loads(text: str, file: str = "<string>") -> ir.Model:
    """Parse, validate and lower a model given as text; raise SpecErrors on bad input."""
    try:
        tree = parse_model(text, file)
    except SpecError as error:
        raise SpecErrors([error]) from None
    errors = validate_model(tree)
    if errors:
        raise SpecErrors(errors)
    return lower_model(tree, file)


def load(path: str | Path) -> ir.Model:
    """Read, parse, validate and lower a model file; raise SpecErrors on bad input."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise SpecErrors(
            [SpecError(Span(file, 1, 1, 1, 1), f"cannot read the model: {reason}")]
        ) from None
    return loads(text, file)


def check(
    model: ir.Model,
    check_name: str | None = None,
    engine: str = "auto",
    timeout: float | None = None,
    cache: ResultCache | None = None,
    jobs: int = 1,
) -> list[CheckResult]:
    """Check every check of `model` (or only `check_name`) and return one result each.

    `engine` is `explicit`, `smt` or `auto` (`checker/engines.py`; the result says
    which engine decided), given up to `jobs` processes for each check.  `timeout` (seconds, per check) turns an engine that runs out
    of time into an `unknown` verdict, never a guess.  With a `cache`, a check whose
    fingerprint (`checker/fingerprint.py`) is in it is answered from it, its
    counterexample replayed; a definite answer decided anew is kept there.  Raise
    KeyError for an unknown check name and ValueError for an unknown engine.
    """
    chosen = engine_named(engine, jobs)
    checks = [c for c in model.checks if check_name is None or c.name == check_name]
    if check_name is not None and not checks:
        raise KeyError(check_name)
    return [_check_one(model, item, chosen, timeout, cache) for item in checks]


def _check_one(
    model: ir.Model,
    item: ir.Check,
    chosen: Engine,
    timeout: float | None,
    cache: ResultCache | None,
) -> CheckResult:
    started = time.perf_counter()
    key = check_fingerprint(model, item, {"engine": chosen.name}) if cache else None
    if cache is not None and key is not None:
        cached = _from_cache(model, item, cache, key)
        if cached is not None:
            verdict, engine, counterexample = cached
            return _result(model, item, verdict, engine, started, counterexample, None, True)
    deadline = None if timeout is None else started + timeout
    outcome = chosen.decide(model, item, deadline)
    used = outcome.engine or chosen.name
    counterexample = None
    if outcome.scenario is not None:
        # Every counterexample is replayed by the reference simulator before it is shown.
        counterexample = build_trace(model, item, outcome.scenario)
        if counterexample.violation.at != outcome.violation_at:
            raise InternalError(
                f"check {item.name!r}: the {used} engine's counterexample violates at "
                f"{outcome.violation_at}, but its replay at {counterexample.violation.at}"
            )
    if cache is not None and key is not None and outcome.verdict != Verdict.UNKNOWN:
        scenario = tuple(
            ((model.fault(n).component_name, model.fault(n).mode), onset)
            for n, onset in sorted((outcome.scenario or {}).items())
        )
        entry = CachedVerdict(outcome.verdict.value, used, scenario, outcome.violation_at)
        cache.keep_verdict(key, entry)
    return _result(
        model,
        item,
        outcome.verdict,
        used,
        started,
        counterexample,
        outcome.explanation,
        False,
        outcome.holds_up_to,
    )


def _result(
    model: ir.Model,
    item: ir.Check,
    verdict: Verdict,
    engine: str,
    started: float,
    counterexample: Trace | None,
    reason: str | None,
    cached: bool,
    holds_up_to: int | None = None,
) -> CheckResult:
    return CheckResult(
        file=model.file,
        model=model.name,
        check=item.name,
        line=item.line,
        verdict=verdict,
        engine=engine,
        seconds=round(time.perf_counter() - started, 3),
        counterexample=counterexample,
        reason=reason,
        holds_up_to=holds_up_to,
        cached=cached,
    )


def fault_numbers(model: ir.Model, faults: Sequence[tuple[str, str]]) -> tuple[int, ...] | None:
    """The numbers of the faults named (component, mode) in `model`, or None if one is
    not declared."""
    numbers = {(f.component_name, f.mode): f.number for f in model.faults}
    found = [numbers.get(fault) for fault in faults]
    return None if None in found else tuple(n for n in found if n is not None)


def _from_cache(
    model: ir.Model, item: ir.Check, cache: ResultCache, key: str
) -> tuple[Verdict, str, Trace | None] | None:
    """The cached verdict of `item`, with its counterexample replayed on `model`, or
    None when there is none or it does not replay (it is then decided anew)."""
    entry = cache.verdict(key)
    if entry is None:
        return None
    if entry.verdict == Verdict.HOLDS:
        return Verdict.HOLDS, entry.engine, None
    numbers = fault_numbers(model, [fault for fault, _ in entry.scenario])
    if numbers is None:
        return None
    scenario = dict(zip(numbers, (onset for _, onset in entry.scenario), strict=True))
    if violation_of(model, item, scenario) is None:
        return None
    trace = build_trace(model, item, scenario)
    if trace.violation.at != entry.violation_at:
        return None
    return Verdict.VIOLATED, entry.engine, trace


def cut_sets(
    model: ir.Model,
    item: ir.Check,
    max_order: int | None = None,
    deadline: float | None = None,
    engine: str = "auto",
    cache: ResultCache | None = None,
    jobs: int = 1,
) -> TimedCutSets:
    """Every minimal cut set of `item` of at most `max_order` faults (default: the
    hypothesis' bound), from the engine named `engine` in up to `jobs` processes,
    before `deadline` (a `time.perf_counter()` value).  With a `cache`, cut sets
    searched to the end before are found again by the check's fingerprint, each
    witness replayed."""
    order = item.at_most if max_order is None else max_order
    key = None
    if cache is not None:
        key = cut_sets_fingerprint(model, item, order, engine)
    if cache is not None and key is not None:
        found = _cut_sets_from_cache(model, item, order, cache.cut_sets(key))
        if found is not None:
            return found
    result = timed_cut_sets(model, item, order, deadline, engine, jobs)
    if cache is not None and key is not None and result.complete:
        entry = CachedCutSets(
            order,
            tuple(
                CachedCutSet(
                    tuple((model.fault(n).component_name, model.fault(n).mode) for n in c),
                    witness.violation_at,
                    witness.onsets,
                )
                for c, witness in zip(result.cut_sets, result.witnesses, strict=True)
            ),
            result.engines,
        )
        cache.keep_cut_sets(key, entry)
    return result


def _cut_sets_from_cache(
    model: ir.Model, item: ir.Check, order: int, entry: CachedCutSets | None
) -> TimedCutSets | None:
    """The cached cut sets, each witness replayed on `model`, or None."""
    if entry is None or entry.max_order != order:
        return None
    found: list[tuple[int, ...]] = []
    witnesses: list[Witness] = []
    for cut_set in entry.cut_sets:
        numbers = fault_numbers(model, cut_set.faults)
        if numbers is None:
            return None
        replay = violation_of(model, item, dict(zip(numbers, cut_set.onsets, strict=True)))
        if replay is None or replay[0] != cut_set.violation_at:
            return None
        found.append(numbers)
        witnesses.append(Witness(cut_set.violation_at, cut_set.onsets))
    candidates = tuple(n for n in item.faults if model.fault(n).earliest <= model.fault(n).latest)
    return TimedCutSets(order, candidates, tuple(found), tuple(witnesses), True, entry.engines)


def static_report(
    model: ir.Model,
    top: str,
    max_order: int,
    mission_seconds: int | None = None,
    with_importance: bool = False,
    deadline: float | None = None,
) -> StaticReport:
    """The static analysis of `top.down` (`checker/fault_tree.py`: every fault
    permanent, every switchover window elapsed), by the one static analysis Open-PSA
    MEF trees go through too (`checker/static_analysis.py`): the minimal cut sets of at
    most `max_order` faults, whether longer ones exist, the exact probability over
    `mission_seconds` (a fault's rate needs it) and, `with_importance`, each listed
    fault's importance factors.  Past `deadline` (a `time.perf_counter()` value) the
    report is incomplete (`stopped` is `time`).  Raise StaticTreeError when `top` has no
    static reading (`static_fault_tree`)."""
    # the static analysis is imported when it is used: `failspec check` never needs it
    from failspec.checker.fault_tree import static_fault_tree, tree_graph
    from failspec.checker.probability import fault_probability
    from failspec.checker.static_analysis import analyse
    from failspec.counterexamples.static_report import StaticReport
    from failspec.mef_cutsets import importance_rows

    graph, numbers = tree_graph(static_fault_tree(model, top))
    faults = [model.fault(n) for n in numbers]
    found = analyse(
        graph,
        [fault_probability(f, mission_seconds) for f in faults],
        max_order,
        with_importance,
        deadline,
    )
    names = ("", *(f.label for f in faults))  # variable v is faults[v - 1]
    return StaticReport(
        (model.file,),
        top,
        max_order,
        names,
        found.cut_sets,
        found.probability,
        found.rare_event,
        tuple(names[v] for v in found.missing),
        None if mission_seconds is None else mission_seconds / 3600,
        importance_rows(found, names),
        (),
        found.interval,
        found.complete,
        found.truncated,
        found.stopped,
        model.name,
        [(0, "", ""), *((f.number, f.component_name, f.mode) for f in faults)],
        mission_seconds is not None
        or any(f.probability is not None or f.rate_per_hour is not None for f in faults),
    )


# --- many checks at once -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckPlan:
    """Which (model, check) pairs a run decides, in order: file order, then declaration
    order.  `tasks` are (index into the models, check name); `positions` are their
    places among all `total` pairs (all of them, unless the run is a shard)."""

    tasks: tuple[tuple[int, str], ...]
    positions: tuple[int, ...]
    total: int


def plan_checks(
    models: Sequence[ir.Model],
    check_name: str | None = None,
    shard: tuple[int, int] | None = None,
) -> CheckPlan:
    """The checks of `models` (only those named `check_name`, if given), or the
    `shard` (I, N) of them: every N-th pair from the I-th (`parallel.shard_positions`)."""
    tasks = [
        (index, item.name)
        for index, model in enumerate(models)
        for item in model.checks
        if check_name is None or item.name == check_name
    ]
    positions = list(range(len(tasks)))
    if shard is not None:
        positions = shard_positions(len(tasks), *shard)
    return CheckPlan(tuple(tasks[p] for p in positions), tuple(positions), len(tasks))


def run_checks(
    models: Sequence[ir.Model],
    plan: CheckPlan,
    engine: str = "auto",
    timeout: float | None = None,
    jobs: int = 1,
    caches: Sequence[ResultCache | None] | None = None,
) -> Iterator[CheckResult]:
    """Decide every check of `plan`, in up to `jobs` processes, and yield the results
    in plan order (so the output of any `jobs` is that of one): the checks in parallel,
    or, for a single check, its engine's search (`ExplicitEngine.jobs`).
    `caches[i]` is the result cache of `models[i]` (None: none)."""
    engine_named(engine)  # an unknown engine is refused before any work starts
    each = jobs if len(plan.tasks) == 1 else 1

    def run_one(task: tuple[int, str]) -> CheckResult:
        index, name = task
        cache = caches[index] if caches is not None else None
        (result,) = check(
            models[index], name, engine=engine, timeout=timeout, cache=cache, jobs=each
        )
        return result

    return run_in_order(plan.tasks, run_one, jobs)


# --- the FMEA table -------------------------------------------------------------------

FMEA_FORMAT = "failspec-fmea/1"


def fmea_document(model: ir.Model, timeout: float | None = None) -> dict[str, Any]:
    """The `failspec-fmea/1` document of `model` (keys in a fixed order, no timings):
    one row per declared fault (`checker/fmea.py`), within `timeout` seconds (past it,
    `complete` is false and the rows after the last one are missing)."""
    from failspec.checker.fmea import fmea

    deadline = None if timeout is None else time.perf_counter() + timeout
    table = fmea(model, deadline)
    rows = []
    for row in table.rows:
        effect = None
        if row.effect is not None:
            effect = {
                "at": row.effect.at,
                "events": [
                    {"component": e.component, "change": e.change, "missing": e.missing}
                    for e in row.effect.events
                ],
            }
        rows.append(
            {
                "number": row.fault,
                "fault": row.label,
                "component": row.component,
                "kind": row.kind,
                "onset": row.onset,
                "violates": [
                    {
                        "check": v.check,
                        "violation_at": v.violation_at,
                        "onset": v.onset,
                        "in_hypothesis": v.in_hypothesis,
                    }
                    for v in row.violated
                ],
                "first_effect": effect,
                "first_violation_after": row.first_violation_after,
                "first_violated_check": row.first_violated_check,
            }
        )
    return {
        "format": FMEA_FORMAT,
        "file": table.file,
        "model": table.model,
        "faults": len(model.faults),
        "checks": len(model.checks),
        "violated_without_faults": list(table.violated_without_faults),
        "complete": table.complete,
        "rows": rows,
    }
