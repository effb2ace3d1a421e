"""Types and linting are part of the tests: ruff (lint and format) and mypy --strict.

mypy cannot follow setuptools' `package-dir` mapping (`failspec.spec` lives in
`spec/`), so the test lays out the package as it is installed, with symbolic
links, and checks it there.
"""

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
    package = tmp_path / "failspec"
    package.mkdir()
    for source in sorted((ROOT / "failspec").glob("*.py")):
        (package / source.name).symlink_to(source)
    for folder in ("spec", "checker", "counterexamples"):
        (package / folder).symlink_to(ROOT / folder)
    (tmp_path / "pyproject.toml").symlink_to(ROOT / "pyproject.toml")
    _run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "cache"),
            "-p",
            "failspec",
        ],
        tmp_path,
    )
