"""Render a counterexample trace as one self-contained HTML page: the viewer.

The page holds the model's dependency graph (SVG, laid out by `graph_layout`) with
every component coloured by its status at the selected instant, the timeline
(clock time, event, cause), the causal chain from the injected fault(s) to the
violation, what changed at the selected event, the check, its fault hypothesis
and the violated assertion.  ← / → (and the buttons) step from event to event, a
slider moves over the horizon.  CSS and JavaScript are inlined from
`viewer.css` and `viewer.js` beside this module; the page loads nothing.

Every string that comes from the model is escaped: in the markup with
`html.escape`, and in the JSON the script reads with `<`, `>` and `&` written as
`\\u003c`, `\\u003e` and `\\u0026`, so a title such as `<script>…</script>` is
shown as text.  The page depends only on the trace: same trace, same bytes.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from typing import Any

from failspec.counterexamples.causal_chain import (
    find_causal_chain,
    resolve_causes,
    violation_roots,
)
from failspec.counterexamples.graph_layout import GraphLayout, layout_graph, route_edge
from failspec.counterexamples.statuses import (
    STATUS_LABELS,
    STATUSES,
    ComponentState,
    initial_states,
    state_changes,
    states_at_each_event,
)
from failspec.counterexamples.text import (
    explain_event,
    format_duration,
    format_instant,
    is_fault_onset,
)
from failspec.counterexamples.trace import Trace

FAILURE_CLASSES = (
    (
        "comm",
        (
            "the transaction's access path (a `via` component of the channel) was down for "
            "longer than the channel's timeout, so retrying did not help"
        ),
    ),
    ("partition", "the processing partition it is routed through was down or closed"),
    ("service", "a component the transaction calls was down"),
)


STATUS_CHAR_WIDTH = 5.7
"""Mean width of a character of a node's status line (10.5px sans-serif), in pixels."""


def _text(value: object) -> str:
    """Escape `value` for HTML text and attribute values (quotes included)."""
    return html.escape(str(value), quote=True)


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


def _read_asset(name: str) -> str:
    return resources.files("failspec.counterexamples").joinpath(name).read_text(encoding="utf-8")


def fit_text(text: str, chars: int) -> str:
    """Return `text` cut to at most `chars` characters, ending in `…` if it was cut."""
    if len(text) <= chars:
        return text
    return text[: chars - 1] + "…" if chars > 1 else ""


def _status_line(state: ComponentState) -> str:
    label = STATUS_LABELS.get(state.status, state.status)
    return f"{label} · {state.note}" if state.note else label


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
        f"<div><dt>Violated assertion</dt><dd><code>{_text(trace.violation.assertion)}</code>"
        "</dd></div>\n"
        f"<div><dt>Fault hypothesis</dt><dd>{hypothesis}</dd></div>\n"
        f"<div><dt>Injected {'fault' if len(trace.faults) == 1 else 'faults'}</dt>"
        f"<dd>{faults_html}</dd></div>\n"
        f"<div><dt>Horizon</dt><dd>00:00:00 – {_text(format_instant(trace.horizon))}</dd></div>\n"
        "</dl>\n"
        "</header>\n"
    )


def _event_button(trace: Trace, number: int) -> str:
    event = trace.events[number]
    explanation = explain_event(event, trace.faults)
    return (
        f'<button type="button" class="goto" data-index="{number}">'
        f"<time>{_text(format_instant(event.at))}</time> "
        f'<span class="component">{_text(event.component)}</span> '
        f'<span class="change">{_text(event.change)}</span>'
        + (f' <span class="cause">{_text(explanation)}</span>' if explanation else "")
        + "</button>"
    )


