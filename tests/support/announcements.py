"""Valid announcement messages for tests of the loader, consumers and queries."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from govwatch.pipeline.records import Announcement, read_announcement

#: Empty values for the required members a partial test message leaves out (see `as_record`).
_EMPTY_MEMBERS: dict[str, Any] = {
    "schema_version": "1.0",
    "url": "",
    "title": "",
    "organisations": [],
    "summary": "",
    "body_text": "",
    "source": "",
    "fetched_at": "",
    "content_hash": "",
    "withdrawn": False,
    "extraction_status": "ok",
    "repairs": [],
    "partnerships": [],
    "figures": [],
    "entities": [],
    "topics": [],
}


def as_record(message: Mapping[str, Any]) -> Announcement:
    """The typed record of an announcement message, as a consumer reads it; required members a partial
    message (a table case's few fields) leaves out read as empty."""
    return read_announcement({**_EMPTY_MEMBERS, **message})


def money_figure(value: float, evidence: dict[str, Any] | None = None) -> dict[str, Any]:
    """A money figure of an announcement, in pounds, as the text "£2 billion" states it."""
    return {
        "kind": "money",
        "value": value,
        "value_max": None,
        "currency": "GBP",
        "unit": None,
        "qualifier": None,
        "text": "£2 billion",
        "purpose": None,
        "evidence": evidence,
    }


def make_announcement(
    doc_id: str = "5f3c1d2e-0000-4000-8000-000000000001", version: int = 1, **overrides: Any
) -> dict[str, Any]:
    """A schema-valid announcement with one MoU, one money figure, entities and topics."""
    body = overrides.pop(
        "body_text",
        f"The Department and Example AI signed a memorandum of understanding (v{version}). "
        "It is backed by £2 billion.",
    )
    message: dict[str, Any] = {
        "schema_version": "1.0",
        "id": doc_id,
        "version": version,
        "url": f"https://www.gov.uk/government/news/{doc_id}",
        "canonical_url": None,
        "title": f"Example announcement {doc_id} v{version}",
        "document_type": "press_release",
        "published_at": "2025-07-21T10:00:00+01:00",
        "updated_at": f"2025-07-2{min(version, 9)}T10:00:00+01:00",
        "organisations": ["Department for Science, Innovation and Technology"],
        "summary": "A summary.",
        "body_text": body,
        "language": "en",
        "source": "test",
        "fetched_at": "2025-07-21T10:05:00+00:00",
        "content_hash": hashlib.sha256(body.encode()).hexdigest()[:32],
        "withdrawn": False,
        "extraction_status": "ok",
        "notes_offset": None,
        "repairs": [],
        "partnerships": [
            {
                "kind": "memorandum_of_understanding",
                "parties": ["UK Government", "Example AI"],
                "status": "signed",
                "signatories": [
                    {"name": "Peter Kyle", "role": "Technology Secretary", "party": "UK Government"}
                ],
                "legal_nature": None,
                "date": None,
                "evidence": [{"sentence": body[:200], "start": 0, "end": 40}],
            }
        ],
        "figures": [money_figure(2e9 * version)],
        "entities": [{"kind": "organisation", "name": "Example AI", "role": None, "evidence": None}],
        "topics": ["ai"],
    }
    message.update(overrides)
    return message


def as_consumed(
    messages: list[dict[str, Any]], topic: str = "govwatch.announcements"
) -> list[tuple[Any, dict[str, Any]]]:
    """Pair each message with a ConsumedMessage carrying its JSON text, as the consumer loop does."""
    import json

    from govwatch.store.records import ConsumedMessage

    return [
        (
            ConsumedMessage(
                topic=topic, partition=0, offset=i, key=m["id"].encode(), value=json.dumps(m).encode()
            ),
            m,
        )
        for i, m in enumerate(messages)
    ]


def fill_database(db_path: Any, n: int = 3) -> None:
    """A database holding announcements doc-0 .. doc-{n-1}, stored through the real loader."""
    from govwatch.db import connect_writer
    from govwatch.store.loader import AnnouncementLoader

    conn = connect_writer(db_path)
    conn.execute("BEGIN TRANSACTION")
    AnnouncementLoader().handle(conn, as_consumed([make_announcement(f"doc-{i}") for i in range(n)]))
    conn.execute("COMMIT")
    conn.close()
