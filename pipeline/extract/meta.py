"""Page metadata any newsroom exposes: meta tags, dates, canonical URL, language.

Dates are normalised to one form so that the Content API, GOV.UK meta tags, visible page dates and other
newsrooms can be compared as strings: a date-time becomes UTC `YYYY-MM-DDTHH:MM:SSZ`, a bare date stays
`YYYY-MM-DD`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

from lxml import html

from govwatch.connectors.dates import is_plausible, normalise_timestamp
from govwatch.pipeline.extract.xpaths import (
    FROM_LABEL,
    FROM_LABEL_START,
    JSONLD_DATE,
    MAX_DATE_LABEL_CHARS,
    MAX_FROM_LABEL_CHARS,
    ORGANISATION_META,
    STOPWORDS,
)

log = logging.getLogger(__name__)

_ISO = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS_FOR_LANGUAGE = 30


def normalise_date(text: str | None) -> str | None:
    """Normalise an ISO 8601 or English written date; None when it is not a date.

    >>> normalise_date("2025-07-21T09:00:00.000+01:00")
    '2025-07-21T08:00:00Z'
    >>> normalise_date("2025-07-21")
    '2025-07-21'
    >>> normalise_date("Published 21 July 2025"), normalise_date("July 3, 2025")
    ('2025-07-21', '2025-07-03')
    >>> normalise_date("soon") is None
    True
    """
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        return _from_iso(match)
    for pattern, order in ((_DAY_MONTH_YEAR, (0, 1, 2)), (_MONTH_DAY_YEAR, (1, 0, 2))):
        for found in pattern.finditer(text):
            day, month, year = (found.group(i + 1) for i in order)
            number = _MONTHS.get(month.lower())
            if number is not None and _is_real_day(int(year), number, int(day)):
                return f"{int(year):04d}-{number:02d}-{int(day):02d}"
    return None


def _is_real_day(year: int, month: int, day: int) -> bool:
    """A calendar day in a plausible year ("31 February" and "1 January 0001" are not).

    >>> _is_real_day(2024, 2, 29), _is_real_day(2025, 2, 29), _is_real_day(1, 1, 1)
    (True, False, False)
    """
    try:
        return is_plausible(datetime(year, month, day))
    except ValueError:
        return False


def _from_iso(match: re.Match[str]) -> str | None:
    """Build the normalised form from an `_ISO` match (UTC when a time is present)."""
    year, month, day, hour, minute, second, zone = match.groups()
    if hour is None:
        return f"{year}-{month}-{day}" if _is_real_day(int(year), int(month), int(day)) else None
    return normalise_timestamp(f"{year}-{month}-{day}T{hour}:{minute}:{second or '00'}{_zone(zone)}")


def _zone(zone: str | None) -> str:
    """ISO offset for `datetime.fromisoformat` ("Z" and "+0100" forms accepted; none means UTC)."""
    if not zone or zone == "Z":
        return "+00:00"
    return zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"


def meta_values(tree: html.HtmlElement) -> dict[str, str]:
    """Map lower-cased meta `name`/`property`/`itemprop` to content (first occurrence wins)."""
    found: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = meta.get("name") or meta.get("property") or meta.get("itemprop") or meta.get("http-equiv")
        content = meta.get("content")
        if key and content is not None:
            found.setdefault(key.strip().lower(), content.strip())
    return found


def first_date(meta: dict[str, str], names: tuple[str, ...]) -> str | None:
    """The first of `names` present in `meta` that holds a date, normalised."""
    for name in names:
        date = normalise_date(meta.get(name))
        if date:
            return date
    return None


def jsonld_dates(tree: html.HtmlElement) -> dict[str, str]:
    """`datePublished`/`dateModified` from JSON-LD scripts, normalised (regex: no JSON parse needed)."""
    dates: dict[str, str] = {}
    for script in tree.xpath("//script[@type='application/ld+json']"):
        for key, value in JSONLD_DATE.findall(script.text or ""):
            date = normalise_date(value)
            if date:
                dates.setdefault(key, date)
    return dates


def time_element_date(tree: html.HtmlElement) -> str | None:
    """The first `<time datetime>` inside an article or main element, normalised."""
    for value in tree.xpath("(//article//time/@datetime | //main//time/@datetime)"):
        date = normalise_date(str(value))
        if date:
            return date
    return None


_SKIPPED_TEXT_TAGS = frozenset(("script", "style", "title", "head"))


def _labelled_elements(tree: html.HtmlElement, label: re.Pattern[str]) -> Iterator[html.HtmlElement]:
    """Elements whose own text starts with `label`, then the element around each (the label may be a
    `<span>` inside the element that holds the value). One pass in Python: an XPath test of every text
    node was several times slower."""
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _SKIPPED_TEXT_TAGS:
            continue
        text = element.text
        if text and label.match(text):
            yield element
            parent = element.getparent()
            if parent is not None:
                yield parent


def labelled_date(tree: html.HtmlElement, label: re.Pattern[str]) -> str | None:
    """The date after a visible label such as "Last updated:" (`label` captures the text after it).

    For newsrooms that state a date only on the page: the label and date may share one short element
    ("First published: 3 March 2025"), the date may be a `<time datetime>` beside a label `<span>`, or
    the next element (`<dt>Last updated</dt><dd>5 March 2025</dd>`).

    >>> from govwatch.pipeline.extract.xpaths import PUBLISHED_LABEL, UPDATED_LABEL
    >>> page = html.document_fromstring(
    ...     "<body><div>First published: 3 March 2025</div><p><span>Last updated on:</span> "
    ...     '<time datetime="2025-03-05T10:00:00Z">5 March</time></p></body>')
    >>> labelled_date(page, PUBLISHED_LABEL), labelled_date(page, UPDATED_LABEL)
    ('2025-03-03', '2025-03-05T10:00:00Z')
    """
    for node in _labelled_elements(tree, label):
        date = _date_after_label(node, label)
        if date:
            return date
    return None


def _date_after_label(node: html.HtmlElement, label: re.Pattern[str]) -> str | None:
    """The date `node` states after its label, else the date of the element that follows it."""
    content = " ".join(node.text_content().split())
    match = label.match(content) if len(content) <= MAX_DATE_LABEL_CHARS else None
    if match is None:
        return None
    if match.group(1):
        return _time_or_text_date(node)
    following = node.getnext()
    return _time_or_text_date(following) if following is not None else None


def _time_or_text_date(node: html.HtmlElement) -> str | None:
    """A node's `<time datetime>` (the exact form), else the date written in its (short) text."""
    for value in node.xpath("descendant-or-self::time/@datetime"):
        date = normalise_date(str(value))
        if date:
            return date
    return normalise_date(" ".join(node.text_content().split())[:MAX_DATE_LABEL_CHARS])


