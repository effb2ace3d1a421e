"""The examples a newcomer learns the language from are valid failspec.

Every plain code block of the docs (`docs/*.md`, the README files) that starts
with a keyword of the language is parsed: a whole model (`model …`) is loaded
(parsed, validated and lowered); a fragment — a component or a check shown on
its own, which names components declared elsewhere — is parsed after a model
line.  Blocks that show a form with placeholders in capitals (`failover G {`,
`check "NAME" {`) are the grammar in words, not examples, and are left out.
The contract's own examples are tested in `test_design_examples.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import failspec
from failspec.spec.parser import parse_model

REPO = Path(__file__).resolve().parent.parent
DOCS = [
    *sorted((REPO / "docs").glob("*.md")),
    REPO / "README.md",
    *sorted(REPO.glob("models/*/README.md")),
]
KEYWORDS = {"model", "device", "service", "program", "failover", "store", "partition", "channel"}
KEYWORDS |= {"job", "check", "scenario"}
BLOCK = re.compile(r"^```\n(.*?)^```", re.S | re.M)
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z0-9_]*\b")


def _is_placeholder_form(body: str) -> bool:
    """Does the block name something in capitals outside comments and strings?"""
    code = re.sub(r'"[^"\n]*"', '""', "\n".join(line.split("#")[0] for line in body.splitlines()))
    return bool(PLACEHOLDER.search(code))


def examples() -> list[tuple[str, str]]:
    """(where, text) of every example block, `where` being `file:line`."""
    found = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            body = match.group(1)
            words = body.split()
            if not words or words[0] not in KEYWORDS or _is_placeholder_form(body):
                continue
            line = text.count("\n", 0, match.start()) + 2
            found.append((f"{doc.relative_to(REPO)}:{line}", body))
    return found


EXAMPLES = examples()


def test_the_docs_have_examples_to_learn_from() -> None:
    """The selection above finds the examples (so the test below cannot pass empty)."""
    assert len(EXAMPLES) >= 20
    assert sum(body.startswith("model ") for _, body in EXAMPLES) >= 2


@pytest.mark.parametrize(("where", "body"), EXAMPLES, ids=[where for where, _ in EXAMPLES])
def test_every_example_is_valid(where: str, body: str) -> None:
    if body.startswith("model "):
        failspec.loads(body, where)
    else:
        parse_model("model example\nhorizon 24h\n" + body, where)
