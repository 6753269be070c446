"""The web page in a real headless Chromium (Debian's `chromium` + `chromium-driver`, driven by Selenium).

The demo database plus one hostile announcement is served by a real uvicorn on 127.0.0.1. Each page is
loaded, checked for console errors (a Content-Security-Policy violation is one), checked with axe-core
(vendored in the axe-selenium-python wheel; nothing is fetched) for serious or critical violations, and
photographed under build/test-output/screenshots (or $GOVWATCH_TEST_OUTPUT). `.ci/install-browser`, which
`make test` runs, installs the browser when it is missing; these tests fail rather than skip without it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from govwatch.config import Settings, load_settings
from govwatch.demo.run import run_demo
from govwatch.serve.server import BackgroundServer
from tests.serve.conftest import hostile_announcement, store, watch_sources

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[2]
OUTPUT = Path(os.environ.get("GOVWATCH_TEST_OUTPUT", ROOT / "build" / "test-output")) / "screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo database with a hostile announcement added and sources in every state (one failing with
    markup in its error), served on a free loopback port."""
    db = tmp_path_factory.mktemp("browser") / "govwatch.duckdb"
    run_demo(db)
    settings: Settings = load_settings(None, env={}, db_path=db)
    store(settings, [hostile_announcement()])
    settings = watch_sources(settings)
    with BackgroundServer(settings, host="127.0.0.1", port=0) as server:
        yield f"http://127.0.0.1:{server.port}"


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: run `.ci/install-browser` as root (make test does)")
    profile = tempfile.mkdtemp(prefix="govwatch-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _console_errors(driver: webdriver.Chrome) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]


def _open(driver: webdriver.Chrome, url: str, shot: str) -> None:
    driver.get_log("browser")  # drop what earlier pages logged
    driver.get(url)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(OUTPUT / f"{shot}.png"))
    assert _console_errors(driver) == []
    assert driver.execute_script("return window.__pwned === undefined")


def _serious_violations(driver: webdriver.Chrome) -> list[str]:
    axe = Axe(driver)
    axe.inject()
    results: dict[str, Any] = axe.run()
    return [
        f"{v['id']}: {v['description']} ({len(v['nodes'])} elements)"
        for v in results["violations"]
        if v.get("impact") in BLOCKING_IMPACTS
    ]


def _wait_for_url(driver: webdriver.Chrome, fragment: str) -> None:
    """Wait (within a generous bound) until a click's navigation has reached a URL holding `fragment`."""
    WebDriverWait(driver, 30).until(expected_conditions.url_contains(fragment))
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


