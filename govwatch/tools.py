"""Single-document tools behind `govwatch extract`, `repair` and `tag`: the pipeline's steps on one input."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

from govwatch.config import Settings
from govwatch.errors import SourceError

BYTES_SNIFF = 2048


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


def _looks_like_content_item(text: str) -> dict[str, Any] | None:
    if not text.lstrip().startswith("{"):
        return None
    try:
        item = json.loads(text)
    except json.JSONDecodeError:
        return None
    if isinstance(item, dict) and ("details" in item or "content_id" in item):
        return dict(item)
    return None


def _record(value: Any) -> Any:
    return (
        dataclasses.asdict(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type)
        else value
    )


def extract_source(source: str, settings: Settings, read: Callable[[str], bytes]) -> dict[str, Any]:
    """Extract and repair one URL, file or stdin; returns the JSON-ready record."""
    from govwatch.pipeline.extract import extract_content_item, extract_html
    from govwatch.pipeline.repair import repair_text

    url: str | None = None
    if source.startswith(("http://", "https://")):
        from govwatch.connectors.http import HttpClient

        url = source
        with HttpClient(settings.http, trusted_hosts=()) as http:
            data = http.get(source).content
    else:
        data = read(source)
    text, notes = decode_text(data)
    item = _looks_like_content_item(text)
    extracted = extract_content_item(item) if item is not None else extract_html(text, url=url)
    record: dict[str, Any] = dataclasses.asdict(extracted)
    repairs = list(notes)
    for name in ("title", "summary", "body_text"):
        result = repair_text(record[name])
        record[name] = result.text
        repairs.extend(_record(r) for r in result.repairs)
    record["repairs"] = repairs
    return record


def repair_bytes(data: bytes) -> tuple[str, list[dict[str, Any]]]:
    """Repair a text; returns the text and the list of repairs."""
    from govwatch.pipeline.repair import repair_text

    text, notes = decode_text(data)
    result = repair_text(text)
    return result.text, notes + [_record(r) for r in result.repairs]


def tag_bytes(data: bytes) -> dict[str, Any]:
    """Tag a text or HTML document (HTML is extracted first; both are repaired first)."""
    from govwatch.pipeline.extract import extract_html
    from govwatch.pipeline.repair import repair_text
    from govwatch.pipeline.tag import tag_text

    text, _notes = decode_text(data)
    title = ""
    organisations: tuple[str, ...] = ()
    if (
        text.lstrip()[:BYTES_SNIFF].lower().startswith(("<!doctype html", "<html"))
        or "<body" in text[:BYTES_SNIFF].lower()
    ):
        extracted = extract_html(text)
        if extracted.extraction_status != "ok":
            raise SourceError(f"no article text in the HTML ({extracted.extraction_status})")
        title, text, organisations = extracted.title, extracted.body_text, extracted.organisations
    body = repair_text(text).text
    annotations = tag_text(body, title=repair_text(title).text, organisations=organisations)
    return {"title": title, **_record(annotations)}
