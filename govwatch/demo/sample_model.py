"""The bundled sample as typed records: organisations, announcements, their updates and per-phase versions.

The sample (`sample/`) holds clean, readable announcements in TOML; this module reads and checks them and
works out what each announcement looks like in each phase (phase 2 applies an announcement's update).
The GOV.UK-shaped output made from these records lives in `govwatch.demo.render`.
"""

from __future__ import annotations

import tomllib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from govwatch.errors import ConfigError

SAMPLE_DIR = Path(__file__).parent / "sample"
GOVUK_TAG_HOST = "www.gov.uk"
UPDATED_AT_LAG_S = 97  # publishing-api stamps `updated_at` a little after `public_updated_at`
DOCUMENT_TYPES = {
    "press_release": ("news_article", "/government/news/", "Press release"),
    "news_story": ("news_article", "/government/news/", "News story"),
    "speech": ("speech", "/government/speeches/", "Speech"),
    "policy_paper": ("publication", "/government/publications/", "Policy paper"),
    "news": ("newsroom", "/newsroom/news/", "News"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Organisation:
    """A GOV.UK organisation that publishes announcements and has its own Atom feed."""

    slug: str
    title: str
    acronym: str
    analytics_identifier: str
    organisation_type: str = "ministerial_department"

    @property
    def base_path(self) -> str:
        return f"/government/organisations/{self.slug}"

    @property
    def content_id(self) -> str:
        return stable_content_id(self.base_path)


@dataclass(frozen=True, slots=True, kw_only=True)
class Update:
    """The second version of an announcement: what phase 2 changes, and the change note it shows."""

    public_updated_at: str
    note: str
    replace: tuple[tuple[str, str], ...] = ()
    append: str = ""
    add_organisations: tuple[str, ...] = ()
    title: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Announcement:
    """One announcement as written in the sample (its first version), plus its update if it has one."""

    key: str
    site: str  # "govuk" or "newsroom"
    slug: str
    document_type: str
    title: str
    description: str
    organisations: tuple[str, ...]
    people: tuple[str, ...] = ()
    first_published_at: str
    body: str
    mangled: bool = False
    location: str = ""
    update: Update | None = None

    @property
    def base_path(self) -> str:
        return DOCUMENT_TYPES[self.document_type][1] + self.slug

    @property
    def content_id(self) -> str:
        return stable_content_id(self.base_path)


@dataclass(frozen=True, slots=True, kw_only=True)
class Version:
    """What an announcement looks like in one phase: phase 2 applies its update, if any."""

    announcement: Announcement
    number: int
    title: str
    description: str
    body: str
    organisations: tuple[str, ...]
    public_updated_at: str
    change_history: tuple[tuple[str, str], ...]  # (public_timestamp, note), newest first

    @property
    def updated_at(self) -> str:
        stamp = datetime.fromisoformat(self.public_updated_at) + timedelta(seconds=UPDATED_AT_LAG_S)
        return stamp.isoformat()


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample:
    """The whole bundled sample: organisations, GOV.UK announcements and the newsroom's items."""

    organisations: dict[str, Organisation]
    announcements: tuple[Announcement, ...]
    newsroom: dict[str, str] = field(default_factory=dict)

    def on_site(self, site: str) -> tuple[Announcement, ...]:
        return tuple(a for a in self.announcements if a.site == site)


def stable_content_id(base_path: str) -> str:
    """Derive a stable GOV.UK-style `content_id` from a base path.

    >>> stable_content_id("/government/news/x") == stable_content_id("/government/news/x")
    True
    """
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "https://" + GOVUK_TAG_HOST + base_path))


