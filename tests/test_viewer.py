"""The HTML viewer without a browser: escaping, determinism, a golden page, and the
statuses, causal chain and layout it shows.  The browser tests are in
tests/test_viewer_browser.py.

Rewrite the golden page with `pytest --update-goldens` and review the diff.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import failspec
from failspec.cli import main
from failspec.counterexamples.causal_chain import find_causal_chain, violation_roots
from failspec.counterexamples.graph_layout import KIND_GROUPS, layout_graph
from failspec.counterexamples.statuses import states_at_each_event
from failspec.counterexamples.text import render_trace_text
from failspec.counterexamples.trace import (
    Trace,
    TraceComponent,
    TraceEvent,
    TraceFault,
    Violation,
    trace_from_json,
    trace_to_json,
)
from failspec.counterexamples.viewer import dump_script_json, render_trace_html

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "models" / "examples" / "atm-network.fspec"
GOLDEN = REPO / "counterexamples" / "golden" / "html" / "atm-network.html"

AssertGolden = Callable[[Path, str], None]

HOSTILE = "<script>window.pwned=1</script>"


def example_trace() -> Trace:
    model = failspec.load(EXAMPLE)
    (result,) = failspec.check(model)
    assert result.counterexample is not None
    return result.counterexample


def hostile_trace() -> Trace:
    """A trace whose every model-supplied string tries to break out of the page."""
    return Trace(
        model="m</title><script>alert(1)</script>",
        title=HOSTILE,
        check='check "&amp;" <b>bold</b> \u2028 </script>',
        horizon=60,
        faults=(TraceFault(1, "card<i>", "flap&", 0, None),),
        events=(
            TraceEvent(0, "card<i>", "flap&", ()),
            TraceEvent(0, "card<i>", "down", ("card<i>.flap&",), "<img src=x onerror=alert(1)>"),
        ),
        violation=Violation(0, "never card<i>.down"),
        hypothesis="faults at most 1 of <device>",
        components=(TraceComponent("card<i>", "device"), TraceComponent("x'\"", "service")),
        edges=(("x'\"", "card<i>"),),
    )


def script_json(page: str) -> str:
    match = re.search(r'<script type="application/json" id="failspec-data">(.*?)</script>', page)
    assert match is not None
    return match.group(1)


# --- escaping -------------------------------------------------------------------------


def test_model_strings_are_escaped_in_the_markup() -> None:
    page = render_trace_html(hostile_trace())
    assert HOSTILE not in page
    assert "<img" not in page and "<i>" not in page and "<b>bold" not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    assert "card&lt;i&gt;" in page
    assert 'data-name="x&#x27;&quot;"' in page
    # Only the page's own two scripts, and nothing closes them early.
    assert page.count("<script") == 2
    assert page.count("</script>") == 2


def test_json_in_the_script_element_escapes_angle_brackets_and_ampersands() -> None:
    page = render_trace_html(hostile_trace())
    embedded = script_json(page)
    assert not set("<>&") & set(embedded)
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in embedded
    assert "\u2028" not in embedded
    data = json.loads(embedded)
    assert data["events"][1]["explanation"] == "← card<i>.flap&  (<img src=x onerror=alert(1)>)"


def test_dump_script_json_round_trips() -> None:
    value = {"a": "</script><!-- & \u2028 \u2029 >", "b": [1, None, "é"]}
    text = dump_script_json(value)
    assert "</" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


# --- determinism and golden -----------------------------------------------------------


def test_same_trace_gives_the_same_bytes() -> None:
    trace = example_trace()
    page = render_trace_html(trace)
    assert page == render_trace_html(example_trace())
    assert page == render_trace_html(trace_from_json(trace_to_json(trace)))
    assert page.endswith("</html>\n")


def test_page_matches_golden(assert_golden: AssertGolden) -> None:
    assert_golden(GOLDEN, render_trace_html(example_trace()))


def test_page_is_self_contained() -> None:
    page = render_trace_html(example_trace())
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(http" not in page
    assert "<link" not in page


# --- what the page shows ---------------------------------------------------------------


def test_statuses_of_the_flap_example() -> None:
    trace = example_trace()
    states = states_at_each_event(trace)
    final = states[-1]
    assert final["nw_card_a"].status == "down" and "flap" in final["nw_card_a"].note
    assert final["nw_link"].status == "switchover"
    assert final["nw_link"].note == "to nw_card_b at 00:03:00"
    assert final["atm"].status == "retaining"
    assert final["nw_card_b"].status == "up" and final["minori"].status == "up"
    assert final["atm_partition"].status == "up"


def test_causal_chain_runs_from_the_fault_to_the_violation() -> None:
    trace = example_trace()
    chain = [trace.events[n].ref for n in find_causal_chain(trace)]
    assert chain[0] == "nw_card_a.flap"
    assert chain[-1] == "atm.retain"
    assert "nw_link.down" in chain and "nw_card_a.down" in chain
    roots = [trace.events[n].ref for n in violation_roots(trace)]
    assert roots == ["atm.retain"]


def test_layout_groups_kinds_in_columns_without_overlaps() -> None:
    layout = layout_graph(example_trace())
    order = [label for label, _ in KIND_GROUPS]
    labels = [c.label for c in layout.columns]
    assert labels == [label for label in order if label in labels]
    by_name = {n.name: n for n in layout.nodes}
    assert layout.columns[by_name["atm"].column].label == "Channels"
    assert layout.columns[by_name["nw_link"].column].label == "Failover pairs"
    assert layout.columns[by_name["nw_card_a"].column].label == "Devices"
    boxes = list(layout.nodes)
    for node in boxes:
        assert node.x >= 0 and node.x + node.width <= layout.width
        assert node.y >= 0 and node.y + node.height <= layout.height
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a.x + a.width <= b.x
                or b.x + b.width <= a.x
                or a.y + a.height <= b.y
                or b.y + b.height <= a.y
            )
            assert apart, (a.name, b.name)


def test_trace_without_graph_still_renders() -> None:
    """Older traces have no components or edges: the events name the components."""
    trace = example_trace()
    document = trace_to_json(trace)
    for key in ("hypothesis", "components", "edges"):
        del document[key]
    bare = trace_from_json(document)
    assert bare.components == () and bare.edges == () and bare.hypothesis is None
    page = render_trace_html(bare)
    assert 'data-name="nw_link"' in page and "not recorded" in page


# --- the trace's graph fields and the CLI ---------------------------------------------


def test_trace_carries_the_models_graph_and_hypothesis() -> None:
    trace = example_trace()
    assert trace.hypothesis == "faults at most 1 of device"
    assert [(c.name, c.kind) for c in trace.components][:3] == [
        ("nw_card_a", "device"),
        ("nw_card_b", "device"),
        ("nw_link", "failover"),
    ]
    assert list(trace.edges) == sorted(set(trace.edges))
    assert ("nw_link", "nw_card_a") in trace.edges and ("atm", "nw_link") in trace.edges
    document = trace_to_json(trace)
    assert list(document)[-4:] == ["events", "hypothesis", "components", "edges"]
    assert trace_from_json(json.loads(json.dumps(document))) == trace


@pytest.mark.parametrize(
    ("hypothesis", "expected"),
    [
        ("", "no faults"),
        ("faults at most 1", "faults at most 1"),
        ("faults at most 1 of nw_card_a.flap", "faults at most 1 of nw_card_a.flap"),
        ("faults at most 2 of  nw_card_a ,nw_card_b", "faults at most 2 of nw_card_a, nw_card_b"),
        ("faults at most 1 of nw_card_a", "faults at most 1 of nw_card_a"),
    ],
)
def test_hypothesis_text(hypothesis: str, expected: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("faults at most 1 of device", hypothesis)
    text = text.replace("never atm.retain", "never nw_link.up")  # violated with no fault
    model = failspec.loads(text)
    (result,) = failspec.check(model)
    assert result.counterexample is not None
    assert result.counterexample.hypothesis == expected


def test_view_command_writes_the_page(tmp_path: Path) -> None:
    import io

    trace_path = tmp_path / "t.json"
    trace_path.write_text(json.dumps(trace_to_json(example_trace())), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["view", str(trace_path)], out, err) == 0
    page = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert page == render_trace_html(example_trace())
    assert out.getvalue() == f"wrote {tmp_path / 't.html'}\n" and err.getvalue() == ""
    target = tmp_path / "sub.html"
    assert main(["view", str(trace_path), "-o", str(target)], out, err) == 0
    assert target.read_text(encoding="utf-8") == page


def test_view_command_opens_the_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("webbrowser.open", fake_open)
    trace_path = tmp_path / "t.json"
    trace_path.write_text(json.dumps(trace_to_json(example_trace())), encoding="utf-8")
    assert main(["view", str(trace_path), "--open"], io.StringIO(), io.StringIO()) == 0
    assert opened == [(tmp_path / "t.html").resolve().as_uri()]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("not json", "is not JSON"),
        ('{"format": "other"}', "is not a counterexample trace"),
        ('{"format": "failspec-trace/1"}', "is not a counterexample trace: missing"),
        ("[1]", "is not a counterexample trace"),
    ],
)
def test_view_command_rejects_bad_input(tmp_path: Path, content: str | None, message: str) -> None:
    import io

    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["view", str(path)], out, err) == 2
    assert message in err.getvalue() and "Traceback" not in err.getvalue()
    assert not (tmp_path / "bad.html").exists()


# --- colour in the terminal -----------------------------------------------------------


def test_colour_only_adds_escape_codes() -> None:
    trace = example_trace()
    plain = render_trace_text(trace)
    coloured = render_trace_text(trace, color=True)
    assert "\x1b[" not in plain and "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    assert "\x1b[1;31mVIOLATED\x1b[0m" in coloured


class _Terminal:
    """A text stream that says it is a terminal."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("no_color", "coloured"), [(None, True), ("1", False), ("", True)])
def test_check_colours_a_terminal_unless_no_color(
    monkeypatch: pytest.MonkeyPatch, no_color: str | None, coloured: bool
) -> None:
    import io

    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    terminal = _Terminal()
    assert main(["check", str(EXAMPLE)], terminal, io.StringIO()) == 1  # type: ignore[arg-type]
    assert ("\x1b[" in "".join(terminal.parts)) is coloured
    piped = io.StringIO()
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(["check", str(EXAMPLE)], piped, io.StringIO()) == 1
    assert "\x1b[" not in piped.getvalue()
    assert re.sub(r"\x1b\[[0-9;]*m", "", "".join(terminal.parts)) == piped.getvalue()
