"""Mask credentials wherever govwatch shows or stores text: URLs, logs, errors, listings.

Webhook URLs often carry their token (in the query, the path or the user part), Kafka clients log their
configuration with the SASL password, and an SMTP server may echo the AUTH line with the base64
password. Everything shown (logs, `govwatch alerts`, `subscriptions list`) or stored (`alerts.channel`,
`alerts.last_error`) goes through `mask_url` or `mask_text` first.
"""

from __future__ import annotations

import base64
import logging
import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "***"

#: A path segment that is a token rather than a name: long, mixing upper case, lower case and digits
#: (slugs are lower case, ids like UUIDs are hex with hyphens), or a long run of hex digits.
_TOKEN_SEGMENT = re.compile(r"^(?=.*\d)(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9_\-.~=+%]{16,}$|^[0-9a-fA-F]{32,}$")
#: Query parameter names that carry credentials.
_SECRET_NAME = re.compile(
    r"token|key|secret|sig|signature|password|passwd|pass|auth|credential|session|code", re.IGNORECASE
)
_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s'\"<>()\[\]{}]+")
#: `password = x`, `'sasl_plain_password': 'x'`, `"token": "x"`, `secret=x`, as configs and dicts print them.
_SECRET_FIELD = re.compile(
    r"""(?P<key>['"]?[\w.\-]*(?:password|passwd|secret|token|api[_\-]?key|credential)[\w.\-]*['"]?\s*[:=]\s*)"""
    r"""(?P<quote>['"]?)(?P<value>[^'"\s,}]+)(?P=quote)""",
    re.IGNORECASE,
)
_SMTP_AUTH = re.compile(r"(?P<verb>\bAUTH\s+[A-Z0-9\-]+)\s+[A-Za-z0-9+/=]+", re.IGNORECASE)


def mask_url(url: str, *, every_query_value: bool = False) -> str:
    """The URL without its credentials: the user part's password, token-like path segments and query
    values that are secrets by their name (`token=`, `key=`, `sig=`...) or look like tokens; with
    `every_query_value`, every query value (a webhook's query is there to authenticate it).

    >>> mask_url("https://hooks.example.org/services/T0/B0/ab12CD34ef56GH78ij90")
    'https://hooks.example.org/services/T0/B0/***'
    >>> mask_url("https://bot:s3cret@example.org/hook?token=abc&team=x")
    'https://bot:***@example.org/hook?token=***&team=x'
    >>> mask_url("https://bot:s3cret@example.org/hook?token=abc&team=x", every_query_value=True)
    'https://bot:***@example.org/hook?token=***&team=***'
    >>> mask_url("https://www.gov.uk/api/search.json?filter_organisations=dsit&count=100")
    'https://www.gov.uk/api/search.json?filter_organisations=dsit&count=100'
    >>> mask_url("https://example.org/government/news/uk-and-openai-sign-mou-2025")
    'https://example.org/government/news/uk-and-openai-sign-mou-2025'
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return MASK
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if port is not None:
        netloc = f"{netloc}:{port}"
    if parts.username is not None:
        user = MASK if parts.password is None else f"{parts.username}:{MASK}"
        netloc = f"{user}@{netloc}"
    path = "/".join(MASK if _TOKEN_SEGMENT.match(s) else s for s in parts.path.split("/"))
    query = urlencode(
        [
            (k, MASK if every_query_value or _SECRET_NAME.search(k) or _TOKEN_SEGMENT.match(v) else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="*",
    )
    if parts.query and not query:
        query = MASK
    return urlunsplit((parts.scheme, netloc, path, query, MASK if parts.fragment else ""))


def secret_forms(secret: str, *, username: str = "") -> list[str]:
    """A secret as it may appear in text: itself and its base64 forms (SMTP AUTH LOGIN and PLAIN).

    >>> secret_forms("pw", username="me")
    ['pw', 'cHc=', 'AG1lAHB3']
    """
    if not secret:
        return []
    return [
        secret,
        base64.b64encode(secret.encode("utf-8")).decode("ascii"),
        base64.b64encode(f"\0{username}\0{secret}".encode()).decode("ascii"),
    ]


def mask_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask URLs' credentials, `password=...`-like fields, SMTP AUTH arguments and the given secrets.

    >>> mask_text("POST https://h.example/hook?token=abc failed; {'sasl_plain_password': 'hunter2'}")
    "POST https://h.example/hook?token=*** failed; {'sasl_plain_password': '***'}"
    >>> mask_text("535 AUTH PLAIN AGJvdABodW50ZXIy rejected")
    '535 AUTH PLAIN *** rejected'
    >>> mask_text("login as bot with hunter2", ["hunter2"])
    'login as bot with ***'
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL.sub(lambda m: mask_url(m.group(0)), text)
    text = _SECRET_FIELD.sub(lambda m: f"{m['key']}{m['quote']}{MASK}{m['quote']}", text)
    return _SMTP_AUTH.sub(lambda m: f"{m['verb']} {MASK}", text)


class MaskSecrets(logging.Filter):
    """A handler filter that masks every record's message (see `mask_text`), whoever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


#: Loggers of libraries that print URLs or configs with credentials (httpx logs every request's URL,
#: kafka-python its whole configuration). A filter on a logger sees only the records made on it.
MASKED_LOGGERS = (
    "httpx",
    "kafka.admin.client",
    "kafka.producer.kafka",
    "kafka.consumer.group",
    "kafka.conn",
    "kafka.net.connection",
)


def mask_library_logs() -> None:
    """Mask what the libraries in `MASKED_LOGGERS` log, whichever handler shows it (idempotent)."""
    for name in MASKED_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskSecrets) for f in logger.filters):
            logger.addFilter(MaskSecrets())
