"""Turn one fetched document into one announcement message: extract → repair → tag.

The stages compose in a fixed order (each a pure function of its own module):

1. extract: Content API JSON, HTML page or plain text → `ExtractedDocument` (`pipeline/extract/`);
2. repair: title, summary and body through `repair_text` (`pipeline/repair/`), the "Notes to editors"
   offset kept in step with the repaired body;
3. tag: partnerships, figures, entities and topics of the repaired body (`pipeline/tag/`), with the
   lexicon the caller gives (the bundled one merged with the folders of `[tagging] lexicon_dirs`);
4. assemble the message of `schemas/announcement.schema.json`, with a content hash that identifies the
   version's text.

`process_document` is the only way a fetched payload becomes an announcement: the Beam DoFn, the
benchmarks and the single-document commands (`govwatch extract`, `govwatch tag`) all call it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from govwatch.config import Settings
from govwatch.connectors.records import FetchedDocument
from govwatch.messages import SCHEMA_VERSION
from govwatch.pipeline.extract.document import extract_content_item, extract_html
from govwatch.pipeline.records import Annotations, Announcement, ExtractedDocument, Repair, RepairResult
from govwatch.pipeline.repair.text import repair_text
from govwatch.pipeline.tag import Lexicon, load_lexicon, tag_text

CONTENT_HASH_CHARS = 32


SNIFF_CHARS = 2048


def payload_kind_of(text: str) -> str:
    """What a payload is when nothing says so (a file or stdin): "content_api", "html" or "text".

    >>> payload_kind_of('{"content_id": "x", "details": {}}'), payload_kind_of("<!DOCTYPE html><p>x"), payload_kind_of("x")
    ('content_api', 'html', 'text')
    """
    head = text[:SNIFF_CHARS].lstrip()
    if head.startswith("{"):
        try:
            item = json.loads(text)
        except json.JSONDecodeError:
            return "text"
        return (
            "content_api"
            if isinstance(item, dict) and ("details" in item or "content_id" in item)
            else "text"
        )
    lowered = head.lower()
    if lowered.startswith(("<!doctype html", "<html")) or "<body" in lowered:
        return "html"
    return "text"


def local_document(text: str, *, url: str | None = None, source: str = "cli") -> FetchedDocument:
    """A document read from a file, stdin or a single URL, ready for `process_document`."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return FetchedDocument(
        id=url or f"sha256:{digest[:CONTENT_HASH_CHARS]}",
        version=1,
        url=url or "",
        source=source,
        fetched_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        payload_kind=payload_kind_of(text),
        payload=text,
        payload_hash=digest,
    )


def extract_document(doc: FetchedDocument) -> ExtractedDocument:
    """Extract from the payload the connector fetched; a broken Content API payload is an empty record.

    A "text" payload (a plain text file given to `govwatch tag`) is its own body.
    """
    if doc.payload_kind == "text":
        return ExtractedDocument(
            body_text=doc.payload, extraction_status="ok" if doc.payload.strip() else "empty"
        )
    if doc.payload_kind == "content_api":
        try:
            item = json.loads(doc.payload)
        except json.JSONDecodeError:
            return ExtractedDocument(extraction_status="bad_content_api_json")
        if not isinstance(item, dict):
            return ExtractedDocument(extraction_status="bad_content_api_json")
        return extract_content_item(item)
    return extract_html(doc.payload, url=doc.url)


def merge_repairs(results: Iterable[RepairResult]) -> tuple[Repair, ...]:
    """One entry per kind of repair across title, summary and body, counts added.

    >>> a = RepairResult(text="x", repairs=(Repair(kind="gbk_mojibake", count=2, example="鈥檚 → ’s"),))
    >>> b = RepairResult(text="y", repairs=(Repair(kind="gbk_mojibake", count=1, example="拢 → £"),))
    >>> merge_repairs([a, b])[0].count
    3
    """
    merged: dict[tuple[str, bool, bool], Repair] = {}
    for result in results:
        for repair in result.repairs:
            key = (repair.kind, repair.inferred, repair.suspect)
            if key in merged:
                merged[key] = dataclasses.replace(merged[key], count=merged[key].count + repair.count)
            else:
                merged[key] = repair
    return tuple(merged.values())


