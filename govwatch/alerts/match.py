"""Match announcements against subscriptions: pure functions that say whether, and why, one matched.

1. `extract_facts` reads an announcement message once into `AnnouncementFacts` (slugs, money in pounds,
   a lazy word lookup), so each subscription costs a few set operations, not a scan of the text.
2. `match_subscription` applies one subscription: AND across filters, OR within a filter, and returns a
   `Match` whose reasons quote the rule and show the fact (agreement, figure, sentence and offsets).
3. `build_index` + `match_announcement` skip subscriptions that cannot match (an index on kinds,
   organisations, topics and keyword words), test each distinct filter once (kind, organisation and
   topic filters all at once, from tables of their values) and write each reason once, which keeps
   1,000 subscriptions under a millisecond per announcement even when 180 of them match.
4. `diff_facts` compares the facts of two matches, for on-change subscriptions.

The `--where` predicate is not evaluated here (DuckDB does it, see `govwatch.alerts.where`): callers
pass the names of subscriptions whose predicate held.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from govwatch.alerts.data import GBP_PER_UNIT
from govwatch.alerts.records import (
    AnnouncementFacts,
    Excerpt,
    Match,
    MoneyFact,
    Reason,
    Subscription,
)
from govwatch.alerts.text import (
    SEARCHES_BEFORE_TOKENISING,
    WordLookup,
    find_keyword,
    keyword_pattern,
    keyword_words,
    lowered,
    organisation_keys,
)

_PATTERN_CACHE_SIZE = 8192
#: What a reason says about the facts it selected: (fact, value, evidence), shared by equal selections.
_Said = tuple[str, Any, tuple[Excerpt, ...]]


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
    currencies without a fixed rate are left out. The body is not split into words here: `words` looks
    words up when a keyword filter asks (see `WordLookup`).
    """
    partnerships = tuple(announcement.get("partnerships") or ())
    title = str(announcement.get("title") or "")
    body = str(announcement.get("body_text") or "")
    title_low, body_low = title.lower(), body.lower()
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
        partnerships=partnerships,
        money=_money_facts(announcement.get("figures") or ()),
        partnership_evidence=tuple(_partnership_excerpts(p) for p in partnerships),
        texts=(("title", title, lowered(title, title_low)), ("body_text", body, lowered(body, body_low))),
        words=WordLookup((title_low, body_low)),
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


def _rule(name: str, sub: Subscription) -> str:
    """How a reason quotes the subscription's filter `name`.

    >>> from govwatch.alerts.records import Channel
    >>> sub = Subscription(name="s", channel=Channel(kind="stdout"), keywords=("GPU", "data centre"))
    >>> _rule("keywords", sub)
    "keyword in ('GPU', 'data centre')"
    """
    if name == "min_amount":
        return f"amount >= {sub.min_amount} (£{sub.min_amount_gbp or 0:,.0f})"
    values = getattr(sub, name)
    shown = (repr(v) for v in values) if name == "keywords" else values
    return f"{name.removesuffix('s')} in (" + ", ".join(shown) + ")"


def _shared(memo: dict[Any, Any], key: tuple[Any, ...], build: Callable[[], _Said]) -> _Said:
    """What a reason says about a selection of facts, built once per announcement and selection.

    Keys start with "said", apart from the filter keys (`(name, values)`) and keyword keys in `memo`.
    """
    said: _Said | None = memo.get(key)
    if said is None:
        said = memo[key] = build()
    return said


def _match_kinds(
    sub: Subscription, facts: AnnouncementFacts, memo: dict[Any, Any], rule: str
) -> Reason | None:
    chosen = tuple(i for i, p in enumerate(facts.partnerships) if p.get("kind") in sub.kinds)
    if not chosen:
        return None

    def build() -> _Said:
        values = [_describe_partnership(facts.partnerships[i]) for i in chosen]
        return (
            "; ".join(_partnership_text(v) for v in values),
            sorted(values, key=_partnership_order),
            tuple(e for i in chosen for e in facts.partnership_evidence[i]),
        )

    fact, value, evidence = _shared(memo, ("said", "kinds", chosen), build)
    return Reason(
        field="kinds",
        rule=rule,
        fact=fact,
        value=value,
        evidence=evidence,
    )


