"""The Search API emulation: `/api/search.json` over one phase's announcements, with paging and filters.

It answers like GOV.UK's Search API where a poller relies on it: `q`, `start`/`count` paging, `order`,
`fields`, and the `filter_*` parameters the connectors send; anything else is refused as the real API
refuses it (the server turns `SearchQueryError` into 422). Pure functions over JSON-ready dicts.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import parse_qsl

from govwatch.demo.render import GOVERNMENT, content_store_time
from govwatch.demo.sample_model import DOCUMENT_TYPES, Sample, Version

SEARCH_COUNT_DEFAULT = 10
SEARCH_COUNT_MAX = 1500
DEFAULT_SEARCH_FIELDS = (
    "content_id",
    "content_store_document_type",
    "description",
    "link",
    "organisations",
    "public_timestamp",
    "title",
)
_SEARCH_FILTERS = ("organisations", "content_store_document_type", "public_timestamp", "content_id")
_SEARCH_PARAMS = {"q", "start", "count", "order", "fields", "c"} | {
    f"filter_{name}" for name in _SEARCH_FILTERS
}


class SearchQueryError(ValueError):
    """A Search API request the real API would refuse with 422."""


def _stamp(value: str) -> datetime:
    return datetime.fromisoformat(value)


def search_document(version: Version, sample: Sample) -> dict[str, Any]:
    """Every field the Search API can return for one announcement (the server picks `fields`)."""
    a = version.announcement
    orgs = [sample.organisations[slug] for slug in version.organisations]
    return {
        "content_id": a.content_id,
        "content_store_document_type": a.document_type,
        "description": version.description,
        "display_type": DOCUMENT_TYPES[a.document_type][2],
        "format": DOCUMENT_TYPES[a.document_type][0],
        "government_name": GOVERNMENT["title"],
        "is_historic": False,
        "link": a.base_path,
        "organisations": [
            {
                "acronym": o.acronym,
                "content_id": o.content_id,
                "link": o.base_path,
                "organisation_state": "live",
                "organisation_type": o.organisation_type,
                "slug": o.slug,
                "title": o.title,
            }
            for o in orgs
        ],
        "public_timestamp": content_store_time(version.public_updated_at),
        "title": version.title,
        "updated_at": content_store_time(version.updated_at),
    }


def _parse_query(query: str) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        params.setdefault(key.removesuffix("[]"), []).append(value)
    unexpected = sorted(set(params) - _SEARCH_PARAMS)
    if unexpected:
        raise SearchQueryError(f"Unexpected parameters: {', '.join(unexpected)}")
    return params


def _int_param(params: dict[str, list[str]], name: str, default: int, maximum: int) -> int:
    raw = params.get(name, [str(default)])[-1]
    if not raw.isdigit() or int(raw) > maximum:
        raise SearchQueryError(f"Invalid value {raw!r} for parameter {name!r} (0 to {maximum})")
    return int(raw)


def _timestamp_bounds(spec: str) -> tuple[datetime | None, datetime | None]:
    """Read `from:2025-07-01,to:2025-07-31` (dates or ISO timestamps; a bare `to` date includes its day)."""
    bounds: dict[str, datetime] = {}
    for part in spec.split(","):
        key, _, value = part.partition(":")
        if key not in ("from", "to") or not value:
            raise SearchQueryError(f"Invalid public_timestamp filter {spec!r}: use from:DATE,to:DATE")
        try:
            if len(value) == 10:
                day = date.fromisoformat(value)
                bounds[key] = datetime.combine(day, time.max if key == "to" else time.min, tzinfo=UTC)
            else:
                stamp = datetime.fromisoformat(value.replace(" ", "T"))
                bounds[key] = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        except ValueError as exc:
            raise SearchQueryError(f"Invalid date {value!r} in public_timestamp filter") from exc
    return bounds.get("from"), bounds.get("to")


def run_search(documents: list[dict[str, Any]], query: str) -> dict[str, Any]:
    """Answer a Search API query string over the phase's documents, the way `/api/search.json` does.

    Raises:
        SearchQueryError: an unknown parameter or a bad value (the server answers 422).
    """
    params = _parse_query(query)
    start = _int_param(params, "start", 0, 10**6)
    count = _int_param(params, "count", SEARCH_COUNT_DEFAULT, SEARCH_COUNT_MAX)
    order = params.get("order", ["-public_timestamp"])[-1]
    if order.lstrip("-") not in ("public_timestamp", "title"):
        raise SearchQueryError(f"Unexpected order {order!r}")
    selected = list(documents)
    for words in params.get("q", []):
        terms = words.lower().split()
        selected = [
            d for d in selected if all(t in (d["title"] + " " + d["description"]).lower() for t in terms)
        ]
    if orgs := params.get("filter_organisations"):
        selected = [d for d in selected if {o["slug"] for o in d["organisations"]} & set(orgs)]
    if types := params.get("filter_content_store_document_type"):
        selected = [d for d in selected if d["content_store_document_type"] in types]
    if ids := params.get("filter_content_id"):
        selected = [d for d in selected if d["content_id"] in ids]
    for spec in params.get("filter_public_timestamp", []):
        low, high = _timestamp_bounds(spec)
        selected = [
            d
            for d in selected
            if (low is None or _stamp(d["public_timestamp"]) >= low)
            and (high is None or _stamp(d["public_timestamp"]) <= high)
        ]
    key = order.lstrip("-")
    sort_key = (lambda d: _stamp(d[key])) if key == "public_timestamp" else (lambda d: d[key])
    selected.sort(key=sort_key, reverse=order.startswith("-"))
    fields = [f for raw in params.get("fields", []) for f in raw.split(",") if f] or list(
        DEFAULT_SEARCH_FIELDS
    )
    results = [
        {field: d[field] for field in fields if field in d}
        | {
            "index": "govuk",
            "es_score": None,
            "_id": d["link"],
            "elasticsearch_type": "edition",
            "document_type": "edition",
        }
        for d in selected[start : start + count]
    ]
    return {
        "results": results,
        "total": len(selected),
        "start": start,
        "aggregates": {},
        "suggested_queries": [],
        "suggested_autocomplete": [],
        "es_cluster": "A",
    }
