"""The XML layer of Open-PSA MEF files: elements with their file and line.

`parse_file` reads one file into a tree of `Node`s (expat, every element with
the line it starts on); `ImportError_` is the one error a user sees for a file
failspec cannot read, its message naming the file, line and element.
"""

from __future__ import annotations

from typing import NamedTuple
from xml.parsers import expat

IGNORED = {"label", "attributes", "attribute"}
"""Elements that carry no logic or number (documentation and attributes)."""


class ImportError_(Exception):
    """A file failspec cannot import: the message names the element and its line."""


class Node(NamedTuple):
    """An XML element: its tag, attributes, file, line (1-based) and children."""

    tag: str
    attrib: dict[str, str]
    file: str
    line: int
    children: list[Node]

    def where(self) -> str:
        """`file:line: <tag name="...">` for a message."""
        name = self.attrib.get("name")
        what = f"<{self.tag}>" if name is None else f'<{self.tag} name="{name}">'
        return f"{self.file}:{self.line}: {what}"


def parse_file(path: str) -> Node:
    """The XML element tree of `path`, every element with its line number; the root
    must be `<opsa-mef>` (else ImportError_)."""
    parser = expat.ParserCreate()
    stack: list[Node] = []
    roots: list[Node] = []

    def start(tag: str, attrib: dict[str, str]) -> None:
        node = Node(tag, attrib, path, parser.CurrentLineNumber, [])
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        with open(path, "rb") as handle:  # not pathlib: it costs a static run's start-up
            data = handle.read()
    except OSError as error:
        raise ImportError_(f"{path}: cannot read: {error.strerror}") from None
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise ImportError_(f"{path}:{error.lineno}: not well-formed XML: {error}") from None
    if not roots or roots[0].tag != "opsa-mef":
        raise ImportError_(f"{path}:1: the root element is not <opsa-mef>")
    return roots[0]
