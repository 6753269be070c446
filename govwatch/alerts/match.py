"""Match announcements against subscriptions: pure functions that say whether, and why, one matched.

1. `extract_facts` reads an announcement message once into `AnnouncementFacts` (slugs, word set, money
   in pounds), so each subscription costs a few set operations, not a scan of the text.
2. `match_subscription` applies one subscription: AND across filters, OR within a filter, and returns a
   `Match` whose reasons quote the rule and show the fact (agreement, figure, sentence and offsets).
3. `build_index` + `match_announcement` skip subscriptions that cannot match (an index on kinds,
   organisations, topics and keyword words), which keeps 1,000 subscriptions well under a millisecond.
4. `diff_facts` compares the facts of two matches, for on-change subscriptions.

The `--where` predicate is not evaluated here (DuckDB does it, see `govwatch.alerts.where`): callers
pass the names of subscriptions whose predicate held.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govwatch.alerts.data import GBP_PER_UNIT
from govwatch.alerts.records import AnnouncementFacts, Excerpt, Match, MoneyFact, Reason, Subscription
from govwatch.alerts.text import (
    find_keyword,
    keyword_pattern,
    keyword_words,
    lowered,
    organisation_keys,
    words,
)

_PATTERN_CACHE_SIZE = 8192


def to_gbp(value: float, currency: str | None) -> float | None:
    """Convert an amount to pounds with the fixed rates of `govwatch.alerts.data.GBP_PER_UNIT`.

    >>> to_gbp(2e9, "USD")
    1580000000.0
    >>> to_gbp(5.0, "JPY") is None
    True
    """
    rate = GBP_PER_UNIT.get((currency or "").upper())
    return None if rate is None else value * rate


def _excerpt(raw: Mapping[str, Any] | None) -> Excerpt | None:
    if not raw or "sentence" not in raw:
        return None
    return Excerpt(sentence=str(raw["sentence"]), start=int(raw.get("start", 0)), end=int(raw.get("end", 0)))


def _money_facts(figures: Iterable[Mapping[str, Any]]) -> tuple[MoneyFact, ...]:
    facts: list[MoneyFact] = []
    for figure in figures:
        if figure.get("kind") != "money" or figure.get("value") is None:
            continue
        amount = float(figure["value"])
        if figure.get("value_max") is not None:
            amount = max(amount, float(figure["value_max"]))
        gbp = to_gbp(amount, figure.get("currency"))
        if gbp is None:
            continue
        facts.append(
            MoneyFact(
                gbp=gbp,
                text=str(figure.get("text", "")),
                currency=str(figure.get("currency")),
                evidence=_excerpt(figure.get("evidence")),
            )
        )
    return tuple(facts)


def extract_facts(announcement: Mapping[str, Any]) -> AnnouncementFacts:
    """Read what matching needs from an announcement message (a dict shaped like the schema).

    Money figures count at their upper bound (`value_max` of a range) converted to pounds; figures in
    currencies without a fixed rate are left out.
    """
    partnerships = tuple(announcement.get("partnerships") or ())
    title = str(announcement.get("title") or "")
    body = str(announcement.get("body_text") or "")
    organisations = tuple(str(o) for o in announcement.get("organisations") or ())
    parties = [str(party) for p in partnerships for party in p.get("parties") or ()]
    return AnnouncementFacts(
        id=str(announcement["id"]),
        version=int(announcement.get("version", 1)),
        title=title,
        body_text=body,
        organisations=organisations,
        organisation_keys=organisation_keys(organisations),
        party_keys=organisation_keys(parties),
        name_keys={name: organisation_keys([name]) for name in (*organisations, *parties)},
        kinds=frozenset(str(p.get("kind")) for p in partnerships),
        topics=frozenset(str(t).lower() for t in announcement.get("topics") or ()),
        tokens=words(title) | words(body),
        partnerships=partnerships,
        money=_money_facts(announcement.get("figures") or ()),
        partnership_evidence=tuple(_partnership_excerpts(p) for p in partnerships),
        texts=(("title", title, lowered(title)), ("body_text", body, lowered(body))),
    )


def _describe_partnership(partnership: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kind": partnership.get("kind"),
        "parties": sorted(str(p) for p in partnership.get("parties") or ()),
        "status": partnership.get("status"),
    }


def _partnership_order(value: Mapping[str, Any]) -> tuple[str, list[str], str]:
    return str(value["kind"]), value["parties"], str(value["status"])


def _partnership_excerpts(partnership: Mapping[str, Any]) -> tuple[Excerpt, ...]:
    found = (_excerpt(e) for e in partnership.get("evidence") or ())
    return tuple(e for e in found if e is not None)


def _partnership_text(value: Mapping[str, Any]) -> str:
    return (
        f"{value['kind']} between {' and '.join(value['parties']) or 'unnamed parties'} ({value['status']})"
    )


def _match_kinds(sub: Subscription, facts: AnnouncementFacts, memo: dict[Any, Any]) -> Reason | None:
    chosen = [i for i, p in enumerate(facts.partnerships) if p.get("kind") in sub.kinds]
    if not chosen:
        return None
    values = [_describe_partnership(facts.partnerships[i]) for i in chosen]
    return Reason(
        field="kinds",
        rule="kind in (" + ", ".join(sub.kinds) + ")",
        fact="; ".join(_partnership_text(v) for v in values),
        value=sorted(values, key=_partnership_order),
        evidence=tuple(e for i in chosen for e in facts.partnership_evidence[i]),
    )


def _match_organisations(sub: Subscription, facts: AnnouncementFacts, memo: dict[Any, Any]) -> Reason | None:
    wanted = sub.organisation_keys
    names = facts.name_keys
    publishers = [o for o in facts.organisations if names.get(o, frozenset()) & wanted]
    parties: list[str] = []
    evidence: list[Excerpt] = []
    if facts.party_keys & wanted:
        for partnership, excerpts in zip(facts.partnerships, facts.partnership_evidence, strict=True):
            named = [p for p in partnership.get("parties") or () if names.get(str(p), frozenset()) & wanted]
            if named:
                parties.extend(str(p) for p in named)
                evidence.extend(excerpts)
    if not publishers and not parties:
        return None
    said = []
    if publishers:
        said.append("published by " + ", ".join(publishers))
    if parties:
        said.append("party to an agreement: " + ", ".join(dict.fromkeys(parties)))
    return Reason(
        field="organisations",
        rule="organisation in (" + ", ".join(sub.organisations) + ")",
        fact="; ".join(said),
        value=sorted(set(publishers) | set(parties)),
        evidence=tuple(evidence),
    )


def _match_topics(sub: Subscription, facts: AnnouncementFacts, memo: dict[Any, Any]) -> Reason | None:
    hits = sorted(t for t in sub.topics if t.lower() in facts.topics)
    if not hits:
        return None
    return Reason(
        field="topics",
        rule="topic in (" + ", ".join(sub.topics) + ")",
        fact="tagged " + ", ".join(hits),
        value=hits,
    )


@functools.lru_cache(maxsize=_PATTERN_CACHE_SIZE)
def _pattern(keyword: str) -> re.Pattern[str]:
    return keyword_pattern(keyword)


def _find(keyword: str, facts: AnnouncementFacts, memo: dict[Any, Any]) -> Excerpt | None:
    key = ("keyword", keyword)
    if key not in memo:
        present = all(word in facts.tokens for word in keyword_words(keyword))
        memo[key] = find_keyword(_pattern(keyword), keyword, facts.texts) if present else None
    found: Excerpt | None = memo[key]
    return found


def _match_keywords(sub: Subscription, facts: AnnouncementFacts, memo: dict[Any, Any]) -> Reason | None:
    hits: list[str] = []
    evidence: list[Excerpt] = []
    for keyword in sub.keywords:
        excerpt = _find(keyword, facts, memo)
        if excerpt is not None:
            hits.append(keyword)
            evidence.append(excerpt)
    if not hits:
        return None
    return Reason(
        field="keywords",
        rule="keyword in (" + ", ".join(repr(k) for k in sub.keywords) + ")",
        fact="mentions " + ", ".join(repr(k) for k in hits),
        value=sorted(hits),
        evidence=tuple(evidence),
    )


def _match_amount(sub: Subscription, facts: AnnouncementFacts, memo: dict[Any, Any]) -> Reason | None:
    threshold = sub.min_amount_gbp
    if threshold is None:
        return None
    hits = [m for m in facts.money if m.gbp >= threshold]
    if not hits:
        return None
    return Reason(
        field="min_amount",
        rule=f"amount >= {sub.min_amount} (£{threshold:,.0f})",
        fact="; ".join(f"{m.text} (≈ £{m.gbp:,.0f})" for m in hits),
        value=sorted(round(m.gbp, 2) for m in hits),
        evidence=tuple(m.evidence for m in hits if m.evidence is not None),
    )


def _match_where(sub: Subscription, facts: AnnouncementFacts) -> Reason:
    summary = {
        "partnerships": sorted(
            (_describe_partnership(p) for p in facts.partnerships), key=_partnership_order
        ),
        "max_gbp": max((round(m.gbp, 2) for m in facts.money), default=None),
    }
    return Reason(
        field="where",
        rule=f"where ({sub.where})",
        fact="the announcement record satisfies the predicate",
        value=summary,
    )


_Check = Callable[[Subscription, AnnouncementFacts, dict[Any, Any]], Reason | None]
_Plan = tuple[tuple[object, _Check], ...]
_CHECKS: tuple[tuple[str, _Check], ...] = (
    ("kinds", _match_kinds),
    ("organisations", _match_organisations),
    ("topics", _match_topics),
    ("keywords", _match_keywords),
    ("min_amount", _match_amount),
)
_MISSING = object()


def _plan(sub: Subscription) -> _Plan:
    """The subscription's active filters, each with the memo key its result is shared under."""
    return tuple(((name, getattr(sub, name)), check) for name, check in _CHECKS if getattr(sub, name))


