"""Parse RSS and Atom feeds (GOV.UK's and anyone's) into plain entries, safely and one entry at a time.

feedparser reads each entry, but only from bytes we fetched and prepared ourselves: it never sees a URL
(it would fetch it), and it never sees a DTD. Feeds have no use for DTDs, while entity declarations are
the door to "billion laughs" expansion and external-entity fetches, so any DOCTYPE is cut out first and a
feed that still declares entities is refused. The body is decoded once (`charsets.py`) and handed on as
UTF-8.

Entries are read as a stream: lxml walks the document, cuts each finished `<item>` or `<entry>` out of
it and hands them to feedparser a few at a time. Memory stays flat however many entries a feed has, and a
poll that needs only its first hundred entries stops reading there. A feed that is not well-formed XML is
read whole by feedparser's forgiving parser instead, which keeps what it can.
"""

from __future__ import annotations

import hashlib
import html
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import feedparser
from lxml import etree

from govwatch.connectors.charsets import decode_feed_bytes
from govwatch.connectors.dates import struct_time_to_utc
from govwatch.connectors.urls import canonical_url, has_allowed_scheme
from govwatch.errors import SourceError

log = logging.getLogger(__name__)

_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(\[.*?\]\s*)?>", re.IGNORECASE | re.DOTALL)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_FEED_ROOT = re.compile(r"<(feed|rss|rdf:RDF)[\s>]", re.IGNORECASE)
_FEED_HEADERS = {"content-type": "application/xml; charset=utf-8"}
# no content-location in _FEED_HEADERS: feedparser would resolve every entry id against the feed's URL,
# turning an id such as "story-123" into a link to fetch; links are resolved in `entry_link` instead
_ROOTS = frozenset({"rss", "feed", "RDF"})
_ENTRY_NAMES = frozenset({"item", "entry"})
ENTRIES_PER_PARSE = 20
# where entries live besides the root's own namespace: RSS 1.0 and 0.9 items sit in an rdf:RDF root
_ENTRY_NAMESPACES = frozenset({"http://purl.org/rss/1.0/", "http://my.netscape.com/rdf/simple/0.9/"})


