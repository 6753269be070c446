"""`govwatch registers`: teach the tagger every body and country GOV.UK registers.

Reads GOV.UK's Organisations API and World Locations API through the connectors (conditional GET, pages
cached), keeps what the bundled lexicon does not know already (so its careful names, aliases and
government names are never overridden), and writes two lexicon files into a folder that tagging reads
when `[tagging] lexicon_dirs` (or `GOVWATCH_LEXICON_DIR`) names it. Ministerial departments and executive
offices sign for the UK Government; every other body signs in its own name; a world location is a
country whose government is named by its adjective when the lexicon knows one, else "Government of X".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from govwatch.config import Settings
from govwatch.connectors.govuk import page_url
from govwatch.connectors.http import HttpClient
from govwatch.connectors.registers import (
    ORGANISATIONS_PATH,
    WORLD_LOCATIONS_PATH,
    RegisterEntry,
    fetch_register,
    write_atomically,
)
from govwatch.connectors.urls import url_host
from govwatch.pipeline.tag.lexicon import Lexicon, bundled_lexicon

ORGANISATIONS_FILE = "govuk_organisations.toml"
COUNTRIES_FILE = "govuk_world_locations.toml"
CACHE_FOLDER = ".register-pages"
MIN_ABBREVIATION_CHARS = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistersReport:
    """What a refresh wrote, and how much of it GOV.UK said had not changed."""

    directory: Path
    organisations: int
    countries: int
    pages_fetched: int
    pages_unchanged: int


def refresh_registers(settings: Settings, directory: Path) -> RegistersReport:
    """Fetch both registers and write the lexicon files into `directory` (created if missing)."""
    base = settings.govuk.base_url
    lexicon = bundled_lexicon()  # not the written files themselves, or a second refresh would drop them all
    cache = directory / CACHE_FOLDER
    with HttpClient(settings.http, trusted_hosts=(url_host(base),)) as http:
        organisations = fetch_register(http, page_url(ORGANISATIONS_PATH, base), "organisation", cache, base)
        countries = fetch_register(http, page_url(WORLD_LOCATIONS_PATH, base), "country", cache, base)
    new_organisations = [e for e in _unique(organisations.entries) if not _known(e, lexicon)]
    new_countries = [e for e in _unique(countries.entries) if not _known(e, lexicon)]
    write_atomically(directory / ORGANISATIONS_FILE, organisations_toml(new_organisations))
    write_atomically(directory / COUNTRIES_FILE, countries_toml(new_countries))
    return RegistersReport(
        directory=directory,
        organisations=len(new_organisations),
        countries=len(new_countries),
        pages_fetched=organisations.pages_fetched + countries.pages_fetched,
        pages_unchanged=organisations.pages_unchanged + countries.pages_unchanged,
    )


def _unique(entries: Iterable[RegisterEntry]) -> list[RegisterEntry]:
    return list({entry.name: entry for entry in entries}.values())


def _known(entry: RegisterEntry, lexicon: Lexicon) -> bool:
    return entry.name in lexicon.organisations or entry.name in lexicon.places


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def organisations_toml(entries: Iterable[RegisterEntry]) -> str:
    """Lexicon `[[organisation]]` tables for GOV.UK's organisations.

    >>> print(organisations_toml([RegisterEntry(name="Met Office", kind="organisation", abbreviation="MO")]))
    # Written by `govwatch registers` from GOV.UK's Organisations API; refreshed, not edited.
    <BLANKLINE>
    [[organisation]]
    name = "Met Office"
    aliases = ["MO"]
    <BLANKLINE>
    """
    lines = ["# Written by `govwatch registers` from GOV.UK's Organisations API; refreshed, not edited.", ""]
    for entry in entries:
        lines += ["[[organisation]]", f"name = {_toml_string(entry.name)}"]
        abbreviation = entry.abbreviation
        # A lower-case "abbreviation" is a word, not a name.
        if (
            abbreviation
            and abbreviation != entry.name
            and len(abbreviation) >= MIN_ABBREVIATION_CHARS
            and not abbreviation.islower()
        ):
            lines.append(f"aliases = [{_toml_string(abbreviation)}]")
        if entry.acts_for_government:
            lines.append('party = "UK Government"')
        lines.append("")
    return "\n".join(lines)


def countries_toml(entries: Iterable[RegisterEntry]) -> str:
    """Lexicon `[[place]]` tables for GOV.UK's world locations (countries)."""
    lines = [
        "# Written by `govwatch registers` from GOV.UK's World Locations API; refreshed, not edited.",
        "",
    ]
    for entry in entries:
        lines += ["[[place]]", f"name = {_toml_string(entry.name)}", "country = true", ""]
    return "\n".join(lines)
