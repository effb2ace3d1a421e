"""The parser: every example of the contract parses, means what it says, and keeps its spans."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from failspec.spec import ast
from failspec.spec.durations import (
    LiteralError,
    parse_clock,
    parse_day_clock,
    parse_duration,
    parse_integer,
    parse_number,
    parse_rate_unit,
    parse_time_point,
)
from failspec.spec.errors import SpecError, SpecErrors
from failspec.spec.parser import parse_model
from failspec.spec.spans import Span
from failspec.spec.validate import validate_model

# The first example of DESIGN.md, verbatim (tests/test_design_examples.py keeps the file so).
ATM_NETWORK = (
    Path(__file__).resolve().parent.parent / "models" / "examples" / "atm-network.fspec"
).read_text(encoding="utf-8")

# The same model written tersely: one-line blocks, `;`, comments and blank lines.
ATM_NETWORK_TERSE = """\
# the 3 March incident

model atm_network "3 March 2021: a flapping NW card retains ATM cards" ; horizon 60m
device nw_card_a { fault crash; fault flap }
device nw_card_b { fault crash ; fault flap ; }   # trailing separators are fine


failover nw_link { primary nw_card_a; secondary nw_card_b
  detect crash within 10s; detect flap within 0h3m
}
service minori
partition atm_partition { closes after 1_000 errors }
channel atm {
  via nw_link; through atm_partition; timeout 30s
  transaction withdrawal { calls minori; rate 5 per second }
  on comm -> retain; on partition -> retain
  on service -> return
}
check "no single device failure retains customer cards" { faults at most 1 of device; never atm.retain }
"""

# The FX fragment of DESIGN.md's "Checks", in a model with a job `fx_send`.
FX_REMITTANCE = """\
model fx "12 March 2021: FX remittances miss the 13:00 cutoff"
horizon day 2 00:00

device disk_ctl_a {
  fault crash
}
device disk_ctl_b {
  fault crash
}
failover file_transfer {
  primary disk_ctl_a
  secondary disk_ctl_b
  detect crash within 10s
  fault stuck
  manual 7h
}
job fx_send {
  at 10:00
  takes 1h
  needs file_transfer
}

