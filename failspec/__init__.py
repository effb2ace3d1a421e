"""failspec: a formal model and property checker of failover and failure propagation.

The small public API:

    model = failspec.load("models/minori/before.fspec")     # raises SpecErrors
    for result in failspec.check(model):                     # every check
        print(result.check, result.verdict)
"""

from failspec.api import CheckResult, check, load, loads

__all__ = ["CheckResult", "check", "load", "loads"]
__version__ = "0.1.0"
