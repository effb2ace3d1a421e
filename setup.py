"""failspec's one compiled part, optional: the BDD apply in C (decision 69).

Everything else is in `pyproject.toml`.  Where no C compiler (or no Python
headers) is found, `pip install` goes on without the extension and failspec uses
its Python apply, which makes the same diagrams, only slower.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("failspec.checker._apply", ["checker/_apply.c"], optional=True)])
