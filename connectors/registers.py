"""GOV.UK's registers of public bodies and of countries, read for the tagger's lexicon.

GOV.UK lists every organisation it publishes for at `<base_url>/api/organisations` (title, format such as
"Ministerial department" or "Executive agency", abbreviation, status) and every country and territory at
`<base_url>/api/world-locations`, both as paged JSON (`results`, `next_page_url`). `fetch_register`
follows the pages with conditional GET: a page that has not changed since the last read costs a 304, and
its entries come from the copy kept in the cache folder. Parsing is pure (`parse_page`); writing the
lexicon files is the application's job (`govwatch registers`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govwatch.connectors.govuk import MalformedPayloadError, rebase_govuk_url
from govwatch.connectors.http import HttpClient

ORGANISATIONS_PATH = "/api/organisations"
WORLD_LOCATIONS_PATH = "/api/world-locations"
MAX_PAGES = 200  # GOV.UK has about 60 pages of organisations: a loop beyond this is a broken listing
# Organisation formats that act for the UK Government rather than in their own name.
GOVERNMENT_FORMATS = frozenset({"ministerial department", "executive office"})
COUNTRY_FORMATS = frozenset({"world location"})


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterEntry:
    """One organisation or country as GOV.UK registers it."""

    name: str
    kind: str  # "organisation" or "country"
    abbreviation: str | None = None
    acts_for_government: bool = False
    closed: bool = False


@dataclass(slots=True)
class RegisterRead:
    """What one register read brought: its entries, and how many pages came fresh or unchanged (304)."""

    entries: list[RegisterEntry]
    pages_fetched: int = 0
    pages_unchanged: int = 0


def parse_page(data: Any, kind: str, url: str = "") -> tuple[list[RegisterEntry], str | None]:
    """Read one page of a register: its entries and the next page's URL (None on the last page).

    A result without a usable title is skipped; a page that is not the documented JSON object is a
    `MalformedPayloadError`.

    >>> page = {"results": [{"title": "Met Office", "format": "Executive agency",
    ...                      "details": {"abbreviation": "MO", "govuk_status": "live"}}]}
    >>> entries, following = parse_page(page, "organisation")
    >>> (entries[0].name, entries[0].abbreviation, entries[0].acts_for_government, following)
    ('Met Office', 'MO', False, None)
    """
    if not isinstance(data, Mapping) or not isinstance(data.get("results"), list):
        raise MalformedPayloadError(
            f"register page {url}: expected a JSON object with a 'results' list", url=url
        )
    entries: list[RegisterEntry] = []
    for result in data["results"]:
        if not isinstance(result, Mapping):
            continue
        title = result.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > 200:
            continue
        raw_details = result.get("details")
        details: Mapping[str, Any] = raw_details if isinstance(raw_details, Mapping) else {}
        form = str(result.get("format") or "").strip().lower()
        if kind == "country" and form not in COUNTRY_FORMATS:
            continue  # international delegations ("UK Mission to the UN") are not countries
        abbreviation = details.get("abbreviation")
        entries.append(
            RegisterEntry(
                name=" ".join(title.split()),
                kind=kind,
                abbreviation=abbreviation.strip()
                if isinstance(abbreviation, str) and abbreviation.strip()
                else None,
                acts_for_government=form in GOVERNMENT_FORMATS,
                closed=details.get("govuk_status") == "closed",
            )
        )
    following = data.get("next_page_url")
    return entries, following if isinstance(following, str) and following.strip() else None


def fetch_register(
    http: HttpClient, first_url: str, kind: str, cache_dir: Path, base_url: str
) -> RegisterRead:
    """Read every page of a register, conditionally; unchanged pages come from `cache_dir`.

    GOV.UK's `next_page_url` names www.gov.uk; it is read from `base_url` (a mirror or test server).

    Each page's body and validators (ETag, Last-Modified) are kept in `cache_dir`, written atomically,
    so an interrupted read leaves the previous copy whole.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    read = RegisterRead(entries=[])
    url: str | None = first_url
    seen: set[str] = set()
    while url is not None:
        if url in seen or len(seen) >= MAX_PAGES:
            raise MalformedPayloadError(f"register pages loop or never end at {url}", url=url)
        seen.add(url)
        cached = _load_cached(cache_dir, url)
        result = http.get(
            url,
            etag=cached.get("etag") if cached else None,
            last_modified=cached.get("last_modified") if cached else None,
            accept="application/json",
        )
        if result.not_modified and cached is not None:
            body = str(cached["body"])
            read.pages_unchanged += 1
        else:
            body = result.text()
            read.pages_fetched += 1
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as error:  # RecursionError: arrays nested thousands deep
            raise MalformedPayloadError(f"register page {url} is not JSON: {error}", url=url) from error
        entries, following = parse_page(data, kind, url)
        read.entries.extend(entries)
        if not result.not_modified:
            _store_cached(cache_dir, url, body, result.etag, result.last_modified)
        url = rebase_govuk_url(following, base_url) if following else None
    return read


def _cache_path(cache_dir: Path, url: str) -> Path:
    return cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()[:24]}.json"


def _load_cached(cache_dir: Path, url: str) -> dict[str, Any] | None:
    path = _cache_path(cache_dir, url)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("body"), str) else None


def _store_cached(cache_dir: Path, url: str, body: str, etag: str | None, last_modified: str | None) -> None:
    write_atomically(
        _cache_path(cache_dir, url),
        json.dumps({"url": url, "etag": etag, "last_modified": last_modified, "body": body}),
    )


def write_atomically(path: Path, text: str) -> None:
    """Write a file whole or not at all (a temporary file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
