"""The text timeline of a counterexample: goldens on hand-built traces, and its rules.

Rewrite the goldens with `pytest --update-goldens` and review the diff like code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from failspec.counterexamples.text import format_duration, format_instant, render_trace_text
from failspec.counterexamples.trace import (
    Action,
    DeadlineMiss,
    Done,
    Down,
    Fails,
    FailureClass,
    Fault,
    Full,
    LongRun,
    NoSwitchover,
    NoSwitchoverReason,
    Resumed,
    Stalled,
    Started,
    Switched,
    SwitchoverStarted,
    SwitchoverStuck,
    Trace,
    TraceEvent,
    TraceFault,
    Up,
    Violation,
    ViolationKind,
    Window,
)
from failspec.counterexamples.vocabulary import duration_words, violation_words

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
        TraceEvent(1, 0, "nw_card_a", Fault("flap", None, False)),
        TraceEvent(2, 0, "nw_card_a", Down(), (1,)),
        TraceEvent(3, 0, "nw_link", SwitchoverStarted("flap", "flap", 180, 180, "nw_card_b"), (2,)),
        TraceEvent(4, 0, "nw_link", Down(), (2, 3)),
        TraceEvent(5, 0, "atm", Fails("withdrawal", FailureClass.COMM), (4,)),
        TraceEvent(6, 0, "atm", Action("withdrawal", "retain"), (5,)),
    ),
    violation=Violation(0, ViolationKind.NEVER, "never atm.retain", (6,)),
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
        TraceEvent(1, 79_200, "disk_ctl_a", Fault("crash", None, False)),
        TraceEvent(2, 79_200, "disk_ctl_a", Down(), (1,)),
        TraceEvent(
            3,
            79_200,
            "transfer_pair",
            SwitchoverStarted("crash", "any", 7_199, 86_399, "disk_ctl_b"),
            (2,),
        ),
        TraceEvent(4, 79_200, "transfer_pair", Down(), (2, 3)),
        TraceEvent(5, 80_000, "transfer_pair", Fault("stuck", 25_200, True)),
        TraceEvent(6, 86_399, "transfer_pair", SwitchoverStuck(111_599), (3, 5)),
        TraceEvent(7, 86_400, "fx_send", Started(3_600), ()),
        TraceEvent(8, 86_400, "fx_send", Down(), (4,)),
        TraceEvent(9, 86_400, "fx_send", Stalled(0, 3_600), (8,)),
        TraceEvent(10, 111_599, "transfer_pair", Switched("disk_ctl_b", True), (6,)),
        TraceEvent(11, 111_599, "transfer_pair", Up(), (10,)),
        TraceEvent(12, 111_599, "fx_send", Up(), (11,)),
        TraceEvent(13, 111_599, "fx_send", Resumed(0, 3_600), (12,)),
    ),
    violation=Violation(
        133_200,
        ViolationKind.DONE_BY,
        "fx_send done by day 2 13:00",
        (7, 9),
        deadline=DeadlineMiss("fx_send", 133_200, 115_199 + 25_200, (9,)),
    ),
)

NO_FAULTS = Trace(
    model="month_end",
    title="28 February 2021",
    check="the month-end batch fits the index file",
    horizon=86_400,
    faults=(),
    events=(
        TraceEvent(1, 3600, "posting", Started(7_000)),
        TraceEvent(2, 7_200, "index_file", Full(701_000, 700_000), (1,)),
    ),
    violation=Violation(7_200, ViolationKind.NEVER, "never index_file.full", (2,)),
)

AT_ZERO = Trace(
    model="m",
    title=None,
    check="c",
    horizon=0,
    faults=(),
    events=(),
    violation=Violation(0, ViolationKind.ALWAYS, "always a.up"),
)

EVERY_KIND = Trace(
    model="every_kind",
    title=None,
    check="a run that lasts",
    horizon=600,
    faults=(TraceFault(1, "disk", "memory", 10, None),),
    events=(
        TraceEvent(1, 10, "disk", Fault("memory", None, False)),
        TraceEvent(2, 10, "disk", Down(), (1,)),
        TraceEvent(3, 10, "pair", NoSwitchover("memory", NoSwitchoverReason.NO_DETECT_LINE), (2,)),
        TraceEvent(4, 10, "pair", Down(), (2, 3)),
        TraceEvent(5, 12, "batch", Started(60)),
        TraceEvent(6, 12, "batch", Down(), (4,)),
        TraceEvent(7, 12, "batch", Stalled(0, 60), (6,)),
        TraceEvent(8, 40, "other", Done(), ()),
    ),
    violation=Violation(
        310,
        ViolationKind.LASTS,
        "pair.down lasts at most 5m",
        (4,),
        window=Window(0, 3_600),
        run=LongRun(10, 300),
    ),
)


@pytest.mark.parametrize(
    ("name", "trace", "header"),
    [
        ("flap.txt", FLAP, False),
        ("flap-with-header.txt", FLAP, True),
        ("fx-overnight-day2.txt", FX_OVERNIGHT, False),
        ("no-faults.txt", NO_FAULTS, True),
        ("no-events.txt", AT_ZERO, False),
        ("every-kind.txt", EVERY_KIND, True),
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


@pytest.mark.parametrize("trace", [FLAP, FX_OVERNIGHT, NO_FAULTS, AT_ZERO, EVERY_KIND])
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
    assert lines[-2] == "VIOLATED at 00:00:00: never atm.retain"
    assert lines[-1] == "  ← atm.retain on withdrawal"
    nw_link = next(line for line in lines if " nw_link " in line)
    assert "← nw_card_a.down" in nw_link
    assert "(mode flap, detect flap within 3m, due 00:03:00)" in nw_link
    onset = next(line for line in lines if line.startswith("00:00:00  nw_card_a  flap"))
    assert onset.endswith("fault injected")


def test_two_causes_with_one_label_are_named_once() -> None:
    # a partition closed by a transaction's failures at two instants: two ids, one name
    events = (
        TraceEvent(1, 0, "atm", Fails("deposit", FailureClass.SERVICE)),
        TraceEvent(2, 5, "atm", Up(), ()),
        TraceEvent(3, 9, "atm", Fails("deposit", FailureClass.SERVICE)),
        TraceEvent(4, 9, "part", Down(), (1, 3)),
    )
    trace = Trace(
        model="m",
        title=None,
        check="c",
        horizon=10,
        faults=(),
        events=events,
        violation=Violation(9, ViolationKind.NEVER, "never part.down", (1, 3, 4)),
    )
    lines = render_trace_text(trace).rstrip("\n").split("\n")
    (down,) = [line for line in lines if " part " in line]
    assert down.endswith("down                     ← atm.deposit fails (service)")
    assert lines[-1] == "  ← atm.deposit fails (service), part.down"


def test_columns_are_aligned_across_days() -> None:
    faults, events, violation = render_trace_text(FX_OVERNIGHT).rstrip("\n").split("\n\n")
    rows = events.split("\n")
    assert len(rows) == len(FX_OVERNIGHT.events)
    # Every clock (HH:MM:SS) ends in the same column, and every component starts in one.
    assert {row.index(":") + 6 for row in rows} == {14}
    assert {row.index(e.component) for row, e in zip(rows, FX_OVERNIGHT.events, strict=False)} == {
        16
    }
    assert rows[5].startswith("      23:59:59  transfer_pair  switchover stuck")
    assert rows[6].startswith("day 2 00:00:00  fx_send        started")
    assert faults.split("\n") == [
        "fault disk_ctl_a.crash    at 22:00:00",
        "fault transfer_pair.stuck at 22:13:20, repaired after 7h",
    ]
    assert violation.split("\n") == [
        "VIOLATED at day 2 13:00:00: fx_send done by day 2 13:00 — done at day 2 14:59:59, "
        "1 hour 59 minutes 59 seconds late",
        "  ← fx_send.started, fx_send.stalled",
    ]


@pytest.mark.parametrize(
    ("miss", "words"),
    [
        (DeadlineMiss("pre_open", 32_400, 33_000, ()), "done at 09:10:00, 10 minutes late"),
        (DeadlineMiss("pre_open", 32_400, 32_401, ()), "done at 09:00:01, 1 second late"),
        (DeadlineMiss("pre_open", 32_400, None, ()), "not done by the time bound"),
    ],
)
def test_a_deadline_violation_says_how_late(miss: DeadlineMiss, words: str) -> None:
    violation = Violation(32_400, ViolationKind.DONE_BY, "pre_open done by 09:00", deadline=miss)
    assert violation_words(violation) == f"VIOLATED at 09:00:00: pre_open done by 09:00 — {words}"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 second"),
        (600, "10 minutes"),
        (3_661, "1 hour 1 minute 1 second"),
        (90_000, "1 day 1 hour"),
    ],
)
def test_duration_words(seconds: int, words: str) -> None:
    assert duration_words(seconds) == words


def test_every_kind_reason_and_status_has_its_words() -> None:
    """One more kind, reason or status is one more entry in the vocabulary (and a
    colour): a test fails until it has them."""
    from failspec.counterexamples.statuses import Status
    from failspec.counterexamples.text import KIND_COLORS
    from failspec.counterexamples.trace import EventKind
    from failspec.counterexamples.vocabulary import (
        NO_SWITCHOVER_REASONS,
        STATUS_LABELS,
        STATUS_MEANINGS,
    )

    assert set(KIND_COLORS) == set(EventKind)
    assert set(NO_SWITCHOVER_REASONS) == set(NoSwitchoverReason)
    assert set(STATUS_LABELS) == set(STATUS_MEANINGS) == set(Status)