def _match_organisations(
    sub: Subscription, facts: AnnouncementFacts, memo: dict[Any, Any], rule: str
) -> Reason | None:
    wanted = sub.organisation_keys
    names = facts.name_keys
    publishers = tuple(o for o in facts.organisations if names.get(o, _NO_WORDS) & wanted)
    parties: list[str] = []
    chosen: list[int] = []
    if facts.party_keys & wanted:
        for i, partnership in enumerate(facts.partnerships):
            named = [p for p in partnership.get("parties") or () if names.get(str(p), _NO_WORDS) & wanted]
            if named:
                parties.extend(str(p) for p in named)
                chosen.append(i)
    if not publishers and not parties:
        return None

    def build() -> _Said:
        said = []
        if publishers:
            said.append("published by " + ", ".join(publishers))
        if parties:
            said.append("party to an agreement: " + ", ".join(dict.fromkeys(parties)))
        evidence = tuple(e for i in chosen for e in facts.partnership_evidence[i])
        return "; ".join(said), sorted(set(publishers) | set(parties)), evidence

    fact, value, evidence = _shared(
        memo, ("said", "organisations", publishers, tuple(parties), tuple(chosen)), build
    )
    return Reason(
        field="organisations",
        rule=rule,
        fact=fact,
        value=value,
        evidence=evidence,
    )


def _match_topics(
    sub: Subscription, facts: AnnouncementFacts, memo: dict[Any, Any], rule: str
) -> Reason | None:
    hits = sorted(t for t in sub.topics if t.lower() in facts.topics)
    if not hits:
        return None
    return Reason(
        field="topics",
        rule=rule,
        fact="tagged " + ", ".join(hits),
        value=hits,
    )


@functools.lru_cache(maxsize=_PATTERN_CACHE_SIZE)
def _pattern(keyword: str) -> re.Pattern[str]:
    return keyword_pattern(keyword)


def _find(keyword: str, facts: AnnouncementFacts, memo: dict[Any, Any]) -> Excerpt | None:
    key = ("keyword", keyword)
    if key not in memo:
        words = facts.words if facts.words is not None else _NO_WORDS
        present = all(word in words for word in keyword_words(keyword))
        memo[key] = find_keyword(_pattern(keyword), keyword, facts.texts) if present else None
    found: Excerpt | None = memo[key]
    return found


def _match_keywords(
    sub: Subscription, facts: AnnouncementFacts, memo: dict[Any, Any], rule: str
) -> Reason | None:
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
        rule=rule,
        fact="mentions " + ", ".join(repr(k) for k in hits),
        value=sorted(hits),
        evidence=tuple(evidence),
    )


