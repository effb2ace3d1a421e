"""The HTML viewer without a browser: escaping, determinism, a golden page, and the
statuses, causal chain, legend and layout it shows, all from the trace's facts.
The browser tests are in tests/test_viewer_browser.py.

Rewrite the golden page with `pytest --update-goldens` and review the diff.  The
golden has the inlined viewer.css and viewer.js replaced by a placeholder, so a
change of style or script does not rewrite it (they are tested in the browser).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

import failspec
import failspec.counterexamples.viewer as viewer_module
from failspec.cli import main
from failspec.counterexamples.causal_chain import causal_chain
from failspec.counterexamples.graph_layout import KIND_GROUPS, layout_graph
from failspec.counterexamples.graph_svg import escape
from failspec.counterexamples.statuses import (
    Status,
    component_kinds,
    states_at_each_event,
    worst_event,
)
from failspec.counterexamples.text import render_trace_text
from failspec.counterexamples.trace import (
    Action,
    Down,
    Fails,
    FailureClass,
    Fault,
    Trace,
    TraceComponent,
    TraceEvent,
    TraceFault,
    Violation,
    ViolationKind,
    read_trace,
    trace_from_json,
    trace_to_json,
)
from failspec.counterexamples.trace_v1 import trace_from_json_v1, trace_to_json_v1
from failspec.counterexamples.viewer import dump_script_json, read_asset, render_trace_html
from failspec.counterexamples.vocabulary import state_label

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "models" / "examples" / "atm-network.fspec"
MINORI = REPO / "models" / "minori" / "before.fspec"
GOLDEN = REPO / "counterexamples" / "golden" / "html" / "atm-network.html"
LEGACY = REPO / "tests" / "golden" / "trace-v1"

AssertGolden = Callable[[Path, str], None]

HOSTILE = "<script>window.pwned=1</script>"


def example_trace() -> Trace:
    model = failspec.load(EXAMPLE)
    (result,) = failspec.check(model)
    assert result.counterexample is not None
    return result.counterexample


def hostile_trace() -> Trace:
    """A trace whose every model-supplied string tries to break out of the page (a
    component name cannot carry markup in a model, but a trace file can)."""
    card, other = "card<i>", "x'\""
    return Trace(
        model="m</title><script>alert(1)</script>",
        title=HOSTILE,
        check='check "&amp;" <b>bold</b> \u2028 </script>',
        horizon=60,
        faults=(TraceFault(1, card, "flap&", 0, None),),
        events=(
            TraceEvent(1, 0, card, Fault("flap&", None, False)),
            TraceEvent(2, 0, card, Down(), (1,)),
            TraceEvent(3, 0, other, Fails("<img src=x onerror=alert(1)>", FailureClass.COMM), (2,)),
            TraceEvent(4, 0, other, Action("<img src=x onerror=alert(1)>", "<u>keep</u>"), (3,)),
        ),
        violation=Violation(0, ViolationKind.NEVER, "never card<i>.down", (2,)),
        hypothesis="faults at most 1 of <device>",
        components=(
            TraceComponent(card, "device", 1),
            TraceComponent(other, "channel", 2, ("<u>keep</u>",)),
        ),
        edges=((other, card),),
    )


def script_json(page: str) -> str:
    match = re.search(r'<script type="application/json" id="failspec-data">(.*?)</script>', page)
    assert match is not None
    return match.group(1)


def without_assets(page: str) -> str:
    """The page with its inlined CSS and script replaced by placeholders (the golden's form)."""
    css, script = read_asset("viewer.css"), read_asset("viewer.js")
    assert page.count(css) == 1 and page.count(script) == 1
    return page.replace(css, "/* viewer.css */\n").replace(script, "/* viewer.js */\n")


# --- escaping -------------------------------------------------------------------------


def test_model_strings_are_escaped_in_the_markup() -> None:
    page = render_trace_html(hostile_trace())
    assert HOSTILE not in page
    assert "<img" not in page and "<i>" not in page and "<b>bold" not in page
    assert "<u>" not in page
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
    assert data["events"][1]["explanation"] == "← card<i>.flap&"
    assert data["events"][3]["change"] == "<u>keep</u> on <img src=x onerror=alert(1)>"


def test_dump_script_json_round_trips() -> None:
    value = {"a": "</script><!-- & \u2028 \u2029 >", "b": [1, None, "é"]}
    text = dump_script_json(value)
    assert "</" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == value


@pytest.mark.parametrize(
    ("title", "check"),
    [
        ("<script>window.pwned=1</script>", "<img src=x onerror=alert(2)> cards"),
        ("a & b </title>", "</script><script>alert(3)</script>"),
        ("\u2028 <!-- x", "it's <b>\u2029</b>"),
    ],
)
def test_titles_and_check_names_from_a_model_are_escaped(title: str, check: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('"3 March 2021: a flapping NW card retains ATM cards"', f'"{title}"')
    text = text.replace('"no single device failure retains customer cards"', f'"{check}"')
    model = failspec.loads(text)
    (result,) = failspec.check(model)
    assert result.counterexample is not None
    page = render_trace_html(result.counterexample)
    for raw in (title, check):
        assert raw not in page
        assert escape(raw) in page
    assert page.count("<script") == 2 and page.count("</script>") == 2


def test_a_path_with_markup_is_escaped_wherever_it_is_shown(tmp_path: Path) -> None:
    folder = tmp_path / "<img src=x onerror=alert(4)>"
    folder.mkdir()
    path = folder / "m&amp;.fspec"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    saved = tmp_path / "saved"
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", str(path), "--save", str(saved)], out, err) == 1
    (page_path,) = saved.glob("*.html")
    page = page_path.read_text(encoding="utf-8")
    assert "<img" not in page and page.count("<script") == 2
    for format in ("html", "svg"):
        out = io.StringIO()
        assert main(["graph", str(path), "--format", format], out, io.StringIO()) == 0
        assert "<img" not in out.getvalue() and "<script" not in out.getvalue()


# --- determinism and golden -----------------------------------------------------------


def test_same_trace_gives_the_same_bytes() -> None:
    trace = example_trace()
    page = render_trace_html(trace)
    assert page == render_trace_html(example_trace())
    assert page == render_trace_html(trace_from_json(trace_to_json(trace)))
    assert page.endswith("</html>\n")


def test_page_matches_golden(assert_golden: AssertGolden) -> None:
    assert_golden(GOLDEN, without_assets(render_trace_html(example_trace())))


def test_page_is_self_contained() -> None:
    page = render_trace_html(example_trace())
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "url(http" not in page
    assert "<link" not in page


# --- what the page shows: facts, not words ---------------------------------------------


def test_statuses_of_the_flap_example() -> None:
    trace = example_trace()
    final = states_at_each_event(trace)[-1]
    assert final["nw_card_a"].status == Status.DOWN and final["nw_card_a"].faults == ("flap",)
    assert final["nw_link"].status == Status.SWITCHOVER
    assert (final["nw_link"].switching_to, final["nw_link"].switch_due) == ("nw_card_b", 180)
    assert final["atm"].status == Status.ACTING
    assert state_label(final["atm"]) == "retain"
    assert final["nw_card_b"].status == Status.UP and final["minori"].status == Status.UP
    assert final["atm_partition"].status == Status.UP


def test_causal_chain_runs_from_the_fault_to_the_violation() -> None:
    trace = example_trace()
    chain = [trace.event(n) for n in causal_chain(trace)]
    assert isinstance(chain[0].fact, Fault) and chain[0].component == "nw_card_a"
    assert [(e.component, e.kind.value) for e in chain][-1] == ("atm", "action")
    assert ("nw_link", "down") in [(e.component, e.kind.value) for e in chain]
    assert [trace.event(n).kind.value for n in trace.violation.cause] == ["action"]


def test_rewording_changes_no_fact_the_page_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    """The statuses, the chain and every data attribute come from facts: other words
    for every event change none of them (nothing reads words back)."""
    trace = read_trace(json.loads((LEGACY / f"{FX}.json").read_text(encoding="utf-8")))
    page = render_trace_html(trace)

    def facts_of(html: str) -> list[str]:
        attributes = re.findall(
            r'(data-(?:status|name|kind|id)="[^"]*"|<(?:tr|g) class="[^"]*")', html
        )
        data = json.loads(script_json(html))
        shown = [[s[0] for s in data["initial"].values()]]
        shown += [[c[0], c[1]] for changes in data["changes"] for c in changes]
        return attributes + [json.dumps([shown, data["chain"], data["causes"], data["worst"]])]

    monkeypatch.setattr(viewer_module, "change_words", lambda fact: "SOMETHING ELSE")
    monkeypatch.setattr(viewer_module, "explain_event", lambda trace, event: "BECAUSE")
    monkeypatch.setattr(viewer_module, "state_note", lambda state: "NOTE")
    reworded = render_trace_html(trace)
    assert reworded != page
    assert facts_of(reworded) == facts_of(page)


def test_the_legend_speaks_the_models_words() -> None:
    page = render_trace_html(example_trace())
    legend = page.split('<ul class="legend">', 1)[1].split("</ul>", 1)[0]
    assert "taking an action (retain, return)" in legend
    assert "cards" not in page.replace("customer cards", "").replace("ATM cards", "")
    model = failspec.load(MINORI)
    (result,) = failspec.check(model, "a card-loan program defect affects no other product")
    assert result.counterexample is not None
    legend = render_trace_html(result.counterexample).split('<ul class="legend">', 1)[1]
    assert "taking an action (not_completed, reject, retain, return)" in legend


def test_an_exchange_model_has_no_banking_words() -> None:
    model = failspec.loads(
        "model exchange\nhorizon 1h\n"
        "device disk {\n  fault crash\n}\n"
        "service matching {\n  needs disk\n}\n"
        "channel brokers {\n  transaction new_order {\n    calls matching\n  }\n"
        "  on service -> reject\n}\n"
        'check "orders flow" {\n  faults at most 1\n  never brokers.reject\n}\n'
    )
    (result,) = failspec.check(model)
    assert result.counterexample is not None
    page = render_trace_html(result.counterexample).lower()
    for word in ("retain", "card", "atm", "withdrawal", "bank"):
        assert word not in page, word
    assert "taking an action (reject)" in page


def test_worst_state_and_first_fault_are_facts_of_the_trace() -> None:
    model = failspec.load(MINORI)
    (result,) = failspec.check(model, "FX remittances meet the 13:00 cutoff under any two faults")
    trace = result.counterexample
    assert trace is not None
    data = json.loads(script_json(render_trace_html(trace)))
    first_fault = next(e.id for e in trace.events if isinstance(e.fact, Fault))
    assert data["firstFault"] == first_fault == 1
    worst = worst_event(trace)
    assert data["worst"] == worst and worst is not None
    states = states_at_each_event(trace)
    failing = [
        sum(
            s.status not in {Status.UP, Status.WAITING, Status.RUNNING, Status.DONE}
            for s in step.values()
        )
        for step in states
    ]
    assert failing[worst - 1] == max(failing) and max(failing) not in failing[: worst - 1]
    job = data["jobs"]["data_collection"]
    assert job["takes"] == 19 * 60 and job["stalls"] == [
        [23 * 3600 + 45 * 60, 86_400 + 6 * 3600 + 28 * 60 + 1]
    ]


def test_layout_groups_kinds_in_columns_without_overlaps() -> None:
    trace = example_trace()
    layout = layout_graph(component_kinds(trace), trace.edges)
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


# --- traces of version 1 ------------------------------------------------------------------

FLAP = "minori_before--no-single-device-failure-retains-customer-cards"
FX = "minori_before--fx-remittances-meet-the-13-00-cutoff-under-any-two-faults"


@pytest.mark.parametrize("name", [FLAP, FX])
def test_a_version_1_trace_of_an_earlier_release_opens(name: str, tmp_path: Path) -> None:
    source = LEGACY / f"{name}.json"
    trace = trace_from_json_v1(json.loads(source.read_text(encoding="utf-8")))
    assert trace.violation.cause, "the violation rests on the events its atoms name"
    assert causal_chain(trace), "and the chain follows their causes"
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "legacy.html"
    assert main(["view", str(source), "-o", str(target)], out, err) == 0, err.getvalue()
    assert target.read_text(encoding="utf-8") == render_trace_html(trace)


def test_version_1_written_and_read_back_keeps_the_facts_it_has() -> None:
    trace = example_trace()
    again = trace_from_json_v1(trace_to_json_v1(trace))
    assert [(e.at, e.component, e.kind) for e in again.events] == [
        (e.at, e.component, e.kind) for e in trace.events
    ]
    assert [e.cause for e in again.events] == [e.cause for e in trace.events]
    assert render_trace_text(again).splitlines()[0] == render_trace_text(trace).splitlines()[0]


def test_trace_without_graph_still_renders() -> None:
    """Traces without components or edges: the events name the components."""
    document = trace_to_json(example_trace())
    document["components"], document["edges"] = [], []
    bare = trace_from_json(document)
    page = render_trace_html(bare)
    assert 'data-name="nw_link"' in page and 'data-kind="failover"' in page


# --- the trace's graph fields and the CLI ---------------------------------------------


def test_trace_carries_the_models_graph_and_hypothesis() -> None:
    trace = example_trace()
    assert trace.hypothesis == "faults at most 1 of device"
    assert [(c.name, c.kind, c.line) for c in trace.components][:3] == [
        ("nw_card_a", "device", 4),
        ("nw_card_b", "device", 8),
        ("nw_link", "failover", 13),
    ]
    assert [c.actions for c in trace.components if c.kind == "channel"] == [("retain", "return")]
    assert list(trace.edges) == sorted(set(trace.edges))
    assert ("nw_link", "nw_card_a") in trace.edges and ("atm", "nw_link") in trace.edges
    document = trace_to_json(trace)
    assert list(document)[-3:] == ["events", "components", "edges"]
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
    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr("webbrowser.open", fake_open)
    trace_path = tmp_path / "t.json"
    trace_path.write_text(json.dumps(trace_to_json(example_trace())), encoding="utf-8")
    assert main(["view", str(trace_path), "--open"], io.StringIO(), io.StringIO()) == 0
    assert opened == [(tmp_path / "t.html").resolve().as_uri()]


def _malformed(change: Callable[[dict[str, object]], None]) -> str:
    document = trace_to_json(example_trace())
    change(document)
    return json.dumps(document)


def _set_event(key: str, value: object) -> Callable[[dict[str, object]], None]:
    def change(document: dict[str, object]) -> None:
        events = document["events"]
        assert isinstance(events, list)
        events[1][key] = value

    return change


def _drop(key: str) -> Callable[[dict[str, object]], None]:
    def change(document: dict[str, object]) -> None:
        del document[key]

    return change


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("not json", "is not JSON: malformed at line 1, column 1"),
        ("[" * 100_000, "nested too deeply"),
        ('{"format": "other"}', 'its format is "other"'),
        ('{"format": "failspec-trace/3"}', 'its format is "failspec-trace/3"'),
        ("{}", "its format is none"),
        ('{"format": "failspec-trace/1"}', 'the trace has no "faults"'),
        ('{"format": "failspec-trace/2"}', 'the trace has no "events"'),
        ("[1]", "the trace must be an object"),
        (
            _malformed(_set_event("at", "x")),
            'event 2: "at" must be a whole number of seconds, not "x"',
        ),
        (_malformed(_set_event("at", -1)), 'event 2: "at" must be a whole number'),
        (_malformed(_set_event("at", 1.5)), 'event 2: "at" must be a whole number'),
        (_malformed(_set_event("kind", "explodes")), 'event 2: "kind" must be one of'),
        (
            _malformed(_set_event("cause", [99])),
            'event 2: "cause" must list ids of events before it',
        ),
        (_malformed(_set_event("cause", "x")), 'event 2: "cause" must be a list'),
        (_malformed(_set_event("id", 7)), "event 2: its id must be 2, not 7"),
        (_malformed(_set_event("component", None)), 'event 2: "component" must be a string'),
        (_malformed(_drop("violation")), "the violation must be an object, not null"),
        (_malformed(_drop("check")), 'the trace has no "check"'),
        (
            _malformed(lambda d: d.update(violation={"at": 0, "kind": "never"})),
            'the violation has no "assertion"',
        ),
        (
            _malformed(lambda d: d.update(edges=[["a"]])),
            "an edge must be a pair of component names",
        ),
        (_malformed(lambda d: d.update(faults=[{"at": 0}])), 'fault 1 has no "component"'),
    ],
)
def test_view_command_rejects_bad_input(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["view", str(path)], out, err) == 2
    text = err.getvalue()
    assert message in text, text
    assert text.count("\n") == 1 and text.startswith("failspec: ")
    for python in ("Traceback", "KeyError", "TypeError", "not supported between", "Error("):
        assert python not in text
    assert not (tmp_path / "bad.html").exists()


def test_a_version_1_trace_with_bad_values_is_refused(tmp_path: Path) -> None:
    document = json.loads((LEGACY / f"{FLAP}.json").read_text(encoding="utf-8"))
    document["events"][3]["at"] = "x"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    err = io.StringIO()
    assert main(["view", str(path)], io.StringIO(), err) == 2
    assert err.getvalue().endswith('event 4: "at" must be a whole number of seconds, not "x"\n')


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


def test_a_trace_without_events_renders() -> None:
    trace = Trace(
        model="m",
        title=None,
        check="c",
        horizon=0,
        faults=(),
        events=(),
        violation=Violation(0, ViolationKind.ALWAYS, "always a.up"),
    )
    page = render_trace_html(trace)
    data = json.loads(script_json(page))
    assert (data["events"], data["worst"], data["firstFault"]) == ([], None, None)
    assert 'id="jump-fault" title="Jump to the first fault (F)" disabled' in page
