"""What an alert says: ids, the JSON payload every channel sends, digests, and the email rendering.

An alert payload (JSON; the webhook body, the file line, the stdout line and the govwatch.alerts event):

    {"alert_id", "type": "alert", "change": "match" | "change", "created_at",
     "subscription": {"name", "rule"},
     "announcement": {"id", "version", "url", "title", "document_type", "published_at", "organisations"},
     "matched": [{"field", "rule", "fact", "value", "evidence": [{"sentence", "start", "end", "field"}]}],
     "changes": [{"field", "before", "after"}]}          # only when change == "change"

A digest is `{"alert_id", "type": "digest", "subscription", "period": {"start", "end"}, "alerts": [...]}`.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from govwatch.alerts.records import Match, Reason
from govwatch.messages import SCHEMA_VERSION
from govwatch.pipeline.records import Announcement

_ID_HEX_CHARS = 32
_DAY = timedelta(days=1)


def alert_id(subscription: str, announcement_id: str, version: int) -> str:
    """The alert's id, derived from its idempotency key, so every replay computes the same id.

    >>> alert_id("new-mous", "4ebad22d", 1) == alert_id("new-mous", "4ebad22d", 1)
    True
    >>> len(alert_id("new-mous", "4ebad22d", 1))
    32
    """
    key = "\x00".join((subscription, announcement_id, str(version)))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:_ID_HEX_CHARS]


def digest_id(subscription: str, period_end: datetime) -> str:
    """The id of the digest of one subscription for the period that ends at `period_end`."""
    key = "\x00".join((subscription, "digest", period_end.isoformat()))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:_ID_HEX_CHARS]


def period_end(frequency: str, at: datetime) -> datetime:
    """When the digest period holding `at` ends: next UTC midnight (daily) or next Monday 00:00 UTC.

    Immediate alerts are due at once (`at` itself).

    >>> from datetime import UTC
    >>> period_end("daily", datetime(2025, 7, 21, 15, 30, tzinfo=UTC)).isoformat()
    '2025-07-22T00:00:00+00:00'
    >>> period_end("weekly", datetime(2025, 7, 23, 9, 0, tzinfo=UTC)).isoformat()
    '2025-07-28T00:00:00+00:00'
    """
    if frequency == "immediate":
        return at
    midnight = at.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == "daily":
        return midnight + _DAY
    return midnight + _DAY * (7 - midnight.weekday())


def period_start(frequency: str, end: datetime) -> datetime:
    """The start of the digest period that ends at `end`."""
    return end - (_DAY if frequency == "daily" else _DAY * 7)


def reason_json(reason: Reason) -> dict[str, Any]:
    """A reason as JSON-ready data (what `dataclasses.asdict` gives, several times faster)."""
    return {
        "field": reason.field,
        "rule": reason.rule,
        "fact": reason.fact,
        "value": reason.value,
        "evidence": [
            {"sentence": e.sentence, "start": e.start, "end": e.end, "field": e.field}
            for e in reason.evidence
        ],
    }


def alert_payload(
    match: Match,
    announcement: Announcement,
    *,
    alert_id: str,
    created_at: datetime,
    changes: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The JSON payload of one alert: the announcement, the rule, every matched fact with its sentence."""
    return {
        "alert_id": alert_id,
        "type": "alert",
        "change": "change" if changes else "match",
        "created_at": created_at.isoformat(),
        "subscription": {"name": match.subscription, "rule": match.rule},
        "announcement": {
            "id": match.announcement_id,
            "version": match.version,
            "url": announcement.url,
            "title": announcement.title,
            "document_type": announcement.document_type,
            "published_at": announcement.published_at,
            "organisations": list(announcement.organisations),
        },
        "matched": [reason_json(reason) for reason in match.reasons],
        "changes": [dict(change) for change in changes],
    }