def _match_amount(
    sub: Subscription, facts: AnnouncementFacts, memo: dict[Any, Any], rule: str
) -> Reason | None:
    threshold = sub.min_amount_gbp
    if threshold is None:
        return None
    hits = tuple(i for i, m in enumerate(facts.money) if m.gbp >= threshold)
    if not hits:
        return None

    def build() -> _Said:
        money = [facts.money[i] for i in hits]
        return (
            "; ".join(f"{m.text} (≈ £{m.gbp:,.0f})" for m in money),
            sorted(round(m.gbp, 2) for m in money),
            tuple(m.evidence for m in money if m.evidence is not None),
        )

    fact, value, evidence = _shared(memo, ("said", "min_amount", hits), build)
    return Reason(
        field="min_amount",
        rule=rule,
        fact=fact,
        value=value,
        evidence=evidence,
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


_Check = Callable[[Subscription, AnnouncementFacts, dict[Any, Any], str], Reason | None]
_Plan = tuple[tuple[tuple[str, object], _Check], ...]
#: Each filter: its name, whether `match_announcement` tests it from the announcement's values in the
#: index's tables (see `_passing`) rather than by its check, and the check, which gives its reason or None.
_CHECKS: tuple[tuple[str, bool, _Check], ...] = (
    ("kinds", True, _match_kinds),
    ("organisations", True, _match_organisations),
    ("topics", True, _match_topics),
    ("keywords", False, _match_keywords),
    ("min_amount", False, _match_amount),
)
_MISSING = object()
_NO_WORDS: frozenset[str] = frozenset()


def _plan(sub: Subscription) -> _Plan:
    """The subscription's active filters, each with the memo key its result is shared under."""
    return tuple(((name, getattr(sub, name)), check) for name, _, check in _CHECKS if getattr(sub, name))


def _apply(
    sub: Subscription, plan: _Plan, rule: str, facts: AnnouncementFacts, where_ok: bool, memo: dict[Any, Any]
) -> Match | None:
    reasons: list[Reason] = []
    for key, check in plan:
        reason = memo.get(key, _MISSING)
        if reason is _MISSING:
            reason = memo[key] = check(sub, facts, memo, _rule(key[0], sub))
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


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexedFilter:
    """One distinct filter of the indexed subscriptions (equal filters of several subscriptions share it).

    `by_value` tells that the index's value tables say whether it holds (else its check does), `check`
    builds its reason, quoting `rule`, for `subscription`, the first subscription that has it.
    """

    by_value: bool
    check: _Check
    rule: str
    subscription: Subscription


@dataclass(frozen=True, slots=True)
class MatchIndex:
    """Subscriptions by one of their filter values: only those whose value occurs need a full check.

    `filters` holds every distinct filter once; `needs` are, per subscription, its kind, organisation and
    topic filters (positions in `filters`), which hold exactly when the announcement's kinds, organisation
    keys and topics select them in `filters_by_kind`, `..._by_organisation`, `..._by_topic`; `checks` are
    its other filters, checked one by one. Subscriptions that share a filter share its test and reason.
    """

    subscriptions: tuple[Subscription, ...]
    by_kind: Mapping[str, tuple[int, ...]]
    by_organisation: Mapping[str, tuple[int, ...]]
    by_topic: Mapping[str, tuple[int, ...]]
    by_word: Mapping[str, tuple[int, ...]]
    always: tuple[int, ...]
    rules: tuple[str, ...] = ()
    filters: tuple[IndexedFilter, ...] = ()
    plans: tuple[tuple[int, ...], ...] = ()
    needs: tuple[frozenset[int], ...] = ()
    checks: tuple[tuple[int, ...], ...] = ()
    filters_by_kind: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    filters_by_organisation: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    filters_by_topic: Mapping[str, tuple[int, ...]] = field(default_factory=dict)


def _filter_values(name: str, sub: Subscription) -> Iterable[str]:
    """The values an announcement must have one of for the subscription's filter `name` to hold."""
    if name == "organisations":
        return sub.organisation_keys
    if name == "topics":
        return (t.lower() for t in sub.topics)
    return sub.kinds


def _index_filters(subscriptions: Sequence[Subscription]) -> dict[str, Any]:
    """Every distinct filter once, each subscription's filters as positions among them, and value tables."""
    numbers: dict[tuple[str, object], int] = {}
    filters: list[IndexedFilter] = []
    plans: list[tuple[int, ...]] = []
    tables: dict[str, defaultdict[str, list[int]]] = {
        name: defaultdict(list) for name in ("kinds", "organisations", "topics")
    }
    for sub in subscriptions:
        plan: list[int] = []
        for name, by_value, check in _CHECKS:
            value = getattr(sub, name)
            if not value:
                continue
            if (name, value) not in numbers:
                number = numbers[name, value] = len(filters)
                rule = _rule(name, sub)
                filters.append(IndexedFilter(by_value=by_value, check=check, rule=rule, subscription=sub))
                if by_value:
                    for key in set(_filter_values(name, sub)):
                        tables[name][key].append(number)
            plan.append(numbers[name, value])
        plans.append(tuple(plan))
    return {
        "filters": tuple(filters),
        "plans": tuple(plans),
        "needs": tuple(frozenset(n for n in plan if filters[n].by_value) for plan in plans),
        "checks": tuple(tuple(n for n in plan if not filters[n].by_value) for plan in plans),
        "filters_by_kind": {k: tuple(v) for k, v in tables["kinds"].items()},
        "filters_by_organisation": {k: tuple(v) for k, v in tables["organisations"].items()},
        "filters_by_topic": {k: tuple(v) for k, v in tables["topics"].items()},
    }


def _passing(index: MatchIndex, facts: AnnouncementFacts) -> set[int]:
    """The kind, organisation and topic filters that hold for the announcement, found from its values.

    A kind filter holds when a partnership's kind is one of its kinds; a topic filter when a tag is one
    of its topics (any case); an organisation filter when a publisher's keys meet its keys, or a party's
    keys do and so do the announcement's `party_keys` (the same conditions as the checks).
    """
    found: set[int] = set()
    for partnership in facts.partnerships:
        kind = partnership.get("kind")
        if isinstance(kind, str):
            found.update(index.filters_by_kind.get(kind, ()))
    for topic in facts.topics:
        found.update(index.filters_by_topic.get(topic, ()))
    table, names = index.filters_by_organisation, facts.name_keys
    for key in frozenset().union(*(names.get(o, _NO_WORDS) for o in facts.organisations)):
        found.update(table.get(key, ()))
    if facts.party_keys:
        parties = (str(p) for partnership in facts.partnerships for p in partnership.get("parties") or ())
        by_party_keys: set[int] = set()
        for key in facts.party_keys:
            by_party_keys.update(table.get(key, ()))
        by_party_names: set[int] = set()
        for key in frozenset().union(*(names.get(party, _NO_WORDS) for party in parties)):
            by_party_names.update(table.get(key, ()))
        found |= by_party_keys & by_party_names
    return found


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
        rules=tuple(sub.rule for sub in subscriptions),
        **_index_filters(subscriptions),
    )


