"""Shared test options: `--update-goldens` rewrites golden files instead of comparing them."""

from __future__ import annotations

from collections.abc import Callable
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
