"""parse_feed on GOV.UK, RSS and hostile feeds: the table lives in fixtures/connectors/feed_cases.json."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govwatch.connectors.feeds import (
    FeedEntry,
    FeedProblem,
    entry_link,
    entry_marker,
    iter_feed,
    parse_feed,
    strip_doctype,
)
from govwatch.connectors.urls import canonical_url

FIXTURES = Path(__file__).parents[1] / "fixtures" / "connectors"
BASE = "https://news.example.org"
CASES = json.loads((FIXTURES / "feed_cases.json").read_text(encoding="utf-8"))


def _input_bytes(spec: dict[str, Any]) -> bytes:
    raw = (FIXTURES / str(spec["file"])).read_bytes() if "file" in spec else str(spec["text"]).encode()
    return raw.replace(b"{base}", BASE.encode()).replace(b"{host}", b"news.example.org")


def _check(case: dict[str, Any]) -> None:
    spec, expected = case["input"], case["expected"]
    feed = parse_feed(_input_bytes(spec), url=BASE + "/feed", charset=spec.get("charset"))
    links = [e.link for e in feed.entries]
    subst = lambda values: [v.replace("{base}", BASE) if isinstance(v, str) else v for v in values]  # noqa: E731
    assert feed.is_feed == expected["is_feed"]
    if "links" in expected:
        assert links == subst(expected["links"])
    for link in subst(expected.get("links_include", [])):
        assert link in links
    if "updated" in expected:
        assert [e.updated_at for e in feed.entries] == expected["updated"]
    if "categories" in expected:
        assert [e.category for e in feed.entries] == expected["categories"]
    if "problems" in expected:
        assert len(feed.problems) == expected["problems"], feed.problems
    if "problems_min" in expected:
        assert len(feed.problems) >= expected["problems_min"]
    titles = " ".join(e.title for e in feed.entries)
    summaries = " ".join(e.summary for e in feed.entries)
    for text in expected.get("title_contains", []):
        assert text in titles
    for text in expected.get("title_not_contains", []):
        assert text not in titles
    for text in expected.get("summary_contains", []):
        assert text in summaries
    if "max_title_length" in expected:
        assert all(len(e.title) <= expected["max_title_length"] for e in feed.entries)


@pytest.mark.parametrize("case", CASES, ids=[c["comment"][:60] for c in CASES])
def test_feed_case(case: dict[str, Any]) -> None:
    if case["expect"] == "fail":
        with pytest.raises(AssertionError):
            _check(case)
    else:
        _check(case)


def test_doctype_with_internal_subset_is_removed() -> None:
    text, found = strip_doctype(
        '<?xml version="1.0"?>\n<!DOCTYPE x [\n<!ENTITY a SYSTEM "file:///etc/passwd">\n]>\n<x/>'
    )
    assert found and "ENTITY" not in text and text.endswith("<x/>")


def test_entity_declaration_outside_a_doctype_is_refused() -> None:
    feed = parse_feed(b'<feed xmlns="http://www.w3.org/2005/Atom"><!ENTITY a "b"></feed>', url=BASE)
    assert not feed.is_feed and "entities" in feed.problems[0]


def test_utf16_with_bom_is_decoded() -> None:
    body = '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><item><title>£1m</title>'
    body += f"<link>{BASE}/a</link></item></channel></rss>"
    feed = parse_feed(body.encode("utf-16"), url=BASE)
    assert [e.title for e in feed.entries] == ["£1m"]


def test_undated_entry_marker_changes_with_its_text() -> None:
    assert entry_marker(None, "a", "b") != entry_marker(None, "a", "c")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_crash_the_parser(body: bytes) -> None:
    feed = parse_feed(body, url=BASE + "/feed")
    assert all(e.link.startswith(("http://", "https://")) for e in feed.entries)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_inside_a_real_feed_never_crashes_the_parser(noise: str) -> None:
    body = (FIXTURES / "govuk" / "dsit_organisation.atom").read_text(encoding="utf-8")
    cut = len(noise) % len(body)
    parse_feed((body[:cut] + noise + body[cut:]).encode("utf-8", errors="replace"), url=BASE + "/feed")


@pytest.mark.parametrize(
    ("codec", "charset"),
    [
        ("utf-16-le", "utf-16"),
        ("utf-16-be", "utf-16"),
        ("utf-16-le", "UTF-16LE"),
        ("utf-16-be", "utf-16be"),
        ("utf-32-le", "utf-32"),
        ("utf-32-be", "UTF-32"),
        ("utf-16-le", None),
        ("utf-32-be", None),
    ],
)
def test_utf16_and_utf32_without_a_bom_are_decoded(codec: str, charset: str | None) -> None:
    body = (
        '<?xml version="1.0" encoding="UTF-16"?><rss version="2.0"><channel><item><title>£1m für KI</title>'
    )
    body += f"<link>{BASE}/a</link></item></channel></rss>"
    feed = parse_feed(body.encode(codec), url=BASE, charset=charset)
    assert [e.title for e in feed.entries] == ["£1m für KI"]
    assert [e.link for e in feed.entries] == [f"{BASE}/a"]


def _rss_items(numbers: range, base: str = BASE) -> bytes:
    return b"".join(f"<item><title>t{i}</title><link>{base}/news/{i}</link></item>".encode() for i in numbers)


def test_entries_before_and_after_damage_each_come_once() -> None:
    broken = (
        b"<item><title>undefined &nbsp; entity</title><link>" + BASE.encode() + b"/news/bad</link></item>"
    )
    body = b'<rss version="2.0"><channel>' + _rss_items(range(3)) + broken + _rss_items(range(3, 5))
    feed = parse_feed(body + b"</channel></rss>", url=BASE + "/feed")
    links = [e.link for e in feed.entries]
    assert links == [f"{BASE}/news/{i}" for i in range(3)] + [f"{BASE}/news/bad"] + [
        f"{BASE}/news/{i}" for i in range(3, 5)
    ]
    assert len(feed.problems) == 1 and "not well-formed" in feed.problems[0]


def test_entries_stream_out_before_the_rest_of_the_feed_is_read() -> None:
    body = b'<rss version="2.0"><channel>' + _rss_items(range(3)) + b"<item><title>cut off"
    entries = iter_feed(body, url=BASE + "/feed")
    first = [next(entries) for _ in range(3)]
    assert [e.link for e in first if isinstance(e, FeedEntry)] == [f"{BASE}/news/{i}" for i in range(3)]
    assert isinstance(next(entries), FeedProblem)  # the damage is met only after them


@pytest.mark.parametrize(
    ("body", "links"),
    [
        (  # RSS 1.0: items are siblings of the channel, in the RSS 1.0 namespace
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">'
            b'<channel rdf:about="x"><title>N</title></channel><item rdf:about="a"><title>A</title>'
            b"<link>/news/a</link></item></rdf:RDF>",
            [f"{BASE}/news/a"],
        ),
        (  # Atom 0.3
            b'<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><title>x</title>'
            b'<link rel="alternate" type="text/html" href="/news/x"/></entry></feed>',
            [f"{BASE}/news/x"],
        ),
        (  # xml:base on the feed applies to the links of its entries
            b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://other.example/news/">'
            b'<entry><id>tag:x,1</id><link href="story-1"/></entry></feed>',
            ["https://other.example/news/story-1"],
        ),
    ],
    ids=["rss-1.0", "atom-0.3", "xml-base"],
)
def test_older_formats_and_xml_base_are_read_entry_by_entry(body: bytes, links: list[str]) -> None:
    feed = parse_feed(body, url=BASE + "/feed")
    assert [e.link for e in feed.entries] == links and feed.problems == ()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "title": st.text(max_size=30),
                "link": st.one_of(st.text(max_size=30), st.just(BASE + "/news/x"), st.just("/news/y")),
                "date": st.text(max_size=30),
                "guid": st.text(max_size=20),
            }
        ),
        max_size=6,
    ),
    st.sampled_from(["rss", "atom"]),
)
def test_feeds_of_arbitrary_entries_never_crash_the_parser(entries: list[dict[str, str]], kind: str) -> None:
    def esc(text: str) -> str:
        return html.escape(text, quote=True)

    if kind == "rss":
        items = "".join(
            f"<item><title>{esc(e['title'])}</title><link>{esc(e['link'])}</link>"
            f"<pubDate>{esc(e['date'])}</pubDate><guid>{esc(e['guid'])}</guid></item>"
            for e in entries
        )
        body = f'<rss version="2.0"><channel><title>N</title>{items}</channel></rss>'
    else:
        items = "".join(
            f'<entry><id>{esc(e["guid"])}</id><title>{esc(e["title"])}</title><link href="{esc(e["link"])}"/>'
            f"<updated>{esc(e['date'])}</updated></entry>"
            for e in entries
        )
        body = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>N</title>{items}</feed>'
    data = body.encode("utf-8", errors="replace")
    feed = parse_feed(data, url=BASE + "/feed")
    assert feed.is_feed
    assert all(e.link.startswith(("http://", "https://")) for e in feed.entries)
    assert len({canonical_url(e.link) for e in feed.entries}) == len(feed.entries)


def _whole_document_links(body: bytes) -> list[str]:
    """What feedparser alone, reading the whole document, finds: the reference the stream must match."""
    links: dict[str, str] = {}
    for raw in feedparser.parse(body).entries:
        link = entry_link(raw, base=BASE + "/feed")
        if link:
            links.setdefault(canonical_url(link), link)
    return list(links.values())


WELL_FORMED = sorted(
    p
    for p in (FIXTURES / "feeds").glob("*")
    if p.suffix in (".rss", ".atom") and p.stem not in ("malformed", "billion_laughs", "external_entity")
) + sorted((FIXTURES / "govuk").glob("*.atom"))


@pytest.mark.parametrize("path", WELL_FORMED, ids=[p.name for p in WELL_FORMED])
def test_the_stream_finds_what_feedparser_finds_in_the_whole_document(path: Path) -> None:
    body = _input_bytes({"file": str(path.relative_to(FIXTURES))})
    assert [e.link for e in parse_feed(body, url=BASE + "/feed").entries] == _whole_document_links(body)


@pytest.mark.parametrize(
    "namespace", ["", "http://backend.userland.com/rss2", "http://blogs.law.harvard.edu/tech/rss"]
)
def test_rss_in_a_default_namespace_is_read(namespace: str) -> None:
    declared = f' xmlns="{namespace}"' if namespace else ""
    body = f'<rss version="2.0"{declared}><channel><title>N</title>'.encode() + _rss_items(range(2))
    feed = parse_feed(body + b"</channel></rss>", url=BASE + "/feed")
    assert [e.link for e in feed.entries] == [f"{BASE}/news/0", f"{BASE}/news/1"]
