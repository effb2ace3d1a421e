"""The text of a `failspec check` run: one block per model file, a line per check,
the counterexample's timeline under a violated check, and a summary line.

    models/minori/before.fspec  (model minori_before)
      ✓ holds     a card-loan program defect affects no other product
      ✗ violated  no single device failure retains customer cards
          fault nw_card_a.flap at 00:00:00
          …

    8 checks: 1 holds, 7 violated

No timings: the same results print the same bytes (`--format json` has each
check's seconds).  Only results render here; what is a result, and in which
order they come, is the caller's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from failspec.counterexamples.report import CheckOutcome, count_verdicts
from failspec.counterexamples.text import render_trace_text

VERDICT_MARKS = {"holds": "✓ holds", "violated": "✗ violated", "unknown": "? unknown"}
MARK_WIDTH = max(len(mark) for mark in VERDICT_MARKS.values())
TIMELINE_INDENT = "      "


def model_heading(file: str, model: str) -> str:
    """The line that opens a model file's block: `FILE  (model NAME)`."""
    return f"{file}  (model {model})"


def result_lines(
    result: CheckOutcome,
    saved: str | None = None,
    saved_page: str | None = None,
    color: bool = False,
) -> list[str]:
    """The lines of one check's result: its verdict and name (and why it is unknown),
    then, for a violated check, its timeline and where it was saved, then a blank line."""
    mark = VERDICT_MARKS.get(result.verdict, f"? {result.verdict}").ljust(MARK_WIDTH)
    line = f"  {mark}  {result.check}"
    if result.reason:
        line += f"  — {result.reason}"
    lines = [line]
    if result.counterexample is not None:
        timeline = render_trace_text(result.counterexample, color=color)
        lines.extend((TIMELINE_INDENT + row).rstrip() for row in timeline.rstrip("\n").split("\n"))
        if saved is not None:
            lines.append(f"{TIMELINE_INDENT}counterexample saved to {saved}")
        if saved_page is not None:
            lines.append(f"{TIMELINE_INDENT}viewer page saved to {saved_page}")
        lines.append("")
    return lines


def summary_line(verdicts: Sequence[str], accepted: int = 0) -> str:
    """`N checks: H holds, V violated[, U unknown][ (A accepted in the baseline)]`."""
    counts = count_verdicts(verdicts)
    total = counts["checks"]
    parts = [f"{counts['holds']} holds", f"{counts['violated']} violated"]
    if counts["unknown"]:
        parts.append(f"{counts['unknown']} unknown")
    line = f"{total} check{'' if total == 1 else 's'}: {', '.join(parts)}"
    if accepted:
        line += f" ({accepted} accepted in the baseline)"
    return line


def progress_line(done: int, total: int, result: CheckOutcome) -> str:
    """A progress line for a terminal: `[3/8] violated check (file, 1.20s)`."""
    return (
        f"[{done}/{total}] {result.verdict:<8} {result.check}  "
        f"({result.file}, {result.seconds:.2f}s)\n"
    )


class BlockWriter:
    """Writes lines to a stream as they come, with at most one blank line between blocks
    and none at the start."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._state = "start"  # "start", "text" or "blank"

    def write(self, line: str) -> None:
        if not line:
            if self._state == "text":
                self._stream.write("\n")
                self._state = "blank"
            return
        self._stream.write(line + "\n")
        self._state = "text"
