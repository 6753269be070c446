"""Alert payloads, digest periods, the govwatch.alerts event and the email rendering."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from govwatch.alerts.match import extract_facts, match_subscription
from govwatch.alerts.message import alert_event, alert_id, alert_payload, period_end, render_email
from govwatch.alerts.subscriptions import compile_subscription
from govwatch.config import build_subscription
from govwatch.messages import check_message
from tests.support.announcements import as_record

AT = datetime(2025, 7, 22, 9, 0, tzinfo=UTC)


def payload_for(announcement: dict[str, Any], **raw: Any) -> dict[str, Any]:
    sub = compile_subscription(build_subscription({"name": "s", "channel": "stdout", **raw}), env={})
    found = match_subscription(sub, extract_facts(as_record(announcement)))
    assert found is not None
    ident = alert_id("s", announcement["id"], announcement["version"])
    return alert_payload(found, as_record(announcement), alert_id=ident, created_at=AT)


@pytest.mark.parametrize(
    ("frequency", "at", "end"),
    [
        ("immediate", "2025-07-22T09:00:00+00:00", "2025-07-22T09:00:00+00:00"),
        ("daily", "2025-07-22T00:00:00+00:00", "2025-07-23T00:00:00+00:00"),
        ("daily", "2025-07-22T23:59:59+00:00", "2025-07-23T00:00:00+00:00"),
        ("weekly", "2025-07-21T00:00:00+00:00", "2025-07-28T00:00:00+00:00"),
        ("weekly", "2025-07-27T23:00:00+00:00", "2025-07-28T00:00:00+00:00"),
    ],
)
def test_period_ends(frequency: str, at: str, end: str) -> None:
    assert period_end(frequency, datetime.fromisoformat(at)).isoformat() == end


def test_alert_ids_differ_by_subscription_document_and_version() -> None:
    ids = {alert_id("a", "d", 1), alert_id("b", "d", 1), alert_id("a", "e", 1), alert_id("a", "d", 2)}
    assert len(ids) == 4


def test_payload_is_json_with_rule_fact_and_evidence(announcement: dict[str, Any]) -> None:
    payload = json.loads(json.dumps(payload_for(announcement, kinds=["mou"], min_amount="£1bn")))
    assert payload["subscription"]["rule"] == "kind in (memorandum_of_understanding) AND amount >= £1bn"
    assert [m["field"] for m in payload["matched"]] == ["kinds", "min_amount"]
    figure = payload["matched"][1]["evidence"][0]
    assert announcement["body_text"][figure["start"] : figure["end"]] == "£2 billion"


def test_alert_event_follows_the_alert_schema(announcement: dict[str, Any]) -> None:
    payload = payload_for(announcement, kinds=["mou"])
    row = {
        "id": payload["alert_id"], "subscription": "s", "channel": "stdout", "status": "delivered",
        "frequency": "immediate", "attempts": 1, "created_at": AT, "delivered_at": AT, "last_error": None,
        "payload": json.dumps(payload),
    }  # fmt: skip
    event = alert_event(payload["alert_id"], [row])
    check_message("alert", event)
    assert event["items"][0]["matches"][0]["rule"] == "kind in (memorandum_of_understanding)"


def test_email_has_subject_text_and_escaped_html(announcement: dict[str, Any]) -> None:
    announcement["title"] = "MoU <signed> & sealed"
    subject, text, html = render_email(payload_for(announcement, kinds=["mou"]))
    assert subject == "[govwatch] s matched: MoU <signed> & sealed"
    assert "Memorandum of Understanding" in text and "[body_text 1781-1808]" in text
    assert "MoU &lt;signed&gt; &amp; sealed" in html and "<signed>" not in html


def test_reason_json_reads_like_asdict_in_json(announcement: dict[str, Any]) -> None:
    from dataclasses import asdict

    from govwatch.alerts.message import reason_json

    sub = compile_subscription(
        build_subscription({"name": "s", "channel": "stdout", "kinds": ["mou"], "keywords": ["Humphrey"]}),
        env={},
    )
    found = match_subscription(sub, extract_facts(as_record(announcement)))
    assert found is not None
    as_json = json.dumps([reason_json(r) for r in found.reasons])
    assert json.loads(as_json) == json.loads(json.dumps([asdict(r) for r in found.reasons]))
