"""The viewer in a real browser: Debian's headless Chromium driven by selenium.

Opens the page of the MINORI flapping-NW-card counterexample, steps through the
events with the keyboard and checks what the graph and the timeline show; the
escaping test checks that no model-supplied script runs.  Screenshots go under
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
from failspec.counterexamples.text import format_instant
from failspec.counterexamples.trace import Trace
from failspec.counterexamples.viewer import render_trace_html

REPO = Path(__file__).resolve().parent.parent
MINORI = REPO / "models" / "minori" / "before.fspec"
EXAMPLE = REPO / "models" / "examples" / "atm-network.fspec"
FLAP_CHECK = "no single device failure retains customer cards"
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
    return int(row.get_attribute("data-index")), cells[0].text, cells[1].text, cells[2].text


def test_stepping_through_the_flapping_card(
    browser: Any, flap_trace: Trace, tmp_path: Path
) -> None:
    from selenium.webdriver.common.keys import Keys

    events = flap_trace.events
    open_page(browser, tmp_path / "flap.html", render_trace_html(flap_trace))
    assert browser.title.startswith("failspec: " + FLAP_CHECK)

    # Opened at the last event: the state at the violation.
    assert selected_row(browser)[0] == len(events) - 1
    assert status(browser, "nw_card_a") == "down"
    assert status(browser, "nw_link") == "switchover"
    assert status(browser, "atm") == "retaining"
    assert status_label(browser, "atm") == "retaining cards"
    assert status(browser, "nw_card_b") == "up"

    # The causal chain is marked on the graph and in the timeline.
    chain_rows = browser.find_elements("css selector", "#timeline tr.event.chain")
    chain = [
        (
            r.find_elements("css selector", "td")[1].text,
            r.find_elements("css selector", "td")[2].text,
        )
        for r in chain_rows
    ]
    assert chain[0] == ("nw_card_a", "flap") and chain[-1] == ("atm", "retain")
    assert ("nw_link", "down") in chain
    for name in ("nw_card_a", "nw_link", "atm"):
        node = browser.find_element("css selector", f'#graph-svg .node[data-name="{name}"]')
        assert "chain" in str(node.get_attribute("class"))
    assert browser.find_elements("css selector", "#graph-svg .chain-link")

    # Home: the first event, before the fault; everything on the network is up.
    press(browser, Keys.HOME)
    assert selected_row(browser)[:3] == (0, format_instant(events[0].at), events[0].component)
    assert browser.find_element("id", "now").text == format_instant(events[0].at)
    for name in ("nw_card_a", "nw_link", "atm"):
        assert status(browser, name) == "up"

    # → through every event up to the violation, checking the graph at each step.
    fault = next(
        i for i, e in enumerate(events) if (e.component, e.change) == ("nw_card_a", "flap")
    )
    for index in range(1, len(events)):
        press(browser, Keys.ARROW_RIGHT)
        number, time, component, change = selected_row(browser)
        assert (number, time, component, change) == (
            index,
            format_instant(events[index].at),
            events[index].component,
            events[index].change,
        )
        assert browser.find_element("id", "counter").text == f"event {index + 1} of {len(events)}"
        if index < fault:
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
        if (component, change) == ("atm", "retain"):
            assert status(browser, "atm") == "retaining"
            selected = browser.find_element("id", "selected-event").text
            # 12:14 retains on the closed partition (28 Feb), 19:58 on the flapping card.
            cause = "(comm)" if index > fault else "(partition)"
            assert f"atm retain ← atm.withdrawal fails {cause}" in selected
            if index > fault:
                assert status(browser, "nw_link") == "switchover"
                browser.save_screenshot(str(tmp_path / "minori-flap-retain.png"))

    # → at the last event stays there; ← goes back one.
    press(browser, Keys.ARROW_RIGHT)
    assert selected_row(browser)[0] == len(events) - 1
    press(browser, Keys.ARROW_LEFT)
    assert selected_row(browser)[0] == len(events) - 2

    # The slider: at 12:14:30 the ATM partition is closed and the ATMs retain cards.
    browser.execute_script(
        "var s = document.getElementById('slider'); s.value = arguments[0];"
        "s.dispatchEvent(new Event('input'));",
        12 * 3600 + 14 * 60 + 30,
    )
    assert browser.find_element("id", "now").text == "12:14:30"
    assert status(browser, "atm_partition") == "closed"
    assert status(browser, "atm") == "retaining"
    assert status(browser, "cancel_index") == "full"
    assert status(browser, "nw_link") == "up"

    # Clicking a step of the causal chain selects it.
    browser.find_element("css selector", "#story button.goto").click()
    assert selected_row(browser)[2:] == ("nw_card_a", "flap")

    press(browser, Keys.END)
    screenshot = tmp_path / "minori-flap.png"
    browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000


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
    assert status(browser, "atm") == "retaining"
    browser.save_screenshot(str(tmp_path / "hostile.png"))
