"""Extract an article (title, summary, body text, dates, organisations) from a page or a Content API item.

`extract_html` composes these stages, each its own function:

1. check and decode the input (`extract_input`): empty, too large, binary, not HTML;
2. parse once with lxml and read metadata while the page is whole: GOV.UK components and `govuk:*`
   meta tags (`extract_govuk`), else meta tags, JSON-LD and `<time>` (`extract_meta`);
3. take the body: on GOV.UK pages, the govspeak node turned into text lines (`extract_text`); on any
   other page, trafilatura's main-text extraction after known page chrome is removed (`xpaths.CHROME_*`);
4. drop chrome lines, mark "Notes to editors", check the language.

`extract_content_item` reads the same fields from GOV.UK Content API JSON and runs step 3 on
`details.body`. Neither function raises: a rejected input gives an `ExtractedDocument` whose
`extraction_status` says why ("empty", "no_article", "binary", "too_large", "not_html",
"wrong_language", "invalid_item"), and the reason is logged. Mojibake is left alone here; the repair
step fixes it later.

Body text format: one line per block (paragraph, heading, list item, table row, caption), joined with
"\\n"; list items start with "- " (or "1. "), table cells are joined with " | ".
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import trafilatura
from htmldate import find_date
from lxml import etree, html

from govwatch.pipeline.extract.govuk import (
    content_item_fields,
    govspeak_nodes,
    read_govuk_fields,
    strip_site_suffix,
)
from govwatch.pipeline.extract.input import (
    check_bytes,
    check_text,
    decode_bytes,
    strip_xml_declaration,
)
from govwatch.pipeline.extract.meta import (
    canonical_url,
    declared_language,
    first_date,
    guess_language,
    jsonld_dates,
    labelled_date,
    labelled_organisations,
    meta_values,
    normalise_date,
    organisations_from_meta,
    primary_language,
    time_element_date,
)
from govwatch.pipeline.extract.text import clean_lines, element_lines, notes_offset, trafilatura_lines
from govwatch.pipeline.extract.xpaths import (
    CHROME_CLASSES,
    CHROME_IDS,
    CHROME_ROLES,
    CHROME_TAGS,
    GOVUK_MAIN,
    GOVUK_MARKERS,
    MAX_KICKER_LINES,
    MAX_KICKER_WORDS,
    PUBLISHED_LABEL,
    PUBLISHED_META,
    SITE_NAME_META,
    UPDATED_LABEL,
    UPDATED_META,
)
from govwatch.pipeline.records import ExtractedDocument

log = logging.getLogger(__name__)

#: The languages whose pages are tagged (the tagger reads English); others are "wrong_language".
ENGLISH: frozenset[str] = frozenset({"en"})


def extract_html(
    html_input: str | bytes, *, url: str | None = None, languages: frozenset[str] = ENGLISH
) -> ExtractedDocument:
    """Extract the article of one HTML page (GOV.UK frontend markup or any newsroom).

    Args:
        html_input: the page as bytes (decoded here: BOM, UTF-8, declared charset) or text.
        url: where the page came from; used for logging and as the canonical URL of last resort.
        languages: the primary language codes accepted; a page in another is "wrong_language".

    Returns:
        An `ExtractedDocument`; `extraction_status` is "ok" or why there is no usable body.

    >>> doc = extract_html('<html lang="en"><body><main><h1>Hi</h1><div class="govspeak">'
    ...                    '<p>First.</p><h2>Notes to editors</h2><p>More.</p></div></main></body></html>')
    >>> doc.title, doc.body_text, doc.notes_offset, doc.extraction_status
    ('Hi', 'First.\\nNotes to editors\\nMore.', 7, 'ok')
    >>> extract_html(b"%PDF-1.4 binary").extraction_status
    'binary'
    """
    try:
        return _extract_html(html_input, url, languages)
    except (ValueError, TypeError, etree.LxmlError, RecursionError, MemoryError) as error:
        # Last line of defence: the stages above return reasons, but lxml and trafilatura may still
        # refuse something odd; a crawler must get a record, not a crash.
        log.warning("skip %s: unparseable page (%s)", url or "<html>", error)
        return ExtractedDocument(canonical_url=url, extraction_status="unparseable")


def _extract_html(html_input: str | bytes, url: str | None, languages: frozenset[str]) -> ExtractedDocument:
    if isinstance(html_input, bytes | bytearray):
        reason = check_bytes(bytes(html_input))
        if reason:
            return _rejected(reason, url)
        text, mixed = decode_bytes(bytes(html_input))
        if mixed:
            log.info("%s: mixed encodings; bytes that are not UTF-8 read as Windows-1252", url or "<html>")
    elif isinstance(html_input, str):
        text = html_input
    else:
        return _rejected("not_html", url)
    reason = check_text(text)
    if reason:
        return _rejected(reason, url)
    parser = html.HTMLParser(remove_comments=True, remove_pis=True)
    tree = html.document_fromstring(strip_xml_declaration(text), parser=parser)
    if tree.xpath(GOVUK_MARKERS):
        return _extract_govuk_page(tree, url, languages)
    return _extract_other_page(tree, url, languages)


def _extract_govuk_page(
    tree: html.HtmlElement, url: str | None, languages: frozenset[str]
) -> ExtractedDocument:
    """GOV.UK frontend page: components for metadata, govspeak for the body."""
    meta = meta_values(tree)
    fields = read_govuk_fields(tree)
    published = normalise_date(meta.get("govuk:first-published-at")) or fields.published or _htmldate(tree)
    updated = normalise_date(meta.get("govuk:public-updated-at")) or fields.updated or published
    organisations = fields.organisations or tuple(
        name for name in (meta.get("govuk:primary-publishing-organisation", "").strip(),) if name
    )
    title = fields.title or _page_title(tree, meta, strip=strip_site_suffix)
    document = ExtractedDocument(
        title=title,
        summary=fields.summary or meta.get("description", ""),
        published_at=published,
        updated_at=updated,
        organisations=organisations,
        document_type=meta.get("govuk:format") or None,
        language=declared_language(tree, meta),
        canonical_url=canonical_url(tree, meta, url),
    )
    nodes = govspeak_nodes(tree)
    if nodes:
        lines = [line for node in nodes for line in element_lines(node)]
    else:
        _remove_chrome(tree)
        main = tree.xpath(GOVUK_MAIN)
        lines = _trafilatura_lines(main[0] if main else tree, url)
    return _finish(document, lines, url, languages)


def _extract_other_page(
    tree: html.HtmlElement, url: str | None, languages: frozenset[str]
) -> ExtractedDocument:
    """Any other newsroom: meta tags for metadata, trafilatura for the body."""
    meta = meta_values(tree)
    ld = jsonld_dates(tree)
    published = (
        first_date(meta, PUBLISHED_META)
        or ld.get("datePublished")
        or time_element_date(tree)
        or labelled_date(tree, PUBLISHED_LABEL)
        or _htmldate(tree)
    )
    updated = first_date(meta, UPDATED_META) or ld.get("dateModified") or labelled_date(tree, UPDATED_LABEL)
    document = ExtractedDocument(
        title=_page_title(tree, meta, strip=_strip_any_site_suffix),
        summary=" ".join((meta.get("description") or meta.get("og:description") or "").split()),
        published_at=published,
        updated_at=updated or published,
        organisations=organisations_from_meta(meta)
        or labelled_organisations(tree)
        or organisations_from_meta(meta, SITE_NAME_META),
        document_type=None,
        language=declared_language(tree, meta),
        canonical_url=canonical_url(tree, meta, url),
    )
    _remove_chrome(tree)
    return _finish(document, _trafilatura_lines(tree, url), url, languages)


def _finish(
    document: ExtractedDocument, lines: list[str], url: str | None, languages: frozenset[str]
) -> ExtractedDocument:
    """Clean the body lines, set the notes offset, and decide the status (no article, language)."""
    lines = _drop_title(clean_lines(lines), document.title)
    if lines and document.summary and lines[0] == document.summary:
        lines = lines[1:]
    body = "\n".join(lines)
    language = document.language or guess_language(body)
    status = "ok"
    if not body:
        status = "no_article"
    elif language is not None and language not in languages:
        status = "wrong_language"
    if status != "ok":
        log.info("skip %s: %s", url or document.canonical_url or "<html>", status)
    return _replace(
        document,
        body_text=body,
        notes_offset=notes_offset(lines),
        language=language,
        extraction_status=status,
    )


def _drop_title(lines: list[str], title: str) -> list[str]:
    """Drop the title from the top of the body, with any short label above it ("Press release").

    >>> _drop_title(["Press release", "UK signs deal", "The UK signed."], "UK signs deal")
    ['The UK signed.']
    >>> _drop_title(["The UK signed a deal today.", "UK signs deal"], "UK signs deal")
    ['The UK signed a deal today.', 'UK signs deal']
    """
    for index, line in enumerate(lines[: MAX_KICKER_LINES + 1]):
        if line == title:
            if all(len(kicker.split()) <= MAX_KICKER_WORDS for kicker in lines[:index]):
                return lines[index + 1 :]
            break
    return lines


def _replace(document: ExtractedDocument, **changes: Any) -> ExtractedDocument:
    """`dataclasses.replace` for the slotted record (kept in one place for typing)."""
    from dataclasses import replace

    return replace(document, **changes)


def _rejected(reason: str, url: str | None) -> ExtractedDocument:
    log.info("skip %s: %s", url or "<html>", reason)
    return ExtractedDocument(canonical_url=url, extraction_status=reason)


def _remove_chrome(tree: html.HtmlElement) -> None:
    """Remove page chrome in place (keeping each removed node's tail text)."""
    chrome = [
        node
        for node in tree.iter()
        if isinstance(node.tag, str)
        and (
            node.tag in CHROME_TAGS
            or node.get("role") in CHROME_ROLES
            or node.get("id") in CHROME_IDS
            or not CHROME_CLASSES.isdisjoint((node.get("class") or "").split())
        )
    ]
    for node in chrome:
        if node.getparent() is not None:
            node.drop_tree()


def _trafilatura_lines(tree: html.HtmlElement, url: str | None) -> list[str]:
    """Main text of a page by trafilatura, as lines (read from its tree, which keeps ordered lists)."""
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        deduplicate=False,
        with_metadata=False,
    )
    body = getattr(document, "body", None)
    return trafilatura_lines(body) if body is not None else []


