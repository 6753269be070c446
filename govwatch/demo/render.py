"""Render the bundled sample as GOV.UK serves it: article pages, Content API JSON, Atom and RSS feeds.

The sample (`sample/`) holds clean, readable announcements in TOML, read into records by
`govwatch.demo.sample_model`. Everything GOV.UK-shaped is made here, at render time, so the data stays
easy to edit: base paths and stable `content_id`s, govspeak HTML, change history for the second version
of an updated announcement (phase 2), and the GBK mojibake some real pages carry. A non-GOV.UK newsroom (its own RSS 2.0 feed and plain pages) comes from the same data.
Every function here is pure: it takes records and returns text or JSON-ready dicts.
"""

from __future__ import annotations

import html
import re
import tomllib
from datetime import datetime
from email.utils import format_datetime
from functools import cache
from string import Template
from typing import Any

from govwatch.demo.sample_model import (
    DOCUMENT_TYPES,
    GOVUK_TAG_HOST,
    SAMPLE_DIR,
    UPDATED_AT_LAG_S,
    Announcement,
    Organisation,
    Sample,
    Update,
    Version,
    bundled_sample,
    load_sample,
    stable_content_id,
    version_of,
)

__all__ = [
    "DOCUMENT_TYPES",
    "EMPTY_FEED_UPDATED",
    "GOVERNMENT",
    "GOVUK_TAG_HOST",
    "SAMPLE_DIR",
    "UPDATED_AT_LAG_S",
    "Announcement",
    "Organisation",
    "Sample",
    "Update",
    "Version",
    "bundled_sample",
    "content_store_time",
    "headings",
    "load_sample",
    "mangle_gbk",
    "render_article_page",
    "render_atom_feed",
    "render_body_html",
    "render_content_item",
    "render_newsroom_page",
    "render_rss_feed",
    "slugify",
    "stable_content_id",
    "version_of",
]

GOVERNMENT = {"title": "2024 Labour government", "slug": "2024-labour-government", "current": True}
EMPTY_FEED_UPDATED = "2025-01-01T00:00:00+00:00"  # what an empty feed says it was updated
_INLINE_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def mangle_gbk(text: str) -> str:
    """Garble text the way a UTF-8 page read as GBK comes out, dropping the bytes left unpaired.

    Real pages reach us like this (see the canonical seed article), so the demo must carry the damage.

    >>> mangle_gbk("the UK’s £2 billion")
    'the UK鈥檚 拢2 billion'
    >>> mangle_gbk("plain ASCII stays")
    'plain ASCII stays'
    """
    return text.encode("utf-8").decode("gbk", errors="ignore")


