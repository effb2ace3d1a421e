"""The exit codes of every `failspec` command, in one table.

| code | meaning |
|---|---|
| 0 | every check holds; nothing was found (no cut set, no fault violating a check, a change that breaks nothing); the command did its job |
| 1 | some check is violated; something was found (a cut set, a fault that violates a check, a change that breaks a check or adds a single point of failure) |
| 2 | bad input: a spec error, an unreadable or malformed file, an unknown name, a bad argument, or a warning under `--warnings error` |
| 3 | incomplete: some verdict is unknown or a search hit its time limit; or failspec failed internally (a bug, reported on one line) |

When a run has both violated and unknown verdicts the code is 3: the run is
incomplete, and a violation may hide behind the unknown.  `docs/language.md`
("Exit codes") shows the same table.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit code of a `failspec` command (see the module's table)."""

    OK = 0
    FOUND = 1
    BAD_INPUT = 2
    INCOMPLETE = 3


def exit_code_of(*, found: bool, complete: bool = True) -> ExitCode:
    """3 when incomplete, else 1 when something was found, else 0."""
    if not complete:
        return ExitCode.INCOMPLETE
    return ExitCode.FOUND if found else ExitCode.OK
