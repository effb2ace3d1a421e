"""Fuzzing the front end: for any text, parsing and validation raise only spec errors.

`parse_model` may raise `SpecError` or `SpecErrors` and nothing else, and
`validate_model` returns a sorted list, for random text, for the contract's
example with characters deleted, inserted or lines swapped, for sequences of
the language's own words, and for sentences of the grammar itself
(`hypothesis.extra.lark.from_lark`).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark.lexer import PatternStr
from test_parser import ATM_NETWORK, FX_REMITTANCE

from failspec.spec.errors import SpecError, SpecErrors
from failspec.spec.parser import grammar_parser, parse_model
from failspec.spec.validate import validate_model

# FAILSPEC_FUZZ_EXAMPLES=5000 pytest tests/test_spec_fuzz.py fuzzes longer.
FUZZ = settings(
    max_examples=int(os.environ.get("FAILSPEC_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

WORDS = [
    "model", "horizon", "device", "program", "service", "store", "failover", "partition",
    "channel", "job", "check", "fault", "needs", "any", "of", "primary", "secondary",
    "detect", "within", "manual", "capacity", "closes", "after", "errors", "reopens", "via",
    "through", "timeout", "transaction", "calls", "rate", "per", "minute", "on", "->", "at",
    "from", "until", "repair", "probability", "takes", "writes", "into", "faults", "most",
    "never", "always", "done", "by", "lasts", "not", "and", "or", "day", "(", ")", "{", "}",
    ",", ".", ";", "\n", "#", '"', "a", "b", "crash", "stuck", "comm", "retain", "down", "up",
    "0", "1", "3", "1.5", "2e-6", "701_000", "10s", "0s", "1h30m", "13:00", "25:00", "A",
]  # fmt: skip


def outcome(text: str) -> list[SpecError]:
    """Parse and validate `text`; fail the test on any exception but a spec error."""
    try:
        model = parse_model(text, "fuzz.fspec")
    except SpecErrors as failure:
        assert failure.errors
        return failure.errors
    except SpecError as error:
        return [error]
    errors = validate_model(model)
    positions = [(e.span.line, e.span.column) for e in errors]
    assert positions == sorted(positions)
    return errors


def assert_spans_inside(text: str, errors: list[SpecError]) -> None:
    lines = text.split("\n")
    for error in errors:
        assert 1 <= error.span.line <= len(lines) + 1
        assert error.span.column >= 1


@FUZZ
@given(st.text())
def test_random_text(text: str) -> None:
    assert_spans_inside(text, outcome(text))


@FUZZ
@given(st.lists(st.sampled_from(WORDS), max_size=40), st.sampled_from([" ", "", "\n"]))
def test_sequences_of_the_languages_words(words: list[str], glue: str) -> None:
    text = glue.join(words) if glue else " ".join(words).replace(" \n ", "\n")
    assert_spans_inside(text, outcome(text))


@st.composite
def mutated_examples(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from([ATM_NETWORK, FX_REMITTANCE]))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["delete", "insert", "swap"]))
        if action == "swap":
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif action == "delete" and text:
            start = draw(st.integers(0, len(text) - 1))
            length = draw(st.integers(1, 8))
            text = text[:start] + text[start + length :]
        else:
            start = draw(st.integers(0, len(text)))
            insert = draw(st.sampled_from([*WORDS, "é", "\t", "\r", "\x00"]) | st.text(max_size=3))
            text = text[:start] + insert + text[start:]
    return text


@FUZZ
@given(mutated_examples())
def test_mutated_contract_examples(text: str) -> None:
    assert_spans_inside(text, outcome(text))


def _grammar_sentences() -> st.SearchStrategy[str]:
    """Sentences of the grammar, with a space around every token so that words stay apart.

    from_lark draws each terminal from its regular expression; the explicit
    strategies keep names, numbers and times to a few meaningful values so that
    the sentences resolve often enough to reach validation.
    """
    parser = grammar_parser()

    def padded(*values: str) -> st.SearchStrategy[str]:
        return st.sampled_from([f" {value} " for value in values])

    explicit = {
        terminal.name: st.just(f" {terminal.pattern.value} ")
        for terminal in parser.terminals
        if isinstance(terminal.pattern, PatternStr)
    }
    explicit.update(
        NAME=padded("a", "b", "crash", "device", "comm", "errors", "minute", "any", "down"),
        NUMBER=padded("0", "1", "2", "701_000", "0.5", "2e-6"),
        DURATION=padded("0s", "10s", "3m", "1h30m"),
        CLOCK=padded("13:00", "00:00:01", "24:00"),
        STRING=padded('"x"', '"y"'),
        _SEP=st.sampled_from(["\n", ";", "\n\n  # comment\n"]),
    )
    return from_lark(parser, explicit=explicit)


@FUZZ
@given(_grammar_sentences())
def test_sentences_of_the_grammar(text: str) -> None:
    assert_spans_inside(text, outcome(text))
