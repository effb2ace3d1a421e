"""Pieces shared by the subcommands of the command line: argument types, and spec
errors printed with their source lines."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from failspec.spec.errors import SpecError, SpecErrors, render_errors

if TYPE_CHECKING:
    from failspec.checker import ir


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


def render_spec_failure(failure: SpecError | SpecErrors) -> str:
    """`render_spec_errors` of what loading a model raised: one error or several."""
    return render_spec_errors(failure.errors if isinstance(failure, SpecErrors) else [failure])


def add_format_option(
    parser: argparse.ArgumentParser, choices: Sequence[str], default: str | None = None
) -> None:
    """`--format` with these choices; the default is the first unless given."""
    chosen = default or choices[0]
    parser.add_argument(
        "--format",
        choices=tuple(choices),
        default=chosen,
        help=f"output format (default: {chosen})",
    )


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


class BadInput(Exception):
    """Bad input found while running a command: the message is printed, exit code 2."""


def order_limit(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    return int(text)


def target_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="a .fspec model file")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--check", metavar="NAME", help="the check (timed cut sets)")
    target.add_argument(
        "--static", action="store_true", help="the static fault tree of --top X instead"
    )
    parser.add_argument("--top", metavar="X", help="with --static: the component whose .down")
    parser.add_argument(
        "--max-order",
        metavar="K",
        type=order_limit,
        help="largest cut set (default: the hypothesis' bound; with --static, 20)",
    )


def resolve_target(model: ir.Model, args: argparse.Namespace) -> ir.Check | str:
    """The check (timed) or the top component's name (static) the arguments name."""
    if args.static:
        if args.check is not None:
            raise BadInput("give either --check NAME or --static --top X, not both")
        if args.top is None:
            raise BadInput("--static needs --top X, the component whose X.down is the top event")
        names = [c.name for c in model.components]
        if args.top not in names:
            raise BadInput(f"no component named '{args.top}' in {model.file}")
        return str(args.top)
    if args.top is not None:
        raise BadInput("--top X goes with --static")
    listing = ", ".join(f'"{c.name}"' for c in model.checks) or "none"
    if args.check is None:
        raise BadInput(f"give --check NAME (the checks are: {listing}) or --static --top X")
    for item in model.checks:
        if item.name == args.check:
            return item
    raise BadInput(f'no check named "{args.check}" in {model.file}; the checks are: {listing}')
