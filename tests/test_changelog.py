"""CHANGELOG.md follows Keep a Changelog: each release section (`## …`) has each kind
of change (`### Added`, `### Changed`, …) at most once, and only the kinds it names."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

CHANGELOG = Path(__file__).resolve().parent.parent / "CHANGELOG.md"
KINDS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}


def test_each_release_has_each_kind_of_change_once() -> None:
    releases = re.split(r"^## ", CHANGELOG.read_text(encoding="utf-8"), flags=re.M)[1:]
    assert releases, "no release section"
    for release in releases:
        name = release.split("\n", 1)[0]
        kinds = Counter(re.findall(r"^### (.*)$", release, re.M))
        assert set(kinds) <= KINDS, (name, sorted(set(kinds) - KINDS))
        assert all(n == 1 for n in kinds.values()), (name, kinds)
