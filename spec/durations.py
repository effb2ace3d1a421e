"""Literal values of the language: durations, instants, integers, numbers and rate units.

Time is integer seconds.  A duration is a length (`10s`, `3m`, `7h`, `2d`,
compounds `1h30m`); an instant is seconds since 00:00 of day 1, written as a
clock time `HH:MM[:SS]`, as `day N HH:MM[:SS]` (`day 2 13:00` = 37h), or as a
duration after 00:00 of day 1.  Each function raises `LiteralError` (a
ValueError with a message and a hint) for text that is not such a literal; the
parser turns it into a `SpecError` at the literal's span.
"""

from __future__ import annotations

import re
from fractions import Fraction

UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
"""Seconds per duration unit letter."""

RATE_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
"""Seconds per rate unit (`rate 2e-6 per hour`); the plural is accepted too."""

SECONDS_PER_DAY = 86400

MAX_SECONDS = 10**12
"""The longest duration and the latest instant a model may write: about 31,700
years.  The engines count time in integer seconds against a 'never' far beyond
it, and every sum of a model's times must stay below that."""

_TOO_LONG_HINT = "durations and instants go up to 1000000000000s (about 31,700 years)"

_INTEGER = re.compile(r"[0-9](_?[0-9])*")
_NUMBER = re.compile(r"[0-9](_?[0-9])*(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9]+)?")
_DURATION_PART = re.compile(r"([0-9](?:_?[0-9])*)([dhms])")
_CLOCK = re.compile(r"([0-9][0-9]?):([0-9][0-9])(?::([0-9][0-9]))?")

DURATION_HINT = "durations are written like 10s, 3m, 7h, 2d or 1h30m"
TIME_HINT = "instants are written like 13:00, 13:00:30, day 2 13:00 or as a duration like 90s"


class LiteralError(ValueError):
    """A malformed literal: `message` says what is wrong, `hint` what was expected."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def parse_integer(text: str) -> int:
    """Return the non-negative integer written as `text` (`701_000` -> 701000)."""
    if not _INTEGER.fullmatch(text):
        raise LiteralError(
            f"expected a whole number, found '{text}'",
            "write a whole number such as 3 or 701_000",
        )
    return int(text.replace("_", ""))


def parse_number(text: str) -> Fraction:
    """Return the exact value of an integer, decimal or scientific number (`2e-6`)."""
    if not _NUMBER.fullmatch(text):
        raise LiteralError(
            f"expected a number, found '{text}'",
            "write a number such as 300, 0.25 or 2e-6",
        )
    return Fraction(text.replace("_", ""))


def parse_duration(text: str) -> int:
    """Return the length in integer seconds of a duration such as `10s` or `1h30m`.

    Compound parts must come in decreasing unit order (`1h30m`, not `30m1h`),
    each unit at most once.
    """
    position = 0
    seconds = 0
    previous_size: int | None = None
    while position < len(text):
        match = _DURATION_PART.match(text, position)
        if match is None:
            raise LiteralError(f"malformed duration '{text}'", DURATION_HINT)
        size = UNIT_SECONDS[match.group(2)]
        if previous_size is not None and size >= previous_size:
            raise LiteralError(
                f"malformed duration '{text}': units must go from days down to seconds, "
                "each at most once",
                DURATION_HINT,
            )
        seconds += int(match.group(1).replace("_", "")) * size
        previous_size = size
        position = match.end()
    if previous_size is None:
        raise LiteralError(f"malformed duration '{text}'", DURATION_HINT)
    if seconds > MAX_SECONDS:
        raise LiteralError(f"duration '{text}' is too long", _TOO_LONG_HINT)
    return seconds


def parse_clock(text: str) -> int:
    """Return the seconds since 00:00 of day 1 of a clock time `HH:MM` or `HH:MM:SS`.

    Hours run 0-23, minutes and seconds 0-59.
    """
    match = _CLOCK.fullmatch(text)
    if match is None:
        raise LiteralError(f"malformed clock time '{text}'", TIME_HINT)
    hours, minutes = int(match.group(1)), int(match.group(2))
    secs = int(match.group(3)) if match.group(3) is not None else 0
    if hours > 23 or minutes > 59 or secs > 59:
        raise LiteralError(
            f"clock time '{text}' is out of range",
            "hours run 00-23, minutes and seconds 00-59; for a later day write 'day N HH:MM'",
        )
    return hours * 3600 + minutes * 60 + secs


def parse_day_clock(day: int, clock: str) -> int:
    """Return the seconds since 00:00 of day 1 of `day N HH:MM[:SS]` (day 1 is the first)."""
    if day < 1:
        raise LiteralError(f"there is no day {day}", "days are numbered from 1: 'day 1 13:00'")
    seconds = (day - 1) * SECONDS_PER_DAY + parse_clock(clock)
    if seconds > MAX_SECONDS:
        raise LiteralError(f"day {day} is too late", _TOO_LONG_HINT)
    return seconds


def parse_time_point(text: str) -> int:
    """Return the instant (integer seconds since 00:00 of day 1) written as `text`.

    Accepts `HH:MM[:SS]`, `day N HH:MM[:SS]` and a duration (`90s`).
    """
    words = text.split()
    if len(words) == 3 and words[0] == "day":
        return parse_day_clock(parse_integer(words[1]), words[2])
    if len(words) == 1 and ":" in words[0]:
        return parse_clock(words[0])
    if len(words) == 1:
        return parse_duration(words[0])
    raise LiteralError(f"malformed instant '{text}'", TIME_HINT)


def parse_rate_unit(word: str) -> tuple[str, int]:
    """Return `(singular unit, seconds per unit)` for `second(s)`, `minute(s)`, `hour(s)`, `day(s)`."""
    singular = word.removesuffix("s")
    if singular not in RATE_UNITS:
        raise LiteralError(
            f"unknown rate unit '{word}'",
            "a rate is given per second, minute, hour or day",
        )
    return singular, RATE_UNITS[singular]
