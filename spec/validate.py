"""AST -> errors: everything a parsed model must satisfy before it is lowered.

`validate_model` walks the whole model and returns every error it finds,
sorted by position; an empty list means the model is valid, and then every
name resolves to a component of the right kind, every atom reads one way, the
dependency graph is acyclic and every duration that must be positive is.
"""

from __future__ import annotations

import difflib
from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from failspec.spec import ast
from failspec.spec.dependencies import dependencies
from failspec.spec.errors import SpecError
from failspec.spec.spans import Span

if TYPE_CHECKING:
    import networkx as nx

RESERVED_COMPONENT_NAMES = ("not", "never", "always", "faults")
"""Words that start a check line or an expression, so they cannot name a component."""

_KIND_ATOMS = {"closed": "partition", "full": "store", "done": "job", "running": "job"}
_ZERO_HINTS = {
    "repair": "a fault repaired after 0s never takes its component down; "
    "drop 'repair' for a fault that lasts",
    "takes": "a job takes at least 1s",
    "within": "a switchover takes at least 1s",
    "reopens after": "a closed partition reopens after at least 1s; drop 'reopens' "
    "for one that stays closed",
    "manual": "a manual recovery takes at least 1s",
}
_CYCLE_HINT = (
    "dependencies (needs, primary, secondary, via, through, calls, after, writes into) "
    "must not lead back to where they start"
)


def validate_model(model: ast.Model) -> list[SpecError]:
    """Return every error in `model`, sorted by position; an empty list means it is valid."""
    validator = _Validator(model)
    validator.run()
    return sorted(
        validator.errors,
        key=lambda e: (e.span.file, e.span.line, e.span.column, e.message),
    )


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _listing(words: Iterable[str]) -> str:
    return ", ".join(words) or "none"


def _did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(candidates), n=1)
    return f"did you mean '{close[0]}'?" if close else None


