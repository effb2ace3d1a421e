"""Render a counterexample trace as plain text that reads like an incident timeline.

The layout, for a trace with one fault:

    fault nw_card_a.flap at 00:00:00

    00:00:00  nw_card_a  flap                     fault injected
    00:00:00  nw_card_a  down                     ← nw_card_a.flap
    00:00:00  nw_link    down                     ← nw_card_a.down  (switchover window …)

    VIOLATED at 00:00:00: never atm.retain

Times are clock times of day 1 (`HH:MM:SS`), and `day N HH:MM:SS` from the
second day on (instant ≥ 86400).  The output depends only on the trace: same
trace, same bytes; no line ends in a space.  With `color`, the same text carries
ANSI SGR colours (faults and failures red, switchovers yellow, recoveries green,
channel actions magenta, causes dim); without, it is plain.
"""

from __future__ import annotations

from failspec.counterexamples.trace import Trace, TraceEvent, TraceFault

SECONDS_PER_DAY = 86_400

MAX_COMPONENT_WIDTH = 24
"""Columns wider than this are not padded further; a longer name just pushes its line."""
MAX_CHANGE_WIDTH = 32


def format_instant(at: int) -> str:
    """Return instant `at` (integer seconds since 00:00 of day 1) as a clock time.

    `HH:MM:SS` on day 1 (0 ≤ at < 86400), `day N HH:MM:SS` on day N ≥ 2.
    """
    if at < 0:
        raise ValueError(f"instant {at} is before 00:00 of day 1")
    day, within = divmod(at, SECONDS_PER_DAY)
    hours, rest = divmod(within, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return clock if day == 0 else f"day {day + 1} {clock}"


def format_duration(seconds: int) -> str:
    """Return a duration in integer seconds the way the language writes it (`1h30m`, `45s`, `2d`)."""
    if seconds <= 0:
        return "0s"
    parts = []
    for unit, size in (("d", SECONDS_PER_DAY), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


BOLD_RED = "1;31"
RED = "31"
GREEN = "32"
YELLOW = "33"
MAGENTA = "35"
CYAN = "36"
BOLD = "1"
DIM = "2"


def _paint(text: str, code: str | None, color: bool) -> str:
    """`text` in SGR colour `code` when `color`; its trailing spaces stay uncoloured."""
    if not color or code is None or not text.strip():
        return text
    stripped = text.rstrip(" ")
    return f"\x1b[{code}m{stripped}\x1b[0m" + text[len(stripped) :]


def _change_color(event: TraceEvent, faults: tuple[TraceFault, ...]) -> str:
    change = event.change
    if is_fault_onset(event, faults):
        return BOLD_RED
    if change in ("down", "closed", "full", "switchover failed") or " fails (" in change:
        return RED
    if change == "switchover started":
        return YELLOW
    if change in ("up", "reopened", "done", "switchover cancelled") or change.startswith(
        "switched to "
    ):
        return GREEN
    if change.endswith((" recovers", " repaired", " stops")):
        return GREEN
    if change == "started":
        return CYAN
    return MAGENTA  # a channel's action: retain, return, reject, …


def _fault_line(fault: TraceFault, label_width: int, color: bool = False) -> str:
    label = _paint(fault.label.ljust(label_width), BOLD_RED, color)
    line = f"fault {label} at {format_instant(fault.at)}"
    if fault.repair is not None:
        line += f", repaired after {format_duration(fault.repair)}"
    return line


def is_fault_onset(event: TraceEvent, faults: tuple[TraceFault, ...]) -> bool:
    """Is the event the onset of one of the injected faults?"""
    return any(
        event.component == f.component and event.change == f.mode and event.at == f.at
        for f in faults
    )


def explain_event(event: TraceEvent, faults: tuple[TraceFault, ...]) -> str:
    """The last column: the cause (`← a.down, b.down`), then the detail in parentheses."""
    if event.cause:
        cause = "← " + ", ".join(event.cause)
    elif is_fault_onset(event, faults):
        cause = "fault injected"
    else:
        cause = ""
    if event.detail and event.detail != cause:
        return f"{cause}  ({event.detail})" if cause else f"({event.detail})"
    return cause


def render_trace_text(trace: Trace, *, header: bool = False, color: bool = False) -> str:
    """Return the trace as an incident timeline, one line per event, ending in a newline.

    The injected faults come first (one `fault C.MODE at TIME` line each), then
    every event in trace order (time, component, change, cause, detail), then
    the violated assertion with its instant.  With `header`, a first line names
    the model and the check, for a trace read on its own.  With `color`, ANSI
    colours are added (for a terminal); the text without them is the same.
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
        times = [format_instant(e.at) for e in trace.events]
        time_width = max(len(t) for t in times)
        component_width = min(max(len(e.component) for e in trace.events), MAX_COMPONENT_WIDTH)
        change_width = min(max(len(e.change) for e in trace.events), MAX_CHANGE_WIDTH)
        for time, event in zip(times, trace.events, strict=True):
            cells = [
                # Right-justified so that HH:MM:SS lines up under `day 2 HH:MM:SS`.
                time.rjust(time_width),
                event.component.ljust(component_width),
                event.change.ljust(change_width),
                explain_event(event, trace.faults),
            ]
            if color:
                # Coloured after padding, padding outside the colour: the same text.
                cells = [
                    _paint(cells[0], DIM, color),
                    _paint(cells[1], BOLD, color),
                    _paint(cells[2], _change_color(event, trace.faults), color),
                    _paint(cells[3], DIM, color),
                ]
            lines.append("  ".join(cells).rstrip())

    lines.append("")
    violation = trace.violation
    verdict = _paint("VIOLATED", BOLD_RED, color)
    lines.append(f"{verdict} at {format_instant(violation.at)}: {violation.assertion}")
    return "\n".join(line.rstrip() for line in lines) + "\n"