def _repair_body(body: str, notes_offset: int | None) -> tuple[RepairResult, int | None]:
    """Repair the body in two parts when it has notes to editors, so the notes offset stays right."""
    if notes_offset is None or not 0 <= notes_offset <= len(body):
        return repair_text(body), None
    head, notes = repair_text(body[:notes_offset]), repair_text(body[notes_offset:])
    combined = RepairResult(text=head.text + notes.text, repairs=merge_repairs([head, notes]))
    return combined, len(head.text)


def content_hash(title: str, summary: str, body_text: str) -> str:
    """A short stable hash of what a reader sees; a change means a new version of the document."""
    digest = hashlib.sha256("\x1f".join((title, summary, body_text)).encode("utf-8")).hexdigest()
    return digest[:CONTENT_HASH_CHARS]


def _plain(value: Any) -> Any:
    """Dataclasses and tuples → JSON-ready dicts and lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def configured_lexicon(settings: Settings) -> Lexicon:
    """The lexicon tagging uses under `settings`: the bundled one merged with `[tagging] lexicon_dirs`.

    Commands that tag call it before they start anything, so a missing folder stops them with one line.

    Raises:
        ConfigError: a folder does not exist, or a lexicon file in it cannot be read.
    """
    return load_lexicon(*settings.tagging.lexicon_dirs)


def process_document(doc: FetchedDocument, *, lexicon: Lexicon) -> dict[str, Any]:
    """The announcement message of one fetched document, ready to encode (see `assemble_announcement`)."""
    return announcement_message(assemble_announcement(doc, lexicon=lexicon))


def announcement_message(announcement: Announcement) -> dict[str, Any]:
    """An announcement as the JSON-ready message of `schemas/announcement.schema.json`."""
    message: dict[str, Any] = _plain(announcement)
    return message


def assemble_announcement(doc: FetchedDocument, *, lexicon: Lexicon) -> Announcement:
    """Build the announcement of one fetched document (never raises on bad content).

    A document without a usable body still becomes an announcement, with its `extraction_status` saying
    why and no annotations, so the analyst sees it was seen.

    Args:
        doc: the payload a connector fetched (or `local_document` read).
        lexicon: what tagging knows: `load_lexicon(*settings.tagging.lexicon_dirs)`.
    """
    extracted = extract_document(doc)
    title = repair_text(extracted.title or doc.feed_title)
    summary = repair_text(extracted.summary or doc.feed_summary)
    body, notes_offset = _repair_body(extracted.body_text, extracted.notes_offset)
    organisations = tuple(dict.fromkeys(o for o in extracted.organisations if o))
    if extracted.extraction_status == "ok" and body.text.strip():
        # Notes to editors are tagged too: they often state an agreement's legal nature.
        annotations = tag_text(
            body.text,
            title=title.text,
            summary=summary.text,
            organisations=organisations,
            url=extracted.canonical_url or doc.url,
            lexicon=lexicon,
        )
    else:
        annotations = Annotations()
    return Announcement(
        schema_version=SCHEMA_VERSION,
        id=doc.id,
        version=doc.version,
        url=doc.url,
        canonical_url=extracted.canonical_url,
        title=title.text,
        document_type=extracted.document_type,
        published_at=extracted.published_at or doc.feed_published_at,
        updated_at=extracted.updated_at or doc.feed_updated_at,
        organisations=organisations,
        summary=summary.text,
        body_text=body.text,
        language=extracted.language,
        source=doc.source,
        fetched_at=doc.fetched_at,
        content_hash=content_hash(title.text, summary.text, body.text),
        withdrawn=doc.withdrawn,
        extraction_status=extracted.extraction_status,
        notes_offset=notes_offset,
        repairs=merge_repairs([title, summary, body]),
        partnerships=annotations.partnerships,
        figures=annotations.figures,
        entities=annotations.entities,
        topics=annotations.topics,
    )
