"""Encode, decode and validate the JSON messages govwatch puts on Kafka, against `schemas/`.

One schema per message type; every consumer validates what it reads, and anything that fails becomes a
dead-letter record carrying the original bytes, never a crash and never a silent drop.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
import orjson

from govwatch.errors import SchemaError

SCHEMA_VERSION = "1.0"
#: The most of a refused payload a dead letter keeps. Larger payloads keep this much as an excerpt, with
#: their size and SHA-256: a dead letter must always fit on the dead-letter topic (whose messages, like
#: every topic's, are at most `govwatch.kafka.MAX_MESSAGE_BYTES`), base64 and all.
DEADLETTER_PAYLOAD_MAX_BYTES = 1024 * 1024
#: Keys and URLs are identifiers, kept in full up to this many characters.
DEADLETTER_FIELD_MAX_CHARS = 4096
SUPPORTED_MAJOR = 1
MESSAGE_TYPES = ("announcement", "alert", "deadletter")


def load_schema(message_type: str) -> dict[str, Any]:
    """The JSON Schema of one message type, as shipped in `schemas/`."""
    if message_type not in MESSAGE_TYPES:
        raise ValueError(f"unknown message type {message_type!r}")
    text = resources.files("govwatch.schemas").joinpath(f"{message_type}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def validator(message_type: str) -> Any:
    """The compiled validator of `schemas/<message_type>.schema.json`.

    jsonschema-rs (Rust) rather than the pure-Python `jsonschema`: every consumer validates every message,
    and on 5 KB announcements the Python validator alone capped the loader at ~2,500 messages/s; the Rust
    one validates ~600,000/s with the same Draft 2020-12 semantics, formats included.
    """
    return jsonschema_rs.validator_for(load_schema(message_type), validate_formats=True)


def check_message(message_type: str, message: Any) -> None:
    """Raise SchemaError naming the first problem (path and reason) when `message` breaks its schema.

    A message from a newer major version is refused with its own reason, so an old reader dead-letters it
    instead of misreading it.
    """
    if isinstance(message, dict):
        version = str(message.get("schema_version", ""))
        major = version.split(".", 1)[0]
        if major.isdigit() and int(major) != SUPPORTED_MAJOR:
            raise SchemaError(
                f"{message_type} schema_version {version} is not supported by this govwatch "
                f"(reads {SUPPORTED_MAJOR}.x); upgrade govwatch to read it"
            )
    check = validator(message_type)
    if check.is_valid(message):
        return
    errors = sorted(check.iter_errors(message), key=lambda e: [str(p) for p in e.instance_path])
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.instance_path) or "(root)"
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        raise SchemaError(f"{message_type} invalid at {where}: {first.message[:300]}{more}")


def encode(message_type: str, message: dict[str, Any]) -> bytes:
    """Validate and serialise a message as compact UTF-8 JSON."""
    check_message(message_type, message)
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode(message_type: str, value: bytes | None) -> dict[str, Any]:
    """Parse and validate one message value.

    Raises:
        SchemaError: not UTF-8, not JSON, not an object, or not valid against the schema.
    """
    if value is None:
        raise SchemaError(f"{message_type}: empty message value (tombstone)")
    try:
        # orjson parses a 5 KB announcement in half the time of json (the loader decodes every message on
        # the thread that also polls Kafka); it is also stricter: NaN, Infinity and integers beyond 64
        # bits are not JSON and are refused.
        message = orjson.loads(value.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SchemaError(f"{message_type}: value is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise SchemaError(f"{message_type}: value is not JSON ({exc.msg} at char {exc.pos})") from exc
    if not isinstance(message, dict):
        raise SchemaError(f"{message_type}: value is JSON {type(message).__name__}, not an object")
    check_message(message_type, message)
    return message


def deadletter_record(
    *,
    stage: str,
    reason: str,
    payload: bytes | str,
    source: str | None = None,
    url: str | None = None,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    last_offset: int | None = None,
    key: bytes | str | None = None,
    retryable: bool = False,
    at: datetime | None = None,
) -> dict[str, Any]:
    """A dead-letter record keeping the original bytes (base64) and why they were refused.

    A payload over `DEADLETTER_PAYLOAD_MAX_BYTES` keeps its first bytes as an excerpt, with its full
    size and SHA-256 (`payload_truncated` says so), so a poison message of any size still fits on the
    dead-letter topic. `last_offset` names the end of a range of offsets refused together (a batch that
    could not be decoded).

    >>> record = deadletter_record(stage="loader", reason="not JSON", payload=b"x" * (3 * 1024 * 1024))
    >>> record["payload_bytes"], record["payload_truncated"], len(record["payload_base64"]) < 1_500_000
    (3145728, True, True)
    """
    raw = payload.encode("utf-8") if isinstance(payload, str) else payload
    if isinstance(key, bytes):
        key = key.decode("utf-8", errors="replace")
    excerpt = raw[:DEADLETTER_PAYLOAD_MAX_BYTES]
    record = {
        "schema_version": SCHEMA_VERSION,
        "stage": stage,
        "reason": reason[:2000],
        "at": (at or datetime.now(UTC)).isoformat(),
        "source": source,
        "url": url[:DEADLETTER_FIELD_MAX_CHARS] if url is not None else None,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "key": key[:DEADLETTER_FIELD_MAX_CHARS] if key is not None else None,
        "payload_base64": base64.b64encode(excerpt).decode("ascii"),
        "payload_bytes": len(raw),
        "payload_sha256": hashlib.sha256(raw).hexdigest(),
        "payload_truncated": len(excerpt) < len(raw),
        "retryable": retryable,
    }
    if last_offset is not None:
        record["last_offset"] = last_offset
    return record
