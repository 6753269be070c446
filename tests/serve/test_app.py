"""The web page over HTTP: every page and filter, escaping, headers, the token, feeds and the SQL box."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from xml.etree import ElementTree as ET

import pytest
from starlette.testclient import TestClient

from govwatch.config import Settings
from govwatch.errors import GovwatchError
from govwatch.serve.app import create_app
from govwatch.serve.filters import encode_cursor
from govwatch.serve.security import CONTENT_SECURITY_POLICY, check_bind
from tests.serve.conftest import HOSTILE_TITLE, store
from tests.support.announcements import make_announcement

ATOM = "{http://www.w3.org/2005/Atom}"


def _titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<a class="title" href="[^"]*">([^<]*)</a>', html)]


def test_list_shows_newest_first_with_kinds_parties_and_largest_sum(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    titles = _titles(response.text)
    assert titles[0] == "Example announcement doc-mou v1"  # version 2 keeps the title; updated latest
    assert titles[-1] == "Grants for quantum skills in Wales"
    row = response.text.split("Example announcement doc-mou v1", 1)[1].split("</tr>", 1)[0]
    assert "memorandum of understanding" in row
    assert "Other Ltd" in row  # parties of the newest version
    assert "£2bn" in row


def test_list_row_shows_only_the_current_versions_agreements_and_money(settings: Settings) -> None:
    first = make_announcement("doc-v", version=3)
    first["partnerships"][0]["parties"] = ["Old Partner Ltd"]
    first["figures"][0]["value"] = 9e9
    newest = make_announcement("doc-v", version=4)
    newest["partnerships"][0]["parties"] = ["New Partner Ltd"]
    newest["partnerships"][0]["kind"] = "grant"
    newest["figures"][0]["value"] = 1e6
    store(settings, [first, newest])
    with TestClient(create_app(settings)) as client:
        row = client.get("/").text.split('class="title"', 1)[1].split("</tr>", 1)[0]
    assert "New Partner Ltd" in row and "grant" in row and "£1m" in row
    assert "Old Partner Ltd" not in row and "memorandum" not in row and "£9bn" not in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=grant", ["Grants for quantum skills in Wales"]),
        ("organisation=Welsh+Government", ["Grants for quantum skills in Wales"]),
        ("topic=quantum", ["Grants for quantum skills in Wales"]),
        ("since=2025-07-01", ["Example announcement doc-mou v1", HOSTILE_TITLE]),
        ("until=2025-03-02", ["Grants for quantum skills in Wales"]),
        ("min_amount=%C2%A31bn", ["Example announcement doc-mou v1"]),
        (
            "min_amount=%E2%82%AC3m",
            ["Example announcement doc-mou v1", "Grants for quantum skills in Wales", HOSTILE_TITLE],
        ),
        ("q=quantum+universities", ["Grants for quantum skills in Wales"]),
        ("q=nothing-like-this", []),
    ],
)
def test_each_filter_narrows_the_list(client: TestClient, query: str, expected: list[str]) -> None:
    response = client.get("/?" + query)
    assert response.status_code == 200
    assert sorted(_titles(response.text)) == sorted(expected)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=yesterday", "date like 2025-07-01"),
        ("kind=treaty", "kind must be one of"),
        ("min_amount=lots", "amount"),
        ("after=%%%", "page link is damaged"),
    ],
)
def test_bad_filters_are_a_clear_400(client: TestClient, query: str, message: str) -> None:
    response = client.get("/?" + query)
    assert response.status_code == 400
    assert message in response.text
    assert "Traceback" not in response.text


def test_keyset_pages_cover_every_row_once(settings: Settings) -> None:
    messages = [
        make_announcement(f"page-{i:03d}", updated_at=f"2025-06-{1 + i % 5:02d}T10:00:00+00:00")
        for i in range(120)
    ]
    store(settings, messages)
    seen: list[str] = []
    with TestClient(create_app(settings)) as client:
        link = "/"
        for _ in range(10):
            html = client.get(link).text
            seen += _titles(html)
            found = re.search(r'<a rel="next" href="([^"]*)"', html)
            if not found:
                break
            link = found.group(1).replace("&amp;", "&")
    assert len(seen) == 120
    assert len(set(seen)) == 120


def test_announcement_highlights_evidence_at_its_offsets(client: TestClient) -> None:
    html = client.get("/announcement?id=doc-mou").text
    assert re.search(
        r'class="ev ev-agreement" href="#note-\d+" title="agreement: memorandum_of_understanding, signed[^"]*"><mark>memorandum of understanding</mark>',
        html,
    )
    assert "<mark>£2 billion</mark>" in html
    assert re.search(r'class="ev ev-party"[^>]*><mark>Example AI</mark>', html)


def test_announcement_lists_versions_and_what_changed(client: TestClient) -> None:
    html = client.get("/announcement?id=doc-mou").text
    versions = html.split('id="h-versions"', 1)[1]
    assert "Version 1" in versions and "Version 2" in versions
    assert "parties: added Other Ltd" in versions
    assert (
        "statuses: added memorandum_of_understanding: signed; removed memorandum_of_understanding: announced"
        in versions
    )


def test_announcement_links_its_source(client: TestClient) -> None:
    html = client.get("/announcement?id=doc-grant").text
    assert 'href="https://www.gov.uk/government/news/doc-grant"' in html


def test_unknown_announcement_is_404(client: TestClient) -> None:
    response = client.get("/announcement?id=nope")
    assert response.status_code == 404
    assert "no announcement with that id" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/announcement?id=hostile-1",
        "/partnerships",
        "/money",
        "/subscriptions",
        "/sources",
        "/feed.atom",
        "/sql?sql=select+title,+organisations+from+announcements",
    ],
)
def test_hostile_feed_text_is_escaped_everywhere(client: TestClient, path: str) -> None:
    text = client.get(path).text
    assert "<script>" not in text
    assert "<img src=x" not in text
    assert "<svg onload" not in text
    assert "<iframe" not in text
    assert "</td><script" not in text


def test_hostile_title_reads_back_as_text(client: TestClient) -> None:
    html = client.get("/announcement?id=hostile-1").text
    assert 'href="javascript' not in html.lower()
    assert "Source: javascript:window.__pwned=8" in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<mark>Evil Corp&lt;/mark&gt;</mark>" in html


def test_every_response_carries_a_strict_policy(client: TestClient) -> None:
    for path in ("/", "/money", "/static/style.css", "/nope", "/feed.atom"):
        response = client.get(path)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "script-src" not in CONTENT_SECURITY_POLICY and "unsafe" not in CONTENT_SECURITY_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"


def test_pages_use_no_inline_script_or_style(client: TestClient) -> None:
    for path in (
        "/",
        "/announcement?id=doc-mou",
        "/partnerships",
        "/money",
        "/subscriptions",
        "/sources",
        "/sql",
    ):
        html = client.get(path).text
        assert "<script" not in html and "style=" not in html and "<style" not in html


def test_state_changing_methods_are_refused(client: TestClient) -> None:
    assert client.post("/sql", data={"sql": "select 1"}).status_code == 405
    assert client.delete("/").status_code == 405


def test_partnerships_page_lists_agreements_and_frequent_partners(client: TestClient) -> None:
    html = client.get("/partnerships").text
    assert "Cardiff University" in html and "Welsh Government awarded grants." in html
    partners = html.split("Most frequent partners", 1)[1]
    assert re.search(
        r"<td>Welsh Government</td><td>Cardiff University</td><td class=\"num\">1</td>", partners
    )
    only = client.get("/partnerships?kind=grant").text.split("Most frequent partners", 1)[0]
    assert "Cardiff University" in only and "Example AI" not in only


def test_money_chart_is_svg_in_pounds_with_a_link_per_bar(client: TestClient) -> None:
    html = client.get("/money").text
    svg = html.split("<svg", 1)[1].split("</svg>", 1)[0]
    bars = re.findall(r'<a href="(/money/figures\?organisation=[^"]+)" class="bar">', svg)
    assert len(bars) == 3  # DSIT, Wales, and the hostile organisation
    assert "£2bn" in svg
    assert "£2.55m" in svg  # €3 million at 0.85
    figures = client.get(bars[0].replace("&amp;", "&")).text
    assert "£2 billion" in figures


def test_money_month_chart_sums_each_month_and_links_to_its_figures(client: TestClient) -> None:
    html = client.get("/money").text
    svg = html.split('<svg class="chart" id="by-month"', 1)[1].split("</svg>", 1)[0]
    assert re.findall(r'<a href="/money/figures\?month=([0-9-]+)" class="bar">', svg) == [
        "2025-07",
        "2025-03",
    ]
    assert "<title>2025-07: £2bn</title>" in svg  # £2 billion + £5 million
    assert "<title>2025-03: £2.55m</title>" in svg  # €3 million at 0.85
    march = client.get("/money/figures?month=2025-03").text
    assert "€3 million" in march and "£2 billion" not in march


def test_subscriptions_page_and_preview(filled: Settings) -> None:
    with TestClient(create_app(filled)) as client:
        assert "No subscription yet" in client.get("/subscriptions").text
        preview = client.get("/subscriptions/preview?kind=grant&min_amount=%C2%A31m").text
        assert "Grants for quantum skills in Wales" in preview
        assert "Example announcement doc-mou" not in preview
        assert "1 of the 3 newest" in preview
        bad = client.get("/subscriptions/preview?kind=treaty")
        assert bad.status_code == 400 and "treaty" in bad.text


def test_sql_box_runs_read_only_queries_with_csv_and_json(client: TestClient) -> None:
    html = client.get("/sql?sql=select+id+from+announcements+order+by+id").text
    assert "<td>doc-grant</td>" in html
    rows = list(
        csv.reader(io.StringIO(client.get("/sql.csv?sql=select+id+from+announcements+order+by+id").text))
    )
    assert rows == [["id"], ["doc-grant"], ["doc-mou"], ["hostile-1"]]
    data = json.loads(client.get("/sql.json?sql=select+count(*)+as+n+from+announcements").text)
    assert data == [{"n": 3}]


@pytest.mark.parametrize(
    "sql", ["delete from announcements", "copy announcements to '/tmp/x.csv'", "select 1; select 2"]
)
def test_sql_box_refuses_what_query_refuses(client: TestClient, sql: str) -> None:
    response = client.get("/sql", params={"sql": sql})
    assert response.status_code == 400
    assert 'class="error"' in response.text
    assert client.get("/sql.json", params={"sql": sql}).status_code == 400


def test_list_feed_follows_the_filters(client: TestClient) -> None:
    feed = ET.fromstring(client.get("/feed.atom?kind=grant").content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == ["Grants for quantum skills in Wales"]
    link = feed.find(f"{ATOM}entry/{ATOM}link")
    assert link is not None and link.get("href", "").endswith("/announcement?id=doc-grant")


def test_subscription_feed_of_an_unknown_name_is_empty_not_an_error(client: TestClient) -> None:
    feed = ET.fromstring(client.get("/subscriptions/none/feed.atom").content)
    assert list(feed.iter(f"{ATOM}entry")) == []


def test_missing_database_says_what_to_do(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.get("/")
    assert response.status_code == 503
    assert "govwatch demo" in response.text


def test_token_is_required_when_set(filled: Settings) -> None:
    with TestClient(create_app(filled, token="s3cret")) as client:
        assert client.get("/").status_code == 401
        assert client.get("/?token=wrong").status_code == 401
        assert client.get("/?token=s3cret").status_code == 200
        assert client.get("/money").status_code == 200  # the cookie set by the first visit
    with TestClient(create_app(filled, token="s3cret")) as client:
        assert client.get("/money", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_non_loopback_host_needs_a_token() -> None:
    check_bind("127.0.0.1", "")
    check_bind("0.0.0.0", "t")
    with pytest.raises(GovwatchError, match="--token"):
        check_bind("0.0.0.0", "")


def test_cursor_round_trips_through_the_link(client: TestClient) -> None:
    cursor = encode_cursor((None, "zzz"))
    assert client.get("/?after=" + cursor).status_code == 200
    assert HOSTILE_TITLE not in client.get("/").text
