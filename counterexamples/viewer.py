"""Render a counterexample trace as one self-contained HTML page: the viewer.

The page holds the model's dependency graph (SVG, laid out by `graph_layout`) with
every component coloured by its status at the selected instant, the timeline
(clock time, event, cause), the causal chain from the injected fault(s) to the
violation, what changed at the selected event, the check, its fault hypothesis
and the violated assertion with what its fields add (how late a job is).  It
opens at the violation with the chain highlighted; ← / → (and the buttons) step
from event to event, "first fault", "violation" and "worst state" jump, a slider
moves over the horizon, and `page.html#event=12` selects event 12.  CSS and
JavaScript are inlined from `viewer.css` and `viewer.js` beside this module; the
page loads nothing.

Everything shown comes from the trace's facts (`statuses.py` derives the states
from the event kinds and fields, the chain is the violation's causes followed
through the events' cause ids) and from the model (its components, their kinds
and a channel's own action words); the words come from `vocabulary.py`.  The
script receives those words ready-made and reads no event's words back.

Every string that comes from the model is escaped: in the markup with
`html.escape`, and in the JSON the script reads with `<`, `>` and `&` written as
`\\u003c`, `\\u003e` and `\\u0026`, so a title such as `<script>…</script>` is
shown as text.  The page depends only on the trace: same trace, same bytes.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from failspec.counterexamples.causal_chain import causal_chain
from failspec.counterexamples.graph_layout import GraphLayout, layout_graph
from failspec.counterexamples.graph_svg import ChainLink, NodeLook, escape, render_graph_svg
from failspec.counterexamples.statuses import (
    ComponentState,
    JobProgress,
    Status,
    component_kinds,
    initial_states,
    job_progress,
    state_changes,
    states_at_each_event,
    statuses_of,
    worst_event,
)
from failspec.counterexamples.trace import (
    Action,
    EventKind,
    Fails,
    NoSwitchover,
    SwitchoverStarted,
    Trace,
    TraceEvent,
)
from failspec.counterexamples.vocabulary import (
    FAILURE_CLASS_MEANINGS,
    STATUS_LABELS,
    STATUS_MEANINGS,
    cause_words,
    change_words,
    explain_event,
    format_duration,
    format_instant,
    is_fault_onset,
    no_switchover_words,
    state_label,
    state_note,
    violation_facts,
    violation_summary,
)

_text = escape


def dump_script_json(data: Any) -> str:
    """Return `data` as JSON safe inside a <script> element: `<`, `>`, `&`, U+2028 and
    U+2029 are written as \\u escapes, so no string can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


def read_asset(name: str) -> str:
    """The text of a file beside this module (`viewer.css`, `viewer.js`)."""
    return resources.files("failspec.counterexamples").joinpath(name).read_text(encoding="utf-8")


def _status_line(state: ComponentState) -> str:
    label, note = state_label(state), state_note(state)
    return f"{label} · {note}" if note else label


def _model_actions(trace: Trace) -> tuple[str, ...]:
    """Every action the model's channels name, sorted (from the trace's components,
    else from the actions its events take)."""
    actions = {a for c in trace.components for a in c.actions}
    if not trace.components:
        actions = {e.fact.action for e in trace.events if isinstance(e.fact, Action)}
    return tuple(sorted(actions))


def _violation_html(trace: Trace) -> str:
    facts = violation_facts(trace.violation)
    return f"<code>{_text(trace.violation.assertion)}</code>" + (
        f" — {_text(facts)}" if facts else ""
    )


def _render_header(trace: Trace) -> str:
    title = f" — {_text(trace.title)}" if trace.title else ""
    faults = "".join(
        f"<li><code>{_text(f.label)}</code> at <time>{_text(format_instant(f.at))}</time>"
        + (
            f", repaired after {_text(format_duration(f.repair))}"
            if f.repair is not None
            else ", never repaired"
        )
        + "</li>"
        for f in trace.faults
    )
    faults_html = f'<ul class="faults">{faults}</ul>' if faults else "none (no fault is needed)"
    hypothesis = (
        f"<code>{_text(trace.hypothesis)}</code>"
        if trace.hypothesis is not None
        else "not recorded"
    )
    verdict = _text(trace.verdict.upper())
    return (
        '<header class="page-header">\n'
        f'<p class="eyebrow">failspec counterexample · model <code>{_text(trace.model)}</code>'
        f"{title}</p>\n"
        f'<h1 id="check-name">{_text(trace.check)}</h1>\n'
        '<dl class="facts">\n'
        f'<div><dt>Verdict</dt><dd><span class="verdict">{verdict}</span> at '
        f"<time>{_text(format_instant(trace.violation.at))}</time></dd></div>\n"
        f'<div><dt>Violated assertion</dt><dd id="violated-assertion">{_violation_html(trace)}'
        "</dd></div>\n"
        f"<div><dt>Fault hypothesis</dt><dd>{hypothesis}</dd></div>\n"
        f"<div><dt>Injected {'fault' if len(trace.faults) == 1 else 'faults'}</dt>"
        f"<dd>{faults_html}</dd></div>\n"
        f"<div><dt>Horizon</dt><dd>00:00:00 – {_text(format_instant(trace.horizon))}</dd></div>\n"
        "</dl>\n"
        "</header>\n"
    )


