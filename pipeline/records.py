"""Typed records passed between the pure pipeline steps.

Field names are the same as in `schemas/announcement.schema.json` and the DuckDB views, so a record can
be turned into a message or a row without renaming anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from govwatch.errors import SchemaError


@dataclass(frozen=True, slots=True, kw_only=True)
class Repair:
    """One kind of text repair applied to a document.

    `inferred` marks repairs that were deduced from context (a lost byte restored as a closing quote);
    `suspect` marks text that looks damaged but was left unchanged because no repair is certain.
    """

    kind: str
    count: int
    example: str = ""
    inferred: bool = False
    suspect: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class RepairResult:
    """Repaired text and the list of what was changed (empty when the text was clean)."""

    text: str
    repairs: tuple[Repair, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ExtractedDocument:
    """What extraction finds in one page or Content API item.

    `extraction_status` is "ok" or a short reason why there is no usable body ("empty", "no_article",
    "binary", "too_large", "not_html", ...). Dates are ISO 8601 strings or None. `notes_offset` is the
    character offset in `body_text` where a "Notes to editors" section starts (None when there is none).
    """

    title: str = ""
    summary: str = ""
    body_text: str = ""
    published_at: str | None = None
    updated_at: str | None = None
    organisations: tuple[str, ...] = ()
    document_type: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    extraction_status: str = "ok"
    notes_offset: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """Why an annotation exists: the sentence, and character offsets of the match in the body text.

    `part` is "headline" for an agreement only the title or summary reports; its offsets then index
    the title and summary joined by a newline.
    """

    sentence: str
    start: int
    end: int
    part: str = "body"


@dataclass(frozen=True, slots=True, kw_only=True)
class Signatory:
    """A person who signed or announced an agreement, with their role and party when stated."""

    name: str
    role: str | None = None
    party: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Partnership:
    """One agreement reported by an announcement (an MoU named in several sentences is one record)."""

    kind: str
    parties: tuple[str, ...]
    status: str
    signatories: tuple[Signatory, ...] = ()
    legal_nature: str | None = None
    date: str | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """A number the announcement states: money (value in base units + ISO currency), count, percentage
    or duration."""

    kind: str
    value: float | None
    text: str
    currency: str | None = None
    unit: str | None = None
    qualifier: str | None = None
    value_max: float | None = None
    purpose: str | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    """An organisation, person, place or programme named in the text."""

    kind: str
    name: str
    role: str | None = None
    evidence: Evidence | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Annotations:
    """Everything tagging finds in one document."""

    partnerships: tuple[Partnership, ...] = ()
    figures: tuple[Figure, ...] = ()
    entities: tuple[Entity, ...] = ()
    topics: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True, kw_only=True)
class Announcement:
    """One version of one document, extracted, repaired and tagged: the message on
    `govwatch.announcements` (`schemas/announcement.schema.json`) and a row of `announcement_versions`.

    The one definition of the announcement's fields: the loader reads its DuckDB struct off it, and the
    schema and the DDL are held to it by `tests/test_vocabularies.py`. Fields without a default are the
    schema's required members.
    """

    schema_version: str
    id: str
    version: int
    url: str
    canonical_url: str | None = None
    title: str
    document_type: str | None = None
    published_at: str | None = None
    updated_at: str | None = None
    organisations: tuple[str, ...]
    summary: str
    body_text: str
    language: str | None = None
    source: str
    fetched_at: str
    content_hash: str
    withdrawn: bool
    extraction_status: str
    notes_offset: int | None = None
    repairs: tuple[Repair, ...]
    partnerships: tuple[Partnership, ...]
    figures: tuple[Figure, ...]
    entities: tuple[Entity, ...]
    topics: tuple[str, ...]


_ANNOUNCEMENT = TypeAdapter(Announcement)


def read_announcement(message: Mapping[str, Any]) -> Announcement:
    """The typed record of a decoded announcement message (already valid against its JSON Schema).

    Consumers decode a message's JSON once and read it into an `Announcement` here, so everything after
    them works on typed fields: lists become tuples and objects become the nested records. pydantic does
    the reading (about 15 µs for a typical message, less than decoding its JSON).

    Raises:
        SchemaError: the message does not fit the record (it was not checked against the schema).

    >>> message = {"schema_version": "1", "id": "d", "version": 2, "url": "https://x", "title": "T",
    ...     "organisations": ["DSIT"], "summary": "", "body_text": "", "source": "s", "fetched_at": "f",
    ...     "content_hash": "h", "withdrawn": False, "extraction_status": "ok", "repairs": [],
    ...     "partnerships": [{"kind": "mou", "parties": ["A", "B"], "status": "signed",
    ...         "evidence": [{"sentence": "A and B sign.", "start": 0, "end": 13}]}],
    ...     "figures": [], "entities": [], "topics": ["ai"]}
    >>> record = read_announcement(message)
    >>> record.partnerships[0].parties, record.partnerships[0].evidence[0].end, record.canonical_url
    (('A', 'B'), 13, None)
    """
    try:
        return _ANNOUNCEMENT.validate_python(message)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise SchemaError(
            f"announcement message does not fit the record ({problems}): check it against its schema"
        ) from exc
