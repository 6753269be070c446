"""Parse RSS 2.0 and Atom feeds (GOV.UK's and anyone's) into plain entries, safely.

feedparser does the parsing, but only on bytes we fetched and prepared ourselves: it never sees a URL (it
would fetch it), and it never sees a DTD. Feeds have no use for DTDs, while entity declarations are the
door to "billion laughs" expansion and external-entity fetches, so any DOCTYPE is cut out first and a
feed that still declares entities is refused. The body is decoded here once (valid UTF-8 first, then the
declared charset, then Windows-1252) and handed to feedparser as UTF-8, so a wrong declared charset does
not turn every `£` into mojibake.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import io
import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import feedparser

from govwatch.connectors.dates import struct_time_to_utc
from govwatch.connectors.urls import canonical_url, has_allowed_scheme

log = logging.getLogger(__name__)

_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(\[.*?\]\s*)?>", re.IGNORECASE | re.DOTALL)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)[\"']")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_FEED_ROOT = re.compile(r"<(feed|rss|rdf:RDF)[\s>]", re.IGNORECASE)
_EXPLICIT_WIDE = {
    "utf16le": "utf-16-le",
    "utf16be": "utf-16-be",
    "utf32le": "utf-32-le",
    "utf32be": "utf-32-be",
}
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


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
class ParsedFeed:
    """The usable entries of a feed, and what was wrong with the rest.

    `is_feed` is False when the body holds nothing feed-like (an HTML error page, garbage, a refused DTD);
    `problems` lists entries that were dropped and why, and a malformed-XML warning when the feed was
    only partly readable.
    """

    title: str = ""
    entries: tuple[FeedEntry, ...] = ()
    problems: tuple[str, ...] = ()
    is_feed: bool = True


def decode_feed_bytes(content: bytes, *, charset: str | None) -> str:
    """Decode a feed body: a BOM wins, then UTF-16/32 (declared or plain from the bytes), then valid
    UTF-8, then the declared charset, then Windows-1252.

    Valid UTF-8 is tried before a declared single-byte charset because multi-byte UTF-8 sequences almost
    never occur by accident, while servers often declare ISO-8859-1 for UTF-8 bodies. UTF-16 and UTF-32
    come first: their ASCII characters carry NUL bytes, which are valid UTF-8 and would pass as such.

    >>> decode_feed_bytes("£5m".encode("utf-8"), charset="iso-8859-1")
    '£5m'
    >>> decode_feed_bytes("£5m".encode("cp1252"), charset="utf-8")
    '£5m'
    >>> decode_feed_bytes("<rss>£5m".encode("utf-16-le"), charset="utf-16")
    '<rss>£5m'
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content.decode(encoding, errors="replace")
    wide = wide_encoding(content, charset=charset)
    if wide is not None:
        return content.decode(wide, errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = [charset] if charset else []
    match = _XML_ENCODING.match(content)
    if match:
        declared.append(match.group(1).decode("ascii"))
    for encoding in declared:
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            continue
        try:
            return content.decode(encoding)
        except (LookupError, UnicodeError):  # UnicodeError: codecs such as "idna" or "undefined"
            continue
    return content.decode("cp1252", errors="replace")


def wide_encoding(content: bytes, *, charset: str | None) -> str | None:
    """Say which UTF-16/32 byte order a body without a BOM is in, if it is in one at all.

    A declared `utf-16le`/`utf-32be` (etc.) is taken as it is. A declared `utf-16` or `utf-32`, or none,
    is settled by where the NUL bytes of the first characters fall (XML 1.0, appendix F: a feed starts
    with `<` or white space, both ASCII); a declaration the bytes contradict is taken in big-endian
    order, the default of RFC 2781.

    >>> wide_encoding("<feed>".encode("utf-16-le"), charset=None)
    'utf-16-le'
    >>> wide_encoding("<feed>".encode("utf-32-be"), charset="UTF-32")
    'utf-32-be'
    >>> wide_encoding(b"<feed>", charset=None) is None
    True
    """
    declared = (charset or "").strip().lower().replace("_", "-")
    explicit = _EXPLICIT_WIDE.get(declared.replace("-", ""))
    if explicit is not None:
        return explicit
    sniffed = _sniff_wide(content[:64])
    if declared in ("utf-16", "utf16", "ucs-2", "utf-32", "utf32", "ucs-4"):
        width = "utf-32" if declared in ("utf-32", "utf32", "ucs-4") else "utf-16"
        return sniffed if sniffed is not None and sniffed.startswith(width) else f"{width}-be"
    return sniffed


def _sniff_wide(head: bytes) -> str | None:
    """UTF-16/32 and its byte order from the NULs of leading ASCII characters (four characters are enough)."""
    for width in (4, 2):
        units = [head[i : i + width] for i in range(0, len(head) - width + 1, width)][:16]
        if len(units) < 4 or b"\x00" * width in units:
            continue
        name = "utf-32" if width == 4 else "utf-16"
        if all(u[:-1] == b"\x00" * (width - 1) and u[-1:] != b"\x00" for u in units):
            return f"{name}-be"
        if all(u[1:] == b"\x00" * (width - 1) and u[:1] != b"\x00" for u in units):
            return f"{name}-le"
    return None


def strip_doctype(text: str) -> tuple[str, bool]:
    """Remove DOCTYPE declarations (with any internal subset); say whether one was there.

    >>> strip_doctype('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>')
    ('<?xml version="1.0"?><r>&a;</r>', True)
    """
    stripped, count = _DOCTYPE.subn("", text)
    return stripped, count > 0


def parse_feed(content: bytes, *, url: str, charset: str | None = None) -> ParsedFeed:
    """Parse a fetched RSS or Atom body into entries with absolute links and normalised dates.

    Args:
        content: the response body (already gunzipped).
        url: the feed's final URL, against which relative links are resolved.
        charset: the charset declared in the Content-Type header, if any.

    Returns:
        The entries worth fetching (duplicates by canonical link removed) and the problems found.
    """
    text = decode_feed_bytes(content, charset=charset)
    text, had_doctype = strip_doctype(text)
    if had_doctype:
        log.info("feed %s declared a DOCTYPE; removed before parsing", url)
    if _ENTITY_DECLARATION.search(text):
        return ParsedFeed(is_feed=False, problems=("feed declares XML entities; refused",))
    text = _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    parsed = feedparser.parse(
        io.BytesIO(text.encode("utf-8")),
        # no content-location: feedparser would resolve every entry id against the feed's URL, turning an
        # id such as "story-123" into a link to fetch; links are resolved in `_to_entry` instead
        response_headers={"content-type": "application/xml; charset=utf-8"},
    )
    problems: list[str] = []
    if parsed.get("bozo"):
        problems.append(f"feed is not well-formed ({_bozo_reason(parsed)}); kept the entries it could read")
    if not parsed.get("version") and not parsed.entries and not _FEED_ROOT.search(text[:4096]):
        return ParsedFeed(is_feed=False, problems=(f"not an RSS or Atom feed ({_bozo_reason(parsed)})",))
    entries: list[FeedEntry] = []
    seen: dict[str, int] = {}
    for raw in parsed.entries:
        try:
            entry = _to_entry(raw, base=url)
        except Exception as exc:  # one unreadable entry of an untrusted feed must not cost the others
            problems.append(f"entry {_describe(raw)} is unreadable ({type(exc).__name__}: {exc}); skipped")
            continue
        if entry is None:
            problems.append(f"entry {_describe(raw)} has no usable http(s) link; skipped")
            continue
        key = canonical_url(entry.link)
        if key in seen:
            problems.append(f"duplicate entry for {key}; kept the most recently updated")
            index = seen[key]
            if (entry.updated_at or "") > (entries[index].updated_at or ""):
                entries[index] = entry
            continue
        seen[key] = len(entries)
        entries.append(entry)
    return ParsedFeed(
        title=str(parsed.feed.get("title", "")), entries=tuple(entries), problems=tuple(problems)
    )


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
    return f"{type(exc).__name__}: {exc}" if exc is not None else "no feed elements"