def _event_button(trace: Trace, event: TraceEvent) -> str:
    explanation = explain_event(trace.events, event)
    return (
        f'<button type="button" class="goto" data-id="{event.id}">'
        f'<span class="event-id">#{event.id}</span> '
        f"<time>{_text(format_instant(event.at))}</time> "
        f'<span class="component">{_text(event.component)}</span> '
        f'<span class="change">{_text(change_words(event.fact))}</span>'
        + (f' <span class="cause">{_text(explanation)}</span>' if explanation else "")
        + "</button>"
    )


_OUTCOMES = {EventKind.SWITCHED, EventKind.SWITCHOVER_CANCELLED, EventKind.SWITCHOVER_STUCK}
"""The kinds that end a switchover window."""


def _switchover_sentence(trace: Trace, event: TraceEvent, fact: SwitchoverStarted) -> str:
    later = [
        e
        for e in trace.events[event.id :]
        if e.component == event.component and e.kind in _OUTCOMES
    ]
    sentence = (
        f"<b>{_text(event.component)}</b> started a switchover at "
        f"<time>{_text(format_instant(event.at))}</time>"
    )
    if later:
        outcome = later[0]
        return (
            sentence + f"; {_text(change_words(outcome.fact))} at "
            f"<time>{_text(format_instant(outcome.at))}</time>."
        )
    if fact.due is not None:
        return sentence + (
            f"; it is due at <time>{_text(format_instant(fact.due))}</time>, after the "
            f"violation at <time>{_text(format_instant(trace.violation.at))}</time>: until "
            f"then {_text(event.component)} is down."
        )
    return sentence + "; it had not completed at the violation."


def _story_notes(trace: Trace, chain: tuple[int, ...]) -> list[str]:
    """One sentence per switchover or missing switchover, then the meaning of each
    failure class on the chain."""
    lines = []
    for event in trace.events:
        fact = event.fact
        if isinstance(fact, SwitchoverStarted):
            lines.append(_switchover_sentence(trace, event, fact))
        elif isinstance(fact, NoSwitchover):
            lines.append(
                f"<b>{_text(event.component)}</b> did not switch over at "
                f"<time>{_text(format_instant(event.at))}</time>: "
                f"{_text(no_switchover_words(fact))}."
            )
    facts = [trace.event(n).fact for n in chain]
    classes = {fact.failure_class for fact in facts if isinstance(fact, Fails)}
    lines += [
        f"<code>fails ({_text(c.value)})</code> means {_text(meaning)}."
        for c, meaning in FAILURE_CLASS_MEANINGS.items()
        if c in classes
    ]
    return lines


def _render_story(trace: Trace, chain: tuple[int, ...]) -> str:
    items = "".join(f"<li>{_event_button(trace, trace.event(n))}</li>\n" for n in chain)
    causes = cause_words(trace.events, trace.violation.cause)
    violated = (
        '<li class="violated"><span class="verdict">VIOLATED</span> at '
        f"<time>{_text(format_instant(trace.violation.at))}</time>: {_violation_html(trace)}"
        + (f' <span class="cause">{_text(causes)}</span>' if causes else "")
        + "</li>\n"
    )
    notes = "".join(f"<li>{line}</li>" for line in _story_notes(trace, chain))
    aside = f'<ul class="switchovers">{notes}</ul>\n' if notes else ""
    if not chain:
        lead = "<p>No event leads to the violation: the assertion fails from the start.</p>\n"
    else:
        lead = (
            "<p>Each step was caused by the ones before it (← names the cause). "
            "Select a step to see it on the graph and in the timeline.</p>\n"
        )
    return (
        '<section id="story" aria-labelledby="story-title">\n'
        '<h2 id="story-title">From fault to violation: the causal chain</h2>\n'
        f'{lead}<ol class="chain-list">\n{items}{violated}</ol>\n{aside}'
        "</section>\n"
    )