def slugify(text: str) -> str:
    """Make a GOV.UK-style slug (used for heading ids and people's pages).

    >>> slugify("Notes to editors")
    'notes-to-editors'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _inline(text: str, mangled: bool) -> str:
    """Escape a run of text, turning `[label](href)` into links; garble only the words, never the markup."""
    fix = mangle_gbk if mangled else (lambda s: s)
    out: list[str] = []
    last = 0
    for match in _INLINE_LINK.finditer(text):
        out.append(html.escape(fix(text[last : match.start()]), quote=False))
        href = html.escape(match.group(2))
        out.append(f'<a href="{href}" class="govuk-link">{html.escape(fix(match.group(1)), quote=False)}</a>')
        last = match.end()
    out.append(html.escape(fix(text[last:]), quote=False))
    return "".join(out)


def headings(body: str) -> list[str]:
    """The `## ` headings of a body, in order (they make the contents list)."""
    return [line[3:].strip() for line in body.splitlines() if line.startswith("## ")]


def render_body_html(body: str, *, mangled: bool = False) -> str:
    """Turn the sample's light govspeak (paragraphs, `## ` headings, `- ` lists, `> ` quotes) into HTML.

    >>> render_body_html("## Notes to editors\\n\\n- one\\n- two")
    '<h2 id="notes-to-editors">Notes to editors</h2>\\n<ul>\\n<li>one</li>\\n<li>two</li>\\n</ul>'
    """
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", body.strip()):
        lines = [line.strip() for line in block.strip().splitlines()]
        if lines[0].startswith("## "):
            title = lines[0][3:].strip()
            blocks.append(f'<h2 id="{slugify(title)}">{_inline(title, mangled)}</h2>')
        elif lines[0].startswith("- "):
            items = "\n".join(f"<li>{_inline(line[2:], mangled)}</li>" for line in lines)
            blocks.append(f"<ul>\n{items}\n</ul>")
        elif lines[0].startswith("> "):
            quote = " ".join(line[2:] for line in lines)
            blocks.append(f"<blockquote>\n<p>{_inline(quote, mangled)}</p>\n</blockquote>")
        else:
            blocks.append(f"<p>{_inline(' '.join(lines), mangled)}</p>")
    return "\n".join(blocks)


def content_store_time(value: str) -> str:
    """Write a timestamp the way the content store and search API do, with milliseconds.

    >>> content_store_time("2025-07-21T22:30:00+01:00")
    '2025-07-21T22:30:00.000+01:00'
    """
    return datetime.fromisoformat(value).isoformat(timespec="milliseconds")


def _org_link(org: Organisation, base_url: str) -> dict[str, Any]:
    return {
        "analytics_identifier": org.analytics_identifier,
        "api_path": "/api/content" + org.base_path,
        "api_url": f"{base_url}/api/content{org.base_path}",
        "base_path": org.base_path,
        "content_id": org.content_id,
        "document_type": "organisation",
        "locale": "en",
        "schema_name": "organisation",
        "title": org.title,
        "web_url": base_url + org.base_path,
        "details": {"acronym": org.acronym, "organisation_govuk_status": {"status": "live"}},
        "links": {},
    }


def _simple_link(base_path: str, title: str, document_type: str, base_url: str) -> dict[str, Any]:
    return {
        "api_path": "/api/content" + base_path,
        "api_url": f"{base_url}/api/content{base_path}",
        "base_path": base_path,
        "content_id": stable_content_id(base_path),
        "document_type": document_type,
        "locale": "en",
        "title": title,
        "web_url": base_url + base_path,
        "links": {},
    }


def render_content_item(version: Version, sample: Sample, base_url: str) -> dict[str, Any]:
    """The Content API item for `/api/content<base_path>`, in the shape of GOV.UK's frontend schemas."""
    a = version.announcement
    schema_name = DOCUMENT_TYPES[a.document_type][0]
    orgs = [sample.organisations[slug] for slug in version.organisations]
    details: dict[str, Any] = {
        "body": f'<div class="govspeak">{render_body_html(version.body, mangled=a.mangled)}</div>',
        "change_history": [
            {"public_timestamp": content_store_time(stamp), "note": note}
            for stamp, note in version.change_history
        ],
        "emphasised_organisations": [orgs[0].content_id],
        "first_public_at": content_store_time(a.first_published_at),
        "government": dict(GOVERNMENT),
        "political": True,
    }
    if schema_name == "speech":
        details["delivered_on"] = content_store_time(a.first_published_at)
        details["location"] = a.location
    links: dict[str, Any] = {
        "organisations": [_org_link(org, base_url) for org in orgs],
        "primary_publishing_organisation": [_org_link(orgs[0], base_url)],
        "government": [
            _simple_link(
                "/government/2024-labour-government", str(GOVERNMENT["title"]), "government", base_url
            )
        ],
        "available_translations": [_simple_link(a.base_path, version.title, a.document_type, base_url)],
    }
    if a.people:
        links["people"] = [
            _simple_link(f"/government/people/{slugify(p)}", p, "person", base_url) for p in a.people
        ]
    return {
        "analytics_identifier": None,
        "base_path": a.base_path,
        "content_id": a.content_id,
        "description": version.description,
        "details": details,
        "document_type": a.document_type,
        "first_published_at": content_store_time(a.first_published_at),
        "links": links,
        "locale": "en",
        "phase": "live",
        "public_updated_at": content_store_time(version.public_updated_at),
        "publishing_app": "whitehall",
        "publishing_request_id": f"{a.content_id[:8]}-{version.number}",
        "rendering_app": "frontend",
        "schema_name": schema_name,
        "title": version.title,
        "updated_at": content_store_time(version.updated_at),
    }


def _human_date(value: str) -> str:
    stamp = datetime.fromisoformat(value)
    return f"{stamp.day} {stamp.strftime('%B %Y')}"


def _rfc822(value: str) -> str:
    return format_datetime(datetime.fromisoformat(value))


@cache
def _template(name: str) -> Template:
    return Template((SAMPLE_DIR / "templates" / name).read_text(encoding="utf-8"))


@cache
def _fragments() -> dict[str, Template]:
    raw = tomllib.loads((SAMPLE_DIR / "templates" / "fragments.toml").read_text(encoding="utf-8"))
    return {name: Template(text) for name, text in raw.items()}


def _fill(fragment: str, **values: str) -> str:
    return _fragments()[fragment].substitute(values)


def render_atom_feed(versions: list[Version], *, feed_path: str, title: str, base_url: str) -> str:
    """An Atom feed like GOV.UK's organisation and finder feeds: newest first, `tag:www.gov.uk,2005:` ids.

    The summary is `type="html"`: the description is made HTML, then escaped again for XML.
    """
    ordered = sorted(versions, key=lambda v: datetime.fromisoformat(v.public_updated_at), reverse=True)
    esc = html.escape
    entries = "".join(
        _fill(
            "atom_entry",
            base_path=v.announcement.base_path,
            updated=v.public_updated_at,
            url=esc(base_url + v.announcement.base_path),
            title=esc(v.title),
            summary=esc(esc(v.description)),
        )
        for v in ordered
    )
    page_path = feed_path.removesuffix(".atom")
    return _fill(
        "atom_feed",
        page_path=page_path,
        page_url=esc(base_url + page_path),
        feed_url=esc(base_url + feed_path),
        title=esc(title),
        updated=ordered[0].public_updated_at if ordered else EMPTY_FEED_UPDATED,
        entries=entries,
    )


