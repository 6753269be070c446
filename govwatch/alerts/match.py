"""Match announcements against subscriptions: pure functions that say whether, and why, one matched.

1. `extract_facts` reads an `Announcement` record once into `AnnouncementFacts` (slugs, money in pounds,
   a lazy word lookup), so each subscription costs a few set operations, not a scan of the text.
2. `match_subscription` applies one subscription: AND across filters, OR within a filter, and returns a
   `Match` whose reasons quote the rule and show the fact (agreement, figure, sentence and offsets).
3. `diff_facts` compares the facts of two matches, for on-change subscriptions.

Matching many subscriptions at once goes through `govwatch.alerts.index` (`build_index` +
`match_announcement`), which uses the filter checks of this module and gives the same matches.

The `--where` predicate is not evaluated here (DuckDB does it, see `govwatch.alerts.where`): callers
pass the names of subscriptions whose predicate held.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
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
    WordLookup,
    find_keyword,
    keyword_pattern,
    keyword_words,
    lowered,
    organisation_keys,
)
from govwatch.pipeline.records import Announcement, Evidence, Figure, Partnership

_PATTERN_CACHE_SIZE = 8192
#: What a reason says about the facts it selected: (fact, value, evidence), shared by equal selections.
_Said = tuple[str, Any, tuple[Excerpt, ...]]


def to_gbp(value: float, currency: str | None) -> float | None:
    """Convert an amount to pounds with the fixed rates of `govwatch.alerts.data.GBP_PER_UNIT`.

    >>> to_gbp(2e9, "USD")
    1580000000.0
    >>> to_gbp(5.0, "INR") is None  # no fixed rate
    True
    """
    rate = GBP_PER_UNIT.get((currency or "").upper())
    return None if rate is None else value * rate


def _excerpt(evidence: Evidence | None) -> Excerpt | None:
    if evidence is None:
        return None
    return Excerpt(sentence=evidence.sentence, start=evidence.start, end=evidence.end)


def _money_facts(figures: Iterable[Figure]) -> tuple[MoneyFact, ...]:
    facts: list[MoneyFact] = []
    for figure in figures:
        if figure.kind != "money" or figure.value is None:
            continue
        amount = float(figure.value)
        if figure.value_max is not None:
            amount = max(amount, float(figure.value_max))
        gbp = to_gbp(amount, figure.currency)
        if gbp is None:
            continue
        facts.append(
            MoneyFact(
                gbp=gbp,
                text=figure.text,
                currency=str(figure.currency),
                evidence=_excerpt(figure.evidence),
            )
        )
    return tuple(facts)


def extract_facts(announcement: Announcement) -> AnnouncementFacts:
    """Read what matching needs from an announcement record (see `read_announcement`).

    Money figures count at their upper bound (`value_max` of a range) converted to pounds; figures in
    currencies without a fixed rate are left out. The body is not split into words here: `words` looks
    words up when a keyword filter asks (see `WordLookup`).
    """
    partnerships = announcement.partnerships
    title, body = announcement.title, announcement.body_text
    title_low, body_low = title.lower(), body.lower()
    organisations = announcement.organisations
    parties = [party for p in partnerships for party in p.parties]
    return AnnouncementFacts(
        id=announcement.id,
        version=announcement.version,
        title=title,
        body_text=body,
        organisations=organisations,
        organisation_keys=organisation_keys(organisations),
        party_keys=organisation_keys(parties),
        name_keys={name: organisation_keys([name]) for name in (*organisations, *parties)},
        kinds=frozenset(p.kind for p in partnerships),
        topics=frozenset(t.lower() for t in announcement.topics),
        partnerships=partnerships,
        money=_money_facts(announcement.figures),
        partnership_evidence=tuple(_partnership_excerpts(p) for p in partnerships),
        texts=(("title", title, lowered(title, title_low)), ("body_text", body, lowered(body, body_low))),
        words=WordLookup((title_low, body_low)),
    )


def _describe_partnership(partnership: Partnership) -> dict[str, Any]:
    return {"kind": partnership.kind, "parties": sorted(partnership.parties), "status": partnership.status}


def _partnership_order(value: Mapping[str, Any]) -> tuple[str, list[str], str]:
    return str(value["kind"]), value["parties"], str(value["status"])


def _partnership_excerpts(partnership: Partnership) -> tuple[Excerpt, ...]:
    found = (_excerpt(e) for e in partnership.evidence)
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


def _shared_reason(
    memo: dict[Any, Any], field: str, rule: str, selection: tuple[Any, ...], build: Callable[[], _Said]
) -> Reason:
    """The reason of filter `field` for a selection of facts; what it says is built once per announcement
    and selection, however many subscriptions select the same facts.

    Keys start with "said", apart from the filter keys (`(name, values)`) and keyword keys in `memo`.
    """
    key = ("said", field, *selection)
    said: _Said | None = memo.get(key)
    if said is None:
        said = memo[key] = build()
    fact, value, evidence = said
    return Reason(field=field, rule=rule, fact=fact, value=value, evidence=evidence)


def _match_kinds(
    sub: Subscription, facts: AnnouncementFacts, memo: dict[Any, Any], rule: str
) -> Reason | None:
    chosen = tuple(i for i, p in enumerate(facts.partnerships) if p.kind in sub.kinds)
    if not chosen:
        return None

    def build() -> _Said:
        values = [_describe_partnership(facts.partnerships[i]) for i in chosen]
        return (
            "; ".join(_partnership_text(v) for v in values),
            sorted(values, key=_partnership_order),
            tuple(e for i in chosen for e in facts.partnership_evidence[i]),
        )

    return _shared_reason(memo, "kinds", rule, (chosen,), build)


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
            named = [p for p in partnership.parties if names.get(p, _NO_WORDS) & wanted]
            if named:
                parties.extend(named)
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

    return _shared_reason(memo, "organisations", rule, (publishers, tuple(parties), tuple(chosen)), build)


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

    return _shared_reason(memo, "min_amount", rule, (hits,), build)


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
#: Each filter: its name, whether `govwatch.alerts.index.match_announcement` tests it from the announcement's
#: values in the index's tables (see `_passing` there) rather than by its check, and the check, which gives
#: its reason or None.
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
