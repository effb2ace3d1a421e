"""Types and linting are part of the tests: ruff (lint and format) and a bare `mypy`,
which pyproject.toml makes strict over the packages, the tests and the benchmarks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; `pip install -e '.[test]'` installs it")
    return found


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}{done.stderr}"


def test_ruff_finds_nothing() -> None:
    _run([_tool("ruff"), "check", "."], ROOT)


def test_ruff_format_changes_nothing() -> None:
    _run([_tool("ruff"), "format", "--check", "."], ROOT)


def test_mypy_strict_finds_nothing(tmp_path: Path) -> None:
    # A bare `mypy`: pyproject.toml names the files (packages, tests, benchmarks)
    # and the strictness.
    _run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")], ROOT)