class _Validator:
    def __init__(self, model: ast.Model) -> None:
        self.model = model
        self.errors: list[SpecError] = []
        self.components: dict[str, ast.Component] = {}

    def error(self, span: Span, message: str, hint: str | None = None) -> None:
        self.errors.append(SpecError(span, message, hint))

    def run(self) -> None:
        self.declare_components()
        for component in self.model.components:
            self.check_component(component)
        self.check_cycles()
        self.check_scenarios()
        self.check_checks()

    # --- names ---------------------------------------------------------------

    def declare_components(self) -> None:
        for component in self.model.components:
            name = component.name
            if name.text in ast.KINDS:
                self.error(
                    name.span,
                    f"a component cannot be named '{name.text}'",
                    "kind words (device, program, …, job) select every component of a kind "
                    "in 'faults at most K of KIND'; choose another name",
                )
            elif name.text in RESERVED_COMPONENT_NAMES:
                self.error(
                    name.span,
                    f"a component cannot be named '{name.text}'",
                    f"'{name.text}' starts a line or an expression in a check; choose another name",
                )
            first = self.components.get(name.text)
            if first is not None:
                self.error(
                    name.span,
                    f"duplicate component '{name.text}'",
                    f"component names are unique; '{name.text}' is first declared "
                    f"at line {first.name.span.line}",
                )
            else:
                self.components[name.text] = component

    def resolve(self, name: ast.Name, role: str, kind: str | None = None) -> ast.Component | None:
        """Return the component `name` refers to, or None after reporting why it does not.

        `role` names the place of the reference (`'through'`), `kind` the kind it
        must have, if any.
        """
        component = self.components.get(name.text)
        if component is None:
            candidates = [
                c.name.text for c in self.model.components if kind is None or c.kind == kind
            ]
            hint = _did_you_mean(name.text, candidates) or _did_you_mean(name.text, self.components)
            if hint is None:
                hint = (
                    f"no component named '{name.text}' is declared"
                    if kind is None
                    else f"declare '{kind} {name.text}' or name one of: {_listing(candidates)}"
                )
            self.error(name.span, f"unknown component '{name.text}'", hint)
            return None
        if kind is not None and component.kind != kind:
            candidates = [c.name.text for c in self.model.components if c.kind == kind]
            self.error(
                name.span,
                f"{role} must name {_a(kind)}, and '{name.text}' is {_a(component.kind)}",
                f"{kind}s declared: {', '.join(candidates)}"
                if candidates
                else f"no {kind} is declared",
            )
            return None
        return component

    # --- components ----------------------------------------------------------

    def check_component(self, component: ast.Component) -> None:
        self.check_namespace(component)
        for fault in component.faults:
            self.check_fault(fault)
        for needs in component.needs:
            self.check_needs(component, needs)
        if isinstance(component, ast.Failover):
            self.check_failover(component)
        elif isinstance(component, ast.Partition):
            self.check_partition(component)
        elif isinstance(component, ast.Channel):
            self.check_channel(component)
        elif isinstance(component, ast.Job):
            self.check_job(component)

    def check_namespace(self, component: ast.Component) -> None:
        """Fault modes, transactions and actions of one component each have their own name."""
        declared: list[tuple[str, ast.Name]] = [("fault mode", f.mode) for f in component.faults]
        if isinstance(component, ast.Channel):
            declared += [("transaction", t.name) for t in component.transactions]
            declared += [("action", line.action) for line in _on_lines(component)]
        declared.sort(key=lambda pair: (pair[1].span.line, pair[1].span.column))
        seen: dict[str, tuple[str, ast.Name]] = {}
        owner = f"{component.kind} '{component.name.text}'"
        for category, name in declared:
            if name.text in ast.ATOM_WORDS:
                self.error(
                    name.span,
                    f"{_a(category)} cannot be named '{name.text}'",
                    f"'{name.text}' is an atom's own word "
                    f"({', '.join(ast.ATOM_WORDS)}); choose another name",
                )
                continue
            if category == "fault mode" and name.text == "any":
                self.error(
                    name.span,
                    "a fault mode cannot be named 'any'",
                    "'detect any' covers every cause; choose another name",
                )
                continue
            first = seen.get(name.text)
            if first is None:
                seen[name.text] = (category, name)
            elif not (category == "action" and first[0] == "action"):
                first_category, first_name = first
                message = (
                    f"duplicate {category} '{name.text}' in {owner}"
                    if category == first_category
                    else f"'{name.text}' is both {_a(first_category)} and {_a(category)} of {owner}"
                )
                self.error(
                    name.span,
                    message,
                    f"'{name.text}' is first used at line {first_name.span.line}; a component's "
                    "fault modes, actions and transactions share one namespace",
                )

    def check_fault(self, fault: ast.FaultDecl) -> None:
        if (
            fault.from_ is not None
            and fault.until is not None
            and fault.until.seconds < fault.from_.seconds
        ):
            self.error(
                fault.until.span,
                f"fault '{fault.mode.text}' has 'until' before 'from'",
                "'from T until U' allows onsets in [T, U]; U is not earlier than T",
            )
        if fault.repair is not None:
            self.require_positive(fault.repair, "repair")
        if fault.probability is not None and not 0 <= fault.probability <= 1:
            self.error(
                fault.span,
                f"probability {fault.probability} of fault '{fault.mode.text}' is not in [0, 1]",
                "a probability lies between 0 and 1",
            )

    def require_positive(self, duration: ast.Duration, word: str) -> None:
        if duration.seconds == 0:
            self.error(duration.span, f"'{word}' must be longer than 0s", _ZERO_HINTS[word])

    def check_needs(self, component: ast.Component, needs: ast.NeedsDecl) -> None:
        self.check_members(needs.members, "'needs'")
        if needs.k is not None and not 1 <= needs.k <= len(needs.members):
            self.error(
                needs.span,
                f"'needs {needs.k} of' with {len(needs.members)} members",
                f"K lies between 1 and the number of members ({len(needs.members)})",
            )

    def check_members(
        self, members: tuple[ast.Name, ...], role: str, kind: str | None = None
    ) -> None:
        seen: set[str] = set()
        for member in members:
            if member.text in seen:
                self.error(
                    member.span,
                    f"'{member.text}' is listed twice in {role}",
                    "list each component once",
                )
                continue
            seen.add(member.text)
            self.resolve(member, role, kind)

    def check_failover(self, failover: ast.Failover) -> None:
        owner = f"failover '{failover.name.text}'"
        primary = self.check_side(failover, failover.primary, "primary")
        self.check_side(failover, failover.secondary, "secondary")
        if (
            failover.primary is not None
            and failover.secondary is not None
            and failover.primary.text == failover.secondary.text
        ):
            self.error(
                failover.secondary.span,
                f"{owner} has '{failover.secondary.text}' as both primary and secondary",
                "the secondary is a different component from the primary",
            )
        modes = _modes(primary) if primary else []
        detected: dict[str, ast.Detect] = {}
        for detect in failover.detects:
            mode = detect.mode.text
            if detect.within is not None:
                self.require_positive(detect.within, "within")
            elif mode == "any":
                self.error(
                    detect.span,
                    f"'detect any never' in {owner}",
                    "without a detect line an outage never switches over; to configure the "
                    "switchover off for every cause give no detect line, or 'detect MODE never' "
                    "for one mode",
                )
            if mode in detected:
                self.error(
                    detect.mode.span,
                    f"second 'detect {mode}' in {owner}",
                    f"give one 'detect {mode}' line (the first is at line "
                    f"{detected[mode].span.line})",
                )
                continue
            detected[mode] = detect
            if primary is not None and mode != "any" and mode not in modes:
                hint = _did_you_mean(mode, modes) or (
                    f"'{primary.name.text}' has the fault modes: {_listing(modes)}; "
                    "'detect any' covers every cause"
                )
                self.error(
                    detect.mode.span,
                    f"primary '{primary.name.text}' has no fault mode '{mode}'",
                    hint,
                )
        if failover.manual is not None:
            self.require_positive(failover.manual, "manual")

    def check_side(
        self, failover: ast.Failover, side: ast.Name | None, word: str
    ) -> ast.Component | None:
        if side is None:
            self.error(
                failover.name.span,
                f"failover '{failover.name.text}' has no {word}",
                f"add a line '{word} COMPONENT'",
            )
            return None
        if side.text == failover.name.text:
            self.error(
                side.span,
                f"failover '{failover.name.text}' cannot be its own {word}",
                f"the {word} is another component",
            )
            return None
        return self.resolve(side, f"'{word}'")

    def check_partition(self, partition: ast.Partition) -> None:
        if partition.closes_after == 0:
            self.error(
                partition.span,
                "'closes after 0 errors' would close the partition at once",
                "a partition closes after 1 or more errors",
            )
        if partition.reopens_after is not None:
            self.require_positive(partition.reopens_after, "reopens after")

    def check_channel(self, channel: ast.Channel) -> None:
        if channel.hours is not None:
            self.check_windows(channel.hours)
        self.check_members(channel.via, "'via'")
        if channel.through is not None:
            self.resolve(channel.through, "'through'", "partition")
        self.check_on_lines(channel.on, f"channel '{channel.name.text}'")
        for transaction in channel.transactions:
            if transaction.hours is not None:
                self.check_windows(transaction.hours)
            self.check_members(transaction.calls, "'calls'")
            self.check_on_lines(
                transaction.on,
                f"transaction '{transaction.name.text}' of '{channel.name.text}'",
            )

    def check_on_lines(self, lines: tuple[ast.OnLine, ...], scope: str) -> None:
        seen: dict[str, ast.OnLine] = {}
        for line in lines:
            error_class = line.error_class.text
            if error_class not in ast.ERROR_CLASSES:
                hint = _did_you_mean(error_class, ast.ERROR_CLASSES) or (
                    "a transaction fails with class comm, partition or service"
                )
                self.error(line.error_class.span, f"unknown error class '{error_class}'", hint)
                continue
            if error_class in seen:
                self.error(
                    line.error_class.span,
                    f"second 'on {error_class}' in {scope}",
                    f"give one 'on {error_class}' line here (the first is at line "
                    f"{seen[error_class].span.line})",
                )
                continue
            seen[error_class] = line

    def check_job(self, job: ast.Job) -> None:
        if job.at is not None and job.after:
            self.error(
                job.at.span,
                f"job '{job.name.text}' has both 'at' and 'after'",
                "a job starts at a time or after other jobs, not both",
            )
        self.check_members(job.after, "'after'", "job")
        if job.takes is None:
            self.error(
                job.name.span,
                f"job '{job.name.text}' has no 'takes'",
                "add a line 'takes D' with the job's running time",
            )
        else:
            self.require_positive(job.takes, "takes")
        for writes in job.writes:
            self.resolve(writes.store, "'writes … into'", "store")

    def check_windows(self, windows: ast.Windows) -> None:
        """Each window ends after it starts; in a daily list, an end before the start runs
        past midnight and only `T..T` is empty."""
        for window in windows.windows:
            start, end = window.start.seconds, window.end.seconds
            text = ast.render_windows(ast.Windows((window,), False, window.span))
            if windows.daily and start == end:
                self.error(
                    window.span,
                    f"the daily window {text} is empty",
                    "a window T..U holds the instants T ≤ t < U; for the whole day write "
                    "'00:00..24:00 daily'",
                )
            elif not windows.daily and start == end:
                self.error(
                    window.span,
                    f"the window {text} is empty",
                    "a window T..U holds the instants T ≤ t < U; for the one instant T write "
                    "'at T' (on never and always), or end the window a second later",
                )
            elif not windows.daily and end < start:
                hint = "swap its ends"
                if start < ast.SECONDS_PER_DAY:
                    hint = (
                        "a window that runs past midnight needs 'daily' "
                        f"('{text} daily'), or an end on the next day "
                        f"('{ast.render_time_point(start)}..day 2 "
                        f"{ast.render_time_point(end % ast.SECONDS_PER_DAY)}')"
                    )
                self.error(window.span, f"the window {text} ends before it starts", hint)

    # --- the dependency graph --------------------------------------------------

    def dependency_edges(self) -> Iterator[tuple[str, str, ast.Name]]:
        """Yield (component, dependency, reference) for every edge, in declaration order
        (`dependencies.py` states the rule)."""
        for component, reference in dependencies(self.model):
            source = component.name.text
            if self.components.get(source) is not component:
                continue  # a duplicate declaration, reported already
            if isinstance(component, ast.Failover) and reference.text == source:
                continue  # "cannot be its own primary", reported already
            yield source, reference.text, reference

    def check_cycles(self) -> None:
        order = {name: index for index, name in enumerate(self.components)}
        edges = [
            (source, target, reference)
            for source, target, reference in self.dependency_edges()
            if source in order and target in order
        ]
        if _acyclic(order, [(source, target) for source, target, _ in edges]):
            return  # the common case, decided without importing networkx
        import networkx as nx

        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from(order)
        for source, target, reference in edges:
            if not graph.has_edge(source, target):
                graph.add_edge(source, target, reference=reference)
        groups = [
            sorted(group, key=order.__getitem__)
            for group in nx.strongly_connected_components(graph)
        ]
        for group in sorted(groups, key=lambda g: order[g[0]]):
            start = group[0]
            if len(group) == 1 and not graph.has_edge(start, start):
                continue
            cycle = _shortest_cycle(graph, start, set(group))
            first: ast.Name = graph.edges[cycle[0], cycle[1]]["reference"]
            self.error(first.span, "dependency cycle: " + " -> ".join(cycle), _CYCLE_HINT)

    # --- scenarios -------------------------------------------------------------

    def check_scenarios(self) -> None:
        seen: dict[str, ast.Scenario] = {}
        for scenario in self.model.scenarios:
            first = seen.get(scenario.name)
            if first is not None:
                self.error(
                    scenario.name_span,
                    f'duplicate scenario "{scenario.name}"',
                    f"scenario names are unique; the first is at line {first.span.line}",
                )
            else:
                seen[scenario.name] = scenario
            self.errors.extend(validate_scenario(self.model, scenario))

    # --- checks ----------------------------------------------------------------

    def check_checks(self) -> None:
        seen: dict[str, ast.Check] = {}
        scenarios = list(dict.fromkeys(s.name for s in self.model.scenarios))
        for check in self.model.checks:
            if check.name in seen:
                self.error(
                    check.name_span,
                    f'duplicate check "{check.name}"',
                    f"check names are unique; the first is at line {seen[check.name].span.line}",
                )
            else:
                seen[check.name] = check
            if check.hypothesis is not None:
                for selector in check.hypothesis.selectors:
                    self.check_selector(selector)
            if check.scenario is not None and check.scenario.name not in scenarios:
                name = check.scenario.name
                close = difflib.get_close_matches(name, scenarios, n=1)
                self.error(
                    check.scenario.name_span,
                    f'unknown scenario "{name}"',
                    f'did you mean "{close[0]}"?'
                    if close
                    else "declare it at the top level: scenario "
                    f'"{name}" {{ COMPONENT.MODE at T }}'
                    + (f"; the scenarios are: {_listing(scenarios)}" if scenarios else ""),
                )
            if not check.assertions:
                self.error(
                    check.name_span,
                    f'check "{check.name}" has no assertion',
                    "add 'never A', 'always A', 'J done by T' or 'A lasts at most D'",
                )
            for assertion in check.assertions:
                if isinstance(assertion, ast.DoneBy):
                    self.resolve(assertion.job, "'done by'", "job")
                    continue
                for atom in _atoms(assertion.expr):
                    self.check_atom(atom)
                if assertion.window is not None:
                    self.check_windows(assertion.window)

    def check_selector(self, selector: ast.Selector) -> None:
        name = selector.name
        if selector.mode is None and name.text in ast.KINDS:
            if not any(c.faults for c in self.model.components if c.kind == name.text):
                self.error(
                    name.span,
                    f"no {name.text} has a fault, so '{name.text}' selects nothing",
                    f"declare a fault on {_a(name.text)} or select components that have faults",
                )
            return
        component = self.resolve(name, "a selector")
        if component is None:
            return
        modes = _modes(component)
        if selector.mode is None:
            if not modes:
                self.error(
                    name.span,
                    f"'{name.text}' has no fault, so it selects nothing",
                    "select a kind, a component with faults, or COMPONENT.MODE",
                )
        elif selector.mode.text not in modes:
            self.error(
                selector.mode.span,
                f"'{name.text}' has no fault mode '{selector.mode.text}'",
                _did_you_mean(selector.mode.text, modes) or f"its fault modes: {_listing(modes)}",
            )

    def check_atom(self, atom: ast.Atom) -> None:
        if len(atom.parts) == 2:
            self.check_atom2(atom.parts[0], atom.parts[1])
        else:
            self.check_atom3(atom.parts[0], atom.parts[1], atom.parts[2])

    def check_atom2(self, subject: ast.Name, word: ast.Name) -> None:
        component = self.resolve(subject, "an atom")
        if component is None or word.text in ("down", "up"):
            return
        modes = _modes(component)
        if word.text in _KIND_ATOMS:
            kind = _KIND_ATOMS[word.text]
            if component.kind != kind:
                self.error(
                    word.span,
                    f"'{word.text}' is an atom of {_a(kind)}, and '{subject.text}' "
                    f"is {_a(component.kind)}",
                    f"write '{subject.text}.down' or '{subject.text}.up'",
                )
            return
        if word.text in modes:
            return
        if isinstance(component, ast.Channel):
            actions = _channel_actions(component)
            transactions = [t.name.text for t in component.transactions]
            if word.text in actions:
                return
            if word.text == "fails" or word.text in transactions:
                example = word.text if word.text in transactions else "X"
                self.error(
                    word.span,
                    f"'{subject.text}.{word.text}' does not name an event",
                    f"a transaction's events are written '{subject.text}.{example}.fails' "
                    f"or '{subject.text}.{example}.ACTION'",
                )
                return
            # Actions are free identifiers: one that no class maps to never happens,
            # so a changed design can still be checked against it (see decisions.md).
            return
        if word.text == "fails":
            self.error(
                word.span,
                f"'fails' is an atom of a channel's transaction, and '{subject.text}' "
                f"is {_a(component.kind)}",
                "write 'CHANNEL.TRANSACTION.fails'",
            )
            return
        self.error(
            word.span,
            f"'{subject.text}' has no fault mode '{word.text}'",
            _did_you_mean(word.text, [*modes, "down", "up"])
            or f"its fault modes: {_listing(modes)}; every component has 'down' and 'up'",
        )

    def check_atom3(self, subject: ast.Name, middle: ast.Name, word: ast.Name) -> None:
        component = self.resolve(subject, "a three-part atom", "channel")
        if not isinstance(component, ast.Channel):
            return
        transactions = {t.name.text: t for t in component.transactions}
        transaction = transactions.get(middle.text)
        if transaction is None:
            self.error(
                middle.span,
                f"channel '{subject.text}' has no transaction '{middle.text}'",
                _did_you_mean(middle.text, transactions)
                or f"its transactions: {_listing(transactions)}",
            )
            return
        if word.text == "fails":
            return
        # Any action may be named: one the transaction never takes never happens.