def _interned_plans(subscriptions: Sequence[Subscription]) -> tuple[_Plan, ...]:
    """Plans whose memo keys are small integers, equal for equal filters (cheaper to hash than tuples)."""
    numbers: dict[object, int] = {}
    return tuple(
        tuple((numbers.setdefault(key, len(numbers)), check) for key, check in _plan(sub))
        for sub in subscriptions
    )


def _apply(
    sub: Subscription, plan: _Plan, rule: str, facts: AnnouncementFacts, where_ok: bool, memo: dict[Any, Any]
) -> Match | None:
    reasons: list[Reason] = []
    for key, check in plan:
        reason = memo.get(key, _MISSING)
        if reason is _MISSING:
            reason = memo[key] = check(sub, facts, memo)
        if reason is None:
            return None
        reasons.append(reason)
    if sub.where:
        if not where_ok:
            return None
        reasons.append(_match_where(sub, facts))
    if not reasons:
        return None
    return Match(
        subscription=sub.name,
        rule=rule,
        announcement_id=facts.id,
        version=facts.version,
        reasons=tuple(reasons),
    )


def match_subscription(
    sub: Subscription, facts: AnnouncementFacts, *, where_ok: bool = False, memo: dict[Any, Any] | None = None
) -> Match | None:
    """Apply one subscription to one announcement version; None when any of its filters fails.

    Args:
        sub: the subscription.
        facts: the announcement, read by `extract_facts`.
        where_ok: whether the subscription's `--where` predicate held (ignored when it has none).
        memo: results of filters already applied to this same announcement, keyed by the filter's values;
            subscriptions that share a filter (many say `--kind mou`) then share its reason.

    Returns:
        A `Match` with one reason per filter of the subscription, or None.
    """
    return _apply(sub, _plan(sub), sub.rule, facts, where_ok, {} if memo is None else memo)