def _switchover_lines(trace: Trace) -> list[str]:
    """One sentence per switchover of a failover pair, saying when it completes."""
    lines = []
    states = states_at_each_event(trace)
    for number, event in enumerate(trace.events):
        if event.change != "switchover started":
            continue
        later = [
            e
            for e in trace.events[number + 1 :]
            if e.component == event.component
            and (e.change.startswith("switch") or e.change == "switchover cancelled")
        ]
        detail = f" ({_text(event.detail)})" if event.detail else ""
        sentence = (
            f"<b>{_text(event.component)}</b> started a switchover at "
            f"<time>{_text(format_instant(event.at))}</time>{detail}"
        )
        if later:
            sentence += (
                f"; {_text(later[0].change)} at <time>{_text(format_instant(later[0].at))}</time>."
            )
        else:
            note = states[number][event.component].note
            due = note.rsplit(" at ", 1)[1] if note.startswith("to ") and " at " in note else None
            sentence += (
                f"; it completes at <time>{_text(due)}</time>, after the violation at "
                f"<time>{_text(format_instant(trace.violation.at))}</time>: until then "
                f"{_text(event.component)} is down."
                if due
                else "; it had not completed at the violation."
            )
        lines.append(sentence)
    return lines


def _render_story(trace: Trace, chain: tuple[int, ...]) -> str:
    items = "".join(f"<li>{_event_button(trace, n)}</li>\n" for n in chain)
    violated = (
        '<li class="violated"><span class="verdict">VIOLATED</span> at '
        f"<time>{_text(format_instant(trace.violation.at))}</time>: "
        f"<code>{_text(trace.violation.assertion)}</code></li>\n"
    )
    lines = _switchover_lines(trace)
    in_chain = " ".join(trace.events[n].change for n in chain)
    lines += [
        f"<code>fails ({_text(name)})</code> means {_text(meaning)}."
        for name, meaning in FAILURE_CLASSES
        if f"fails ({name})" in in_chain
    ]
    switchovers = "".join(f"<li>{line}</li>" for line in lines)
    aside = f'<ul class="switchovers">{switchovers}</ul>\n' if switchovers else ""
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


def _render_player(trace: Trace, horizon_end: int, chain: tuple[int, ...]) -> str:
    ticks = []
    chain_set = set(chain)
    seen: dict[int, str] = {}
    for number, event in enumerate(trace.events):
        kind = (
            "fault"
            if is_fault_onset(event, trace.faults)
            else ("chain" if number in chain_set else "event")
        )
        rank = {"event": 0, "chain": 1, "fault": 2}
        if event.at not in seen or rank[kind] > rank[seen[event.at]]:
            seen[event.at] = kind
    for at, kind in sorted(seen.items()):
        x = round(1000 * at / horizon_end, 2) if horizon_end else 0
        ticks.append(f'<line class="tick {kind}" x1="{x}" x2="{x}" y1="2" y2="14"/>')
    violation_x = round(1000 * trace.violation.at / horizon_end, 2) if horizon_end else 0
    ticks.append(
        f'<line class="tick violation" x1="{violation_x}" x2="{violation_x}" y1="0" y2="16"/>'
    )
    last = len(trace.events) - 1
    start = trace.events[last].at if trace.events else 0
    return (
        '<section id="player" aria-label="Step through the trace">\n'
        '<div class="buttons">'
        '<button type="button" id="first" title="First event (Home)">« first</button>'
        '<button type="button" id="prev" title="Previous event (←)">◀ previous</button>'
        '<button type="button" id="next" title="Next event (→)">next ▶</button>'
        '<button type="button" id="last" title="Last event (End)">last »</button>'
        "</div>\n"
        '<div class="readout"><time id="now">'
        f"{_text(format_instant(start))}</time>"
        f'<span id="counter">event {last + 1} of {len(trace.events)}</span></div>\n'
        '<div class="scrub">'
        f'<input type="range" id="slider" min="0" max="{horizon_end}" step="1" value="{start}" '
        'aria-label="Instant (seconds since 00:00 of day 1)">'
        '<svg class="ticks" viewBox="0 0 1000 16" preserveAspectRatio="none" aria-hidden="true">'
        + "".join(ticks)
        + "</svg>"
        '<div class="scale"><span>00:00:00</span>'
        f"<span>{_text(format_instant(horizon_end))}</span></div>"
        "</div>\n"
        '<p class="keys">Keys: ← → previous / next event · Home / End first / last · '
        "or drag the slider</p>\n"
        "</section>\n"
    )