def _ticks(trace: Trace, horizon_end: int, chain: tuple[int, ...]) -> list[str]:
    chain_set = set(chain)
    rank = {"event": 0, "chain": 1, "fault": 2}
    seen: dict[int, str] = {}
    for event in trace.events:
        kind = "fault" if is_fault_onset(event) else ("chain" if event.id in chain_set else "event")
        if event.at not in seen or rank[kind] > rank[seen[event.at]]:
            seen[event.at] = kind
    ticks = []
    for at, kind in sorted(seen.items()):
        x = round(1000 * at / horizon_end, 2) if horizon_end else 0
        ticks.append(f'<line class="tick {kind}" x1="{x}" x2="{x}" y1="2" y2="14"/>')
    violation_x = round(1000 * trace.violation.at / horizon_end, 2) if horizon_end else 0
    ticks.append(
        f'<line class="tick violation" x1="{violation_x}" x2="{violation_x}" y1="0" y2="16"/>'
    )
    return ticks


def _render_player(trace: Trace, horizon_end: int, chain: tuple[int, ...]) -> str:
    count = len(trace.events)
    start = trace.violation.at
    has_fault = any(is_fault_onset(e) for e in trace.events)
    return (
        '<section id="player" aria-label="Step through the trace">\n'
        '<div class="buttons">'
        '<button type="button" id="first" title="First event (Home)">« first</button>'
        '<button type="button" id="prev" title="Previous event (←)">◀ previous</button>'
        '<button type="button" id="next" title="Next event (→)">next ▶</button>'
        '<button type="button" id="last" title="Last event (End)">last »</button>'
        "</div>\n"
        '<div class="buttons jumps">'
        f'<button type="button" id="jump-fault" title="Jump to the first fault (F)"'
        f"{'' if has_fault else ' disabled'}>⚑ first fault</button>"
        '<button type="button" id="jump-violation" title="Jump to the violation (V)">'
        "✗ violation</button>"
        '<button type="button" id="jump-worst" title="Jump to the worst state: the first '
        'instant at which the most components fail (W)"'
        f"{'' if count else ' disabled'}>▼ worst state</button>"
        "</div>\n"
        '<div class="readout"><time id="now">'
        f"{_text(format_instant(start))}</time>"
        f'<span id="counter">the violation, after event {count} of {count}</span>'
        '<a id="event-link" href="#">link to this event</a></div>\n'
        '<div class="scrub">'
        f'<input type="range" id="slider" min="0" max="{horizon_end}" step="1" value="{start}" '
        'aria-label="Instant (seconds since 00:00 of day 1)">'
        '<svg class="ticks" viewBox="0 0 1000 16" preserveAspectRatio="none" aria-hidden="true">'
        + "".join(_ticks(trace, horizon_end, chain))
        + "</svg>"
        '<div class="scale"><span>00:00:00</span>'
        f"<span>{_text(format_instant(horizon_end))}</span></div>"
        "</div>\n"
        '<p class="keys">Keys: ← → previous / next event · Home / End first / last · '
        "F first fault · V violation · W worst state · or drag the slider</p>\n"
        "</section>\n"
    )


def _chain_links(trace: Trace, chain: tuple[int, ...], layout: GraphLayout) -> list[ChainLink]:
    chain_set = set(chain)
    dependencies = set(layout.edges)
    links: list[ChainLink] = []
    seen: set[tuple[str, str]] = set()
    for n in chain:
        effect = trace.event(n).component
        for c in trace.event(n).cause:
            cause = trace.event(c).component
            if c in chain_set and cause != effect and (cause, effect) not in seen:
                seen.add((cause, effect))
                links.append(ChainLink(cause, effect, (effect, cause) in dependencies))
    return links


def _job_fraction(job: JobProgress | None, at: int) -> float | None:
    """The fraction of its work a job has done by instant `at` (None: not a job)."""
    if job is None:
        return None
    end = at if job.done is None else min(at, job.done)
    worked = max(0, end - job.start)
    for a, b in job.stalls:
        stop = end if b is None else min(b, end)
        worked -= max(0, stop - max(a, job.start))
    return max(0, worked) / job.takes if job.takes else 1.0


