"""`failspec graph FILE [--format dot|svg|html|json]`: a model's dependency graph with no
trace, in the viewer's layout, coloured by kind.  Goldens under
`counterexamples/golden/graph/` (the HTML with its inlined graph.css replaced by a
placeholder), rewritten by `pytest --update-goldens`.  The DOT is drawn by Debian's
Graphviz (`dot -Tsvg`): without /usr/bin/dot these tests fail with the command that
installs it (`.ci/run` installs it when missing).
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

import failspec
from failspec.cli import main
from failspec.counterexamples.viewer import read_asset

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "models" / "examples" / "atm-network.fspec"
MINORI = REPO / "models" / "minori" / "before.fspec"
GOLDEN = REPO / "counterexamples" / "golden" / "graph"
DOT = Path("/usr/bin/dot")

AssertGolden = Callable[[Path, str], None]


def run(argv: Sequence[str]) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


def graphviz(dot: str, tmp_path: Path) -> str:
    """The SVG Graphviz draws from `dot`; fails (not skips) without Graphviz."""
    if not os.access(DOT, os.X_OK):
        pytest.fail("the DOT tests need Graphviz: apt-get install graphviz", pytrace=False)
    source = tmp_path / "graph.dot"
    source.write_text(dot, encoding="utf-8")
    done = subprocess.run(
        [str(DOT), "-Tsvg", str(source)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


@pytest.mark.parametrize("format", ["dot", "svg", "html", "json"])
def test_every_format_is_written_and_the_same_every_time(format: str, tmp_path: Path) -> None:
    code, out, err = run(["graph", str(MINORI), "--format", format])
    assert (code, err) == (0, "")
    assert out.endswith("\n") and out == run(["graph", str(MINORI), "--format", format])[1]
    target = tmp_path / f"graph.{format}"
    assert run(["graph", str(MINORI), "--format", format, "-o", str(target)]) == (
        0,
        f"wrote {target}\n",
        "",
    )
    assert target.read_text(encoding="utf-8") == out


def test_dot_is_the_default_and_graphviz_draws_it(tmp_path: Path) -> None:
    code, dot, _ = run(["graph", str(MINORI)])
    assert code == 0 and dot.startswith('digraph "minori_before" {')
    svg = graphviz(dot, tmp_path)
    model = failspec.load(MINORI)
    drawn = ET.fromstring(svg)
    titles = {t.text for t in drawn.iter("{http://www.w3.org/2000/svg}title")}
    assert {c.name for c in model.components} <= titles
    assert len(model.reads) == sum(1 for t in titles if t and "->" in t)


def test_json_lists_components_with_kind_and_line_and_the_edges() -> None:
    code, out, _ = run(["graph", str(EXAMPLE), "--format", "json"])
    assert code == 0
    document = json.loads(out)
    assert list(document) == ["format", "model", "title", "components", "edges"]
    assert document["format"] == "failspec-graph/1"
    model = failspec.load(EXAMPLE)
    assert document["components"] == [
        {"name": c.name, "kind": c.kind, "line": c.span.line} for c in model.components
    ]
    names = [c.name for c in model.components]
    assert document["edges"] == [
        {"reader": r, "read": d} for r, d in sorted({(names[a], names[b]) for a, b in model.reads})
    ]
    assert document["components"][0] == {"name": "nw_card_a", "kind": "device", "line": 4}


def test_svg_is_well_formed_and_coloured_by_kind() -> None:
    code, out, _ = run(["graph", str(MINORI), "--format", "svg"])
    assert code == 0
    svg = ET.fromstring(out.split("\n", 1)[1])
    nodes = [g for g in svg.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"]
    model = failspec.load(MINORI)
    assert [(g.get("data-name"), g.get("data-kind")) for g in nodes] == [
        (c.name, c.kind) for c in model.components
    ]
    assert '.node[data-kind="failover"] .box { fill: #fff1c2; stroke: #bf8700; }' in out


@pytest.mark.parametrize(
    ("name", "argv"),
    [
        ("atm-network.dot", ["graph", str(EXAMPLE)]),
        ("atm-network.json", ["graph", str(EXAMPLE), "--format", "json"]),
        ("minori-before.dot", ["graph", str(MINORI)]),
    ],
)
def test_goldens(assert_golden: AssertGolden, name: str, argv: list[str]) -> None:
    code, out, _ = run(argv)
    assert code == 0
    assert_golden(GOLDEN / name, out)


def test_html_golden_without_its_style(assert_golden: AssertGolden) -> None:
    code, out, _ = run(["graph", str(EXAMPLE), "--format", "html"])
    assert code == 0
    css = read_asset("graph.css")
    assert out.count(css) == 1
    assert_golden(GOLDEN / "atm-network.html", out.replace(css, "/* graph.css */\n"))


def test_strings_from_the_model_are_escaped(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '"3 March 2021: a flapping NW card retains ATM cards"',
        '"<script>alert(1)</script> \\\\ back\\\\slash & quote\'s"',
    )
    path = tmp_path / "hostile.fspec"
    path.write_text(text, encoding="utf-8")
    model = failspec.load(path)
    assert model.title is not None and "<script>" in model.title
    for format in ("svg", "html"):
        code, out, _ = run(["graph", str(path), "--format", format])
        assert code == 0 and "<script" not in out
        assert "&lt;script&gt;" in out
    code, dot, _ = run(["graph", str(path)])
    label = next(line for line in dot.splitlines() if line.startswith("  label="))
    assert re.fullmatch(r'  label="(?:[^"\\]|\\.)*";', label), label
    graphviz(dot, tmp_path)


@pytest.mark.parametrize(
    ("content", "argv", "message"),
    [
        (None, [], "cannot read the model"),
        ("device d {\n  fault crash )\n}\n", [], "bad.fspec:2:"),
        ("device d {\n}\n", ["--format", "png"], "invalid choice: 'png'"),
        ("device d {\n}\n", ["-o", "/nonexistent/dir/out.dot"], "cannot write /nonexistent"),
    ],
)
def test_bad_input_is_exit_2(
    tmp_path: Path, content: str | None, argv: list[str], message: str
) -> None:
    path = tmp_path / "bad.fspec"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = run(["graph", str(path), *argv])
    assert code == 2 and message in err, err
    assert "Traceback" not in err


def test_a_model_with_no_components(tmp_path: Path) -> None:
    path = tmp_path / "empty.fspec"
    path.write_text("model empty\nhorizon 1h\n", encoding="utf-8")
    for format in ("dot", "svg", "html", "json"):
        code, out, err = run(["graph", str(path), "--format", format])
        assert (code, err) == (0, ""), format
    assert json.loads(run(["graph", str(path), "--format", "json"])[1])["components"] == []
    graphviz(run(["graph", str(path)])[1], tmp_path)