def _render_graph(
    trace: Trace,
    layout: GraphLayout,
    final: dict[str, ComponentState],
    chain: tuple[int, ...],
    causes: tuple[tuple[int, ...], ...],
) -> str:
    chain_set = set(chain)
    chain_components = {trace.events[n].component for n in chain}
    links: list[tuple[str, str]] = []  # (cause component, effect component), chain only
    for n in chain:
        for c in causes[n]:
            if c in chain_set:
                pair = (trace.events[c].component, trace.events[n].component)
                if pair[0] != pair[1] and pair not in links:
                    links.append(pair)
    dependencies = set(layout.edges)
    parts = [
        (
            f'<svg id="graph-svg" viewBox="0 0 {layout.width} {layout.height}" '
            f'width="{layout.width}" height="{layout.height}" role="img" '
            'aria-labelledby="graph-title" xmlns="http://www.w3.org/2000/svg">'
        ),
        (
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse">'
            '<path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>'
        ),
    ]
    for column in layout.columns:
        x = column.x + column.width // 2
        parts.append(
            f'<text class="column-label" x="{x}" y="26" text-anchor="middle">'
            f"{_text(column.label)}</text>"
        )
    parts.append('<g class="edges">')
    for reader, read in layout.edges:
        d = route_edge(layout.node(reader), layout.node(read))
        parts.append(
            f'<path class="edge" d="{d}" data-reader="{_text(reader)}" data-read="{_text(read)}"/>'
        )
    parts.append("</g>")
    parts.append('<g class="chain-links">')
    for cause, effect in links:
        dependency = (effect, cause) in dependencies
        css = "chain-link" if dependency else "chain-link causal-only"
        d = route_edge(layout.node(cause), layout.node(effect))
        parts.append(
            f'<path class="{css}" d="{d}" marker-end="url(#arrow)" '
            f'data-cause="{_text(cause)}" data-effect="{_text(effect)}"/>'
        )
    parts.append("</g>")
    parts.append('<g class="nodes">')
    for node in layout.nodes:
        state = final[node.name]
        classes = "node chain" if node.name in chain_components else "node"
        line = _status_line(state)
        cx = node.x + 10
        fit = int((node.width - 18) / STATUS_CHAR_WIDTH)
        label = STATUS_LABELS.get(state.status, state.status)
        note = fit_text(f" · {state.note}", fit - len(label)) if state.note else ""
        parts.append(
            f'<g class="{classes}" data-name="{_text(node.name)}" data-kind="{_text(node.kind)}" '
            f'data-status="{_text(state.status)}" tabindex="-1">'
            f"<title>{_text(node.name)} ({_text(node.kind)}): {_text(line)}</title>"
            f'<rect class="box" x="{node.x}" y="{node.y}" width="{node.width}" '
            f'height="{node.height}" rx="6"/>'
            f'<text class="name" x="{cx}" y="{node.y + 16}">{_text(node.name)}</text>'
            f'<text class="status" x="{cx}" y="{node.y + 32}" data-fit="{fit}">'
            f'<tspan class="label">{_text(label)}</tspan>'
            f'<tspan class="note">{_text(note)}</tspan></text>'
            "</g>"
        )
    parts.append("</g></svg>")
    legend = "".join(
        f'<li><span class="swatch" data-status="{status}"></span>{_text(STATUS_LABELS[status])}</li>'
        for status in STATUSES
    )
    return (
        '<section id="graph" aria-labelledby="graph-title">\n'
        '<h2 id="graph-title">Dependency graph at <time id="graph-time">'
        f"{_text(format_instant(trace.events[-1].at if trace.events else 0))}</time></h2>\n"
        f'<ul class="legend">{legend}'
        '<li><span class="swatch chain-swatch"></span>on the causal chain</li>'
        '<li><span class="swatch current-swatch"></span>selected event</li></ul>\n'
        '<p class="hint">Columns go from what customers use (left) to what it runs on '
        "(right); a grey line joins a component to what it depends on, so failures spread "
        "leftwards. Blue arrows follow the causal chain; a dashed one is a cause that is "
        "not a dependency (errors counted by a partition).</p>\n"
        f'<div class="graph-scroll">{"".join(parts)}</div>\n'
        "</section>\n"
    )