@dataclass(frozen=True, slots=True)
class MatchIndex:
    """Subscriptions by one of their filter values: only those whose value occurs need a full check."""

    subscriptions: tuple[Subscription, ...]
    by_kind: Mapping[str, tuple[int, ...]]
    by_organisation: Mapping[str, tuple[int, ...]]
    by_topic: Mapping[str, tuple[int, ...]]
    by_word: Mapping[str, tuple[int, ...]]
    always: tuple[int, ...]
    plans: tuple[_Plan, ...] = ()
    rules: tuple[str, ...] = ()


def build_index(subscriptions: Sequence[Subscription]) -> MatchIndex:
    """Index each subscription under its most selective filter: organisations, else keywords (by their
    first word), else kinds, else topics — the last two have few values, so many announcements share them.

    A subscription can only match when one value of that filter occurs in the announcement, because
    filters combine with AND; those with only `--min-amount` or `--where` are always checked.
    """
    tables: dict[str, defaultdict[str, list[int]]] = {
        name: defaultdict(list) for name in ("kind", "organisation", "topic", "word")
    }
    always: list[int] = []
    for i, sub in enumerate(subscriptions):
        first_words = [keyword_words(k)[:1] for k in sub.keywords]
        if sub.organisation_keys:
            keys, table = tuple(sub.organisation_keys), tables["organisation"]
        elif sub.keywords and all(first_words):
            keys, table = tuple(w[0] for w in first_words), tables["word"]
        elif sub.kinds:
            keys, table = sub.kinds, tables["kind"]
        elif sub.topics:
            keys, table = tuple(t.lower() for t in sub.topics), tables["topic"]
        else:
            always.append(i)
            continue
        for key in dict.fromkeys(keys):
            table[key].append(i)
    frozen = {name: {k: tuple(v) for k, v in table.items()} for name, table in tables.items()}
    return MatchIndex(
        subscriptions=tuple(subscriptions),
        by_kind=frozen["kind"],
        by_organisation=frozen["organisation"],
        by_topic=frozen["topic"],
        by_word=frozen["word"],
        always=tuple(always),
        plans=_interned_plans(subscriptions),
        rules=tuple(sub.rule for sub in subscriptions),
    )