def validate_scenario(model: ast.Model, scenario: ast.Scenario) -> list[SpecError]:
    """The errors of one scenario: each entry names a declared fault, at most once, at
    an onset the fault allows (within `0..horizon` and its `at`/`from`/`until`)."""
    errors: list[SpecError] = []
    components = {c.name.text: c for c in model.components}
    horizon = model.horizon.seconds if model.horizon is not None else ast.DEFAULT_HORIZON
    seen: dict[tuple[str, str], ast.ScenarioFault] = {}
    for entry in scenario.faults:
        name, mode = entry.component.text, entry.mode.text
        component = components.get(name)
        if component is None:
            errors.append(
                SpecError(
                    entry.component.span,
                    f"unknown component '{name}'",
                    _did_you_mean(name, components) or "a scenario names declared faults",
                )
            )
            continue
        decl = next((f for f in component.faults if f.mode.text == mode), None)
        if decl is None:
            modes = _modes(component)
            errors.append(
                SpecError(
                    entry.mode.span,
                    f"'{name}' has no fault mode '{mode}'",
                    _did_you_mean(mode, modes)
                    or (
                        f"its fault modes: {_listing(modes)}" if modes else f"'{name}' has no fault"
                    ),
                )
            )
            continue
        first = seen.get((name, mode))
        if first is not None:
            errors.append(
                SpecError(
                    entry.span,
                    f"fault '{name}.{mode}' is given twice in scenario \"{scenario.name}\"",
                    f"each fault occurs at most once (the first is at line {first.span.line})",
                )
            )
            continue
        seen[(name, mode)] = entry
        error = onset_error(decl, f"{name}.{mode}", entry.at, horizon)
        if error is not None:
            errors.append(error)
    return errors