def _render_timeline(trace: Trace, chain: tuple[int, ...]) -> str:
    chain_set = set(chain)
    roots = set(violation_roots(trace))
    rows = []
    for number, event in enumerate(trace.events):
        classes = ["event"]
        if number in chain_set:
            classes.append("chain")
        if is_fault_onset(event, trace.faults):
            classes.append("fault")
        if number in roots:
            classes.append("root")
        rows.append(
            f'<tr class="{" ".join(classes)}" data-index="{number}" '
            f'data-component="{_text(event.component)}">'
            f'<td class="time"><time>{_text(format_instant(event.at))}</time></td>'
            f'<td class="component">{_text(event.component)}</td>'
            f'<td class="change">{_text(event.change)}</td>'
            f'<td class="cause">{_text(explain_event(event, trace.faults))}</td></tr>'
        )
    rows.append(
        '<tr class="violation-row"><td class="time"><time>'
        f"{_text(format_instant(trace.violation.at))}</time></td>"
        '<td colspan="3"><span class="verdict">VIOLATED</span> '
        f"<code>{_text(trace.violation.assertion)}</code></td></tr>"
    )
    body = "\n".join(rows)
    return (
        '<section id="timeline" aria-labelledby="timeline-title">\n'
        '<div class="timeline-head"><h2 id="timeline-title">Timeline</h2>'
        '<label class="only-chain"><input type="checkbox" id="chain-only"> '
        "causal chain only</label></div>\n"
        '<div class="timeline-scroll"><table>\n'
        "<thead><tr><th>time</th><th>component</th><th>event</th><th>cause</th></tr></thead>\n"
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


def _render_footer() -> str:
    classes = "".join(
        f"<li><code>X fails ({_text(name)})</code>: {_text(meaning)}</li>"
        for name, meaning in FAILURE_CLASSES
    )
    return (
        '<footer class="page-footer">\n<h2>Reading the events</h2>\n'
        f'<ul class="classes">{classes}'
        "<li>A channel's action (<code>retain</code>, <code>return</code>, …) is what it "
        "does with the customer's card or request on that class of failure, as the model's "
        "<code>on CLASS -&gt; ACTION</code> lines say; <em>retaining cards</em> means the "
        "channel keeps customers' cards.</li>"
        "<li>Times are clock times of day 1 (<code>day N</code> from the second day), "
        "to the second.</li></ul>\n"
        "<p>Generated by failspec from a <code>failspec-trace/1</code> counterexample. "
        "This page is self-contained and works offline.</p>\n"
        "</footer>\n"
    )


def _script_data(trace: Trace, chain: tuple[int, ...]) -> dict[str, Any]:
    causes = resolve_causes(trace)
    return {
        "labels": {status: STATUS_LABELS[status] for status in STATUSES},
        "initial": {name: [s.status, s.note] for name, s in initial_states(trace).items()},
        "changes": [
            [[name, s.status, s.note] for name, s in changes] for changes in state_changes(trace)
        ],
        "events": [
            {
                "at": e.at,
                "time": format_instant(e.at),
                "component": e.component,
                "change": e.change,
                "explanation": explain_event(e, trace.faults),
            }
            for e in trace.events
        ],
        "causes": [list(c) for c in causes],
        "chain": list(chain),
    }


def render_trace_html(trace: Trace) -> str:
    """Return the viewer page of `trace`: one self-contained HTML document, ending in a
    newline, showing the state after the last event until a script selects another."""
    chain = find_causal_chain(trace)
    causes = resolve_causes(trace)
    layout = layout_graph(trace)
    states = states_at_each_event(trace)
    final = states[-1] if states else initial_states(trace)
    horizon_end = max([trace.horizon, trace.violation.at] + [e.at for e in trace.events])
    title = f"failspec: {trace.check} — {trace.model}"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        '<meta name="generator" content="failspec">\n'
        f"<title>{_text(title)}</title>\n"
        f"<style>\n{_read_asset('viewer.css')}</style>\n"
        "</head>\n<body>\n"
        + _render_header(trace)
        + _render_story(trace, chain)
        + _render_player(trace, horizon_end, chain)
        + '<main class="panes">\n'
        + _render_graph(trace, layout, final, chain, causes)
        + '<div class="side">\n'
        + _render_selected()
        + _render_timeline(trace, chain)
        + "</div>\n</main>\n"
        + _render_footer()
        + '<script type="application/json" id="failspec-data">'
        + dump_script_json(_script_data(trace, chain))
        + "</script>\n"
        + f"<script>\n{_read_asset('viewer.js')}</script>\n"
        + "</body>\n</html>\n"
    )