def _legend(trace: Trace) -> str:
    """The statuses the model's kinds can show, with the model's own action words."""
    kinds = set(component_kinds(trace).values())
    shown = [s for s in Status if any(s in statuses_of(k) for k in kinds)]
    actions = _model_actions(trace)
    items = []
    for status in shown:
        label = STATUS_LABELS[status]
        if status == Status.ACTING and actions:
            label += " (" + ", ".join(actions) + ")"
        items.append(
            f'<li title="{_text(STATUS_MEANINGS[status])}"><span class="swatch" '
            f'data-status="{status.value}"></span>{_text(label)}</li>'
        )
    return "".join(items)


def _render_graph(
    trace: Trace,
    layout: GraphLayout,
    final: dict[str, ComponentState],
    chain: tuple[int, ...],
    jobs: dict[str, JobProgress],
) -> str:
    chain_components = {trace.event(n).component for n in chain}
    looks = {}
    for node in layout.nodes:
        state = final[node.name]
        looks[node.name] = NodeLook(
            classes=("chain",) if node.name in chain_components else (),
            status=state.status.value,
            label=state_label(state),
            note=state_note(state),
            title=f"{node.name} ({node.kind}): {_status_line(state)}",
            progress=_job_fraction(jobs.get(node.name), trace.violation.at),
        )
    svg = render_graph_svg(layout, looks, _chain_links(trace, chain, layout))
    return (
        '<section id="graph" aria-labelledby="graph-title">\n'
        '<h2 id="graph-title">Dependency graph at <time id="graph-time">'
        f"{_text(format_instant(trace.violation.at))}</time></h2>\n"
        f'<ul class="legend">{_legend(trace)}'
        '<li><span class="swatch chain-swatch"></span>on the causal chain</li>'
        '<li><span class="swatch current-swatch"></span>selected event</li></ul>\n'
        '<p class="hint">Columns go from what customers use (left) to what it runs on '
        "(right); a grey line joins a component to what it depends on, so failures spread "
        "leftwards. Blue arrows follow the causal chain; a dashed one is a cause that is "
        "not a dependency (errors counted by a partition). A job's bar is its progress.</p>\n"
        f'<div class="graph-scroll">{svg}</div>\n'
        "</section>\n"
    )


def _render_timeline(trace: Trace, chain: tuple[int, ...]) -> str:
    chain_set = set(chain)
    roots = set(trace.violation.cause)
    rows = []
    for event in trace.events:
        classes = ["event"]
        if event.id in chain_set:
            classes.append("chain")
        if is_fault_onset(event):
            classes.append("fault")
        if event.id in roots:
            classes.append("root")
        rows.append(
            f'<tr class="{" ".join(classes)}" id="event-{event.id}" data-id="{event.id}" '
            f'data-component="{_text(event.component)}" data-kind="{event.kind.value}">'
            f'<td class="id"><a href="#event={event.id}" title="link to this event">'
            f"{event.id}</a></td>"
            f'<td class="time"><time>{_text(format_instant(event.at))}</time></td>'
            f'<td class="component">{_text(event.component)}</td>'
            f'<td class="change">{_text(change_words(event.fact))}</td>'
            f'<td class="cause">{_text(explain_event(trace.events, event))}</td></tr>'
        )
    causes = cause_words(trace.events, trace.violation.cause)
    rows.append(
        '<tr class="violation-row" id="violation-row"><td class="id"></td><td class="time"><time>'
        f"{_text(format_instant(trace.violation.at))}</time></td>"
        '<td colspan="2"><span class="verdict">VIOLATED</span> '
        f"{_violation_html(trace)}</td>"
        f'<td class="cause">{_text(causes)}</td></tr>'
    )
    body = "\n".join(rows)
    return (
        '<section id="timeline" aria-labelledby="timeline-title">\n'
        '<div class="timeline-head"><h2 id="timeline-title">Timeline</h2>'
        '<label class="only-chain"><input type="checkbox" id="chain-only"> '
        "causal chain only</label></div>\n"
        '<div class="timeline-scroll"><table>\n'
        "<thead><tr><th>#</th><th>time</th><th>component</th><th>event</th><th>cause</th>"
        "</tr></thead>\n"
        f"<tbody>\n{body}\n</tbody></table></div>\n"
        "</section>\n"
    )


def _render_selected() -> str:
    return (
        '<section id="selected" aria-live="polite">\n'
        '<h2>Selected event</h2>\n<p id="selected-event"></p>\n'
        '<h3>Changed since the previous event</h3>\n<ul id="changes"></ul>\n'
        "</section>\n"
    )


