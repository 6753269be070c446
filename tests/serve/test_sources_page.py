"""The Sources page: what `govwatch status` reports (checkpoint, the run's lag, alerts, dead letters), as HTML."""

from __future__ import annotations

import os
from dataclasses import replace
from html import unescape

import pytest
from starlette.testclient import TestClient

from govwatch.config import Settings
from govwatch.serve.app import create_app
from govwatch.status import status_report
from tests.serve.conftest import HEALTHY, HOSTILE_ERROR, watch_sources


def _row(html: str, name: str) -> str:
    """The table row of a source, by its (escaped) name."""
    return html.split(name, 1)[1].split("</tr>", 1)[0]


@pytest.fixture
def watched(filled: Settings) -> Settings:
    return watch_sources(filled)


def test_sources_page_shows_what_status_reports(watched: Settings) -> None:
    with TestClient(create_app(watched)) as client:
        response = client.get("/sources")
    report = status_report(watched)
    assert response.status_code == 200
    html = response.text
    healthy = _row(html, ">dsit<")
    assert ">ok<" in healthy and ">5<" in healthy  # items seen: 4 new + 1 updated
    assert "4 new, 1 updated, 15 unchanged, 0 failed" in healthy
    broken_status = report["sources"][1]
    assert broken_status["status"] == "failed" and broken_status["backing_off_until"]
    broken = unescape(_row(html, "broken&lt;b&gt;feed&lt;/b&gt;"))
    assert "failed (1 failure in a row)" in broken
    assert broken_status["backing_off_until"] in broken
    assert broken_status["last_poll"] in broken
    assert HOSTILE_ERROR in broken
    assert "never polled" in _row(html, ">later<")
    loader = _row(html, "<td>loader</td>")
    assert '<td class="num">0</td><td class="num">7</td>' in loader
    assert f"pid {os.getpid()}" in html
    assert "Alerts: 0 pending, 0 failed" in html
    assert '<td>extract</td><td class="num">1</td>' in html


def test_sources_page_escapes_source_names_and_errors(watched: Settings) -> None:
    with TestClient(create_app(watched)) as client:
        html = client.get("/sources").text
    assert "<script>" not in html and "<b>feed</b>" not in html
    assert "&lt;script&gt;window.__pwned=10&lt;/script&gt;" in html


def test_sources_page_before_anything_was_stored(settings: Settings) -> None:
    """No database and no checkpoint yet: every source is "never polled" and the page says what to run."""
    with TestClient(create_app(replace(settings, sources=(HEALTHY,)))) as client:
        response = client.get("/sources")
    assert response.status_code == 200
    assert "never polled" in _row(response.text, ">dsit<")
    assert "No run in progress" in response.text
    assert "does not exist yet" in response.text and "govwatch run --once" in response.text


def test_sources_page_without_sources_says_how_to_add_them(filled: Settings) -> None:
    with TestClient(create_app(filled)) as client:
        html = client.get("/sources").text
    assert "No source is configured" in html and "--config" in html


def test_every_page_links_the_sources_page(client: TestClient) -> None:
    for path in ("/", "/money", "/sql"):
        assert '<a href="/sources">Sources</a>' in client.get(path).text
    assert '<a href="/sources" aria-current="page">Sources</a>' in client.get("/sources").text
