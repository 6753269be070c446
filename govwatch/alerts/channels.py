"""Alert channels: parse `webhook:URL | email:ADDR | file:PATH | stdout`, and the local channels.

`deliver_file` and `deliver_stdout` live here; the network channels are `govwatch.alerts.webhook` and
`govwatch.alerts.mail`. Every delivery returns a `DeliveryResult` instead of raising, so the dispatcher
decides alone whether to retry.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from govwatch.alerts.records import Channel
from govwatch.errors import ConfigError

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+$")
_CHANNEL_HINT = (
    "write it as webhook:https://host/path, email:someone@example.org, file:alerts.jsonl or stdout"
)
_FILE_READ_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryResult:
    """How one delivery attempt went: `retryable` failures are tried again later, others fail at once.

    `retry_after_s` is the receiver's own wish (HTTP Retry-After), honoured within the retry window.
    `error` never contains a secret.
    """

    ok: bool
    retryable: bool = False
    retry_after_s: float | None = None
    error: str = ""


def parse_channel(text: str) -> Channel:
    """Read a channel option.

    >>> parse_channel("email:team@example.org")
    Channel(kind='email', target='team@example.org')
    >>> str(parse_channel("stdout"))
    'stdout'

    Raises:
        ConfigError: unknown kind, or a target that cannot work (no URL host, no @ in the address).
    """
    kind, _, target = text.strip().partition(":")
    kind = kind.lower()
    target = target.strip()
    if kind == "stdout" and not target:
        return Channel(kind="stdout")
    if kind == "webhook":
        parts = urlsplit(target)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ConfigError(
                f"webhook channel needs an http(s) URL with a host, not {target!r}; {_CHANNEL_HINT}"
            )
        return Channel(kind="webhook", target=target)
    if kind == "email":
        if not _EMAIL.match(target):
            raise ConfigError(f"email channel needs one address like someone@example.org, not {target!r}")
        return Channel(kind="email", target=target)
    if kind == "file":
        if not target:
            raise ConfigError(f"file channel needs a path; {_CHANNEL_HINT}")
        return Channel(kind="file", target=target)
    raise ConfigError(f"unknown channel {text!r}; {_CHANNEL_HINT}")


def _file_has_alert(path: Path, alert_id: str) -> bool:
    """Whether a JSON Lines file already holds a line for this alert id (read in chunks, line by line)."""
    needle = f'"alert_id": {json.dumps(alert_id)}'
    try:
        with path.open("r", encoding="utf-8", errors="replace", buffering=_FILE_READ_CHUNK_BYTES) as handle:
            for line in handle:
                if needle in line and _top_level_id(line) == alert_id:
                    return True
    except FileNotFoundError:
        return False
    return False


def _top_level_id(line: str) -> object:
    """The `alert_id` of a JSON line (a digest also quotes the ids of the alerts it lists, deeper down)."""
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value.get("alert_id") if isinstance(value, dict) else None


def deliver_file(path: Path, alert_id: str, payload: dict[str, object]) -> DeliveryResult:
    """Append the alert as one JSON line, unless a line with the same `alert_id` is already there.

    The line is written by one `write` on a descriptor opened with O_APPEND, so concurrent writers never
    interleave inside a line; the id check makes a retry after a crash (written, status not yet stored)
    a no-op instead of a second line.
    """
    if payload.get("alert_id") != alert_id:
        return DeliveryResult(ok=False, error="alert payload carries another alert_id; this is a bug")
    line = (json.dumps(payload, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    try:
        if _file_has_alert(path, alert_id):
            return DeliveryResult(ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(fd, line)
        finally:
            os.close(fd)
    except OSError as exc:
        return DeliveryResult(ok=False, retryable=True, error=f"cannot append to {path}: {exc.strerror}")
    if written != len(line):
        return DeliveryResult(
            ok=False, retryable=True, error=f"short write to {path}: {written} of {len(line)} bytes"
        )
    return DeliveryResult(ok=True)


def deliver_stdout(stream: TextIO, payload: dict[str, object]) -> DeliveryResult:
    """Write the alert as one JSON line to a text stream (standard output in production)."""
    try:
        stream.write(json.dumps(payload, ensure_ascii=False, sort_keys=True) + "\n")
        stream.flush()
    except (OSError, ValueError) as exc:
        return DeliveryResult(ok=False, retryable=False, error=f"cannot write to standard output: {exc}")
    return DeliveryResult(ok=True)