def organisations_from_meta(
    meta: dict[str, str], names: tuple[str, ...] = ORGANISATION_META
) -> tuple[str, ...]:
    """Publisher names from the first of the meta tags `names` present (Dublin Core by default)."""
    for name in names:
        value = meta.get(name, "").strip()
        if value:
            return tuple(part.strip() for part in value.split(";") if part.strip())
    return ()


def labelled_organisations(tree: html.HtmlElement) -> tuple[str, ...]:
    """Organisations a page names after a visible "From:" label: its links, else its comma-separated text.

    >>> labelled_organisations(html.document_fromstring(
    ...     '<body><p><span>From:</span> <a href="/en/dept/">Department of Health</a></p></body>'))
    ('Department of Health',)
    >>> labelled_organisations(html.document_fromstring("<body><p>From: HM Treasury and DWP</p></body>"))
    ('HM Treasury', 'DWP')
    """
    for node in _labelled_elements(tree, FROM_LABEL_START):
        content = " ".join(node.text_content().split())
        match = FROM_LABEL.match(content) if len(content) <= MAX_FROM_LABEL_CHARS else None
        if match is None:
            continue
        links = [" ".join(link.text_content().split()) for link in node.iter("a")]
        names = [name for name in links if name] or [
            name.strip() for name in match.group(1).replace(" and ", ", ").split(",")
        ]
        return tuple(dict.fromkeys(name for name in names if name))
    return ()


def canonical_url(tree: html.HtmlElement, meta: dict[str, str], url: str | None) -> str | None:
    """`<link rel="canonical">`, else `og:url`, else the URL the page was fetched from."""
    for href in tree.xpath("//link[@rel='canonical']/@href"):
        if str(href).strip():
            return str(href).strip()
    return meta.get("og:url") or url


def declared_language(tree: html.HtmlElement, meta: dict[str, str]) -> str | None:
    """Primary language subtag the page declares (`<html lang>`, Content-Language, `og:locale`).

    >>> declared_language(html.document_fromstring('<html lang="en-GB"><p>x</p></html>'), {})
    'en'
    """
    value = tree.get("lang") or tree.get("xml:lang") or meta.get("content-language") or meta.get("og:locale")
    return primary_language(value)


def primary_language(value: str | None) -> str | None:
    """Lower-cased primary subtag of a language tag ("en-GB", "en_GB" and "EN" all give "en")."""
    if not value:
        return None
    primary = re.split(r"[-_,;\s]", value.strip(), maxsplit=1)[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def guess_language(text: str) -> str | None:
    """Guess a text's language from stop words; None when there are too few words to tell.

    >>> guess_language("The minister said that the plan will be published in the spring " * 3)
    'en'
    >>> guess_language("Le ministre a dit que le plan sera publié dans les prochains mois pour la " * 3)
    'fr'
    """
    words = [word.lower() for word in _WORD.findall(text[:20_000])]
    if len(words) < MIN_WORDS_FOR_LANGUAGE:
        return None
    counts = Counter(words)
    scores = {lang: sum(counts[word] for word in stop) for lang, stop in STOPWORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] else None
