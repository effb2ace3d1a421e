"""The viewer in a real browser: Debian's headless Chromium driven by selenium.

Opens the page of the MINORI flapping-NW-card counterexample at the violation,
steps through the events with the keyboard and checks what the graph and the
timeline show; jumps to the first fault, the violation and the worst state;
follows a link to an event (`#event=12`); checks a job's progress bar through its
stall (the FX deadline); the escaping tests check that no string from a model or
a trace file runs as script.  Screenshots go under
the test's tmp_path.  Without /usr/bin/chromium and /usr/bin/chromedriver these
tests fail (CI installs them: `apt-get install chromium chromium-driver`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import failspec
from failspec.counterexamples.statuses import worst_event
from failspec.counterexamples.text import format_instant
from failspec.counterexamples.trace import (
    Action,
    Fails,
    FailureClass,
    Fault,
    Trace,
    TraceComponent,
    TraceEvent,
    Violation,
    ViolationKind,
)
from failspec.counterexamples.viewer import render_trace_html
from failspec.counterexamples.vocabulary import change_words

REPO = Path(__file__).resolve().parent.parent
MINORI = REPO / "models" / "minori" / "before.fspec"
EXAMPLE = REPO / "models" / "examples" / "atm-network.fspec"
FLAP_CHECK = "no single device failure retains customer cards"
FX_CHECK = "FX remittances meet the 13:00 cutoff under any two faults"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1600,1300",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium session with a fresh profile; fails (not skips) without one."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        pytest.fail(
            f"the viewer's browser tests need {' and '.join(missing)}: "
            "apt-get install chromium chromium-driver (.ci/run does this)",
            pytrace=False,
        )
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail("the browser tests need selenium: pip install -e '.[test]'", pytrace=False)
    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager download
    with tempfile.TemporaryDirectory(prefix="failspec-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture(scope="module")
def flap_trace() -> Trace:
    # The canonical counterexample flaps at 00:00 (the earliest onset that
    # violates); the reviewer's page replays the report's own instant, 19:58,
    # which violates the same check (a flap at any instant does).
    from failspec.checker.causes import build_trace

    model = failspec.load(MINORI)
    (result,) = failspec.check(model, FLAP_CHECK)
    assert result.counterexample is not None
    assert [f.label for f in result.counterexample.faults] == ["nw_card_a.flap"]
    [check] = [c for c in model.checks if c.name == FLAP_CHECK]
    [flap] = [f.number for f in model.faults if f.label == "nw_card_a.flap"]
    trace = build_trace(model, check, {flap: 19 * 3600 + 58 * 60})
    assert trace.violation.at == 19 * 3600 + 58 * 60
    return trace


def open_page(browser: Any, path: Path, html: str) -> None:
    path.write_text(html, encoding="utf-8")
    browser.get(path.resolve().as_uri())
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})


def press(browser: Any, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(browser).send_keys(key).perform()


def status(browser: Any, name: str) -> str:
    node = browser.find_element("css selector", f'#graph-svg .node[data-name="{name}"]')
    return str(node.get_attribute("data-status"))


def status_label(browser: Any, name: str) -> str:
    selector = f'#graph-svg .node[data-name="{name}"] .status .label'
    return str(browser.find_element("css selector", selector).text)


def selected_row(browser: Any) -> tuple[int, str, str, str]:
    rows = browser.find_elements("css selector", "#timeline tr.event.selected")
    assert len(rows) == 1
    row = rows[0]
    cells = row.find_elements("css selector", "td")
    return int(row.get_attribute("data-id")), cells[1].text, cells[2].text, cells[3].text


def at_violation(browser: Any) -> bool:
    row = browser.find_element("id", "violation-row")
    selected = "selected" in str(row.get_attribute("class"))
    if selected:
        assert browser.find_elements("css selector", "#timeline tr.event.selected") == []
    return selected


def click(browser: Any, element_id: str) -> None:
    browser.find_element("id", element_id).click()


def test_stepping_through_the_flapping_card(
    browser: Any, flap_trace: Trace, tmp_path: Path
) -> None:
    from selenium.webdriver.common.keys import Keys

    events = flap_trace.events
    count = len(events)
    open_page(browser, tmp_path / "flap.html", render_trace_html(flap_trace))
    assert browser.title.startswith("failspec: " + FLAP_CHECK)

    # Opened at the violation: the state after the last event, at the violation instant.
    assert at_violation(browser)
    assert (
        browser.find_element("id", "counter").text
        == f"the violation, after event {count} of {count}"
    )
    assert browser.find_element("id", "now").text == "19:58:00"
    assert browser.execute_script("return location.hash") == "#violation"
    assert status(browser, "nw_card_a") == "down"
    assert status(browser, "nw_link") == "switchover"
    assert status(browser, "atm") == "acting"
    assert status_label(browser, "atm") == "retain, return"  # the model's own action words
    assert status(browser, "nw_card_b") == "up"
    selected = browser.find_element("id", "selected-event").text
    assert selected.startswith("19:58:00 VIOLATED never atm.retain and (nw_link.down")
    # The violation's own causes are marked in the timeline.
    marked = browser.find_elements("css selector", "#timeline tr.event.cause-of-selected")
    assert [int(r.get_attribute("data-id")) for r in marked] == list(flap_trace.violation.cause)

    # The causal chain is marked on the graph and in the timeline.
    chain_rows = browser.find_elements("css selector", "#timeline tr.event.chain")
    chain = [
        (
            r.find_elements("css selector", "td")[2].text,
            r.find_elements("css selector", "td")[3].text,
        )
        for r in chain_rows
    ]
    assert chain[0] == ("nw_card_a", "flap") and chain[-1][1].startswith("retain on ")
    assert ("nw_link", "down") in chain
    for name in ("nw_card_a", "nw_link", "atm"):
        node = browser.find_element("css selector", f'#graph-svg .node[data-name="{name}"]')
        assert "chain" in str(node.get_attribute("class"))
    assert browser.find_elements("css selector", "#graph-svg .chain-link")

    # Home: the first event, before the fault; everything on the network is up.
    press(browser, Keys.HOME)
    assert selected_row(browser)[:3] == (1, format_instant(events[0].at), events[0].component)
    assert browser.find_element("id", "now").text == format_instant(events[0].at)
    assert browser.execute_script("return location.hash") == "#event=1"
    for name in ("nw_card_a", "nw_link", "atm"):
        assert status(browser, name) == "up"

    # → through every event, checking the graph at each step.
    fault = next(e.id for e in events if isinstance(e.fact, Fault) and e.component == "nw_card_a")
    for event in events[1:]:
        press(browser, Keys.ARROW_RIGHT)
        number, time, component, change = selected_row(browser)
        assert (number, time, component, change) == (
            event.id,
            format_instant(event.at),
            event.component,
            change_words(event.fact),
        )
        assert browser.find_element("id", "counter").text == f"event {event.id} of {count}"
        if event.id < fault:
            assert status(browser, "nw_card_a") == "up"
            assert status(browser, "nw_link") == "up"
        if (component, change) == ("nw_card_a", "down"):
            assert status(browser, "nw_card_a") == "down"
            assert status(browser, "nw_link") == "up"  # not yet: its own event comes next
        if (component, change) == ("nw_link", "switchover started"):
            assert status(browser, "nw_link") == "switchover"
            assert status_label(browser, "nw_link") == "in switchover"
            changes = browser.find_element("id", "changes").text
            assert "nw_link: up → in switchover" in changes
            assert "to nw_card_b at 20:01:00" in changes
        if component == "atm" and change == "retain on withdrawal":
            assert status(browser, "atm") == "acting"
            selected = browser.find_element("id", "selected-event").text
            # 12:14 retains on the closed partition (28 Feb), 19:58 on the flapping card.
            cause = "(comm)" if event.id > fault else "(partition)"
            assert f"atm retain on withdrawal ← atm.withdrawal fails {cause}" in selected
            if event.id > fault:
                assert status(browser, "nw_link") == "switchover"
                browser.save_screenshot(str(tmp_path / "minori-flap-retain.png"))

    # → after the last event is the violation, and stays there; ← goes back one.
    press(browser, Keys.ARROW_RIGHT)
    assert at_violation(browser)
    press(browser, Keys.ARROW_RIGHT)
    assert at_violation(browser)
    press(browser, Keys.ARROW_LEFT)
    assert selected_row(browser)[0] == count

    # The slider: at 12:14:30 the ATM partition is closed and the ATMs retain cards.
    browser.execute_script(
        "var s = document.getElementById('slider'); s.value = arguments[0];"
        "s.dispatchEvent(new Event('input'));",
        12 * 3600 + 14 * 60 + 30,
    )
    assert browser.find_element("id", "now").text == "12:14:30"
    assert status(browser, "atm_partition") == "closed"
    assert status(browser, "atm") == "acting"
    assert status(browser, "cancel_index") == "full"
    assert status(browser, "nw_link") == "up"

    # Clicking a step of the causal chain selects it.
    browser.find_element("css selector", "#story button.goto").click()
    assert selected_row(browser)[2:] == ("nw_card_a", "flap")

    press(browser, Keys.END)
    screenshot = tmp_path / "minori-flap.png"
    browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000


def test_jumps_to_the_first_fault_the_violation_and_the_worst_state(
    browser: Any, flap_trace: Trace, tmp_path: Path
) -> None:
    open_page(browser, tmp_path / "flap.html", render_trace_html(flap_trace))
    first_fault = next(e for e in flap_trace.events if isinstance(e.fact, Fault))
    worst = worst_event(flap_trace)
    assert worst is not None
    click(browser, "jump-fault")
    assert selected_row(browser)[0] == first_fault.id
    assert selected_row(browser)[2:] == ("nw_card_a", "flap")
    click(browser, "jump-violation")
    assert at_violation(browser)
    click(browser, "jump-worst")
    assert selected_row(browser)[0] == worst
    press(browser, "f")
    assert selected_row(browser)[0] == first_fault.id
    press(browser, "v")
    assert at_violation(browser)
    press(browser, "w")
    assert selected_row(browser)[0] == worst


def test_a_link_points_at_an_event(browser: Any, flap_trace: Trace, tmp_path: Path) -> None:
    page = tmp_path / "flap.html"
    page.write_text(render_trace_html(flap_trace), encoding="utf-8")
    browser.get(page.resolve().as_uri() + "#event=12")
    assert selected_row(browser)[0] == 12
    assert browser.find_element("id", "now").text == format_instant(flap_trace.event(12).at)
    assert browser.find_element("id", "event-link").get_attribute("href").endswith("#event=12")
    # Following another link (or editing the address) selects that event.
    browser.execute_script("location.hash = '#event=5'")
    assert selected_row(browser)[0] == 5
    # Each row carries its link.
    browser.find_element("css selector", '#timeline tr[data-id="7"] td.id a').click()
    assert selected_row(browser)[0] == 7
    assert browser.execute_script("return location.hash") == "#event=7"
    # Out of range: the violation.
    browser.execute_script("location.hash = '#event=100000'")
    assert at_violation(browser)


def test_job_boxes_show_progress_and_stalls(browser: Any, tmp_path: Path) -> None:
    model = failspec.load(MINORI)
    (result,) = failspec.check(model, FX_CHECK)
    trace = result.counterexample
    assert trace is not None
    open_page(browser, tmp_path / "fx.html", render_trace_html(trace))
    assert at_violation(browser)
    assert status(browser, "data_collection") == "done"
    assert status(browser, "fx_remittance") == "running"
    assert progress(browser, "data_collection") == 1.0
    assert progress(browser, "fx_remittance") > 0.9  # 14m59s of 15m at 13:00, not done
    # 02:00 on day 2: the data collection has stood still since 23:45 (the disk is down).
    set_instant(browser, 86_400 + 2 * 3600)
    assert status(browser, "data_collection") == "stalled"
    assert "since 23:45:00" in status_note(browser, "data_collection")
    assert progress(browser, "data_collection") == 0.0
    assert status(browser, "fx_remittance") == "waiting"
    # 06:38:01: resumed 10 minutes ago, 10 of its 19 minutes done.
    set_instant(browser, 86_400 + 6 * 3600 + 38 * 60 + 1)
    assert status(browser, "data_collection") == "running"
    assert abs(progress(browser, "data_collection") - 10 / 19) < 0.02
    browser.save_screenshot(str(tmp_path / "minori-fx.png"))


def set_instant(browser: Any, at: int) -> None:
    browser.execute_script(
        "var s = document.getElementById('slider'); s.value = arguments[0];"
        "s.dispatchEvent(new Event('input'));",
        at,
    )


def progress(browser: Any, name: str) -> float:
    bar = browser.find_element("css selector", f'#graph-svg .node[data-name="{name}"] .progress')
    return int(bar.get_attribute("width")) / int(bar.get_attribute("data-width"))


def status_note(browser: Any, name: str) -> str:
    selector = f'#graph-svg .node[data-name="{name}"] title'
    return str(browser.find_element("css selector", selector).get_attribute("textContent"))


def test_dark_mode_and_print(browser: Any, flap_trace: Trace, tmp_path: Path) -> None:
    open_page(browser, tmp_path / "flap.html", render_trace_html(flap_trace))
    background = "return getComputedStyle(document.documentElement).backgroundColor"
    light = browser.execute_script(background)
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": "dark"}]},
    )
    assert browser.execute_script(background) == "rgb(13, 17, 23)" != light
    browser.save_screenshot(str(tmp_path / "minori-flap-dark.png"))
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print", "features": []})
    player = browser.find_element("id", "player")
    assert player.value_of_css_property("display") == "none"
    timeline = browser.find_element("css selector", ".timeline-scroll")
    assert timeline.value_of_css_property("overflow-y") == "visible"


def test_a_script_in_the_model_does_not_run(browser: Any, tmp_path: Path) -> None:
    hostile = "<script>window.pwned=1</script>"
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        '"3 March 2021: a flapping NW card retains ATM cards"', f'"{hostile}"'
    )
    text = text.replace(
        '"no single device failure retains customer cards"',
        '"<img src=x onerror=window.pwned=2> cards"',
    )
    model = failspec.loads(text)
    assert model.title == hostile
    (result,) = failspec.check(model)
    assert result.counterexample is not None
    open_page(browser, tmp_path / "hostile.html", render_trace_html(result.counterexample))
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    assert browser.find_elements("css selector", "body img") == []
    header = browser.find_element("css selector", ".page-header").text
    assert hostile in header
    assert "<img src=x onerror=window.pwned=2> cards" in header
    assert browser.title == "failspec: <img src=x onerror=window.pwned=2> cards — atm_network"
    # The page still works: its own script ran.
    assert status(browser, "atm") == "acting"
    browser.save_screenshot(str(tmp_path / "hostile.png"))


def test_no_string_of_a_trace_file_runs(browser: Any, tmp_path: Path) -> None:
    """A trace file can carry markup in any string (a model cannot in its names)."""
    hostile = "<img src=x onerror=window.pwned=3>"
    trace = Trace(
        model=hostile,
        title=hostile,
        check=hostile,
        horizon=60,
        faults=(),
        events=(
            TraceEvent(1, 0, hostile, Fails(hostile, FailureClass.SERVICE)),
            TraceEvent(2, 0, hostile, Action(hostile, hostile), (1,)),
        ),
        violation=Violation(0, ViolationKind.NEVER, hostile, (2,)),
        hypothesis=hostile,
        components=(TraceComponent(hostile, "channel", 1, (hostile,)),),
    )
    open_page(browser, tmp_path / "hostile-trace.html", render_trace_html(trace))
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    assert browser.find_elements("css selector", "body img") == []
    for element_id in ("first", "next", "jump-worst", "jump-violation"):
        click(browser, element_id)
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    assert browser.find_elements("css selector", "body img") == []
    assert hostile in browser.find_element("id", "selected-event").text
