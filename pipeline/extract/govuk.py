"""GOV.UK specifics: metadata of pages rendered by GOV.UK's frontend, and Content API items.

GOV.UK's frontend renders the same fields the Content API serves: `govuk:*` meta tags carry the
format and dates, the title component (`gem-c-title`) the title, the lead paragraph the summary, the
metadata component (`gem-c-metadata`, "From:" / "Published" / "Last updated"; on older pages the
`metadata-list` with "First published:") the organisations and visible dates, and the govspeak component
the body. Reading those nodes directly is both more exact and
faster than general-purpose boilerplate removal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import html

from govwatch.pipeline.extract.meta import normalise_date
from govwatch.pipeline.extract.xpaths import (
    GOVSPEAK_BODY,
    GOVUK_LEAD,
    GOVUK_METADATA_TERMS,
    GOVUK_TITLE,
    METADATA_FROM,
    METADATA_PUBLISHED,
    METADATA_UPDATED,
)

GOVUK_WEB_ROOT = "https://www.gov.uk"
# "From:" also links ministers and officials; only organisations are wanted.
PEOPLE_PATHS = ("/government/people/", "/government/ministers/")
TITLE_SUFFIXES = (" - GOV.UK", " – GOV.UK", " | GOV.UK")


@dataclass(frozen=True, slots=True, kw_only=True)
class GovukPageFields:
    """What GOV.UK's page components say about the document (empty when a component is absent)."""

    title: str = ""
    summary: str = ""
    organisations: tuple[str, ...] = ()
    published: str | None = None
    updated: str | None = None


def _text(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def strip_site_suffix(title: str) -> str:
    """Drop GOV.UK's " - GOV.UK" suffix from a `<title>`.

    >>> strip_site_suffix("UK signs AI deal - GOV.UK")
    'UK signs AI deal'
    """
    for suffix in TITLE_SUFFIXES:
        if title.endswith(suffix):
            return title[: -len(suffix)].strip()
    return title.strip()


def read_govuk_fields(tree: html.HtmlElement) -> GovukPageFields:
    """Read title, lead paragraph, "From:" organisations and visible dates from GOV.UK components."""
    titles = [_text(node) for node in tree.xpath(GOVUK_TITLE)]
    leads = [_text(node) for node in tree.xpath(GOVUK_LEAD)]
    organisations: list[str] = []
    published = updated = None
    for term in tree.xpath(GOVUK_METADATA_TERMS):
        definition = term.getnext()
        if definition is None or definition.tag != "dd":
            continue
        label = _text(term)
        if METADATA_FROM.match(label):
            organisations.extend(_organisation_names(definition))
        elif METADATA_PUBLISHED.match(label):
            published = published or _definition_date(definition)
        elif METADATA_UPDATED.match(label):
            updated = updated or _definition_date(definition)
    return GovukPageFields(
        title=next((title for title in titles if title), ""),
        summary=next((lead for lead in leads if lead), ""),
        organisations=tuple(dict.fromkeys(organisations)),
        published=published,
        updated=updated,
    )


def _definition_date(definition: html.HtmlElement) -> str | None:
    """The date a metadata definition states: its `<time datetime>` (older pages), else its text.

    >>> _definition_date(html.fragment_fromstring(
    ...     '<dd><time datetime="2017-02-01T09:30:00+00:00">1 February 2017</time>, see all updates</dd>'))
    '2017-02-01T09:30:00Z'
    >>> _definition_date(html.fragment_fromstring("<dd>4 August 2025</dd>"))
    '2025-08-04'
    """
    for value in definition.xpath(".//time/@datetime"):
        date = normalise_date(str(value))
        if date:
            return date
    return normalise_date(_text(definition))


def _organisation_names(definition: html.HtmlElement) -> list[str]:
    """Organisation names in a "From:" definition: its links (people left out), else its text."""
    anchors = list(definition.iter("a"))
    if anchors:
        return [
            name
            for name, href in ((_text(link), link.get("href") or "") for link in anchors)
            if name
            and not any(part in href for part in PEOPLE_PATHS)
            and not name.lower().startswith(("show ", "hide ", "+ "))
        ]
    text = _text(definition).replace(" and ", ", ")
    return [name.strip() for name in text.split(",") if name.strip()]


def govspeak_nodes(tree: html.HtmlElement) -> list[html.HtmlElement]:
    """The outermost govspeak body nodes, in document order (a page may hold several)."""
    nodes = tree.xpath(GOVSPEAK_BODY)
    inside: set[int] = set()
    for node in nodes:
        inside.update(id(child) for child in node.iterdescendants())
    return [node for node in nodes if id(node) not in inside]


def content_item_fields(item: Mapping[str, Any]) -> dict[str, Any]:
    """Top-level fields of a Content API item, checked for type (a wrong type counts as absent).

    >>> fields = content_item_fields({
    ...     "title": "T", "base_path": "/government/news/t", "locale": "en",
    ...     "first_published_at": "2025-07-21T09:00:00+01:00",
    ...     "links": {"organisations": [{"title": "HM Treasury"}, {"title": 3}]}})
    >>> fields["canonical_url"], fields["published_at"], fields["organisations"]
    ('https://www.gov.uk/government/news/t', '2025-07-21T08:00:00Z', ('HM Treasury',))
    """
    details = _mapping(item.get("details"))
    links = _mapping(item.get("links"))
    organisations = tuple(
        dict.fromkeys(
            str(org["title"]).strip()
            for org in _sequence(links.get("organisations"))
            if isinstance(org, Mapping) and isinstance(org.get("title"), str) and org["title"].strip()
        )
    )
    base_path = _string(item.get("base_path"))
    published = normalise_date(_string(item.get("first_published_at"))) or normalise_date(
        _string(details.get("first_public_at"))
    )
    updated = normalise_date(_string(item.get("public_updated_at")))
    return {
        "title": " ".join(_string(item.get("title")).split()),
        "summary": " ".join(_string(item.get("description")).split()),
        "body_html": _string(details.get("body")),
        "published_at": published,
        "updated_at": updated or published,
        "organisations": organisations,
        "document_type": _string(item.get("document_type")) or None,
        "language": _string(item.get("locale")).lower() or None,
        "canonical_url": GOVUK_WEB_ROOT + base_path if base_path.startswith("/") else None,
    }


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _sequence(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""
