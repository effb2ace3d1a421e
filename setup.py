"""failspec's one compiled part, optional: the decision diagrams' hot loops in C
(decisions 69 and 70).

Everything else is in `pyproject.toml`.  Where no C compiler (or no Python
headers) is found, `pip install` goes on without the extension and failspec uses
its Python apply, which makes the same diagrams, only slower.
"""

from setuptools import Extension, setup

# No fused multiply-add: the probabilities must round as Python's do (`Valuation`).
FLOATS_AS_PYTHON = ["-ffp-contract=off"]

setup(
    ext_modules=[
        Extension(
            f"failspec.checker.{name}",
            [f"checker/{name}.c"],
            extra_compile_args=FLOATS_AS_PYTHON,
            optional=True,
        )
        for name in ("_apply", "_listing")
    ]
)
