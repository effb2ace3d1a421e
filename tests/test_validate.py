"""Every kind of spec error: its location and message, and its rendering as a golden file.

Each error kind has an input `tests/golden/errors/NAME.fspec` that holds exactly
that one error, a row below (line, column, end column, message), and the
rendered output `NAME.out` (`render_errors`), rewritten by `pytest --update-goldens`.
Errors found while parsing and errors found by validation are alike to the user,
so `spec_errors` collects both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from failspec.spec import ast
from failspec.spec.errors import SpecError, SpecErrors, render_errors
from failspec.spec.parser import parse_model
from failspec.spec.validate import validate_model

GOLDEN = Path(__file__).parent / "golden" / "errors"

ERROR_KINDS = [
    ("action_named_atom_word", 2, 14, 19, "an action cannot be named 'fails'"),
    ("after_not_job", 4, 9, 15, "'after' must name a job, and 'ledger' is a store"),
    (
        "atom_closed_not_partition",
        4,
        11,
        17,
        "'closed' is an atom of a partition, and 'a' is a device",
    ),
    ("atom_done_not_job", 4, 12, 16, "'done' is an atom of a job, and 'a' is a store"),
    ("atom_fails_without_transaction", 5, 13, 18, "'atm.fails' does not name an event"),
    ("atom_full_not_store", 4, 11, 15, "'full' is an atom of a store, and 'a' is a device"),
    (
        "atom_three_parts_not_channel",
        4,
        9,
        10,
        "a three-part atom must name a channel, and 'a' is a device",
    ),
    ("atom_unknown_mode", 5, 11, 15, "'a' has no fault mode 'flap'"),
    ("atom_unknown_transaction", 5, 13, 20, "channel 'atm' has no transaction 'inquiry'"),
    ("check_without_assertion", 4, 7, 10, 'check "c" has no assertion'),
    ("closes_after_bad_word", 2, 18, 26, "unexpected 'failures'"),
    ("closes_after_zero", 2, 16, 17, "'closes after 0 errors' would close the partition at once"),
    ("component_named_check_word", 1, 8, 13, "a component cannot be named 'never'"),
    ("component_named_kind", 1, 8, 13, "a component cannot be named 'store'"),
    ("cycle_needs", 2, 9, 10, "dependency cycle: a -> c -> b -> a"),
    ("cycle_self", 2, 9, 10, "dependency cycle: a -> a"),
    ("cycle_through_partition", 10, 7, 14, "dependency cycle: p -> gateway -> p"),
    ("detect_unknown_mode", 10, 10, 14, "primary 'a' has no fault mode 'flop'"),
    ("done_by_not_job", 5, 3, 9, "'done by' must name a job, and 'ledger' is a store"),
    ("duplicate_check", 7, 7, 10, 'duplicate check "c"'),
    ("duplicate_component", 3, 9, 13, "duplicate component 'disk'"),
    ("duplicate_detect", 10, 10, 15, "second 'detect crash' in failover 'g'"),
    ("duplicate_fault_mode", 3, 9, 14, "duplicate fault mode 'crash' in device 'disk'"),
    ("duplicate_member", 4, 12, 13, "'a' is listed twice in 'needs'"),
    ("duplicate_on_class", 3, 6, 10, "second 'on comm' in channel 'atm'"),
    ("duplicate_transaction", 3, 15, 25, "duplicate transaction 'withdrawal' in channel 'atm'"),
    ("failover_own_primary", 4, 11, 12, "failover 'g' cannot be its own primary"),
    (
        "failover_primary_is_secondary",
        5,
        13,
        14,
        "failover 'g' has 'a' as both primary and secondary",
    ),
    ("failover_without_primary", 3, 10, 11, "failover 'g' has no primary"),
    ("failover_without_secondary", 3, 10, 11, "failover 'g' has no secondary"),
    ("fault_at_and_from", 2, 24, 28, "fault 'crash' has both 'at' and 'from'"),
    ("fault_option_twice", 2, 25, 31, "second 'repair' in fault 'crash'"),
    ("fault_probability_and_rate", 2, 32, 36, "fault 'crash' has both 'probability' and 'rate'"),
    ("fault_until_without_from", 2, 15, 20, "'until' without 'from' in fault 'crash'"),
    ("faults_line_twice", 6, 3, 9, "second 'faults' line in check \"c\""),
    ("horizon_twice", 2, 1, 8, "second 'horizon' line in a model file"),
    ("item_given_twice", 7, 3, 10, "second 'primary' in failover 'g'"),
    ("item_wrong_in_transaction", 3, 5, 10, "'fault' does not belong in a transaction"),
    ("item_wrong_kind", 2, 3, 11, "'capacity' does not belong in a device"),
    ("job_at_and_after", 5, 6, 11, "job 'posting' has both 'at' and 'after'"),
    ("job_without_takes", 1, 5, 12, "job 'posting' has no 'takes'"),
    ("literal_clock_out_of_range", 1, 9, 14, "clock time '24:00' is out of range"),
    ("literal_day_zero", 2, 10, 11, "there is no day 0"),
    (
        "literal_duration_order",
        1,
        9,
        14,
        "malformed duration '30m1h': units must go from days down to seconds, each at most once",
    ),
    ("literal_missing_unit", 2, 11, 13, "'30' has no unit"),
    ("literal_not_whole_number", 2, 12, 15, "expected a whole number, found '1.5'"),
    ("literal_rate_unit", 2, 29, 38, "unknown rate unit 'fortnight'"),
    ("manual_zero", 9, 10, 12, "'manual' must be longer than 0s"),
    ("mode_named_any", 2, 9, 12, "a fault mode cannot be named 'any'"),
    ("mode_named_atom_word", 2, 9, 13, "a fault mode cannot be named 'down'"),
    ("model_line_twice", 2, 1, 6, "second 'model' line in a model file"),
    ("namespace_clash", 3, 14, 20, "'retain' is both a fault mode and an action of channel 'atm'"),
    ("needs_bad_word", 6, 9, 13, "unexpected 'some' before 'of'"),
    ("needs_k_too_large", 6, 9, 10, "'needs 3 of' with 2 members"),
    ("needs_k_zero", 6, 9, 10, "'needs 0 of' with 2 members"),
    ("probability_out_of_range", 2, 27, 30, "probability 1.5 is greater than 1"),
    ("reopens_zero", 3, 17, 19, "'reopens after' must be longer than 0s"),
    ("repair_zero", 2, 22, 24, "'repair' must be longer than 0s"),
    ("selector_component_without_faults", 4, 23, 24, "'a' has no fault, so it selects nothing"),
    ("selector_kind_without_faults", 5, 23, 26, "no job has a fault, so 'job' selects nothing"),
    ("selector_unknown_mode", 5, 25, 29, "'a' has no fault mode 'flap'"),
    ("syntax_end_of_file", 2, 14, 15, "unexpected end of file"),
    ("syntax_glued_keyword", 1, 1, 10, "unexpected 'devicefoo'"),
    ("syntax_malformed_duration", 1, 9, 18, "malformed number or duration '10seconds'"),
    ("syntax_unexpected_character", 2, 14, 15, "unexpected character '!'"),
    ("syntax_unexpected_end_of_line", 2, 8, 9, "unexpected end of line"),
    ("syntax_unknown_item", 2, 3, 8, "unexpected 'fualt'"),
    ("syntax_unterminated_string", 1, 11, 23, "unterminated string"),
    ("syntax_uppercase_keyword", 1, 1, 7, "'Device': names and keywords are lowercase"),
    ("syntax_uppercase_name", 1, 8, 14, "'NwCard': names and keywords are lowercase"),
    ("takes_zero", 2, 9, 11, "'takes' must be longer than 0s"),
    (
        "through_not_partition",
        4,
        11,
        17,
        "'through' must name a partition, and 'minori' is a service",
    ),
    ("transaction_named_atom_word", 2, 15, 19, "a transaction cannot be named 'done'"),
    ("unknown_component", 7, 11, 20, "unknown component 'nw_card_c'"),
    ("unknown_error_class", 2, 6, 13, "unknown error class 'network'"),
    ("until_before_from", 2, 32, 37, "fault 'crash' has 'until' before 'from'"),
    ("within_zero", 9, 23, 25, "'within' must be longer than 0s"),
    # --- v1 forms ---
    ("at_on_lasts", 3, 27, 29, "'at T' does not apply to 'lasts at most'"),
    ("detect_any_never", 8, 3, 19, "'detect any never' in failover 'g'"),
    ("during_on_done_by", 5, 19, 25, "'during' does not apply to 'done by'"),
    ("literal_space_in_duration", 2, 22, 26, "a space inside the duration '20 s'"),
    ("open_not_in_channel", 2, 3, 7, "'open' does not belong in a device"),
    ("rides_out_in_transaction", 3, 5, 14, "'rides out' does not belong in a transaction"),
    ("rides_out_twice", 5, 3, 12, "second 'rides out' in service 's'"),
    (
        "scenario_beside_faults",
        8,
        3,
        11,
        "check \"c\" has both a 'faults' line and a 'scenario' line",
    ),
    ("scenario_duplicate", 3, 10, 13, 'duplicate scenario "s"'),
    ("scenario_fault_twice", 6, 3, 16, "fault 'a.crash' is given twice in scenario \"s\""),
    ("scenario_onset_not_allowed", 5, 14, 19, "'a.crash' cannot start at 07:04"),
    ("scenario_twice_in_check", 5, 3, 11, "second 'scenario' line in check \"c\""),
    ("scenario_unknown", 8, 12, 26, 'unknown scenario "the incidnet"'),
    ("scenario_unknown_mode", 5, 5, 10, "'a' has no fault mode 'crahs'"),
    ("window_daily_empty", 2, 8, 20, "the daily window 22:00..22:00 is empty"),
    ("window_daily_not_clock", 2, 15, 26, "a daily window is written in clock times"),
    ("window_empty", 2, 8, 20, "the window 09:00..09:00 is empty"),
    ("window_ends_before_start", 2, 8, 20, "the window 10:00..09:00 ends before it starts"),
    ("window_starts_at_midnight", 2, 8, 13, "'24:00' may end a window, never start one"),
    (
        "writes_into_not_store",
        5,
        23,
        29,
        "'writes … into' must name a store, and 'ledger' is a service",
    ),
]


def spec_errors(text: str, file: str = "m.fspec") -> list[SpecError]:
    """Return the errors of a model text, from the parser or else from validation."""
    try:
        model = parse_model(text, file)
    except SpecErrors as errors:
        return errors.errors
    except SpecError as error:
        return [error]
    return validate_model(model)


@pytest.mark.parametrize(("name", "line", "column", "end_column", "message"), ERROR_KINDS)
def test_error_kind_location_and_message(
    name: str, line: int, column: int, end_column: int, message: str
) -> None:
    file = f"{name}.fspec"
    errors = spec_errors((GOLDEN / file).read_text(encoding="utf-8"), file)
    assert len(errors) == 1, errors
    (error,) = errors
    assert (error.span.file, error.span.line, error.span.column) == (file, line, column)
    assert (error.span.end_line, error.span.end_column) == (line, end_column)
    assert error.message == message
    assert error.hint


@pytest.mark.parametrize("name", [row[0] for row in ERROR_KINDS])
def test_error_kind_golden(name: str, assert_golden: Callable[[Path, str], None]) -> None:
    file = f"{name}.fspec"
    text = (GOLDEN / file).read_text(encoding="utf-8")
    assert_golden(GOLDEN / f"{name}.out", render_errors(spec_errors(text, file), {file: text}))


def test_every_golden_input_has_a_row() -> None:
    inputs = sorted(path.stem for path in GOLDEN.glob("*.fspec"))
    assert inputs == sorted(row[0] for row in ERROR_KINDS)


# --- beyond one error per kind ----------------------------------------------------------


def test_every_error_is_returned_sorted_by_position() -> None:
    text = 'service s {\n  needs ghost\n}\njob j {\n  after s\n}\ncheck "c" {\n  never s.flap\n}\n'
    errors = spec_errors(text)
    assert [(e.span.line, e.span.column, e.message) for e in errors] == [
        (2, 9, "unknown component 'ghost'"),
        (4, 5, "job 'j' has no 'takes'"),
        (5, 9, "'after' must name a job, and 's' is a service"),
        (8, 11, "'s' has no fault mode 'flap'"),
    ]


def test_unknown_name_suggests_the_closest_declared_name() -> None:
    text = (
        "device nw_card_a {\n}\nfailover nw_link {\n  primary nw_card_x\n  secondary nw_card_a\n}\n"
    )
    errors = spec_errors(text)
    assert [(e.message, e.hint) for e in errors] == [
        ("unknown component 'nw_card_x'", "did you mean 'nw_card_a'?")
    ]


def test_cycle_through_failover_and_jobs_names_the_whole_cycle() -> None:
    text = (
        "device a {\n}\n"
        "failover g {\n  primary a\n  secondary b\n}\n"
        "job b {\n  after c\n  takes 1h\n}\n"
        "job c {\n  needs g\n  takes 1h\n}\n"
    )
    (error,) = spec_errors(text)
    assert error.message == "dependency cycle: g -> b -> c -> g"
    assert (error.span.line, error.span.column) == (5, 13)


def test_cycle_through_a_partitions_calls() -> None:
    text = (
        "partition p {\n}\n"
        "service core {\n  needs p\n}\n"
        "channel atm {\n  through p\n  transaction t {\n    calls core\n  }\n}\n"
    )
    (error,) = spec_errors(text)
    assert error.message == "dependency cycle: p -> core -> p"
    assert (error.span.line, error.span.column) == (9, 11)


def test_cycles_are_reported_once_each_in_declaration_order() -> None:
    text = "service a { needs b }\nservice b { needs a }\nservice c { needs c }\n"
    assert [e.message for e in spec_errors(text)] == [
        "dependency cycle: a -> b -> a",
        "dependency cycle: c -> c",
    ]


def test_a_store_does_not_depend_on_its_writers() -> None:
    text = (
        "store index {\n  capacity 10\n}\n"
        "job posting {\n  takes 1h\n  writes 20 into index\n}\n"
        "job report {\n  after posting\n  takes 1h\n  needs index\n}\n"
        'check "c" {\n  never index.full and posting.running\n  report done by 03:00\n}\n'
    )
    assert spec_errors(text) == []


def test_every_atom_form_resolves_on_a_valid_model() -> None:
    text = (
        "device d { fault crash }\n"
        "partition p { closes after 10 errors }\n"
        "store s { capacity 1 }\n"
        "job j { takes 1h; writes 2 into s }\n"
        "failover g { primary d; secondary e; fault stuck; detect any within 10s }\n"
        "device e\n"
        "channel ch {\n"
        "  through p\n"
        "  transaction t { on comm -> queue }\n"
        "  transaction u\n"
        "  on comm -> retain\n"
        "  on service -> return\n"
        "}\n"
        'check "c" {\n'
        "  faults at most 2 of device, g.stuck, d\n"
        "  never d.down or d.up or p.closed or s.full or j.done or j.running or g.stuck\n"
        "  never ch.retain or ch.queue or ch.t.queue or ch.t.return or ch.u.retain\n"
        "  never ch.t.fails or ch.down or d.crash\n"
        "}\n"
    )
    assert spec_errors(text) == []


def test_duplicate_component_reports_the_second_and_keeps_the_first() -> None:
    text = "device a { fault crash }\nservice a\nservice b { needs a }\n"
    (error,) = spec_errors(text)
    assert (error.span.line, error.message) == (2, "duplicate component 'a'")


def test_hand_built_ast_values_are_checked_too() -> None:
    """The parser rejects these at the token; validation still guards a hand-built AST."""
    text = (
        "device a\ndevice b\npartition p { closes after 5 errors }\nservice s { needs 2 of a, b }\n"
    )
    model = parse_model(text, "m.fspec")
    partition, service = model.components[2], model.components[3]
    assert isinstance(partition, ast.Partition)
    broken = replace(
        model,
        components=(
            model.components[0],
            replace(model.components[1], faults=(_fault_with_probability(Fraction(3, 2)),)),
            replace(partition, closes_after=0),
            replace(service, needs=(replace(service.needs[0], k=3),)),
        ),
    )
    messages = [e.message for e in validate_model(broken)]
    assert messages == [
        "probability 3/2 of fault 'crash' is not in [0, 1]",
        "'closes after 0 errors' would close the partition at once",
        "'needs 3 of' with 2 members",
    ]


def _fault_with_probability(probability: Fraction) -> ast.FaultDecl:
    model = parse_model("device x { fault crash probability 0.5 }\n", "m.fspec")
    return replace(model.components[0].faults[0], probability=probability)


def test_an_action_no_class_maps_to_may_be_named_and_never_happens() -> None:
    # Actions are free identifiers (DESIGN.md): a design that stopped retaining
    # cards must still be checkable against `never atm.retain`.
    import failspec

    model = failspec.loads(
        "horizon 1m\n"
        "device d {\n  fault crash\n}\n"
        "channel atm {\n  via d\n  transaction inquiry {\n    calls d\n    on comm -> return\n  }\n"
        "  on comm -> queue\n}\n"
        'check "c" {\n  faults at most 1\n  never atm.retain\n  never atm.inquiry.queue\n}\n',
        "free-actions.fspec",
    )
    [result] = failspec.check(model)
    assert result.verdict == "holds"
