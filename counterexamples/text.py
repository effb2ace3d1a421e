"""Render a counterexample trace as plain text that reads like an incident timeline.

The layout, for a trace with one fault:

    fault nw_card_a.flap at 00:00:00

    00:00:00  nw_card_a  flap                     fault injected
    00:00:00  nw_card_a  down                     ← nw_card_a.flap
    00:00:00  nw_link    switchover started       ← nw_card_a.down  (mode flap, …)
    …

    VIOLATED at 00:00:00: never atm.retain
      ← atm.retain on withdrawal

Times are clock times of day 1 (`HH:MM:SS`), and `day N HH:MM:SS` from the
second day on (instant ≥ 86400).  The words come from `vocabulary.py`; this
module lays them out.  The output depends only on the trace: same trace, same
bytes; no line ends in a space.  With `color`, the same text carries ANSI SGR
colours (faults and failures red, switchovers yellow, recoveries green,
channel actions magenta, causes dim); without, it is plain.
"""

from __future__ import annotations

from collections.abc import Sequence

from failspec.counterexamples.trace import EventKind, Trace, TraceEvent, TraceFault
from failspec.counterexamples.vocabulary import (
    SECONDS_PER_DAY,
    cause_words,
    change_words,
    explain_event,
    fault_words,
    format_duration,
    format_instant,
    violation_words,
)

__all__ = [
    "SECONDS_PER_DAY",
    "format_duration",
    "format_instant",
    "render_trace_text",
    "timeline_lines",
]

MAX_COMPONENT_WIDTH = 24
"""Columns wider than this are not padded further; a longer name just pushes its line."""
MAX_CHANGE_WIDTH = 32

BOLD_RED = "1;31"
RED = "31"
GREEN = "32"
YELLOW = "33"
MAGENTA = "35"
CYAN = "36"
BOLD = "1"
DIM = "2"

KIND_COLORS: dict[EventKind, str] = {
    EventKind.FAULT: BOLD_RED,
    EventKind.DOWN: RED,
    EventKind.CLOSED: RED,
    EventKind.FULL: RED,
    EventKind.FAILS: RED,
    EventKind.STALLED: RED,
    EventKind.NO_SWITCHOVER: RED,
    EventKind.SWITCHOVER_STUCK: RED,
    EventKind.SWITCHOVER_STARTED: YELLOW,
    EventKind.UP: GREEN,
    EventKind.REOPENED: GREEN,
    EventKind.DONE: GREEN,
    EventKind.SWITCHOVER_CANCELLED: GREEN,
    EventKind.SWITCHED: GREEN,
    EventKind.RECOVERS: GREEN,
    EventKind.REPAIRED: GREEN,
    EventKind.RESUMED: GREEN,
    EventKind.STARTED: CYAN,
    EventKind.ACTION: MAGENTA,
    EventKind.RIDING_OUT: YELLOW,
    EventKind.RECOVERING: YELLOW,
    EventKind.ATTEMPTED: CYAN,
    EventKind.NOT_ATTEMPTED: GREEN,
}


def _paint(text: str, code: str | None, color: bool) -> str:
    """`text` in SGR colour `code` when `color`; its trailing spaces stay uncoloured."""
    if not color or code is None or not text.strip():
        return text
    stripped = text.rstrip(" ")
    return f"\x1b[{code}m{stripped}\x1b[0m" + text[len(stripped) :]


def _fault_line(fault: TraceFault, label_width: int, color: bool) -> str:
    label = _paint(fault.label.ljust(label_width), BOLD_RED, color)
    return "fault " + fault_words(fault).replace(fault.label, label, 1)


def timeline_lines(events: Sequence[TraceEvent], *, color: bool = False) -> list[str]:
    """One line per event (time, component, change, cause and detail), columns
    aligned; `events` are numbered from 1 in order, as in a trace or in a timeline
    of `failspec simulate`.  No line ends in a space; no events, no lines."""
    if not events:
        return []
    times = [format_instant(e.at) for e in events]
    time_width = max(len(t) for t in times)
    changes = [change_words(e.fact) for e in events]
    component_width = min(max(len(e.component) for e in events), MAX_COMPONENT_WIDTH)
    change_width = min(max(len(c) for c in changes), MAX_CHANGE_WIDTH)
    lines = []
    for time, change, event in zip(times, changes, events, strict=True):
        cells = [
            # Right-justified so that HH:MM:SS lines up under `day 2 HH:MM:SS`.
            time.rjust(time_width),
            event.component.ljust(component_width),
            change.ljust(change_width),
            explain_event(events, event),
        ]
        if color:
            # Coloured after padding, padding outside the colour: the same text.
            cells = [
                _paint(cells[0], DIM, color),
                _paint(cells[1], BOLD, color),
                _paint(cells[2], _change_color(event), color),
                _paint(cells[3], DIM, color),
            ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _change_color(event: TraceEvent) -> str:
    return KIND_COLORS[event.kind]


def render_trace_text(trace: Trace, *, header: bool = False, color: bool = False) -> str:
    """Return the trace as an incident timeline, one line per event, ending in a newline.

    The injected faults come first (one `fault C.MODE at TIME` line each), then
    every event in trace order (time, component, change, cause, detail), then
    the violated assertion with its instant, what its fields add (how late a job
    is, when a run began) and the events it rests on.  With `header`, a first line
    names the model and the check, for a trace read on its own.  With `color`,
    ANSI colours are added (for a terminal); the text without them is the same.
    """
    lines: list[str] = []
    if header:
        title = f" — {trace.title}" if trace.title else ""
        lines.append(f"model {trace.model}{title}")
        lines.append(f'check "{trace.check}": {trace.verdict}')
        lines.append("")

    if trace.faults:
        label_width = max(len(f.label) for f in trace.faults)
        lines.extend(_fault_line(f, label_width, color) for f in trace.faults)
    else:
        lines.append("no faults injected")

    if trace.events:
        lines.append("")
        lines.extend(timeline_lines(trace.events, color=color))

    lines.append("")
    words = violation_words(trace.violation)
    verdict = _paint("VIOLATED", BOLD_RED, color)
    lines.append(verdict + words.removeprefix("VIOLATED"))
    causes = cause_words(trace.events, trace.violation.cause)
    if causes:
        lines.append("  " + _paint(causes, DIM, color))
    return "\n".join(line.rstrip() for line in lines) + "\n"
