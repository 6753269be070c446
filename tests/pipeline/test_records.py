"""Reading a decoded announcement message into the typed record: every member, nested records included."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from govwatch.errors import SchemaError
from govwatch.messages import check_message
from govwatch.pipeline.process import announcement_message
from govwatch.pipeline.records import Announcement, Evidence, Partnership, read_announcement
from tests.support.announcements import make_announcement

ALERT_FIXTURE = Path(__file__).parents[1] / "alerts" / "fixtures" / "announcement_openai_mou.json"


@pytest.mark.parametrize(
    "message",
    [make_announcement(), json.loads(ALERT_FIXTURE.read_text(encoding="utf-8"))],
    ids=["made", "openai-mou"],
)
def test_a_message_read_into_the_record_keeps_every_member_it_had(message: dict[str, Any]) -> None:
    check_message("announcement", message)
    record = read_announcement(message)
    assert isinstance(record, Announcement)
    again = announcement_message(record)
    assert _without_absent(again, message) == message  # members the message left out come back as None
    assert read_announcement(again) == record


def _without_absent(value: Any, like: Any) -> Any:
    """`value` keeping only the object members that `like` has, at every depth."""
    if isinstance(value, dict) and isinstance(like, dict):
        return {k: _without_absent(v, like[k]) for k, v in value.items() if k in like}
    if isinstance(value, list) and isinstance(like, list):
        return [_without_absent(v, w) for v, w in zip(value, like, strict=True)]
    return value


def test_nested_members_become_records_and_lists_become_tuples() -> None:
    record = read_announcement(make_announcement())
    [partnership] = record.partnerships
    assert isinstance(partnership, Partnership)
    assert isinstance(partnership.parties, tuple) and isinstance(record.organisations, tuple)
    assert all(isinstance(e, Evidence) for e in partnership.evidence)
    figure = record.figures[0]
    assert figure.evidence is None or isinstance(figure.evidence, Evidence)


def test_optional_members_left_out_take_the_record_defaults() -> None:
    message = make_announcement()
    for name in ("canonical_url", "document_type", "language", "notes_offset"):
        del message[name]
    record = read_announcement(message)
    assert (record.canonical_url, record.document_type, record.language, record.notes_offset) == (None,) * 4


def test_a_missing_required_member_is_a_schema_error_naming_it() -> None:
    message = make_announcement()
    del message["content_hash"]
    with pytest.raises(SchemaError, match="content_hash: Field required"):
        read_announcement(message)