def _stamp(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _as_tuple(raw: object, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise ConfigError(f"{where}: expected a list of strings")
    return tuple(raw)


def _check_timestamp(value: str, where: str) -> str:
    try:
        stamp = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"{where}: {value!r} is not an ISO 8601 timestamp") from exc
    if stamp.tzinfo is None:
        raise ConfigError(f"{where}: {value!r} needs a UTC offset")
    return value


def _read_update(raw: dict[str, Any], where: str) -> Update:
    return Update(
        public_updated_at=_check_timestamp(str(raw["public_updated_at"]), where),
        note=str(raw["note"]),
        replace=tuple((str(old), str(new)) for old, new in raw.get("replace", [])),
        append=str(raw.get("append", "")),
        add_organisations=_as_tuple(raw.get("add_organisations", []), where),
        title=str(raw.get("title", "")),
        description=str(raw.get("description", "")),
    )


def _read_announcement(path: Path, site: str) -> Announcement:
    where = f"sample file {path.name}"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        update = _read_update(raw["update"], where) if "update" in raw else None
        announcement = Announcement(
            key=path.stem,
            site=site,
            slug=str(raw["slug"]),
            document_type=str(raw["document_type"]),
            title=str(raw["title"]),
            description=str(raw["description"]),
            organisations=_as_tuple(raw.get("organisations", []), where),
            people=_as_tuple(raw.get("people", []), where),
            first_published_at=_check_timestamp(str(raw["first_published_at"]), where),
            body=str(raw["body"]).strip(),
            mangled=bool(raw.get("mangled", False)),
            location=str(raw.get("location", "")),
            update=update,
        )
    except (KeyError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{where} is incomplete or not valid TOML: {exc}; fix the file") from exc
    if announcement.document_type not in DOCUMENT_TYPES:
        raise ConfigError(f"{where}: unknown document_type {announcement.document_type!r}")
    if update and datetime.fromisoformat(update.public_updated_at) <= datetime.fromisoformat(
        announcement.first_published_at
    ):
        raise ConfigError(f"{where}: the update must come after first_published_at")
    for old, _new in update.replace if update else ():
        if old not in announcement.body:
            raise ConfigError(f"{where}: update replaces {old!r}, which the body does not contain")
    return announcement


def load_sample(sample_dir: Path = SAMPLE_DIR) -> Sample:
    """Read and check every sample file; the result is what the demo server serves.

    Raises:
        ConfigError: a file is malformed, names an unknown organisation, or two announcements share a path.
    """
    orgs_raw = tomllib.loads((sample_dir / "organisations.toml").read_text(encoding="utf-8"))
    try:
        organisations = {o["slug"]: Organisation(**o) for o in orgs_raw["organisation"]}
    except (KeyError, TypeError) as exc:
        raise ConfigError(f"{sample_dir / 'organisations.toml'}: bad [[organisation]] table ({exc})") from exc
    newsroom = {
        k: str(v) for k, v in tomllib.loads((sample_dir / "newsroom.toml").read_text("utf-8")).items()
    }
    announcements = tuple(
        _read_announcement(path, site)
        for site in ("govuk", "newsroom")
        for path in sorted((sample_dir / site).glob("*.toml"))
    )
    paths = [a.base_path for a in announcements]
    if len(paths) != len(set(paths)):
        raise ConfigError(f"{sample_dir}: two announcements share a base path; give each a unique slug")
    for a in announcements:
        unknown = set(a.organisations + (a.update.add_organisations if a.update else ())) - set(organisations)
        if a.site == "govuk" and unknown:
            raise ConfigError(f"sample file {a.key}: unknown organisations {sorted(unknown)}")
    _check_phases_in_order(announcements)
    return Sample(organisations=organisations, announcements=announcements, newsroom=newsroom)


def _check_phases_in_order(announcements: tuple[Announcement, ...]) -> None:
    """Phase 2 happens after phase 1: every update must postdate every first publication.

    Otherwise a feed's Last-Modified would not move when phase 2 changes it, and a client revalidating
    with If-Modified-Since alone would wrongly be told nothing changed.
    """
    last_first = max((a.first_published_at for a in announcements), key=datetime.fromisoformat, default=None)
    for a in announcements:
        if a.update and last_first and _stamp(a.update.public_updated_at) <= _stamp(last_first):
            raise ConfigError(
                f"sample file {a.key}: date the update after {last_first}, the last first publication"
            )


@cache
def bundled_sample() -> Sample:
    """The bundled sample, read once per process."""
    return load_sample()


def version_of(announcement: Announcement, phase: int) -> Version:
    """The announcement as published in `phase` (1: first version; 2: updated ones changed)."""
    first = announcement.first_published_at
    history: tuple[tuple[str, str], ...] = ((first, "First published."),)
    update = announcement.update
    if phase < 2 or update is None:
        return Version(
            announcement=announcement,
            number=1,
            title=announcement.title,
            description=announcement.description,
            body=announcement.body,
            organisations=announcement.organisations,
            public_updated_at=first,
            change_history=history,
        )
    body = announcement.body
    for old, new in update.replace:
        body = body.replace(old, new)
    if update.append:
        body = body + "\n\n" + update.append.strip()
    added = tuple(o for o in update.add_organisations if o not in announcement.organisations)
    return Version(
        announcement=announcement,
        number=2,
        title=update.title or announcement.title,
        description=update.description or announcement.description,
        body=body,
        organisations=announcement.organisations + added,
        public_updated_at=update.public_updated_at,
        change_history=((update.public_updated_at, update.note), *history),
    )


def phase_versions(sample: Sample, phase: int) -> list[Version]:
    """Every announcement of the sample as published in `phase`, in sample order."""
    return [version_of(a, phase) for a in sample.announcements]