def _meta_tags(item: dict[str, Any], orgs: list[Organisation]) -> str:
    identifiers = "".join(f"<{o.analytics_identifier}>" for o in orgs)
    tags = {
        "govuk:format": item["document_type"],
        "govuk:publishing-application": item["publishing_app"],
        "govuk:schema-name": item["schema_name"],
        "govuk:content-id": item["content_id"],
        "govuk:first-published-at": item["first_published_at"],
        "govuk:updated-at": item["updated_at"],
        "govuk:public-updated-at": item["public_updated_at"],
        "govuk:primary-publishing-organisation": orgs[0].title,
        "govuk:organisations": identifiers,
        "govuk:analytics:organisations": identifiers,
        "govuk:political-status": "political",
        "govuk:publishing-government": str(GOVERNMENT["slug"]),
    }
    if len(item["details"]["change_history"]) > 1:
        tags["govuk:content-has-history"] = "true"
    return "\n".join(_fill("meta_tag", name=name, content=html.escape(value)) for name, value in tags.items())


def render_article_page(version: Version, sample: Sample, base_url: str) -> str:
    """The full GOV.UK frontend page of an announcement: header, metadata, govspeak body, history, footer."""
    a = version.announcement
    item = render_content_item(version, sample, base_url)
    orgs = [sample.organisations[slug] for slug in version.organisations]
    esc = html.escape
    senders = [(o.base_path, o.title) for o in orgs] + [
        (f"/government/people/{slugify(p)}", p) for p in a.people
    ]
    titles = headings(version.body)
    contents = "\n".join(_fill("contents_item", anchor=slugify(t), title=esc(t)) for t in titles)
    history = "\n".join(
        _fill("history_item", stamp=stamp, date=_human_date(stamp), note=esc(note))
        for stamp, note in version.change_history
    )
    speech = _fill("speech_rows", date=_human_date(a.first_published_at), location=esc(a.location))
    return _template("govuk_article.html").substitute(
        title=esc(version.title),
        description=esc(version.description),
        canonical=esc(base_url + a.base_path),
        api_url=esc(f"{base_url}/api/content{a.base_path}"),
        meta_tags=_meta_tags(item, orgs),
        lead_org_path=orgs[0].base_path,
        lead_org_title=esc(orgs[0].title),
        context=DOCUMENT_TYPES[a.document_type][2],
        from_links=", ".join(_fill("from_link", path=path, title=esc(title)) for path, title in senders),
        published=_human_date(a.first_published_at),
        updated_metadata=_fill("updated_rows", date=_human_date(version.public_updated_at))
        if version.number > 1
        else "",
        speech_metadata=speech if a.document_type == "speech" else "",
        contents_list=_fill("contents_list", items=contents) if titles else "",
        body=render_body_html(version.body, mangled=a.mangled),
        history=_fill("history_list", items=history),
        share_url=esc(base_url + a.base_path),
        share_title=esc(version.title),
        related_links="\n".join(_fill("related_link", path=o.base_path, title=esc(o.title)) for o in orgs),
    )


def render_rss_feed(versions: list[Version], newsroom: dict[str, str], base_url: str) -> str:
    """The newsroom's RSS 2.0 feed, newest first, with RFC 822 dates and permalink guids."""
    ordered = sorted(versions, key=lambda v: datetime.fromisoformat(v.announcement.first_published_at))
    esc = html.escape
    items = "".join(
        _fill(
            "rss_item",
            title=esc(v.title),
            url=esc(base_url + v.announcement.base_path),
            pub_date=_rfc822(v.announcement.first_published_at),
            description=esc(v.description),
            category=esc(newsroom["category"]),
        )
        for v in reversed(ordered)
    )
    newest = max(
        (v.public_updated_at for v in versions), key=datetime.fromisoformat, default=EMPTY_FEED_UPDATED
    )
    return _fill(
        "rss_feed",
        title=esc(newsroom["title"]),
        home_url=esc(base_url + newsroom["home_path"]),
        description=esc(newsroom["description"]),
        build_date=_rfc822(newest),
        feed_url=esc(base_url + newsroom["feed_path"]),
        items=items,
    )


def render_newsroom_page(version: Version, newsroom: dict[str, str], base_url: str) -> str:
    """A newsroom article page in the newsroom's own plain layout (not GOV.UK's)."""
    a = version.announcement
    esc = html.escape
    return _template("newsroom_article.html").substitute(
        title=esc(version.title),
        site_title=esc(newsroom["title"]),
        description=esc(version.description),
        canonical=esc(base_url + a.base_path),
        feed_url=esc(base_url + newsroom["feed_path"]),
        home_url=esc(base_url + newsroom["home_path"]),
        published=_human_date(a.first_published_at),
        updated=_human_date(version.public_updated_at),
        body=render_body_html(version.body, mangled=a.mangled),
    )