def _lookup(table: Mapping[str, tuple[int, ...]], keys: Collection[str], into: set[int]) -> None:
    if len(table) < len(keys):
        for key, ids in table.items():
            if key in keys:
                into.update(ids)
    else:
        for key in keys:
            into.update(table.get(key, ()))


def _candidates(index: MatchIndex, facts: AnnouncementFacts) -> list[int]:
    """The subscriptions whose indexed filter has a value in the announcement, in subscription order."""
    found = set(index.always)
    _lookup(index.by_kind, facts.kinds, found)
    _lookup(index.by_organisation, facts.organisation_keys | facts.party_keys, found)
    _lookup(index.by_topic, facts.topics, found)
    if index.by_word:
        words: Container[str] = _NO_WORDS if facts.words is None else facts.words
        if facts.words is not None and len(index.by_word) > SEARCHES_BEFORE_TOKENISING:
            words = facts.words.tokens  # many words to look for: split the text once instead
        for word, ids in index.by_word.items():
            if word in words:
                found.update(ids)
    return sorted(found)


def _reasons(
    index: MatchIndex, plan: tuple[int, ...], facts: AnnouncementFacts, memo: dict[Any, Any], built: list[Any]
) -> tuple[Reason, ...] | None:
    """The reasons of a subscription whose filters all hold, each filter's reason built once."""
    found: list[Reason] = []
    for number in plan:
        reason = built[number]
        if reason is _MISSING:
            kept = index.filters[number]
            reason = built[number] = kept.check(kept.subscription, facts, memo, kept.rule)
        if reason is None:  # never, when the value tables agree with the checks
            return None
        found.append(reason)
    return tuple(found)


def match_announcement(
    index: MatchIndex, facts: AnnouncementFacts, where_hits: Collection[str] = frozenset()
) -> tuple[Match, ...]:
    """Every subscription of the index that matches the announcement, in subscription order.

    The same matches as `match_subscription` over every subscription, for less work: only candidates of
    the index are looked at; kind, organisation and topic filters are tested all at once from the
    announcement's values (`_passing`, no text built), the others checked once each; and a filter's
    reason is written once, shared by all subscriptions that have it.

    Args:
        index: from `build_index`.
        facts: from `extract_facts`.
        where_hits: names of the subscriptions whose `--where` predicate held for this announcement.
    """
    filters = index.filters
    passing = _passing(index, facts)
    built: list[Any] = [_MISSING] * len(filters)
    memo: dict[Any, Any] = {}
    matches: list[Match] = []
    for i in _candidates(index, facts):
        if not index.needs[i] <= passing:
            continue
        sub = index.subscriptions[i]
        if sub.where and sub.name not in where_hits:
            continue
        plan = index.plans[i]
        if not plan and not sub.where:
            continue
        for number in index.checks[i]:
            reason = built[number]
            if reason is _MISSING:
                kept = filters[number]
                reason = built[number] = kept.check(kept.subscription, facts, memo, kept.rule)
            if reason is None:
                break
        else:
            found = _reasons(index, plan, facts, memo, built)
            if found is None:
                continue
            if sub.where:
                found = (*found, _match_where(sub, facts))
            matches.append(
                Match(
                    subscription=sub.name,
                    rule=index.rules[i],
                    announcement_id=facts.id,
                    version=facts.version,
                    reasons=found,
                )
            )
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
