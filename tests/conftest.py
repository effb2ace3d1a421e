"""Shared test options: `--update-goldens` rewrites golden files instead of comparing them;
and a result cache of its own for every test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite golden files with the current output instead of comparing",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """True when the run was started with `--update-goldens`."""
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def assert_golden(update_goldens: bool) -> Callable[[Path, str], None]:
    """Return `check(path, actual)`: compare `actual` with the golden file, or rewrite it."""

    def check(path: Path, actual: str) -> None:
        if update_goldens:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), f"no golden file {path}; run pytest --update-goldens"
        assert actual == path.read_text(encoding="utf-8"), f"output differs from {path}"

    return check


@pytest.fixture(autouse=True)
def private_result_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test gets a result cache of its own (`FAILSPEC_CACHE_DIR`), so that no test
    writes `.failspec-cache/` into the repository or reads another test's answers."""
    folder = tmp_path_factory.mktemp("failspec-cache")
    previous = os.environ.get("FAILSPEC_CACHE_DIR")
    os.environ["FAILSPEC_CACHE_DIR"] = str(folder)
    yield
    if previous is None:
        del os.environ["FAILSPEC_CACHE_DIR"]
    else:
        os.environ["FAILSPEC_CACHE_DIR"] = previous