def _render_footer(trace: Trace) -> str:
    classes = "".join(
        f"<li><code>X fails ({_text(c.value)})</code>: {_text(meaning)}</li>"
        for c, meaning in FAILURE_CLASS_MEANINGS.items()
    )
    actions = _model_actions(trace)
    named = ", ".join(f"<code>{_text(a)}</code>" for a in actions)
    example = next((e.fact for e in trace.events if isinstance(e.fact, Action)), None)
    reading = (
        f"; <code>{_text(change_words(example))}</code> reads: the channel takes the action "
        f"<code>{_text(example.action)}</code> on the transaction "
        f"<code>{_text(example.transaction)}</code>"
        if example is not None
        else ""
    )
    action_line = (
        f"<li>A channel's action ({named}) is what the model says it does on that class "
        f"of failure (its <code>on CLASS -&gt; ACTION</code> lines){reading}.</li>"
        if actions
        else ""
    )
    return (
        '<footer class="page-footer">\n<h2>Reading the events</h2>\n'
        f'<ul class="classes">{classes}{action_line}'
        "<li>A job <em>stalls</em> while it has started, is not done and is down: it "
        "makes no progress until it <em>resumes</em>.</li>"
        "<li>Times are clock times of day 1 (<code>day N</code> from the second day), "
        "to the second. <code>#event=N</code> at the end of the page's address selects "
        "event N.</li></ul>\n"
        "<p>Generated by failspec from a counterexample trace. "
        "This page is self-contained and works offline.</p>\n"
        "</footer>\n"
    )


def _state_json(state: ComponentState) -> list[str]:
    return [state.status.value, state_label(state), state_note(state)]


def _script_data(
    trace: Trace, chain: tuple[int, ...], jobs: dict[str, JobProgress]
) -> dict[str, Any]:
    first_fault = next((e.id for e in trace.events if is_fault_onset(e)), None)
    return {
        "initial": {name: _state_json(s) for name, s in initial_states(trace).items()},
        "changes": [
            [[name, *_state_json(s)] for name, s in changes] for changes in state_changes(trace)
        ],
        "events": [
            {
                "id": e.id,
                "at": e.at,
                "time": format_instant(e.at),
                "component": e.component,
                "change": change_words(e.fact),
                "explanation": explain_event(trace.events, e),
            }
            for e in trace.events
        ],
        "causes": [list(e.cause) for e in trace.events],
        "chain": list(chain),
        "violation": {
            "at": trace.violation.at,
            "time": format_instant(trace.violation.at),
            "words": violation_summary(trace.violation),
            "explanation": cause_words(trace.events, trace.violation.cause),
            "cause": list(trace.violation.cause),
        },
        "firstFault": first_fault,
        "worst": worst_event(trace),
        "jobs": {
            name: {
                "start": job.start,
                "takes": job.takes,
                "stalls": [list(s) for s in job.stalls],
                "done": job.done,
            }
            for name, job in jobs.items()
        },
    }


def render_trace_html(trace: Trace) -> str:
    """Return the viewer page of `trace`: one self-contained HTML document, ending in a
    newline, showing the state at the violation until a script selects another."""
    chain = causal_chain(trace)
    kinds = component_kinds(trace)
    layout = layout_graph(kinds, trace.edges)
    states = states_at_each_event(trace)
    final = states[-1] if states else initial_states(trace)
    jobs = job_progress(trace)
    horizon_end = max([trace.horizon, trace.violation.at] + [e.at for e in trace.events])
    title = f"failspec: {trace.check} — {trace.model}"
    css, script = read_asset("viewer.css"), read_asset("viewer.js")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        '<meta name="generator" content="failspec">\n'
        f"<title>{_text(title)}</title>\n"
        f"<style>\n{css}</style>\n"
        "</head>\n<body>\n"
        + _render_header(trace)
        + _render_story(trace, chain)
        + _render_player(trace, horizon_end, chain)
        + '<main class="panes">\n'
        + _render_graph(trace, layout, final, chain, jobs)
        + '<div class="side">\n'
        + _render_selected()
        + _render_timeline(trace, chain)
        + "</div>\n</main>\n"
        + _render_footer(trace)
        + '<script type="application/json" id="failspec-data">'
        + dump_script_json(_script_data(trace, chain, jobs))
        + "</script>\n"
        + f"<script>\n{script}</script>\n"
        + "</body>\n</html>\n"
    )