check "FX remittances meet the 13:00 cutoff under any single device failure" {
  faults at most 1 of device
  fx_send done by 13:00
}
"""


def parse(text: str) -> ast.Model:
    return parse_model(text, "m.fspec")


def errors_of(text: str) -> list[SpecError]:
    try:
        model = parse(text)
    except SpecErrors as errors:
        return errors.errors
    except SpecError as error:
        return [error]
    return validate_model(model)


def span(line: int, column: int, end_line: int, end_column: int) -> Span:
    return Span("m.fspec", line, column, end_line, end_column)


# --- the contract's examples -----------------------------------------------------------


def test_design_example_parses_and_is_valid() -> None:
    model = parse(ATM_NETWORK)
    assert validate_model(model) == []
    assert model.name is not None and model.name.text == "atm_network"
    assert model.title == "3 March 2021: a flapping NW card retains ATM cards"
    assert model.horizon is not None and model.horizon.seconds == 3600
    assert [(c.kind, c.name.text) for c in model.components] == [
        ("device", "nw_card_a"),
        ("device", "nw_card_b"),
        ("failover", "nw_link"),
        ("service", "minori"),
        ("partition", "atm_partition"),
        ("channel", "atm"),
    ]


def test_design_example_means_what_it_says() -> None:
    model = parse(ATM_NETWORK)
    nw_card_a, _, nw_link, minori, partition, atm = model.components
    assert [f.mode.text for f in nw_card_a.faults] == ["crash", "flap"]
    assert nw_card_a.faults[0] == ast.FaultDecl(
        ast.Name("crash", span(1, 1, 1, 1)), None, None, None, None, None, None, span(1, 1, 1, 1)
    )
    assert isinstance(nw_link, ast.Failover)
    assert nw_link.primary is not None and nw_link.primary.text == "nw_card_a"
    assert nw_link.secondary is not None and nw_link.secondary.text == "nw_card_b"
    assert [(d.mode.text, d.within and d.within.seconds) for d in nw_link.detects] == [
        ("crash", 10),
        ("flap", 180),
    ]
    assert nw_link.manual is None
    assert isinstance(minori, ast.PlainComponent)
    assert (minori.faults, minori.needs) == ((), ())
    assert isinstance(partition, ast.Partition)
    assert (partition.closes_after, partition.reopens_after) == (1000, None)
    assert isinstance(atm, ast.Channel)
    assert [v.text for v in atm.via] == ["nw_link"]
    assert atm.through is not None and atm.through.text == "atm_partition"
    assert atm.timeout is not None and atm.timeout.seconds == 30
    (withdrawal,) = atm.transactions
    assert [c.text for c in withdrawal.calls] == ["minori"]
    assert withdrawal.rate is not None
    assert withdrawal.rate.per_minute == 300
    assert (withdrawal.rate.unit, withdrawal.rate.unit_seconds) == ("minute", 60)
    assert [(o.error_class.text, o.action.text) for o in atm.on] == [
        ("comm", "retain"),
        ("partition", "retain"),
        ("service", "return"),
    ]
    (check,) = model.checks
    assert check.name == "no single device failure retains customer cards"
    assert check.hypothesis is not None
    assert check.hypothesis.at_most == 1
    assert [(s.name.text, s.mode) for s in check.hypothesis.selectors] == [("device", None)]
    assert [ast.render_assertion(a) for a in check.assertions] == ["never atm.retain"]


def test_terse_layout_gives_an_equal_ast() -> None:
    """Layout, separators, comments and equal literals do not change the AST (spans aside)."""
    terse = parse(ATM_NETWORK_TERSE)
    full = parse(ATM_NETWORK)
    # `rate 5 per second` and `rate 300 per minute` differ as written, not per minute
    (terse_tx,) = terse.components[5].transactions  # type: ignore[attr-defined]
    (full_tx,) = full.components[5].transactions  # type: ignore[attr-defined]
    assert terse_tx.rate.per_minute == full_tx.rate.per_minute
    assert terse.components[:5] == full.components[:5]
    assert terse.checks == full.checks
    assert (terse.name, terse.title, terse.horizon) == (full.name, full.title, full.horizon)


def test_fx_fragment_parses_in_a_model_with_job_fx_send() -> None:
    model = parse(FX_REMITTANCE)
    assert validate_model(model) == []
    assert model.horizon is not None and model.horizon.seconds == 24 * 3600
    failover = model.components[2]
    assert isinstance(failover, ast.Failover)
    assert [f.mode.text for f in failover.faults] == ["stuck"]
    assert failover.manual is not None and failover.manual.seconds == 7 * 3600
    job = model.components[3]
    assert isinstance(job, ast.Job)
    assert job.at is not None and job.at.seconds == 10 * 3600
    assert job.takes is not None and job.takes.seconds == 3600
    (assertion,) = model.checks[0].assertions
    assert isinstance(assertion, ast.DoneBy)
    assert (assertion.job.text, assertion.deadline.seconds) == ("fx_send", 13 * 3600)
    assert ast.render_assertion(assertion) == "fx_send done by 13:00"


# --- spans -----------------------------------------------------------------------------


def test_spans_point_at_what_was_written() -> None:
    model = parse(ATM_NETWORK)
    assert model.name is not None and model.name.span == span(1, 7, 1, 18)
    assert model.horizon is not None and model.horizon.span == span(2, 9, 2, 11)
    nw_card_a = model.components[0]
    assert nw_card_a.span == span(4, 1, 7, 2)
    assert nw_card_a.name.span == span(4, 8, 4, 17)
    assert nw_card_a.faults[1].span == span(6, 3, 6, 13)
    assert nw_card_a.faults[1].mode.span == span(6, 9, 6, 13)
    nw_link = model.components[2]
    assert isinstance(nw_link, ast.Failover)
    assert nw_link.primary is not None and nw_link.primary.span == span(14, 11, 14, 20)
    assert nw_link.detects[1].span == span(17, 3, 17, 24)
    within = nw_link.detects[1].within
    assert within is not None and within.span == span(17, 22, 17, 24)
    atm = model.components[5]
    assert isinstance(atm, ast.Channel)
    assert atm.transactions[0].span == span(31, 3, 34, 4)
    assert atm.transactions[0].rate is not None
    assert atm.transactions[0].rate.span == span(33, 10, 33, 24)
    assert atm.on[2].action.span == span(37, 17, 37, 23)
    check = model.checks[0]
    assert check.span == span(40, 1, 43, 2)
    assert check.name_span == span(40, 7, 40, 56)
    assert check.hypothesis is not None and check.hypothesis.span == span(41, 3, 41, 29)
    never = check.assertions[0]
    assert isinstance(never, ast.Never)
    assert never.span == span(42, 3, 42, 19)
    assert never.expr.span == span(42, 9, 42, 19)


def test_spans_on_one_line_blocks() -> None:
    model = parse("device a { fault crash; fault flap }\n")
    assert [f.mode.span for f in model.components[0].faults] == [
        span(1, 18, 1, 23),
        span(1, 31, 1, 35),
    ]


# --- items -------------------------------------------------------------------------------


def test_fault_options() -> None:
    model = parse(
        "device d {\n"
        "  fault defect at 03:54 repair 1h30m probability 0.25\n"
        "  fault slow from 12:00 until day 2 01:00:30 rate 2e-6 per hours\n"
        "  fault late at 90s\n"
        "}\n"
    )
    defect, slow, late = model.components[0].faults
    assert defect.at is not None and defect.at.seconds == 3 * 3600 + 54 * 60
    assert defect.repair is not None and defect.repair.seconds == 5400
    assert defect.probability == Fraction(1, 4)
    assert (defect.from_, defect.until, defect.rate) == (None, None, None)
    assert slow.from_ is not None and slow.from_.seconds == 12 * 3600
    assert slow.until is not None and slow.until.seconds == 86400 + 3600 + 30
    assert slow.rate is not None
    assert (slow.rate.value, slow.rate.unit, slow.rate.unit_seconds) == (
        Fraction(2, 10**6),
        "hour",
        3600,
    )
    assert late.at is not None and late.at.seconds == 90


def test_fault_options_in_any_order() -> None:
    model = parse("device d { fault x repair 1m at 10:00 }\n")
    fault = model.components[0].faults[0]
    assert fault.at is not None and fault.repair is not None


@pytest.mark.parametrize(
    ("line", "k", "members"),
    [
        ("needs a, b, c", None, ["a", "b", "c"]),
        ("needs any of a, b", 1, ["a", "b"]),
        ("needs 2 of a, b, c", 2, ["a", "b", "c"]),
        ("needs any", None, ["any"]),
    ],
)
def test_needs_forms(line: str, k: int | None, members: list[str]) -> None:
    model = parse(f"service s {{ {line} }}\n")
    (needs,) = model.components[0].needs
    assert needs.k == k
    assert [m.text for m in needs.members] == members


def test_store_job_and_partition_items() -> None:
    model = parse(
        "store index { capacity 701_000 }\n"
        "partition p { closes after 1 error; reopens after 10m }\n"
        "job eod { at 22:00; takes 2h }\n"
        "job posting {\n"
        "  after eod\n"
        "  takes 1h\n"
        "  needs p\n"
        "  writes 701_000 into index\n"
        "  writes 5 into index\n"
        "}\n"
    )
    store, partition, eod, posting = model.components
    assert isinstance(store, ast.Store) and store.capacity == 701_000
    assert isinstance(partition, ast.Partition)
    assert partition.closes_after == 1
    assert partition.reopens_after is not None and partition.reopens_after.seconds == 600
    assert isinstance(eod, ast.Job) and eod.after == ()
    assert isinstance(posting, ast.Job)
    assert posting.at is None
    assert [a.text for a in posting.after] == ["eod"]
    assert [(w.records, w.store.text) for w in posting.writes] == [(701_000, "index"), (5, "index")]


def test_transaction_overrides_and_lists_accumulate() -> None:
    model = parse(
        "channel c {\n"
        "  via a\n"
        "  via b\n"
        "  transaction inquiry {\n"
        "    calls x\n"
        "    calls y, z\n"
        "    on comm -> return\n"
        "  }\n"
        "  transaction bare\n"
        "}\n"
    )
    channel = model.components[0]
    assert isinstance(channel, ast.Channel)
    assert [v.text for v in channel.via] == ["a", "b"]
    inquiry, bare = channel.transactions
    assert [c.text for c in inquiry.calls] == ["x", "y", "z"]
    assert inquiry.rate is None
    assert [(o.error_class.text, o.action.text) for o in inquiry.on] == [("comm", "return")]
    assert (bare.calls, bare.rate, bare.on) == ((), None, ())


def test_component_without_block_and_empty_blocks() -> None:
    model = parse("service a\nservice b {\n}\nservice c {}\n\n\n")
    assert [c.name.text for c in model.components] == ["a", "b", "c"]


def test_empty_file_and_comments_only() -> None:
    assert parse("") == ast.Model(None, None, None, (), (), span(1, 1, 1, 1))
    assert parse("# nothing here\n\n  # at all\n").components == ()


def test_crlf_line_endings() -> None:
    model = parse(ATM_NETWORK.replace("\n", "\r\n"))
    assert model == parse(ATM_NETWORK)


def test_model_line_without_title() -> None:
    model = parse("model minimal\n")
    assert model.name is not None and model.name.text == "minimal"
    assert model.title is None and model.horizon is None


# --- keywords are not reserved where the grammar is unambiguous --------------------------


def test_keywords_may_name_things() -> None:
    model = parse(
        "device model { fault crash }\n"
        "device fault { fault at }\n"
        "service check { needs model, fault }\n"
        "channel horizon { transaction on { calls check }\n on partition -> at }\n"
        "job done { takes 1s }\n"
        'check "c" {\n'
        "  never model.crash or fault.at or horizon.at or horizon.on.at\n"
        "  done done by 1s\n"
        "}\n"
    )
    assert validate_model(model) == []
    assert [c.name.text for c in model.components] == ["model", "fault", "check", "horizon", "done"]


def test_keyword_glued_to_a_name_is_not_split() -> None:
    (error,) = errors_of("devicefoo {}\n")
    assert error.message == "unexpected 'devicefoo'"


# --- checks and expressions --------------------------------------------------------------


def test_expression_precedence_not_and_or() -> None:
    model = parse('check "c" { never not a.down and b.down or c.x.retain }\n')
    never = model.checks[0].assertions[0]
    assert isinstance(never, ast.Never)
    expr = never.expr
    assert isinstance(expr, ast.Or)
    left, right = expr.operands
    assert isinstance(left, ast.And)
    assert isinstance(left.operands[0], ast.Not)
    assert isinstance(right, ast.Atom)
    assert [p.text for p in right.parts] == ["c", "x", "retain"]
    assert ast.render_expr(expr) == "not a.down and b.down or c.x.retain"


def test_parentheses_and_operator_chains() -> None:
    # A chain of one operator is one node with every operand, in order.
    model = parse('check "c" { always not (a.up or b.up) and (c.up or d.up) and e.up }\n')
    always = model.checks[0].assertions[0]
    assert isinstance(always, ast.Always)
    expr = always.expr
    assert isinstance(expr, ast.And) and len(expr.operands) == 3
    first, second, third = expr.operands
    assert isinstance(first, ast.Not) and isinstance(first.operand, ast.Or)
    assert isinstance(second, ast.Or) and isinstance(third, ast.Atom)
    assert ast.render_expr(expr) == "not (a.up or b.up) and (c.up or d.up) and e.up"


def test_all_assertion_forms_and_selectors() -> None:
    model = parse(
        'check "every form" {\n'
        "  faults at most 2 of device, nw_link, nw_card_a.flap\n"
        "  never atm.retain\n"
        "  always minori.up\n"
        "  fx_send done by day 2 13:00\n"
        "  nw_link.down lasts at most 3m\n"
        "}\n"
    )
    check = model.checks[0]
    assert check.hypothesis is not None
    assert [(s.name.text, s.mode.text if s.mode else None) for s in check.hypothesis.selectors] == [
        ("device", None),
        ("nw_link", None),
        ("nw_card_a", "flap"),
    ]
    assert [ast.render_assertion(a) for a in check.assertions] == [
        "never atm.retain",
        "always minori.up",
        "fx_send done by day 2 13:00",
        "nw_link.down lasts at most 3m",
    ]
    done_by = check.assertions[2]
    assert isinstance(done_by, ast.DoneBy) and done_by.deadline.seconds == 37 * 3600


def test_faults_line_without_selectors() -> None:
    model = parse('check "c" { faults at most 3; never a.down }\n')
    hypothesis = model.checks[0].hypothesis
    assert hypothesis is not None
    assert (hypothesis.at_most, hypothesis.selectors) == (3, ())


# --- literals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("0s", 0), ("10s", 10), ("3m", 180), ("7h", 25200), ("2d", 172800), ("1h30m", 5400)]
    + [("1d2h3m4s", 93784), ("1_000s", 1000)],
)
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "10", "30m1h", "1h1h", "1x", "h", "1.5h"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(LiteralError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:00", 0), ("13:00", 46800), ("9:05", 32700), ("23:59:59", 86399)]
    + [("day 1 13:00", 46800), ("day 2 13:00", 133200), ("90s", 90), ("1h30m", 5400)],
)
def test_parse_time_point(text: str, seconds: int) -> None:
    assert parse_time_point(text) == seconds


@pytest.mark.parametrize("text", ["24:00", "12:60", "12:00:60", "day 0 13:00", "1:2", "a b c d"])
def test_parse_time_point_rejects(text: str) -> None:
    with pytest.raises(LiteralError):
        parse_time_point(text)


def test_clock_and_day_helpers() -> None:
    assert parse_clock("13:00:05") == 46805
    assert parse_day_clock(2, "13:00") == 37 * 3600
    with pytest.raises(LiteralError):
        parse_day_clock(0, "13:00")


def test_integers_and_numbers_are_exact() -> None:
    assert parse_integer("701_000") == 701000
    assert parse_number("2e-6") == Fraction(2, 1_000_000)
    assert parse_number("0.1") == Fraction(1, 10)
    assert parse_number("1_000.5") == Fraction(2001, 2)
    for bad in ("1.5", "-1", "1__0", "_1"):
        with pytest.raises(LiteralError):
            parse_integer(bad)


@pytest.mark.parametrize(
    ("word", "unit"),
    [("second", ("second", 1)), ("minutes", ("minute", 60)), ("hour", ("hour", 3600))]
    + [("days", ("day", 86400))],
)
def test_rate_units(word: str, unit: tuple[str, int]) -> None:
    assert parse_rate_unit(word) == unit


def test_time_literals_in_the_model() -> None:
    model = parse("horizon day 3 00:00\njob j { at day 2 13:00:30; takes 1d }\n")
    assert model.horizon is not None and model.horizon.seconds == 2 * 86400
    job = model.components[0]
    assert isinstance(job, ast.Job)
    assert job.at is not None and job.at.seconds == 86400 + 13 * 3600 + 30
    assert job.takes is not None and job.takes.seconds == 86400


# --- errors from the parser ------------------------------------------------------------


def test_several_item_errors_are_raised_together_sorted() -> None:
    with pytest.raises(SpecErrors) as raised:
        parse("device a {\n  capacity 1\n  takes 1h\n}\nhorizon 30\n")
    assert [(e.span.line, e.span.column, e.message) for e in raised.value.errors] == [
        (2, 3, "'capacity' does not belong in a device"),
        (3, 3, "'takes' does not belong in a device"),
        (5, 9, "'30' has no unit"),
    ]


def test_syntax_error_is_a_spec_error_at_the_token() -> None:
    with pytest.raises(SpecError) as raised:
        parse("device a {\n  fault crash\n  needs\n}\n")
    assert (raised.value.span.line, raised.value.span.column) == (3, 8)
    assert raised.value.message == "unexpected end of line"
    assert raised.value.hint == "expected a name or a number"


def test_uppercase_names_are_reported_with_the_lowercase_spelling() -> None:
    (error,) = errors_of("device a { fault Crash }\n")
    assert error.message == "'Crash': names and keywords are lowercase"
    assert error.hint == "write 'crash'"
    assert (error.span.column, error.span.end_column) == (18, 23)