def _lookup(table: Mapping[str, tuple[int, ...]], keys: Collection[str], into: set[int]) -> None:
    if len(table) < len(keys):
        for key, ids in table.items():
            if key in keys:
                into.update(ids)
    else:
        for key in keys:
            into.update(table.get(key, ()))


def match_announcement(
    index: MatchIndex, facts: AnnouncementFacts, where_hits: Collection[str] = frozenset()
) -> tuple[Match, ...]:
    """Every subscription of the index that matches the announcement, in subscription order.

    Args:
        index: from `build_index`.
        facts: from `extract_facts`.
        where_hits: names of the subscriptions whose `--where` predicate held for this announcement.
    """
    candidates = set(index.always)
    _lookup(index.by_kind, facts.kinds, candidates)
    _lookup(index.by_organisation, facts.organisation_keys | facts.party_keys, candidates)
    _lookup(index.by_topic, facts.topics, candidates)
    _lookup(index.by_word, facts.tokens, candidates)
    matches: list[Match] = []
    memo: dict[Any, Any] = {}
    for i in sorted(candidates):
        sub = index.subscriptions[i]
        found = _apply(sub, index.plans[i], index.rules[i], facts, sub.name in where_hits, memo)
        if found is not None:
            matches.append(found)
    return tuple(matches)


def diff_facts(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What changed between the matched facts of two versions, as `{field, before, after}` entries.

    Both sides must be plain JSON values (lists, not tuples), as stored.

    >>> diff_facts({"min_amount": [1e8]}, {"min_amount": [1.5e8]})
    [{'field': 'min_amount', 'before': [100000000.0], 'after': [150000000.0]}]
    >>> diff_facts({"kinds": [1]}, {"kinds": [1]})
    []
    """
    changes = []
    for field_name in sorted(set(before) | set(after)):
        if before.get(field_name) != after.get(field_name):
            changes.append(
                {"field": field_name, "before": before.get(field_name), "after": after.get(field_name)}
            )
    return changes
