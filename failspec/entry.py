"""The console script `failspec`: a static analysis of Open-PSA MEF files starts
without loading the rest of the CLI; every other command goes to `failspec.cli`.

`failspec cutsets FILE.xml … --static …` is handed to `failspec.mef_cutsets`
(the same options as `failspec.cli`'s `cutsets` for such files), so its whole
process costs Python's start-up and the analysis, not the checker's imports.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def is_static_mef_cutsets(argv: Sequence[str]) -> bool:
    """Whether `argv` (after the program name) asks `cutsets --static` of MEF files."""
    if len(argv) < 2 or argv[0] != "cutsets" or "--static" not in argv:
        return False
    return argv[1].lower().endswith((".xml", ".opsa"))


def console_main() -> None:
    """Run `failspec` with the process's arguments and exit with its code."""
    if is_static_mef_cutsets(sys.argv[1:]):
        from failspec import mef_cutsets

        mef_cutsets.console_main()
    from failspec.cli import console_main as cli_main

    cli_main()
