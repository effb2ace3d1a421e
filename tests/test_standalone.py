"""The repository stands alone: nothing in it reads, or sends a reader to, a file
outside it (a user's clone has no folder beside it)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def tracked(*patterns: str) -> list[Path]:
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--", *patterns],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [ROOT / name for name in listing.split("\0") if name]


def test_no_code_refers_to_a_folder_beside_the_repository() -> None:
    beside = "/".join(("..", "shared"))  # not written whole, or this file would match
    sources = tracked("*.py", "*.sh", ".ci/*", "*.toml", "*.yaml")
    assert sources
    for path in sources:
        assert beside not in path.read_text(encoding="utf-8"), path


def test_every_relative_link_in_the_docs_stays_inside_the_repository() -> None:
    documents = tracked("*.md")
    assert documents
    for document in documents:
        for target in LINK.findall(document.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue  # a URL
            resolved = (document.parent / target).resolve()
            assert resolved.is_relative_to(ROOT), (document, target)
            assert resolved.exists(), (document, target)
