"""Typed records of the alert stage: subscriptions, the facts of one announcement, and explainable matches.

Pure data, no I/O: the matcher takes `Subscription` and `AnnouncementFacts` and returns `Match`, and the
dispatcher turns a `Match` into a stored alert. Everything a user sees in an alert comes from these fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from govwatch.pipeline.records import Partnership
from govwatch.redact import mask_url


class Words(Protocol):
    """The lower-case words of an announcement's texts, looked up lazily (`alerts.text.WordLookup`)."""

    @property
    def tokens(self) -> frozenset[str]: ...

    def __contains__(self, word: object) -> bool: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class Channel:
    """Where a subscription's alerts go: `webhook:URL`, `email:ADDR`, `file:PATH` or `stdout`."""

    kind: str
    target: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.target}" if self.target else self.kind

    def shown(self) -> str:
        """The channel as shown and stored: a webhook URL without its credentials (see `mask_url`).

        >>> Channel(kind="webhook", target="https://h.example/hook?token=abc").shown()
        'webhook:https://h.example/hook?token=***'
        """
        return (
            f"webhook:{mask_url(self.target, every_query_value=True)}"
            if self.kind == "webhook"
            else str(self)
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscription:
    """A validated subscription, ready to match.

    Filters combine with AND across fields and OR within a field; an empty field does not filter.
    `organisation_keys` are the slugs the `organisations` filter compares with (acronyms expanded);
    `min_amount_gbp` is `min_amount` converted to pounds. `secret` signs webhook bodies and is never
    shown, logged or stored in an alert (it is excluded from `repr`).
    """

    name: str
    channel: Channel
    kinds: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    organisation_keys: frozenset[str] = frozenset()
    topics: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    min_amount: str = ""
    min_amount_gbp: float | None = None
    where: str = ""
    frequency: str = "immediate"
    on_change: bool = False
    secret: str = field(default="", repr=False)
    origin: str = "config"

    @property
    def rule(self) -> str:
        """The subscription's filters as one readable line, quoted in every alert it produces."""
        parts: list[str] = []
        if self.kinds:
            parts.append("kind in (" + ", ".join(self.kinds) + ")")
        if self.organisations:
            parts.append("organisation in (" + ", ".join(self.organisations) + ")")
        if self.topics:
            parts.append("topic in (" + ", ".join(self.topics) + ")")
        if self.keywords:
            parts.append("keyword in (" + ", ".join(repr(k) for k in self.keywords) + ")")
        if self.min_amount:
            parts.append(f"amount >= {self.min_amount}")
        if self.where:
            parts.append(f"where ({self.where})")
        return " AND ".join(parts) if parts else "every announcement"


@dataclass(frozen=True, slots=True, kw_only=True)
class Excerpt:
    """The sentence that shows a fact, with character offsets of the match in `field` of the message."""

    sentence: str
    start: int
    end: int
    field: str = "body_text"


@dataclass(frozen=True, slots=True, kw_only=True)
class MoneyFact:
    """A money figure of the announcement with its amount in pounds (upper bound of a range)."""

    gbp: float
    text: str
    currency: str
    evidence: Excerpt | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AnnouncementFacts:
    """What matching needs from one announcement version, computed once and shared by all subscriptions.

    `organisation_keys` are slugs (and acronyms) of the publishing organisations, `party_keys` slugs of
    the partnership parties, `words` answers whether a lower-case word occurs in the title or body (so
    most keyword filters are a lookup; the body is split into words only when many words are asked
    about), and `tokens` is the set of those words. `partnerships` are the announcement's partnership
    records, unchanged. `texts` holds `(field, text, lower-cased text or None)` for the title and body,
    the order keywords are looked for; `name_keys` the keys of each publishing organisation and party,
    by name as written; `partnership_evidence` the excerpts of each partnership, in the same order as
    `partnerships`.
    """

    id: str
    version: int
    title: str = ""
    body_text: str = ""
    organisations: tuple[str, ...] = ()
    organisation_keys: frozenset[str] = frozenset()
    party_keys: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    partnerships: tuple[Partnership, ...] = ()
    money: tuple[MoneyFact, ...] = ()
    texts: tuple[tuple[str, str, str | None], ...] = ()
    name_keys: Mapping[str, frozenset[str]] = field(default_factory=dict)
    partnership_evidence: tuple[tuple[Excerpt, ...], ...] = ()
    words: Words | None = field(default=None, compare=False)

    @property
    def tokens(self) -> frozenset[str]:
        """The lower-case words of title and body (none when the facts were built without `words`)."""
        return frozenset() if self.words is None else self.words.tokens


@dataclass(frozen=True, slots=True, kw_only=True)
class Reason:
    """One filter of a subscription and the fact that satisfied it.

    `field` names the filter (`kinds`, `organisations`, `topics`, `keywords`, `min_amount`, `where`),
    `rule` quotes it, `fact` says in words what matched, and `value` is the fact as data: on-change
    subscriptions compare `value` between versions.
    """

    field: str
    rule: str
    fact: str
    value: Any = None
    evidence: tuple[Excerpt, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    """A subscription that matched an announcement version, with every reason (one per filter)."""

    subscription: str
    rule: str
    announcement_id: str
    version: int
    reasons: tuple[Reason, ...] = ()

    def facts(self) -> dict[str, Any]:
        """The matched facts keyed by filter: what an on-change subscription compares between versions."""
        return {reason.field: reason.value for reason in self.reasons}
