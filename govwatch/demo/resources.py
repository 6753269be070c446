"""The sample site of one phase, rendered: every fixed URL path and the response it serves.

A `Resource` carries the bytes, the content type and the validators (ETag, Last-Modified) that conditional
GET compares; the server renders each phase once when it starts and then only looks answers up.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from govwatch.demo.render import (
    EMPTY_FEED_UPDATED,
    render_article_page,
    render_atom_feed,
    render_content_item,
    render_newsroom_page,
    render_rss_feed,
)
from govwatch.demo.sample_model import Sample, Version, phase_versions

ATOM_ENTRIES_MAX = 20  # GOV.UK's organisation and finder feeds list the 20 most recent items
ALL_NEWS_FEED_PATH = "/search/news-and-communications.atom"
ALL_NEWS_FEED_TITLE = "News and communications"
SEARCH_PATH = "/api/search.json"


@dataclass(frozen=True, slots=True, kw_only=True)
class Resource:
    """One rendered response: its bytes, type and the validators conditional GET compares."""

    body: bytes
    content_type: str
    last_modified: datetime

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


def _stamp(value: str) -> datetime:
    return datetime.fromisoformat(value)


def json_resource(data: object, last_modified: datetime) -> Resource:
    """A JSON answer (UTF-8, indented) as the Content and Search APIs serve it."""
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    return Resource(body=body, content_type="application/json; charset=utf-8", last_modified=last_modified)


def atom_resource(members: list[Version], path: str, title: str, base_url: str) -> Resource:
    """An Atom feed of the newest `ATOM_ENTRIES_MAX` members, last modified when its newest entry was."""
    newest = sorted(members, key=lambda v: _stamp(v.public_updated_at), reverse=True)[:ATOM_ENTRIES_MAX]
    atom = render_atom_feed(newest, feed_path=path, title=title, base_url=base_url).encode("utf-8")
    modified = max((_stamp(v.public_updated_at) for v in newest), default=_stamp(EMPTY_FEED_UPDATED))
    return Resource(body=atom, content_type="application/atom+xml; charset=utf-8", last_modified=modified)


def _index_resource(sample: Sample, base_url: str) -> Resource:
    """A plain page at `/` that lists the feeds, for people who open the demo server in a browser."""
    paths = [ALL_NEWS_FEED_PATH, SEARCH_PATH, sample.newsroom["feed_path"]]
    paths += [org.base_path + ".atom" for org in sample.organisations.values()]
    links = "".join(f'<li><a href="{base_url}{p}">{p}</a></li>' for p in paths)
    page = (
        f"<!DOCTYPE html><title>govwatch sample server</title><h1>govwatch sample server</h1><ul>{links}</ul>"
    )
    return Resource(
        body=page.encode("utf-8"),
        content_type="text/html; charset=utf-8",
        last_modified=_stamp(EMPTY_FEED_UPDATED),
    )


def render_site(sample: Sample, phase: int, base_url: str) -> dict[str, Resource]:
    """Every fixed URL path of one phase and what it serves."""
    site: dict[str, Resource] = {"/": _index_resource(sample, base_url)}
    versions = phase_versions(sample, phase)
    govuk = [v for v in versions if v.announcement.site == "govuk"]
    for v in govuk:
        a = v.announcement
        modified = _stamp(v.updated_at)
        page = render_article_page(v, sample, base_url).encode("utf-8")
        site[a.base_path] = Resource(
            body=page, content_type="text/html; charset=utf-8", last_modified=modified
        )
        site["/api/content" + a.base_path] = json_resource(render_content_item(v, sample, base_url), modified)
    site[ALL_NEWS_FEED_PATH] = atom_resource(govuk, ALL_NEWS_FEED_PATH, ALL_NEWS_FEED_TITLE, base_url)
    for org in sample.organisations.values():
        mine = [v for v in govuk if org.slug in v.organisations]
        path = org.base_path + ".atom"
        site[path] = atom_resource(mine, path, f"{org.title} - Activity on GOV.UK", base_url)
    news = [v for v in versions if v.announcement.site == "newsroom"]
    newsroom = sample.newsroom
    for v in news:
        page = render_newsroom_page(v, newsroom, base_url).encode("utf-8")
        site[v.announcement.base_path] = Resource(
            body=page, content_type="text/html; charset=utf-8", last_modified=_stamp(v.public_updated_at)
        )
    if news:
        rss = render_rss_feed(news, newsroom, base_url).encode("utf-8")
        modified = max(_stamp(v.public_updated_at) for v in news)
        site[newsroom["feed_path"]] = Resource(
            body=rss, content_type="application/rss+xml; charset=utf-8", last_modified=modified
        )
    return site