def _page_title(tree: html.HtmlElement, meta: dict[str, str], *, strip: Any) -> str:
    """Title from the article's first `<h1>`, else `og:title`, else `<title>` without the site name."""
    for h1 in tree.xpath("//article//h1 | //main//h1 | //h1"):
        text = " ".join(h1.text_content().split())
        if text:
            return text
    if meta.get("og:title"):
        return " ".join(meta["og:title"].split())
    titles = tree.xpath("//title")
    return str(strip(" ".join(titles[0].text_content().split()))) if titles else ""


def _strip_any_site_suffix(title: str) -> str:
    """Drop a trailing " | Site" or " - Site" from a `<title>`.

    >>> _strip_any_site_suffix("Agency signs agreement | Example Agency")
    'Agency signs agreement'
    """
    for separator in (" | ", " - ", " – ", " — "):
        if separator in title:
            return title.rsplit(separator, 1)[0].strip()
    return title.strip()


def _htmldate(tree: html.HtmlElement) -> str | None:
    """Publication date by htmldate, the slow fallback when the page states none in its metadata."""
    try:
        found = find_date(tree, original_date=True, extensive_search=False)
    except (ValueError, TypeError, etree.LxmlError) as error:
        log.debug("htmldate failed: %s", error)
        return None
    return normalise_date(found) if isinstance(found, str) else None


