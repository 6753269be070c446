"""Single-document tools behind `govwatch extract`, `repair` and `tag`: the pipeline's steps on one input."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from govwatch.config import Settings
from govwatch.errors import SourceError


def decode_text(data: bytes) -> tuple[str, list[dict[str, Any]]]:
    """Decode bytes as UTF-8; undecodable bytes become U+FFFD and are reported, never silently lost."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        note = {
            "kind": "invalid_utf8",
            "count": text.count("\ufffd"),
            "example": f"first at byte {exc.start}",
            "inferred": False,
            "suspect": True,
        }
        return text, [note]


def _record(value: Any) -> Any:
    return (
        dataclasses.asdict(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type)
        else value
    )


# The fields of `govwatch extract`: what extraction finds, repaired, with every repair made.
EXTRACT_FIELDS = (
    "title",
    "summary",
    "body_text",
    "published_at",
    "updated_at",
    "organisations",
    "document_type",
    "language",
    "canonical_url",
    "extraction_status",
    "notes_offset",
    "repairs",
)


def _process(
    text: str, notes: list[dict[str, Any]], settings: Settings, url: str | None = None
) -> dict[str, Any]:
    """Run one document through the pipeline's own path (`process_document`), with the settings' lexicon."""
    from govwatch.pipeline.process import configured_lexicon, local_document, process_document

    message = process_document(local_document(text, url=url), lexicon=configured_lexicon(settings))
    message["repairs"] = notes + list(message["repairs"])
    return message


def extract_source(source: str, settings: Settings, read: Callable[[str], bytes]) -> dict[str, Any]:
    """Extract and repair one URL, file or stdin; returns the JSON-ready record."""
    url: str | None = None
    if source.startswith(("http://", "https://")):
        from govwatch.connectors.http import HttpClient

        url = source
        with HttpClient(settings.http, trusted_hosts=()) as http:
            data = http.get(source).content
    else:
        data = read(source)
    text, notes = decode_text(data)
    message = _process(text, notes, settings, url)
    return {name: message[name] for name in EXTRACT_FIELDS}


def repair_bytes(data: bytes) -> tuple[str, list[dict[str, Any]]]:
    """Repair a text; returns the text and the list of repairs."""
    from govwatch.pipeline.repair.text import repair_text

    text, notes = decode_text(data)
    result = repair_text(text)
    return result.text, notes + [_record(r) for r in result.repairs]


def tag_bytes(data: bytes, settings: Settings) -> dict[str, Any]:
    """Tag a text, HTML page or Content API item (extracted and repaired first, as the pipeline does,
    with the lexicon folders of `settings`)."""
    text, notes = decode_text(data)
    message = _process(text, notes, settings)
    if message["extraction_status"] != "ok":
        raise SourceError(f"no article text in the document ({message['extraction_status']})")
    return {name: message[name] for name in ("title", "partnerships", "figures", "entities", "topics")}
