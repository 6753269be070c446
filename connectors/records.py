"""Records that connectors hand to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class FetchedDocument:
    """One new or changed document, fetched and ready for extraction.

    `id` is the GOV.UK `content_id` when known, else the canonical URL. `version` starts at 1 and grows
    each time the same id comes back with a new `updated_at` or a new `payload_hash`.
    `payload_kind` says how to read `payload`: "content_api" (the JSON text of a GOV.UK Content API
    item) or "html" (a page). Feed fields are what the feed said, used when the payload lacks them.
    """

    id: str
    version: int
    url: str
    source: str
    fetched_at: str
    payload_kind: str
    payload: str
    payload_hash: str
    feed_title: str = ""
    feed_summary: str = ""
    feed_published_at: str | None = None
    feed_updated_at: str | None = None
    withdrawn: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceFailure:
    """A source or article that could not be fetched: reported, dead-lettered, never silently dropped."""

    source: str
    url: str
    stage: str
    reason: str
    retryable: bool
    payload: str = ""