def onset_error(
    fault: ast.FaultDecl, label: str, onset: ast.TimePoint, horizon: int
) -> SpecError | None:
    """None if `onset` is one the fault allows, else an error that says which it allows."""
    earliest, latest = fault.onsets(horizon)
    if earliest <= onset.seconds <= latest:
        return None
    when = ast.render_time_point(onset.seconds)
    if earliest > latest:
        allowed = f"'{label}' allows no onset: its window lies past the horizon " + (
            f"({ast.render_time_point(horizon)})"
        )
    elif earliest == latest:
        allowed = f"'{label}' allows only the onset {ast.render_time_point(earliest)}"
    else:
        allowed = (
            f"'{label}' allows onsets from {ast.render_time_point(earliest)} "
            f"until {ast.render_time_point(latest)}"
        )
        if fault.until is None or fault.until.seconds > horizon:
            allowed += " (the horizon)"
    return SpecError(onset.span, f"'{label}' cannot start at {when}", allowed)


def _modes(component: ast.Component) -> list[str]:
    """The component's fault modes, in declaration order, each once."""
    return list(dict.fromkeys(fault.mode.text for fault in component.faults))


def _on_lines(channel: ast.Channel) -> list[ast.OnLine]:
    return [*channel.on, *(line for t in channel.transactions for line in t.on)]