class NotAFeedError(SourceError):
    """The body holds nothing feed-like: an HTML error page, garbage, a refused DTD."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedEntry:
    """One feed entry as the feed states it. Dates are UTC `YYYY-MM-DDTHH:MM:SSZ` or None."""

    link: str
    entry_id: str = ""
    title: str = ""
    summary: str = ""
    updated_at: str | None = None
    published_at: str | None = None
    category: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedProblem:
    """Something wrong with part of a feed: an entry skipped and why, or damage to the XML."""

    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ParsedFeed:
    """All the usable entries of a feed, and what was wrong with the rest (see `parse_feed`).

    `is_feed` is False when the body holds nothing feed-like; `problems` lists entries that were dropped
    and why, and a malformed-XML warning when the feed was only partly readable.
    """

    entries: tuple[FeedEntry, ...] = ()
    problems: tuple[str, ...] = ()
    is_feed: bool = True


def iter_feed(content: bytes, *, url: str, charset: str | None = None) -> Iterator[FeedEntry | FeedProblem]:
    """Read a fetched RSS or Atom body entry by entry: absolute links, normalised dates, problems on the way.

    Args:
        content: the response body (already gunzipped).
        url: the feed's final URL, against which relative links are resolved.
        charset: the charset declared in the Content-Type header, if any.

    Yields:
        Each entry worth fetching, in feed order (a later duplicate of a link is reported, not yielded),
        and a `FeedProblem` for each entry skipped.

    Raises:
        NotAFeedError: before anything is yielded, when the body is not a feed at all.
    """
    text = decode_feed_bytes(content, charset=charset)
    text, had_doctype = strip_doctype(text)
    if had_doctype:
        log.info("feed %s declared a DOCTYPE; removed before parsing", url)
    if _ENTITY_DECLARATION.search(text):
        raise NotAFeedError(f"{url}: feed declares XML entities; refused")
    data = _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1).encode("utf-8")
    del text
    reading = _Reading()
    try:
        yield from _stream_entries(data, url=url, reading=reading)
        return
    except (etree.LxmlError, ValueError) as exc:
        damage = f"{type(exc).__name__}: {exc}"
    yield from _read_whole(data, url=url, reading=reading, damage=damage)


def parse_feed(content: bytes, *, url: str, charset: str | None = None) -> ParsedFeed:
    """Read a whole feed at once (see `iter_feed`): its entries and problems, or `is_feed` False.

    >>> feed = parse_feed(b'<rss version="2.0"><channel><item><link>/a</link></item></channel></rss>',
    ...                   url="https://n.example/feed")
    >>> [e.link for e in feed.entries], feed.problems
    (['https://n.example/a'], ())
    """
    entries: list[FeedEntry] = []
    problems: list[str] = []
    try:
        for item in iter_feed(content, url=url, charset=charset):
            if isinstance(item, FeedEntry):
                entries.append(item)
            else:
                problems.append(item.reason)
    except NotAFeedError as exc:
        return ParsedFeed(is_feed=False, problems=(str(exc).removeprefix(f"{url}: "),))
    return ParsedFeed(entries=tuple(entries), problems=tuple(problems))


def strip_doctype(text: str) -> tuple[str, bool]:
    """Remove DOCTYPE declarations (with any internal subset); say whether one was there.

    >>> strip_doctype('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>')
    ('<?xml version="1.0"?><r>&a;</r>', True)
    """
    stripped, count = _DOCTYPE.subn("", text)
    return stripped, count > 0


@dataclass(slots=True)
class _Reading:
    """What the stream learnt before any damage: the links it yielded, and whether the root was a feed's
    (after which "not a feed" can no longer be said: something was already yielded)."""

    seen: set[str] = field(default_factory=set)
    is_feed: bool = False


def _stream_entries(data: bytes, *, url: str, reading: _Reading) -> Iterator[FeedEntry | FeedProblem]:
    """Walk the document with lxml (no DTD, no entities, no network), a few entries at a time.

    Finished entries are cut out of the tree at once and handed to feedparser `ENTRIES_PER_PARSE` at a
    time (one call per entry costs feedparser's set-up every time); at damage, the entries read before
    it are handed on first, then the damage is raised.
    """
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    )
    root: Any = None
    entry_namespaces: frozenset[str] = _ENTRY_NAMESPACES
    depth_in_entry = 0
    batch = _Batch()
    try:
        for event, element in events:
            namespace, _, name = (element.tag if isinstance(element.tag, str) else "").rpartition("}")
            if root is None:
                root = element
                if name not in _ROOTS:
                    raise NotAFeedError(f"{url}: not an RSS or Atom feed (the document is <{name}>)")
                reading.is_feed = True
                entry_namespaces = _ENTRY_NAMESPACES | {namespace.lstrip("{")}
                continue
            if name not in _ENTRY_NAMES or namespace.lstrip("{") not in entry_namespaces:
                continue
            if event == "start":
                depth_in_entry += 1
                continue
            depth_in_entry -= 1
            if depth_in_entry:
                continue  # an entry inside an entry is part of it
            base = element.base
            if batch.entries and (base != batch.base or len(batch.entries) >= ENTRIES_PER_PARSE):
                yield from _parse_batch(batch, root, url=url, reading=reading)
            batch.base = base
            batch.entries.append(etree.tostring(element))
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    except (etree.LxmlError, ValueError):
        yield from _parse_batch(batch, root, url=url, reading=reading)
        raise
    yield from _parse_batch(batch, root, url=url, reading=reading)


@dataclass(slots=True)
class _Batch:
    """Entries cut out of the document and not yet read, all under the same `xml:base`."""

    entries: list[bytes] = field(default_factory=list)
    base: str | None = None


def _parse_batch(
    batch: _Batch, root: Any, *, url: str, reading: _Reading
) -> Iterator[FeedEntry | FeedProblem]:
    """feedparser's reading of a batch of entries, in a minimal document of the same kind as the feed."""
    if not batch.entries:
        return
    body, count = b"".join(batch.entries), len(batch.entries)
    xml_base = f' xml:base="{html.escape(batch.base, quote=True)}"' if batch.base else ""
    batch.entries = []
    name = etree.QName(root.tag)
    if name.localname == "rss":
        version = html.escape(str(root.get("version") or "2.0"), quote=True)
        default = f' xmlns="{html.escape(name.namespace, quote=True)}"' if name.namespace else ""
        opening = f'<rss version="{version}"{default}{xml_base}><channel>'
        document = opening.encode() + body + b"</channel></rss>"
    elif name.localname == "RDF":
        opening = f'<rdf:RDF xmlns:rdf="{name.namespace}"{xml_base}>'
        document = opening.encode() + body + b"</rdf:RDF>"
    else:
        document = f'<feed xmlns="{name.namespace or ""}"{xml_base}>'.encode() + body + b"</feed>"
    entries = feedparser.parse(document, response_headers=_FEED_HEADERS).entries
    if len(entries) < count:
        yield FeedProblem(reason=f"{count - len(entries)} entries feedparser could not read; skipped")
    for raw in entries:
        yield from _checked(raw, url=url, seen=reading.seen)


def _read_whole(
    data: bytes, *, url: str, reading: _Reading, damage: str
) -> Iterator[FeedEntry | FeedProblem]:
    """feedparser's forgiving reading of a document that is not well-formed XML."""
    parsed = feedparser.parse(data, response_headers=_FEED_HEADERS)
    if (
        not reading.is_feed
        and not parsed.get("version")
        and not parsed.entries
        and not _FEED_ROOT.search(data[:4096].decode("utf-8", errors="replace"))
    ):
        raise NotAFeedError(f"{url}: not an RSS or Atom feed ({_bozo_reason(parsed) or damage})")
    yield FeedProblem(reason=f"feed is not well-formed ({damage}); kept the entries it could read")
    streamed = frozenset(reading.seen)  # entries the stream yielded before the damage come once
    for raw in parsed.entries:
        yield from _checked(raw, url=url, seen=reading.seen, streamed=streamed)


def _checked(
    raw: Any, *, url: str, seen: set[str], streamed: frozenset[str] = frozenset()
) -> Iterator[FeedEntry | FeedProblem]:
    """One parsed entry as a `FeedEntry`, or the problem that keeps it out."""
    try:
        entry = _to_entry(raw, base=url)
    except Exception as exc:  # one unreadable entry of an untrusted feed must not cost the others
        yield FeedProblem(
            reason=f"entry {_describe(raw)} is unreadable ({type(exc).__name__}: {exc}); skipped"
        )
        return
    if entry is None:
        yield FeedProblem(reason=f"entry {_describe(raw)} has no usable http(s) link; skipped")
        return
    key = canonical_url(entry.link)
    if key in streamed:
        return
    if key in seen:
        yield FeedProblem(reason=f"duplicate entry for {key}; kept the first")
        return
    seen.add(key)
    yield entry


def entry_marker(updated_at: str | None, title: str, summary: str) -> str:
    """What says "this entry changed": its updated date, or a digest of title and summary when undated.

    >>> entry_marker("2025-07-21T22:30:00Z", "t", "s")
    '2025-07-21T22:30:00Z'
    >>> entry_marker(None, "t", "s") == entry_marker(None, "t", "s") != entry_marker(None, "t", "s2")
    True
    """
    if updated_at:
        return updated_at
    digest = hashlib.sha256(f"{title}\n{summary}".encode()).hexdigest()[:20]
    return f"undated:{digest}"


def _to_entry(raw: Any, *, base: str) -> FeedEntry | None:
    link = entry_link(raw, base=base)
    if not link:
        return None
    published = struct_time_to_utc(raw.get("published_parsed"))
    updated = struct_time_to_utc(raw.get("updated_parsed")) or published
    tags = raw.get("tags") or []
    category = ""
    if tags:
        category = str(tags[0].get("label") or tags[0].get("term") or "")
    return FeedEntry(
        link=link.strip(),
        entry_id=str(raw.get("id") or ""),
        title=_plain_text(raw, "title"),
        summary=_plain_text(raw, "summary"),
        updated_at=updated,
        published_at=published,
        category=category,
    )


def entry_link(raw: Any, *, base: str) -> str:
    """The page an entry points at: its first alternate `<link>` that resolves to an http(s) URL.

    An entry without one falls back to its id (`<id>`, `<guid>`) only when that is already an absolute
    http(s) URL as the feed states it. Ids are names, not addresses (`tag:…`, `urn:uuid:…`, `story-123`),
    so they are never resolved against the feed's URL and never fetched.

    >>> entry_link({"links": [{"rel": "alternate", "href": "/news/a"}], "id": "x"}, base="https://n.example/f")
    'https://n.example/news/a'
    >>> entry_link({"link": "story-123", "id": "story-123"}, base="https://n.example/f")
    ''
    >>> entry_link({"id": "https://n.example/news/b"}, base="https://n.example/f")
    'https://n.example/news/b'
    """
    for candidate in raw.get("links") or []:
        if str(candidate.get("rel") or "alternate") != "alternate":
            continue
        href = str(candidate.get("href") or "").strip()
        if not href:
            continue
        try:
            resolved = urljoin(base, href)
        except ValueError:
            continue
        if has_allowed_scheme(resolved):
            return resolved
    entry_id = str(raw.get("id") or "").strip()
    return entry_id if has_allowed_scheme(entry_id) else ""


def _plain_text(raw: Any, field: str) -> str:
    """A title or summary as plain text: feeds may carry HTML there, our records carry text."""
    value = str(raw.get(field) or "")
    detail = raw.get(f"{field}_detail") or {}
    if "html" in str(detail.get("type", "")):
        value = html.unescape(_TAG.sub(" ", value))
    return _SPACE.sub(" ", value).strip()


def _describe(raw: Any) -> str:
    return repr(str(raw.get("title") or raw.get("id") or "(untitled)")[:80])


def _bozo_reason(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc is not None else ""
