"""Hypothesis strategies that draw small valid failspec models as source text.

Components are declared so that every reference points at an earlier
component (the reference graph is a DAG by construction, drawn with
networkx-free layering): devices, then programs and services, failover
pairs, stores and jobs, partitions, channels.  Checks draw random assertions
over the components' atoms and random fault hypotheses.

The v1 forms come in too, each now and then: `rides out` and `recovers in` on
any component with needs, `detect MODE never`, `open` hours on channels and
transactions, assertions `during` windows (lists, `daily`, past midnight) or
`at` an instant, and scenario blocks with checks judged on one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

MODES = ("crash", "flap", "hang")
ACTIONS = ("retain", "give_back", "queue")


@dataclass
class _Draft:
    horizon: int
    lines: list[str] = field(default_factory=list)
    faults: list[tuple[str, str, int, int]] = field(default_factory=list)
    """(component, mode, earliest onset, latest onset) of every declared fault."""
    scenarios: list[str] = field(default_factory=list)
    components: list[tuple[str, str, list[str]]] = field(default_factory=list)
    """(name, kind, fault modes)"""
    channels: list[tuple[str, list[str], list[tuple[str, list[str]]]]] = field(default_factory=list)
    """(name, actions, [(transaction, its actions)])"""
    jobs: list[str] = field(default_factory=list)
    stores: list[str] = field(default_factory=list)
    partitions: list[str] = field(default_factory=list)
    failovers: list[str] = field(default_factory=list)

    def names(self, kinds: tuple[str, ...] | None = None) -> list[str]:
        return [n for n, k, _ in self.components if kinds is None or k in kinds]


def _fault_with_onsets(draw: st.DrawFn, mode: str, horizon: int) -> tuple[str, int, int]:
    """A fault line and the earliest and latest onset it allows (clipped to the horizon)."""
    line = f"fault {mode}"
    earliest, latest = 0, horizon
    window = draw(st.sampled_from(["any", "any", "any", "at", "from", "from_until"]))
    if window == "at":
        earliest = latest = draw(st.integers(0, horizon + 2))
        line += f" at {earliest}s"
    elif window == "from":
        earliest = draw(st.integers(0, horizon))
        line += f" from {earliest}s"
    elif window == "from_until":
        earliest = draw(st.integers(0, horizon))
        latest = draw(st.integers(earliest, horizon + 2))
        line += f" from {earliest}s until {latest}s"
    if draw(st.booleans()):
        line += f" repair {draw(st.integers(1, max(2, horizon // 2)))}s"
    return line, earliest, min(latest, horizon)


def _faults(draw: st.DrawFn, d: _Draft, owner: str, at_least: int = 0) -> list[tuple[str, str]]:
    modes = draw(st.lists(st.sampled_from(MODES), min_size=at_least, max_size=2, unique=True))
    return [_declared(draw, d, owner, m) for m in modes]


def _declared(draw: st.DrawFn, d: _Draft, owner: str, mode: str) -> tuple[str, str]:
    line, earliest, latest = _fault_with_onsets(draw, mode, d.horizon)
    d.faults.append((owner, mode, earliest, latest))
    return mode, line


def _timing(draw: st.DrawFn, items: list[str]) -> list[str]:
    """`rides out` / `recovers in` now and then, on a component with needs."""
    if not any(item.startswith("needs") for item in items) or draw(st.integers(0, 2)) > 0:
        return []
    timing = []
    if draw(st.booleans()):
        timing.append(f"rides out {draw(st.integers(0, 6))}s")
    if draw(st.booleans()):
        timing.append(f"recovers in {draw(st.integers(0, 6))}s")
    return timing


def _instant(seconds: int, clock: bool) -> str:
    return f"00:00:{seconds:02d}" if clock else f"{seconds}s"


def _windows(draw: st.DrawFn, horizon: int) -> str:
    """A window list: one or two windows in seconds, or a daily list (clock times),
    which may run past midnight."""
    daily = draw(st.integers(0, 3)) == 0
    top = min(horizon + 4, 59)
    windows = []
    for _ in range(draw(st.integers(1, 2))):
        start = draw(st.integers(0, top - 1))
        if daily:
            end = draw(st.integers(0, top - 1))
            end = end + 1 if end >= start else end  # any end but the start
        else:
            end = draw(st.integers(start + 1, top))
        windows.append(f"{_instant(start, daily)}..{_instant(end, daily)}")
    return ", ".join(windows) + (" daily" if daily else "")


def _needs(draw: st.DrawFn, earlier: list[str]) -> list[str]:
    if not earlier or draw(st.integers(0, 2)) == 0:
        return []
    members = draw(st.lists(st.sampled_from(earlier), min_size=1, max_size=3, unique=True))
    form = draw(st.sampled_from(["all", "any", "k"]))
    if form == "any" and len(members) > 1:
        return [f"needs any of {', '.join(members)}"]
    if form == "k" and len(members) > 1:
        return [f"needs {draw(st.integers(1, len(members)))} of {', '.join(members)}"]
    return [f"needs {', '.join(members)}"]


def _block(kind: str, name: str, items: list[str]) -> str:
    body = "\n".join(f"  {item}" for item in items)
    return f"{kind} {name} {{\n{body}\n}}" if items else f"{kind} {name} {{\n}}"


@st.composite
def models(draw: st.DrawFn, max_horizon: int = 30) -> str:  # noqa: C901
    """A small valid model with one or more checks, as source text."""
    horizon = draw(st.integers(4, max_horizon))
    d = _Draft(horizon)
    for i in range(draw(st.integers(1, 3))):
        name = f"dev{i}"
        faults = _faults(draw, d, name, at_least=1)
        d.components.append((name, "device", [m for m, _ in faults]))
        d.lines.append(_block("device", name, [line for _, line in faults]))
    for i in range(draw(st.integers(0, 2))):
        name = f"svc{i}"
        faults = _faults(draw, d, name) if draw(st.booleans()) else []
        items: list[str] = [line for _, line in faults] + _needs(draw, d.names())
        items += _timing(draw, items)
        d.components.append(
            (name, draw(st.sampled_from(["service", "program"])), [m for m, _ in faults])
        )
        d.lines.append(_block(d.components[-1][1], name, items))
    for i in range(draw(st.integers(0, 2))):
        candidates = d.names(("device", "service", "program"))
        if len(candidates) < 2:
            break
        primary, secondary = draw(
            st.lists(st.sampled_from(candidates), min_size=2, max_size=2, unique=True)
        )
        primary_modes = next(m for n, _, m in d.components if n == primary)
        items = [f"primary {primary}", f"secondary {secondary}"]
        name = f"pair{i}"
        for mode in primary_modes:
            if draw(st.integers(0, 4)) == 0:
                items.append(f"detect {mode} never")
            elif draw(st.booleans()):
                items.append(f"detect {mode} within {draw(st.integers(1, 8))}s")
        if draw(st.booleans()):
            items.append(f"detect any within {draw(st.integers(1, 8))}s")
        modes = []
        if draw(st.booleans()):
            modes.append("stuck")
            items.append(_declared(draw, d, name, "stuck")[1])
            if draw(st.booleans()):
                items.append(f"manual {draw(st.integers(1, 10))}s")
        if draw(st.integers(0, 3)) == 0:
            modes.append("crash")
            items.append(_declared(draw, d, name, "crash")[1])
        if draw(st.integers(0, 4)) == 0:
            items += _needs(draw, d.names(("device", "service", "program")))
            items += _timing(draw, items)
        d.components.append((name, "failover", modes))
        d.failovers.append(name)
        d.lines.append(_block("failover", name, items))
    if draw(st.booleans()):
        store = "store0"
        d.components.append((store, "store", []))
        d.stores.append(store)
        d.lines.append(_block("store", store, [f"capacity {draw(st.integers(0, 50))}"]))
        for i in range(draw(st.integers(1, 2))):
            name = f"job{i}"
            job_items: list[str] = []
            if bool(d.jobs) and draw(st.booleans()):
                job_items.append(f"after {draw(st.sampled_from(d.jobs))}")
            else:
                job_items.append(f"at {draw(st.integers(0, horizon))}s")
            job_items.append(f"takes {draw(st.integers(1, horizon))}s")
            job_items += _needs(draw, d.names(("device", "service", "program", "failover")))
            if draw(st.booleans()):
                job_items.append(f"writes {draw(st.integers(1, 80))} into {store}")
            if any(item.startswith("writes") for item in job_items):
                job_items += _timing(draw, ["needs", *job_items])
            else:
                job_items += _timing(draw, job_items)
            faults = _faults(draw, d, name) if draw(st.integers(0, 3)) == 0 else []
            job_items += [line for _, line in faults]
            d.components.append((name, "job", [m for m, _ in faults]))
            d.jobs.append(name)
            d.lines.append(_block("job", name, job_items))
    backends = d.names(("device", "service", "program", "failover", "store", "job"))
    if draw(st.booleans()):
        items = [f"closes after {draw(st.integers(1, 20))} errors"]
        if draw(st.booleans()):
            items.append(f"reopens after {draw(st.integers(1, 10))}s")
        if draw(st.integers(0, 3)) == 0:
            items += _needs(draw, d.names(("device", "service", "program")))
            items += _timing(draw, items)
        d.components.append(("part0", "partition", []))
        d.partitions.append("part0")
        d.lines.append(_block("partition", "part0", items))
    for i in range(draw(st.integers(0, 2))):
        name = f"chan{i}"
        items = []
        # Now and then a channel's path runs through the partition or an earlier
        # channel (its look-ahead then reaches them); such a channel is not routed
        # through the partition, which would read itself.
        upstream = d.partitions + [c for c, _, _ in d.channels]
        reads_upstream = bool(upstream) and draw(st.integers(0, 3)) == 0
        if draw(st.integers(0, 3)) > 0 or reads_upstream:
            via = draw(st.lists(st.sampled_from(backends), min_size=1, max_size=2, unique=True))
            if reads_upstream:
                via.append(draw(st.sampled_from(upstream)))
            items.append(f"via {', '.join(via)}")
        if d.partitions and not reads_upstream and draw(st.booleans()):
            items.append("through part0")
        if draw(st.booleans()):
            items.append(f"timeout {draw(st.integers(0, 6))}s")
        if draw(st.integers(0, 3)) == 0:
            items.append(f"open {_windows(draw, horizon)}")
        if draw(st.integers(0, 4)) == 0:
            items += _needs(draw, backends)
            items += _timing(draw, items)
        channel_actions: dict[str, str] = {}
        for klass in ("comm", "partition", "service"):
            if draw(st.integers(0, 2)) > 0:
                channel_actions[klass] = draw(st.sampled_from(ACTIONS))
                items.append(f"on {klass} -> {channel_actions[klass]}")
        transactions = []
        for x in range(draw(st.integers(1, 2))):
            txn_items = [
                f"calls {', '.join(draw(st.lists(st.sampled_from(backends), min_size=1, max_size=2, unique=True)))}"
            ]
            txn_items.append(
                f"rate {draw(st.sampled_from(['60', '30', '120', '45', '7']))} per minute"
            )
            if draw(st.integers(0, 4)) == 0:
                txn_items.append(f"open {_windows(draw, horizon)}")
            own = dict(channel_actions)
            if draw(st.integers(0, 2)) == 0:
                klass = draw(st.sampled_from(["comm", "partition", "service"]))
                own[klass] = draw(st.sampled_from(ACTIONS))
                txn_items.append(f"on {klass} -> {own[klass]}")
            txn = f"tx{x}"
            transactions.append((txn, sorted(set(own.values()))))
            items.append("transaction " + txn + " {\n    " + "\n    ".join(txn_items) + "\n  }")
        all_actions = sorted({a for _, acts in transactions for a in acts})
        d.components.append((name, "channel", []))
        d.channels.append((name, all_actions, transactions))
        d.lines.append(_block("channel", name, items))
    if draw(st.integers(0, 3)) == 0:
        d.lines.append(_scenario(draw, d, "s0"))
    checks = [_check(draw, d, i) for i in range(draw(st.integers(1, 2)))]
    return f"model generated\nhorizon {horizon}s\n\n" + "\n\n".join(d.lines + checks) + "\n"


def _scenario(draw: st.DrawFn, d: _Draft, name: str) -> str:
    """A scenario of up to two declared faults, each at an onset it allows."""
    possible = [f for f in d.faults if f[2] <= f[3]]
    chosen = draw(st.lists(st.sampled_from(possible), max_size=2, unique=True)) if possible else []
    entries = [f"{c}.{m} at {draw(st.integers(lo, hi))}s" for c, m, lo, hi in chosen]
    d.scenarios.append(name)
    body = "".join(f"  {entry}\n" for entry in entries)
    return f'scenario "{name}" {{\n{body}}}'


def _judged(draw: st.DrawFn, horizon: int, instant: bool) -> str:
    """Now and then a window (` during …`) or, when `instant`, ` at T`."""
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return f" during {_windows(draw, horizon)}"
    if choice == 1 and instant:
        return f" at {draw(st.integers(0, horizon + 2))}s"
    return ""


def _atoms(d: _Draft) -> list[str]:
    atoms = []
    for name, kind, modes in d.components:
        atoms += [f"{name}.down", f"{name}.up"]
        atoms += [f"{name}.{m}" for m in modes]
        if kind == "partition":
            atoms.append(f"{name}.closed")
        if kind == "store":
            atoms.append(f"{name}.full")
        if kind == "job":
            atoms += [f"{name}.done", f"{name}.running"]
    for name, actions, transactions in d.channels:
        atoms += [f"{name}.{a}" for a in actions]
        for txn, txn_actions in transactions:
            atoms.append(f"{name}.{txn}.fails")
            atoms += [f"{name}.{txn}.{a}" for a in txn_actions]
    return atoms


def _expr(draw: st.DrawFn, atoms: list[str], depth: int = 0) -> str:
    choice = draw(st.integers(0, 5 if depth < 2 else 0))
    if choice <= 2:
        return draw(st.sampled_from(atoms))
    if choice == 3:
        return "not " + _expr(draw, atoms, depth + 1)
    op = "and" if choice == 4 else "or"
    return f"({_expr(draw, atoms, depth + 1)} {op} {_expr(draw, atoms, depth + 1)})"


def _check(draw: st.DrawFn, d: _Draft, i: int) -> str:
    atoms = _atoms(d)
    items = []
    faulty = [(n, k, m) for n, k, m in d.components if m]
    k = draw(st.sampled_from([0, 1, 1, 2, 2] if d.horizon <= 16 else [0, 1, 1]))
    form = draw(st.sampled_from(["all", "kind", "component", "mode"]))
    if d.scenarios and draw(st.integers(0, 2)) == 0:
        items.append(f'scenario "{draw(st.sampled_from(d.scenarios))}"')
    elif form == "all":
        items.append(f"faults at most {k}")
    elif form == "kind":
        kinds = sorted({kind for _, kind, _ in faulty})
        items.append(f"faults at most {k} of {draw(st.sampled_from(kinds))}")
    elif form == "component":
        items.append(f"faults at most {k} of {draw(st.sampled_from([n for n, _, _ in faulty]))}")
    else:
        selectors = draw(
            st.lists(
                st.sampled_from([f"{n}.{m}" for n, _, ms in faulty for m in ms]),
                min_size=1,
                max_size=3,
                unique=True,
            )
        )
        items.append(f"faults at most {k} of {', '.join(selectors)}")
    for _ in range(draw(st.integers(1, 2))):
        kind = draw(st.sampled_from(["never"] * 5 + ["lasts"] * 3 + ["done"] * 2 + ["always"]))
        if kind == "done" and d.jobs:
            items.append(
                f"{draw(st.sampled_from(d.jobs))} done by {draw(st.integers(0, d.horizon + 5))}s"
            )
        elif kind == "lasts":
            items.append(
                f"{_expr(draw, atoms)} lasts at most {draw(st.integers(0, 8))}s"
                + _judged(draw, d.horizon, instant=False)
            )
        elif kind == "always":
            items.append(f"always {_expr(draw, atoms)}" + _judged(draw, d.horizon, instant=True))
        else:
            items.append(f"never {_expr(draw, atoms)}" + _judged(draw, d.horizon, instant=True))
    return f'check "c{i}" {{\n' + "\n".join(f"  {x}" for x in items) + "\n}"


@st.composite
def recovery_models(draw: st.DrawFn) -> str:
    """A small model whose checks are violated late, after things come back: a failover
    pair (a switchover that completes, is cancelled by a quick repair, is stuck, or is
    never attempted), a job it stalls, a channel that fails and recovers, a partition
    that closes and reopens.  Its parameters are drawn; its checks hold with no fault."""
    takes = draw(st.integers(3, 8))
    gap = draw(st.integers(1, 2))
    # what the pair does about its primary's crash: switch over, have the switchover
    # cancelled by a quick repair, get stuck (manual recovery), or never try
    story = draw(st.sampled_from(["switch", "cancel", "stuck", "no detect"]))
    window = draw(st.integers(4 if story == "cancel" else 2, 6))
    pair = ["primary a", "secondary b"]
    if story != "no detect":
        pair.append(f"detect crash within {window}s")
    if story == "cancel":
        repair = f" repair {draw(st.integers(3, window - 1))}s"  # longer than the gap
    else:
        repair = draw(st.sampled_from(["", f" repair {draw(st.integers(window, 12))}s"]))
    selected = "a, b"
    if story == "stuck":
        pair += ["fault stuck", f"manual {draw(st.integers(1, 8))}s"]
        selected = "a, b, pair"
    errors = draw(st.integers(2, 6))
    reopens = draw(st.integers(2, 6))
    blocks = [
        # the pair first, so that its `stuck` is numbered before the crashes (as in
        # MINORI): crash + stuck is then the canonical pair of faults, not a + b
        _block("failover", "pair", pair),
        _block("device", "a", [f"fault crash{repair}"]),
        _block("device", "b", ["fault crash"]),
        _block("service", "s", ["needs pair"]),
        _block("partition", "p", [f"closes after {errors + 4} errors"]),
        _block(
            "channel",
            "ch",
            [
                "through p",
                "transaction tx {\n    calls s\n    rate 60 per minute\n  }",
                "on service -> give_back",
                "on partition -> queue",
            ],
        ),
        _block("job", "j", ["at 2s", f"takes {takes}s", "needs pair"]),
        _block("job", "m", ["after j", "takes 1s"]),
        _block("job", "k", [f"at {3 + takes + gap}s", "takes 20s"]),
        # the reopening: a crash pinned at 0 that nothing repairs, and a job that runs
        # from just after the closing on
        _block("device", "c", ["fault crash at 0s"]),
        _block("service", "t", ["needs c"]),
        _block(
            "channel",
            "ch2",
            ["through p2", "transaction tx {\n    calls t\n    rate 60 per minute\n  }"]
            + ["on service -> give_back"],
        ),
        _block("job", "q", [f"at {errors + 1}s", "takes 30s"]),
    ]
    # p2 is declared before the channel routed through it
    blocks.insert(
        11,
        _block("partition", "p2", [f"closes after {errors} errors", f"reopens after {reopens}s"]),
    )
    checks = [
        f'check "late" {{\n  faults at most 2 of {selected}\n'
        f"  {draw(st.sampled_from(['never', 'always not']))} "
        "(ch.up and m.running and k.running)\n}",
        # a stuck pair's switchover fails: a down longer than its window needs it
        f'check "long" {{\n  faults at most 2 of {selected}\n  pair.down lasts at most '
        f"{window if story == 'stuck' else draw(st.integers(0, 12))}s\n}}",
        'check "reopened" {\n  faults at most 1 of c\n'
        "  never (p2.up and ch2.tx.give_back and q.running)\n}",
        f'check "deadline" {{\n  faults at most 2 of {selected}\n'
        f"  j done by {2 + takes + draw(st.integers(0, 3))}s\n}}",
    ]
    return "model recovering\nhorizon 30s\n\n" + "\n\n".join(blocks + checks) + "\n"


@st.composite
def operations_models(draw: st.DrawFn) -> str:
    """A small model of the v1 forms whose counterexamples run through them: a
    service that rides out and recovers in after its disk's outages, a channel open
    in hours that fails on it, and checks (some judged on a scenario) violated where
    the service goes down after riding out, comes back after recovering, where the
    channel is attempted at an opening and not attempted at a closing."""
    ride = draw(st.integers(1, 5))
    recover = draw(st.integers(1, 8))
    repair = draw(st.integers(ride + 1, 12))
    opening = draw(st.integers(6, 12))
    closing = draw(st.integers(opening + 2, 24))
    detect = draw(st.sampled_from(["detect crash never", f"detect crash within {ride + 2}s"]))
    onset = draw(st.integers(0, opening - 1))
    blocks = [
        _block("device", "d", [f"fault crash repair {repair}s", "fault hang"]),
        _block("device", "e", ["fault crash"]),
        _block("failover", "pair", ["primary d", "secondary e", detect]),
        _block("service", "s", ["needs d", f"rides out {ride}s", f"recovers in {recover}s"]),
        _block(
            "channel",
            "ch",
            [
                f"open {opening}s..{closing}s",
                "transaction tx {\n    calls s\n  }",
                "transaction ty {\n    calls pair\n  }",
                "on service -> give_back",
            ],
        ),
        # a hang is never repaired: the service is down from `ride` after it for good
        _block("scenario", '"hung"', [f"d.hang at {onset}s"]),
        _block("scenario", '"crashed"', [f"d.crash at {onset}s"]),
    ]
    checks = [
        'check "reached" {\n  faults at most 1 of d.crash\n  never s.down\n}',
        f'check "back" {{\n  scenario "crashed"\n  never s.up during {onset + ride}s..40s\n}}',
        f'check "opening" {{\n  scenario "hung"\n  never ch.down during {opening}s..40s\n}}',
        f'check "closing" {{\n  scenario "hung"\n  never ch.up during {opening + 1}s..40s\n}}',
        'check "pair" {\n  faults at most 1 of d\n  never pair.down and s.up\n}',
    ]
    return "model operations\nhorizon 40s\n\n" + "\n\n".join(blocks + checks) + "\n"


@st.composite
def conjunction_models(draw: st.DrawFn, max_horizon: int = 14) -> str:
    """Two sides, each over devices of its own and sharing some devices or none, and a
    two-fault check whose one assertion judges a conjunction of the sides (`never L
    and R`, `L and R lasts at most N`, `always not L or not R`), now and then
    within a window.  A side is a service over its devices and, now and then, a
    channel through a partition of its own that may reopen, so that the explicit
    engine's conjunction screen and its early rounds are exercised with faults in
    one side's cone, in the other's and in both."""
    horizon = draw(st.integers(6, max_horizon))
    d = _Draft(horizon)
    sides: dict[str, list[str]] = {"l": [], "r": []}
    owners = [("s0", "both")] * draw(st.integers(0, 1))
    owners += [(f"{side}{i}", side) for side in sides for i in range(draw(st.integers(1, 2)))]
    for name, side in owners:
        faults = _faults(draw, d, name, at_least=1)
        d.components.append((name, "device", [m for m, _ in faults]))
        d.lines.append(_block("device", name, [line for _, line in faults]))
        for key in sides if side == "both" else [side]:
            sides[key].append(name)
    atoms: dict[str, list[str]] = {}
    for side, devices in sides.items():
        service = f"svc_{side}"
        needs = _needs(draw, devices) or [f"needs {', '.join(devices)}"]
        d.components.append((service, "service", []))
        d.lines.append(_block("service", service, needs + _timing(draw, needs)))
        atoms[side] = [f"{n}.down" for n in [*devices, service]]
        if draw(st.booleans()):
            partition, channel = f"part_{side}", f"chan_{side}"
            items = [f"closes after {draw(st.integers(1, 6))} errors"]
            if draw(st.booleans()):
                items.append(f"reopens after {draw(st.integers(1, 4))}s")
            d.lines.append(_block("partition", partition, items))
            action = draw(st.sampled_from(["comm", "partition", "service"]))
            d.lines.append(
                _block(
                    "channel",
                    channel,
                    [
                        f"via {service}",
                        f"through {partition}",
                        f"timeout {draw(st.integers(0, 3))}s",
                        f"on {action} -> retain",
                        "transaction tx {\n    calls " + service + "\n    rate 60 per minute\n  }",
                    ],
                )
            )
            atoms[side] += [f"{partition}.closed", f"{channel}.retain"]
    left, right = (_expr(draw, atoms[side], depth=1) for side in sides)
    form = draw(st.sampled_from(["never", "never", "lasts", "always"]))
    if form == "never":
        assertion = f"never ({left}) and ({right})" + _judged(draw, horizon, instant=True)
    elif form == "lasts":
        limit = draw(st.integers(0, 3))
        assertion = f"({left}) and ({right}) lasts at most {limit}s" + _judged(draw, horizon, False)
    else:
        assertion = f"always not ({left}) or not ({right})" + _judged(draw, horizon, True)
    check = f'check "c0" {{\n  faults at most 2\n  {assertion}\n}}'
    return f"model conjunction\nhorizon {horizon}s\n\n" + "\n\n".join([*d.lines, check]) + "\n"