PAGES = {
    "list": "/",
    "partnerships": "/partnerships",
    "money": "/money",
    "subscriptions": "/subscriptions",
    "sources": "/sources",
    "preview": "/subscriptions/preview?kind=memorandum_of_understanding",
    "sql": "/sql?sql=" + quote("select kind, parties from partnerships order by kind limit 5"),
    "hostile": "/announcement?id=hostile-1",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_loads_cleanly_and_passes_axe(site: str, browser: webdriver.Chrome, name: str) -> None:
    _open(browser, site + PAGES[name], name)
    assert browser.find_element(By.TAG_NAME, "h1").text
    assert _serious_violations(browser) == []


def test_filters_narrow_the_list_and_an_announcement_shows_its_evidence(
    site: str, browser: webdriver.Chrome
) -> None:
    _open(browser, site + "/", "list-before-filter")
    everything = len(browser.find_elements(By.CSS_SELECTOR, "a.title"))
    Select(browser.find_element(By.ID, "f-kind")).select_by_value("memorandum_of_understanding")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    _wait_for_url(browser, "kind=memorandum_of_understanding")
    mous = browser.find_elements(By.CSS_SELECTOR, "a.title")
    assert 0 < len(mous) < everything
    browser.save_screenshot(str(OUTPUT / "list-filtered.png"))
    titles = [link.text for link in mous]
    target = (
        next(link for link in mous if "OpenAI" in link.text)
        if any("OpenAI" in t for t in titles)
        else mous[0]
    )
    target.click()
    _wait_for_url(browser, "/announcement?id=")
    browser.save_screenshot(str(OUTPUT / "announcement.png"))
    assert _console_errors(browser) == []
    agreements = browser.find_elements(By.CSS_SELECTOR, "a.ev-agreement mark")
    assert agreements, "the agreement's evidence is highlighted"
    assert any("memorandum" in m.text.lower() for m in agreements)
    assert browser.find_elements(By.CSS_SELECTOR, "a.ev-figure mark")
    mark_link = browser.find_element(By.CSS_SELECTOR, "a.ev-agreement")
    assert "memorandum_of_understanding" in str(mark_link.get_attribute("title"))
    mark_link.click()  # follows to the note that explains it
    _wait_for_url(browser, "#note-")
    note_id = browser.current_url.rsplit("#", 1)[1]
    assert browser.find_element(By.ID, note_id).text.startswith("agreement: memorandum_of_understanding")
    assert _serious_violations(browser) == []


def test_search_finds_by_words(site: str, browser: webdriver.Chrome) -> None:
    _open(browser, site + "/", "search")
    box = browser.find_element(By.ID, "f-q")
    box.send_keys("Growth Zone")
    box.submit()
    _wait_for_url(browser, "q=Growth+Zone")
    titles = [link.text for link in browser.find_elements(By.CSS_SELECTOR, "a.title")]
    assert titles and all(titles)
    assert any("Growth Zone" in title for title in titles)


def test_money_chart_is_drawn_and_each_bar_leads_to_its_figures(site: str, browser: webdriver.Chrome) -> None:
    _open(browser, site + "/money", "money-chart")
    bars = browser.find_elements(By.CSS_SELECTOR, "svg#by-department rect")
    assert len(bars) >= 3
    widths = [float(str(bar.get_attribute("width"))) for bar in bars]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
    assert bars[0].size["width"] > 0
    assert browser.find_elements(By.CSS_SELECTOR, "svg#by-month rect")
    browser.find_element(By.CSS_SELECTOR, "svg#by-department a").click()
    _wait_for_url(browser, "/money/figures?organisation=")
    assert browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")


def test_subscriptions_page_shows_the_demo_alerts_and_their_feed(
    site: str, browser: webdriver.Chrome
) -> None:
    _open(browser, site + "/subscriptions", "subscriptions-demo")
    row = browser.find_element(By.XPATH, "//table[1]/tbody/tr[td[1]='new-mous']")
    delivered = int(row.find_elements(By.TAG_NAME, "td")[3].text)
    assert delivered > 0
    feed = str(row.find_element(By.LINK_TEXT, "Atom").get_attribute("href"))
    assert feed.endswith("/subscriptions/new-mous/feed.atom")


def test_hostile_text_shows_as_text_and_nothing_runs(site: str, browser: webdriver.Chrome) -> None:
    _open(browser, site + "/announcement?id=hostile-1", "hostile-announcement")
    assert "<script>window.__pwned=1</script>" in browser.find_element(By.TAG_NAME, "h1").text
    assert not browser.find_elements(By.CSS_SELECTOR, "main script, main img, main iframe, article svg")
    body = browser.find_element(By.CSS_SELECTOR, "article.body").text
    assert "<iframe src=javascript:alert(1)>" in body
    _open(browser, site + "/?q=Evil", "hostile-list")
    assert browser.execute_script("return window.__pwned === undefined")


@pytest.mark.parametrize("name", ["list", "hostile", "money", "sources", "sql"])
def test_pages_fit_a_320_pixel_screen(site: str, browser: webdriver.Chrome, name: str) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        _open(browser, site + PAGES[name], f"{name}-320px")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the page is {overflow}px wider than a 320px screen"
        assert _serious_violations(browser) == []
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_sources_page_shows_each_source_and_its_error_as_text(site: str, browser: webdriver.Chrome) -> None:
    _open(browser, site + "/sources", "sources-states")
    rows = browser.find_elements(By.CSS_SELECTOR, "table#sources tbody tr")
    assert [row.find_element(By.TAG_NAME, "td").text.split("\n")[0] for row in rows] == [
        "dsit",
        "broken<b>feed</b>",
        "later",
    ]
    assert "<script>window.__pwned=10</script>" in rows[1].text
    assert browser.find_element(By.CSS_SELECTOR, 'nav a[aria-current="page"]').text == "Sources"


def test_the_accessibility_check_can_fail(browser: webdriver.Chrome) -> None:
    """The axe check above is not vacuous: a page with an unlabelled field and image fails it."""
    browser.get("data:text/html,<html lang=en><title>t</title><main><img src=x.png><input></main></html>")
    assert any(v.startswith(("image-alt", "label")) for v in _serious_violations(browser))
