"""failspec: a formal model and property checker of failover and failure propagation.

The small public API:

    model = failspec.load("models/minori/before.fspec")     # raises SpecErrors
    for result in failspec.check(model):                     # every check
        print(result.check, result.verdict)

The API is imported on first use (PEP 562), so a command that does not need the
checker (`failspec --version`, a static analysis) does not pay for its imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from failspec.api import CheckResult, check, load, loads

__all__ = ["CheckResult", "check", "load", "loads"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in __all__:
        from failspec import api

        return getattr(api, name)
    raise AttributeError(f"module 'failspec' has no attribute {name!r}")