def digest_payload(
    *,
    digest: str,
    subscription: Mapping[str, Any],
    start: datetime,
    end: datetime,
    alerts: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """One message listing every alert of a subscription's period, oldest first."""
    return {
        "alert_id": digest,
        "type": "digest",
        "subscription": dict(subscription),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "alerts": list(alerts),
    }


def alert_event(delivery: str, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The govwatch.alerts event (`schemas/alert.schema.json`) of one delivery: an alert, or a digest.

    `rows` are `alert_events` rows (as mappings) of the delivery, oldest first; their status is final.
    """
    first = rows[0]
    items = []
    for row in rows:
        payload = json.loads(row["payload"])
        announcement = payload["announcement"]
        items.append(
            {
                "alert_id": row["id"],
                "announcement_id": announcement["id"],
                "version": announcement["version"],
                "title": announcement.get("title") or "",
                "url": announcement.get("url") or "",
                "matches": payload["matched"],
                "changes": payload["changes"],
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "id": delivery,
        "subscription": first["subscription"],
        "rule": json.loads(first["payload"])["subscription"]["rule"],
        "channel": first["channel"],
        "status": first["status"],
        "frequency": first["frequency"],
        "created_at": first["created_at"].isoformat(),
        "delivered_at": first["delivered_at"].isoformat() if first["delivered_at"] else None,
        "attempts": first["attempts"],
        "last_error": first["last_error"],
        "items": items,
    }


def _alerts_of(payload: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return list(payload["alerts"]) if payload.get("type") == "digest" else [payload]


def _subject(payload: Mapping[str, Any]) -> str:
    name = payload["subscription"]["name"]
    if payload.get("type") == "digest":
        return (
            f"[govwatch] {name}: {len(payload['alerts'])} announcements ({payload['period']['start'][:10]})"
        )
    verb = "changed" if payload.get("change") == "change" else "matched"
    return f"[govwatch] {name} {verb}: {payload['announcement']['title']}"


def _text_block(alert: Mapping[str, Any]) -> list[str]:
    announcement = alert["announcement"]
    lines = [
        f"{announcement['title']} (version {announcement['version']})",
        str(announcement.get("url") or ""),
    ]
    for reason in alert["matched"]:
        lines.append(f"- {reason['rule']}: {reason['fact']}")
        lines.extend(
            f'    "{e["sentence"]}" [{e["field"]} {e["start"]}-{e["end"]}]' for e in reason["evidence"]
        )
    for change in alert.get("changes") or ():
        lines.append(f"- changed {change['field']}: {change['before']} -> {change['after']}")
    return lines


def _html_block(alert: Mapping[str, Any]) -> str:
    announcement = alert["announcement"]
    items = []
    for reason in alert["matched"]:
        quotes = "".join(f"<blockquote>{html.escape(e['sentence'])}</blockquote>" for e in reason["evidence"])
        items.append(
            f"<li><code>{html.escape(reason['rule'])}</code>: {html.escape(reason['fact'])}{quotes}</li>"
        )
    for change in alert.get("changes") or ():
        items.append(
            f"<li>changed {html.escape(change['field'])}: <del>{html.escape(str(change['before']))}</del> → "
            f"<ins>{html.escape(str(change['after']))}</ins></li>"
        )
    url = html.escape(str(announcement.get("url") or ""), quote=True)
    return f'<h2><a href="{url}">{html.escape(str(announcement["title"]))}</a></h2><ul>{"".join(items)}</ul>'


def render_email(payload: Mapping[str, Any]) -> tuple[str, str, str]:
    """Subject, plain text and HTML of an alert or digest payload."""
    alerts = _alerts_of(payload)
    rule = payload["subscription"]["rule"]
    text_lines = [f"Subscription {payload['subscription']['name']}: {rule}", ""]
    for alert in alerts:
        text_lines.extend([*_text_block(alert), ""])
    body = "".join(_html_block(alert) for alert in alerts)
    page = (
        f"<html><body><p>Subscription <b>{html.escape(payload['subscription']['name'])}</b>: "
        f"<code>{html.escape(rule)}</code></p>{body}</body></html>"
    )
    return _subject(payload), "\n".join(text_lines), page
