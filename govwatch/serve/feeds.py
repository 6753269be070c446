"""Atom feeds of a filtered list or of a subscription's matches, built with ElementTree (so escaped)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedEntry:
    id: str
    title: str
    link: str
    updated: datetime | None
    summary: str = ""


def _stamp(value: datetime | None) -> str:
    if value is None:
        return datetime(1970, 1, 1, tzinfo=UTC).isoformat()
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def atom_feed(*, feed_id: str, title: str, self_link: str, entries: Iterable[FeedEntry]) -> bytes:
    """An Atom 1.0 document; its `updated` is the newest entry's (the epoch for an empty feed).

    >>> doc = atom_feed(feed_id="urn:x", title="<t>", self_link="http://h/f", entries=[])
    >>> b"&lt;t&gt;" in doc
    True
    """
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    items = list(entries)
    ET.SubElement(feed, f"{{{ATOM_NS}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ATOM_NS}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", rel="self", href=self_link)
    newest = max((e.updated for e in items if e.updated is not None), default=None, key=_stamp)
    ET.SubElement(feed, f"{{{ATOM_NS}}}updated").text = _stamp(newest)
    author = ET.SubElement(feed, f"{{{ATOM_NS}}}author")
    ET.SubElement(author, f"{{{ATOM_NS}}}name").text = "govwatch"
    for item in items:
        entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
        ET.SubElement(entry, f"{{{ATOM_NS}}}id").text = item.id
        ET.SubElement(entry, f"{{{ATOM_NS}}}title").text = item.title
        ET.SubElement(entry, f"{{{ATOM_NS}}}link", href=item.link)
        ET.SubElement(entry, f"{{{ATOM_NS}}}updated").text = _stamp(item.updated)
        if item.summary:
            ET.SubElement(entry, f"{{{ATOM_NS}}}summary").text = item.summary
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document