def _channel_actions(channel: ast.Channel) -> list[str]:
    """Every action some transaction of the channel may take, in order of first use."""
    return list(dict.fromkeys(line.action.text for line in _on_lines(channel)))


def _atoms(expr: ast.Expr) -> Iterator[ast.Atom]:
    if isinstance(expr, ast.Atom):
        yield expr
    elif isinstance(expr, ast.Not):
        yield from _atoms(expr.operand)
    else:
        for operand in expr.operands:
            yield from _atoms(operand)


def _acyclic(nodes: dict[str, int], edges: list[tuple[str, str]]) -> bool:
    """Has the graph no cycle (self-loops included)?  Kahn's algorithm."""
    targets: dict[str, set[str]] = {node: set() for node in nodes}
    waiting = dict.fromkeys(nodes, 0)
    for source, target in edges:
        if target not in targets[source]:
            targets[source].add(target)
            waiting[target] += 1
    ready = [node for node, count in waiting.items() if count == 0]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for target in targets[node]:
            waiting[target] -= 1
            if waiting[target] == 0:
                ready.append(target)
    return seen == len(nodes)


def _shortest_cycle(graph: nx.DiGraph[str], start: str, group: set[str]) -> list[str]:
    """Return the shortest cycle `[start, …, start]` inside `group`, visiting in edge order."""
    parents: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in graph.successors(node):
            if successor not in group:
                continue
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if successor not in parents:
                parents[successor] = node
                queue.append(successor)
    raise AssertionError("a strongly connected group always has a cycle")  # pragma: no cover
