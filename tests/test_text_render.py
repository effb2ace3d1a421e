"""The text timeline of a counterexample: goldens on hand-built traces, and its rules.

Rewrite the goldens with `pytest --update-goldens` and review the diff like code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from failspec.counterexamples.text import format_duration, format_instant, render_trace_text
from failspec.counterexamples.trace import Trace, TraceEvent, TraceFault, Violation

GOLDEN_DIR = Path(__file__).resolve().parent.parent / "counterexamples" / "golden" / "text"


AssertGolden = Callable[[Path, str], None]
"""The `assert_golden` fixture of tests/conftest.py (rewrites with --update-goldens)."""


FLAP = Trace(
    model="atm_network",
    title="3 March 2021: a flapping NW card retains ATM cards",
    check="no single device failure retains customer cards",
    horizon=3600,
    faults=(TraceFault(2, "nw_card_a", "flap", 0, None),),
    events=(
        TraceEvent(0, "nw_card_a", "flap", ()),
        TraceEvent(0, "nw_card_a", "down", ("nw_card_a.flap",)),
        TraceEvent(
            0,
            "nw_link",
            "down",
            ("nw_card_a.down",),
            "switchover window: detect flap within 3m, switch at 00:03:00",
        ),
        TraceEvent(
            0,
            "atm",
            "withdrawal fails (comm)",
            ("nw_link.down",),
            "nw_link down on all of [00:00:00, 00:00:30]",
        ),
        TraceEvent(0, "atm", "retain", ("atm.withdrawal fails (comm)",)),
    ),
    violation=Violation(0, "never atm.retain"),
)

FX_OVERNIGHT = Trace(
    model="minori_fx",
    title=None,
    check="FX remittances meet the cutoff under two faults",
    horizon=172_800,
    faults=(
        TraceFault(3, "disk_ctl_a", "crash", 79_200, None),
        TraceFault(7, "transfer_pair", "stuck", 80_000, 25_200),
    ),
    events=(
        TraceEvent(79_200, "disk_ctl_a", "crash", ()),
        TraceEvent(79_200, "disk_ctl_a", "down", ("disk_ctl_a.crash",)),
        TraceEvent(79_200, "transfer_pair", "down", ("disk_ctl_a.down",), "switchover window"),
        TraceEvent(80_000, "transfer_pair", "stuck", ()),
        TraceEvent(
            86_399, "transfer_pair", "switchover failed", ("transfer_pair.stuck",), "manual 7h"
        ),
        TraceEvent(86_400, "fx_send", "started", ()),
        TraceEvent(86_400, "fx_send", "down", ("transfer_pair.down",)),
        TraceEvent(
            111_599, "transfer_pair", "switched to disk_ctl_b", ("transfer_pair.switchover failed",)
        ),
        TraceEvent(111_599, "fx_send", "up", ("transfer_pair.switched to disk_ctl_b",)),
        TraceEvent(133_200, "fx_send", "running", ("fx_send.up",)),
    ),
    violation=Violation(133_200, "fx_send done by day 2 13:00"),
)

NO_FAULTS = Trace(
    model="month_end",
    title="28 February 2021",
    check="the month-end batch fits the index file",
    horizon=86_400,
    faults=(),
    events=(
        TraceEvent(3600, "posting", "started", ()),
        TraceEvent(
            7_200, "index_file", "full", ("posting.started",), "701000 records > capacity 700000"
        ),
    ),
    violation=Violation(7_200, "never index_file.full"),
)

AT_ZERO = Trace(
    model="m",
    title=None,
    check="c",
    horizon=0,
    faults=(),
    events=(),
    violation=Violation(0, "always a.up"),
)


@pytest.mark.parametrize(
    ("name", "trace", "header"),
    [
        ("flap.txt", FLAP, False),
        ("flap-with-header.txt", FLAP, True),
        ("fx-overnight-day2.txt", FX_OVERNIGHT, False),
        ("no-faults.txt", NO_FAULTS, True),
        ("no-events.txt", AT_ZERO, False),
    ],
)
def test_render_trace_text_matches_golden(
    assert_golden: AssertGolden, name: str, trace: Trace, header: bool
) -> None:
    assert_golden(GOLDEN_DIR / name, render_trace_text(trace, header=header))


@pytest.mark.parametrize(
    ("at", "text"),
    [
        (0, "00:00:00"),
        (59, "00:00:59"),
        (3_600, "01:00:00"),
        (86_399, "23:59:59"),
        (86_400, "day 2 00:00:00"),
        (86_401, "day 2 00:00:01"),
        (37 * 3_600, "day 2 13:00:00"),
        (2 * 86_400, "day 3 00:00:00"),
    ],
)
def test_format_instant_day_boundary(at: int, text: str) -> None:
    assert format_instant(at) == text


def test_format_instant_rejects_negative() -> None:
    with pytest.raises(ValueError):
        format_instant(-1)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (10, "10s"), (180, "3m"), (5_400, "1h30m"), (25_200, "7h"), (90_061, "1d1h1m1s")],
)
def test_format_duration(seconds: int, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize("trace", [FLAP, FX_OVERNIGHT, NO_FAULTS, AT_ZERO])
def test_rendering_is_plain_deterministic_and_has_no_trailing_spaces(trace: Trace) -> None:
    text = render_trace_text(trace, header=True)
    assert text == render_trace_text(trace, header=True)
    assert text.endswith("\n") and not text.endswith("\n\n")
    for line in text.split("\n"):
        assert line == line.rstrip(), repr(line)
        assert "\t" not in line


def test_faults_first_violation_last_and_causes_shown() -> None:
    lines = render_trace_text(FLAP).rstrip("\n").split("\n")
    assert lines[0] == "fault nw_card_a.flap at 00:00:00"
    assert lines[-1] == "VIOLATED at 00:00:00: never atm.retain"
    nw_link = next(line for line in lines if " nw_link " in line)
    assert "← nw_card_a.down" in nw_link
    assert "(switchover window: detect flap within 3m, switch at 00:03:00)" in nw_link
    onset = next(line for line in lines if line.startswith("00:00:00  nw_card_a  flap"))
    assert onset.endswith("fault injected")


def test_columns_are_aligned_across_days() -> None:
    faults, events, violation = render_trace_text(FX_OVERNIGHT).rstrip("\n").split("\n\n")
    rows = events.split("\n")
    assert len(rows) == len(FX_OVERNIGHT.events)
    # Every clock (HH:MM:SS) ends in the same column, and every component starts in one.
    assert {row.index(":") + 6 for row in rows} == {14}
    assert {row.index(e.component) for row, e in zip(rows, FX_OVERNIGHT.events, strict=False)} == {
        16
    }
    assert rows[4].startswith("      23:59:59  transfer_pair  switchover failed")
    assert rows[5].startswith("day 2 00:00:00  fx_send        started")
    assert faults.split("\n") == [
        "fault disk_ctl_a.crash    at 22:00:00",
        "fault transfer_pair.stuck at 22:13:20, repaired after 7h",
    ]
    assert violation == "VIOLATED at day 2 13:00:00: fx_send done by day 2 13:00"
