"""Argument types shared by the subcommands of the command line."""

from __future__ import annotations

import argparse


def positive_seconds(text: str) -> float:
    """A `--timeout`-like value: a finite number of seconds greater than zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value
