"""Tests for govwatch.demo.server: feeds, Content API, Search API, phases and conditional GET over HTTP."""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import feedparser
import httpx
import pytest

from govwatch.demo.sample_model import bundled_sample, version_of
from govwatch.demo.server import (
    ALL_NEWS_FEED_PATH,
    ATOM_ENTRIES_MAX,
    SampleServer,
    expected_counts,
    sample_sources,
)

SAMPLE = bundled_sample()
GOVUK_PATHS = {a.base_path for a in SAMPLE.announcements if a.site == "govuk"}
NEWSROOM_PATHS = {a.base_path for a in SAMPLE.announcements if a.site == "newsroom"}
UPDATED_KEYS = {a.key for a in SAMPLE.announcements if a.update is not None}


@pytest.fixture(scope="module")
def server() -> Iterator[SampleServer]:
    with SampleServer() as running:
        yield running


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as http:
        yield http


def _path(url: str, server: SampleServer) -> str:
    assert url.startswith(server.base_url), url
    return url[len(server.base_url) :]


def _search(client: httpx.Client, server: SampleServer, **params: Any) -> dict[str, Any]:
    response = client.get(server.base_url + "/api/search.json", params=params)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def test_server_binds_loopback_on_a_free_port(server: SampleServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:")
    assert not server.base_url.endswith(":0")


def test_organisation_atom_feeds_together_list_every_govuk_announcement(
    server: SampleServer, client: httpx.Client
) -> None:
    seen: set[str] = set()
    for url in server.feed_urls()[:-1]:
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo, (url, feed.get("bozo_exception"))
        for entry in feed.entries:
            assert entry.id == "tag:www.gov.uk,2005:" + _path(entry.link, server)
            assert entry.summary and entry.title and entry.updated_parsed
            seen.add(_path(entry.link, server))
    assert seen == GOVUK_PATHS


def test_atom_feed_lists_newest_first_and_caps_like_govuk(server: SampleServer, client: httpx.Client) -> None:
    feed = feedparser.parse(client.get(server.base_url + ALL_NEWS_FEED_PATH).content)
    stamps = [datetime.fromisoformat(e.updated) for e in feed.entries]
    assert stamps == sorted(stamps, reverse=True)
    assert len(feed.entries) == min(ATOM_ENTRIES_MAX, len(GOVUK_PATHS))
    assert feed.feed.title == "News and communications"


def test_finder_feed_filters_by_organisation_like_govuk(server: SampleServer, client: httpx.Client) -> None:
    slug = "ministry-of-defence"
    response = client.get(server.base_url + ALL_NEWS_FEED_PATH, params={"organisations[]": slug})
    feed = feedparser.parse(response.content)
    expected = {a.base_path for a in SAMPLE.announcements if a.site == "govuk" and slug in a.organisations}
    assert {_path(e.link, server) for e in feed.entries} == expected
    assert feed.feed.title == "News and communications from Ministry of Defence"


def test_newsroom_rss_feed_lists_its_items_with_readable_pages(
    server: SampleServer, client: httpx.Client
) -> None:
    feed = feedparser.parse(client.get(server.feed_urls()[-1]).content)
    assert feed.version == "rss20"
    assert {_path(e.link, server) for e in feed.entries} == NEWSROOM_PATHS
    for entry in feed.entries:
        page = client.get(entry.link)
        assert page.status_code == 200
        assert entry.title in page.text
        assert "gem-c-" not in page.text  # its own layout, not GOV.UK's


def test_search_pages_return_every_announcement_exactly_once(
    server: SampleServer, client: httpx.Client
) -> None:
    links: list[str] = []
    start = 0
    while True:
        page = _search(client, server, start=start, count=7, order="-public_timestamp")
        assert page["total"] == len(GOVUK_PATHS)
        assert page["start"] == start
        if not page["results"]:
            break
        links += [r["link"] for r in page["results"]]
        start += 7
    assert len(links) == len(set(links)) == len(GOVUK_PATHS)
    assert set(links) == GOVUK_PATHS


def test_search_results_carry_the_fields_connectors_read(server: SampleServer, client: httpx.Client) -> None:
    [result] = _search(client, server, count=1)["results"]
    for name in (
        "link",
        "title",
        "description",
        "public_timestamp",
        "content_id",
        "content_store_document_type",
    ):
        assert result[name], name
    assert {"slug", "title", "acronym", "link"} <= set(result["organisations"][0])
    only = _search(client, server, count=1, fields=["title", "link"])["results"][0]
    assert "title" in only and "description" not in only


def test_search_filters_by_organisation_type_and_date(server: SampleServer, client: httpx.Client) -> None:
    dsit = "department-for-science-innovation-and-technology"
    by_org = _search(client, server, count=100, filter_organisations=dsit)
    expected_org = {
        a.base_path for a in SAMPLE.announcements if a.site == "govuk" and dsit in a.organisations
    }
    assert {r["link"] for r in by_org["results"]} == expected_org
    speeches = _search(client, server, count=100, filter_content_store_document_type="speech")
    assert speeches["total"] >= 1
    assert {r["content_store_document_type"] for r in speeches["results"]} == {"speech"}
    july = _search(client, server, count=100, filter_public_timestamp="from:2025-07-01,to:2025-07-31")
    assert july["total"] >= 1
    assert all(r["public_timestamp"].startswith("2025-07") for r in july["results"])
    oldest_first = _search(client, server, count=100, order="public_timestamp")["results"]
    stamps = [datetime.fromisoformat(r["public_timestamp"]) for r in oldest_first]
    assert stamps == sorted(stamps)


@pytest.mark.parametrize(
    "query",
    [
        {"filter_colour": "blue"},
        {"count": "-1"},
        {"order": "random"},
        {"filter_public_timestamp": "since:2025"},
    ],
)
def test_search_refuses_bad_queries_with_422(
    server: SampleServer, client: httpx.Client, query: dict[str, str]
) -> None:
    response = client.get(server.base_url + "/api/search.json", params=query)
    assert response.status_code == 422
    assert "error" in response.json()


def test_content_api_serves_every_item_by_base_path(server: SampleServer, client: httpx.Client) -> None:
    for path in sorted(GOVUK_PATHS):
        item = client.get(f"{server.base_url}/api/content{path}").json()
        assert item["base_path"] == path


def test_conditional_get_answers_304_on_etag_or_last_modified(
    server: SampleServer, client: httpx.Client
) -> None:
    url = server.feed_urls()[0]
    first = client.get(url)
    assert first.headers["etag"] and first.headers["last-modified"]
    by_etag = client.get(url, headers={"If-None-Match": first.headers["etag"]})
    by_date = client.get(url, headers={"If-Modified-Since": first.headers["last-modified"]})
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    older = client.get(
        url, headers={"If-Modified-Since": format_datetime(datetime(2024, 1, 1, tzinfo=UTC), usegmt=True)}
    )
    minus_zero = client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 -0000"})
    garbage = client.get(url, headers={"If-Modified-Since": "yesterday"})
    assert (minus_zero.status_code, garbage.status_code) == (200, 200)
    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag.content == b""
    assert (stale.status_code, older.status_code) == (200, 200)


def test_search_query_words_match_title_or_description(server: SampleServer, client: httpx.Client) -> None:
    found = _search(client, server, q="OpenAI memorandum", count=100)["results"]
    assert [r["title"] for r in found] == [
        a.title for a in SAMPLE.announcements if a.key == "dsit-openai-mou"
    ]


def test_head_answers_headers_without_a_body(server: SampleServer, client: httpx.Client) -> None:
    url = server.feed_urls()[0]
    head, get = client.head(url), client.get(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert int(head.headers["content-length"]) == len(get.content)


def test_index_page_links_every_feed(server: SampleServer, client: httpx.Client) -> None:
    page = client.get(server.base_url + "/").text
    for url in server.feed_urls():
        assert f'href="{url}"' in page


def test_unknown_paths_are_404_and_requests_are_counted(server: SampleServer, client: httpx.Client) -> None:
    before = server.request_counts().get("/no/such/page", 0)
    assert client.get(server.base_url + "/no/such/page").status_code == 404
    assert server.request_counts()["/no/such/page"] == before + 1
    assert server.status_counts()[404] >= 1


def test_phase_two_changes_exactly_the_updated_documents() -> None:
    with SampleServer() as fresh, httpx.Client(timeout=10) as http:
        paths = sorted(GOVUK_PATHS | NEWSROOM_PATHS)
        api = [p for p in paths if p in GOVUK_PATHS]
        before = {p: http.get(fresh.base_url + p) for p in paths}
        items_before = {p: http.get(f"{fresh.base_url}/api/content{p}").json() for p in api}
        fresh.set_phase(2)
        changed = {p for p in paths if http.get(fresh.base_url + p).text != before[p].text}
        items_after = {p: http.get(f"{fresh.base_url}/api/content{p}").json() for p in api}
        revalidated = http.get(
            fresh.base_url + sorted(changed)[0],
            headers={"If-None-Match": before[sorted(changed)[0]].headers["etag"]},
        )
    expected = {a.base_path for a in SAMPLE.announcements if a.key in UPDATED_KEYS}
    assert changed == expected
    assert revalidated.status_code == 200
    for p in expected & set(api):
        stamps = [datetime.fromisoformat(i[p]["public_updated_at"]) for i in (items_before, items_after)]
        assert stamps[1] > stamps[0]
        assert items_after[p]["content_id"] == items_before[p]["content_id"]
        assert len(items_after[p]["details"]["change_history"]) == 2


def test_date_only_revalidation_sees_exactly_what_phase_two_changed() -> None:
    """A client that sends only If-Modified-Since must get 200 for every change after set_phase(2), else 304."""
    with SampleServer() as fresh, httpx.Client(timeout=10) as http:
        urls = [fresh.base_url + p for p in sorted(GOVUK_PATHS | NEWSROOM_PATHS)] + fresh.feed_urls()
        urls += [f"{fresh.base_url}/api/content{p}" for p in sorted(GOVUK_PATHS)]
        before = {url: http.get(url) for url in urls}
        fresh.set_phase(2)
        after = {url: http.get(url).content for url in urls}
        since = {url: {"If-Modified-Since": before[url].headers["last-modified"]} for url in urls}
        statuses = {url: http.get(url, headers=since[url]).status_code for url in urls}
    changed = {url for url in urls if after[url] != before[url].content}
    assert changed
    assert {url for url, status in statuses.items() if status == 200} == changed
    assert {url for url, status in statuses.items() if status == 304} == set(urls) - changed


def test_phase_two_moves_updated_entries_in_feeds() -> None:
    updated = next(a for a in SAMPLE.announcements if a.update is not None and a.site == "govuk")
    feed_url_path = f"/government/organisations/{updated.organisations[0]}.atom"
    with SampleServer(phase=2) as fresh, httpx.Client(timeout=10) as http:
        feed = feedparser.parse(http.get(fresh.base_url + feed_url_path).content)
    [entry] = [e for e in feed.entries if e.link.endswith(updated.base_path)]
    assert datetime.fromisoformat(entry.updated) == datetime.fromisoformat(
        version_of(updated, 2).public_updated_at
    )


def test_set_phase_refuses_unknown_phases(server: SampleServer) -> None:
    with pytest.raises(ValueError, match="phase"):
        server.set_phase(3)
    with pytest.raises(ValueError, match="phase"):
        SampleServer(phase=0)


def test_a_dropped_connection_stays_off_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    with SampleServer() as fresh:
        host, port = fresh.base_url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as conn:
            conn.sendall(b"GET /government/organisations/cabinet-office.atom HTTP/1.1\r\nHost: x\r\n")
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset, not FIN
        with httpx.Client(timeout=10) as http:
            assert http.get(fresh.feed_urls()[0]).status_code == 200
    assert capfd.readouterr().err == ""


def test_sample_sources_cover_each_feed_once(server: SampleServer) -> None:
    sources = sample_sources(server.base_url)
    assert [s.url for s in sources] == server.feed_urls()
    assert len({s.name for s in sources}) == len(sources)
    assert {s.kind for s in sources} == {"govuk_atom", "rss"}
    assert [s.kind for s in sources].count("rss") == 1


def test_expected_counts_follow_the_sample() -> None:
    one, two = expected_counts(1), expected_counts(2)
    assert one["announcements"] == two["announcements"] == len(SAMPLE.announcements)
    assert one["govuk"] == len(GOVUK_PATHS) and one["newsroom"] == len(NEWSROOM_PATHS)
    assert (one["updated"], two["updated"]) == (0, len(UPDATED_KEYS))
    assert two["versions"] == two["announcements"] + len(UPDATED_KEYS)