def extract_content_item(
    item: Mapping[str, Any], *, languages: frozenset[str] = ENGLISH
) -> ExtractedDocument:
    """Extract a GOV.UK Content API item (parsed JSON of `/api/content/<path>`).

    Dates come from `first_published_at` (else `details.first_public_at`) and `public_updated_at`,
    organisations from `links.organisations[].title`, the body from `details.body` HTML.

    Args:
        item: the parsed JSON object.
        languages: the primary language codes accepted; an item in another is "wrong_language".

    Returns:
        An `ExtractedDocument`; "invalid_item" when `item` is not a JSON object, "empty" when it has no
        body text.

    >>> doc = extract_content_item({"title": "T", "locale": "en", "details": {"body": "<p>Body.</p>"}})
    >>> doc.body_text, doc.extraction_status
    ('Body.', 'ok')
    """
    if not isinstance(item, Mapping):
        log.info("skip content item: not a JSON object (%s)", type(item).__name__)
        return ExtractedDocument(extraction_status="invalid_item")
    fields = content_item_fields(item)
    body_html: str = fields.pop("body_html")
    fields["language"] = primary_language(fields["language"])
    document = ExtractedDocument(**fields)
    if not body_html.strip():
        return _replace(document, extraction_status=_logged("empty", document.canonical_url))
    try:
        root = html.fragment_fromstring(strip_xml_declaration(body_html), create_parent="div")
    except (ValueError, TypeError, etree.LxmlError) as error:
        log.info("skip %s: body is not HTML (%s)", document.canonical_url, error)
        return _replace(document, extraction_status="not_html")
    lines = element_lines(root)
    if not clean_lines(lines):
        return _replace(document, extraction_status=_logged("empty", document.canonical_url))
    return _finish(document, lines, document.canonical_url, languages)


def _logged(reason: str, url: str | None) -> str:
    log.info("skip %s: %s", url or "<content item>", reason)
    return reason
