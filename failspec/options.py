"""Pieces shared by the subcommands of the command line: argument types, and spec
errors printed with their source lines."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Sequence
from pathlib import Path

from failspec.spec.errors import SpecError, render_errors


def positive_seconds(text: str) -> float:
    """A `--timeout`-like value: a finite number of seconds greater than zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def read_sources(errors: Sequence[SpecError]) -> dict[str, str]:
    """The text of every readable file named by `errors`, for the caret lines."""
    sources: dict[str, str] = {}
    for file in sorted({e.span.file for e in errors}):
        with contextlib.suppress(OSError, UnicodeDecodeError, ValueError):
            sources[file] = Path(file).read_text(encoding="utf-8")
    return sources


def render_spec_errors(errors: Sequence[SpecError]) -> str:
    """Every error as `file:line:col: message`, its source line, a caret and its hint."""
    return render_errors(list(errors), read_sources(errors))


def add_cache_options(parser: argparse.ArgumentParser) -> None:
    """`--cache DIR` and `--no-cache` (the result cache, `failspec/result_cache.py`)."""
    parser.add_argument(
        "--cache",
        metavar="DIR",
        type=Path,
        help="keep answers in DIR (default: $FAILSPEC_CACHE_DIR, else .failspec-cache/ beside "
        "each model); a check whose dependencies did not change is answered from it",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="decide everything anew and keep nothing",
    )


def jobs_count(text: str) -> int:
    """A `--jobs` value: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1: {text!r}")
    return int(text)


def add_jobs_option(parser: argparse.ArgumentParser) -> None:
    """`--jobs N`: parallel processes (default: the machine's cores)."""
    parser.add_argument(
        "--jobs",
        metavar="N",
        type=jobs_count,
        default=None,
        help="work in N parallel processes (default: the number of cores); "
        "the output is the same as with --jobs 1",
    )
