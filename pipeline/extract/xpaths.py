"""Selectors, patterns and word lists used by extraction (data only, no logic).

They live apart from the code so that a change in GOV.UK's frontend markup, or a newsroom's, is a
one-line edit here rather than a hunt through the extraction functions.
"""

from __future__ import annotations

import re


def _has_class(name: str) -> str:
    """XPath predicate true when an element's class list holds `name` exactly.

    >>> _has_class("govspeak")
    "contains(concat(' ', normalize-space(@class), ' '), ' govspeak ')"
    """
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# GOV.UK pages: any govuk:* meta tag or the frontend's body/html classes mark a page as GOV.UK markup.
GOVUK_MARKERS = (
    "//meta[starts-with(@name, 'govuk:')]"
    f" | //body[{_has_class('govuk-template__body')}]"
    f" | //html[{_has_class('govuk-template')}]"
)

# The rendered govspeak body (current `gem-c-govspeak govuk-govspeak`, older `govspeak`). Notices
# ("This news article was withdrawn on ...") render their explanation as govspeak too; that is not the body.
GOVSPEAK_BODY = (
    f"//*[({_has_class('govuk-govspeak')} or {_has_class('govspeak')})"
    f" and not(ancestor::*[{_has_class('gem-c-notice')}])]"
)
GOVUK_MAIN = "//main[@id='content'] | //*[@id='content'] | //main"
GOVUK_TITLE = f"//h1[{_has_class('gem-c-title__text')}] | //*[{_has_class('gem-c-title')}]//h1"
GOVUK_LEAD = f"//p[{_has_class('gem-c-lead-paragraph')}] | //*[{_has_class('gem-c-lead-paragraph')}]"
# "From:" / "Published" terms: the metadata component, and the older whitehall frontend's metadata list.
GOVUK_METADATA_TERMS = (
    f"//*[{_has_class('gem-c-metadata')}]//dt"
    f" | //*[{_has_class('app-c-publisher-metadata')}]//dt"
    f" | //*[{_has_class('metadata-list')}]//dt"
)

# Inside a govspeak body: parts that are navigation or file details, not the article's text. Footnote
# back-links ("↩"), and an embedded attachment's thumbnail, file details ("PDF, 1.8 MB, 46 pages"),
# accessibility warning and "Request an accessible format" form (its title stays).
BODY_SKIP_CLASSES = frozenset(
    (
        "reversefootnote",
        "gem-c-attachment__thumbnail",
        "gem-c-attachment__metadata",
    )
)
BODY_SKIP_ROLES = frozenset(("doc-backlink",))
ATTACHMENT_CLASSES = frozenset(("gem-c-attachment", "gem-c-attachment__details"))

# Page chrome, removed before any text is taken from a page that is not read through govspeak. Matched
# by tag, class token, id or ARIA role in one pass over the tree (one big XPath union was ~50x slower).
CHROME_TAGS = frozenset(
    ["script", "style", "noscript", "template", "svg", "form", "header", "footer", "nav", "aside"]
)
CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "search"))
CHROME_IDS = frozenset(("global-cookie-message", "cookie-notice", "wb-info", "wb-bnr"))
CHROME_CLASSES = frozenset(
    (
        # GOV.UK frontend components
        "gem-c-cookie-banner",
        "govuk-skip-link",
        "gem-c-skip-link",
        "govuk-header",
        "gem-c-layout-super-navigation-header",
        "govuk-breadcrumbs",
        "gem-c-breadcrumbs",
        "gem-c-contextual-breadcrumbs",
        "gem-c-contents-list",
        "gem-c-share-links",
        "gem-c-print-link",
        "gem-c-related-navigation",
        "gem-c-contextual-sidebar",
        "gem-c-contextual-footer",
        "gem-c-single-page-notification-button",
        "gem-c-feedback",
        "govuk-footer",
        "gem-c-layout-footer",
        "gem-c-phase-banner",
        "govuk-phase-banner",
        "gem-c-back-to-top-link",
        "app-c-back-to-top",
        "gem-c-attachment__metadata",
        "gem-c-published-dates",
        # Other newsrooms: WordPress, USWDS, Canada.ca (GCWeb), EU press corner (ECL)
        "sharedaddy",
        "share-buttons",
        "social-share",
        "usa-banner",
        "usa-identifier",
        "usa-footer",
        "gc-pg-hlpfl",
        "pagedetails",
        "ecl-site-header",
        "ecl-footer",
        "ecl-breadcrumb",
        "related-posts",
        "post-navigation",
        "comments-area",
        "cookie-consent",
        "cookie-notice",
        "press-contacts",
        "related-media",
        # GOV.WALES: "This document was downloaded from GOV.WALES ..." shown only on paper
        "print-notice",
        # Text for screen readers only ("News release" labels, "opens in new tab")
        "wb-inv",
        "sr-only",
        "screen-reader-text",
    )
)

# Whole lines that are page chrome whatever the markup (a last safety net after extraction).
CHROME_LINES = frozenset(
    line.casefold()
    for line in (
        "Is this page useful?",
        "Yes this page is useful",
        "No this page is not useful",
        "Report a problem with this page",
        "Share this page",
        "Cookies on GOV.UK",
        "Print this page",
        "Contents",
        "Related content",
        "Explore the topic",
        "Skip to main content",
        "Did you find what you were looking for?",
        "Report a problem or mistake on this page",
        "Share this article",
        "Share this:",
        "Print friendly",
    )
)

NOTES_HEADING = re.compile(r"^\s*notes?\s+(?:to|for)\s+(?:the\s+)?editors?\s*:?\s*$", re.IGNORECASE)

# Dates a newsroom states only in visible text ("First published: 3 March 2025", "Last updated on: ..."):
# a label, then the date in the same short element (or its <time>, or the next element, as in <dt>/<dd>).
# The label ends with a colon, "on", or the element's text ("Updated guidance was issued..." is no label).
_LABEL_END = r"(?:\s+on\b\s*:?|\s*:|\s*$)\s*(.*)$"
PUBLISHED_LABEL = re.compile(
    r"^\s*(?:(?:first\s+|date\s+)?published|posted|issued|release\s+date)" + _LABEL_END, re.IGNORECASE
)
UPDATED_LABEL = re.compile(
    r"^\s*(?:last\s+(?:updated|modified)|updated|date\s+modified)" + _LABEL_END, re.IGNORECASE
)
MAX_DATE_LABEL_CHARS = 100
# Short lines before the title in a body (a "Press release" label above the <h1>), dropped with the title.
MAX_KICKER_LINES = 2
MAX_KICKER_WORDS = 4

# GOV.UK's "From:" / "Published" / "Last updated" labels in the metadata component.
METADATA_FROM = re.compile(r"^\s*from\s*:?\s*$", re.IGNORECASE)
METADATA_PUBLISHED = re.compile(r"^\s*(?:first\s+)?published\s*:?\s*$", re.IGNORECASE)
METADATA_UPDATED = re.compile(r"^\s*last\s+updated\s*:?\s*$", re.IGNORECASE)

# Dates in page metadata, tried in order (first found wins).
PUBLISHED_META = (
    "govuk:first-published-at",
    "article:published_time",
    "og:article:published_time",
    "dcterms.issued",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
    "publication_date",
    "datepublished",
)
UPDATED_META = (
    "govuk:public-updated-at",
    "article:modified_time",
    "og:article:modified_time",
    "og:updated_time",
    "dcterms.modified",
    "dc.date.modified",
    "last-modified",
    "datemodified",
)
ORGANISATION_META = ("dcterms.creator", "dc.creator", "dcterms.publisher", "dc.publisher")
# The site's name: the publisher only when the page names no other ("gov.ie" is a site, not a department).
SITE_NAME_META = ("og:site_name",)
# A visible "From: <organisation>" label (gov.ie and others), read when no meta tag names the publisher.
FROM_LABEL = re.compile(r"^\s*from\s*:\s*(\S.*)$", re.IGNORECASE)
FROM_LABEL_START = re.compile(r"^\s*from\s*:", re.IGNORECASE)
MAX_FROM_LABEL_CHARS = 200
JSONLD_DATE = re.compile(r'"(datePublished|dateModified)"\s*:\s*"([^"]{8,40})"')

# Stop words per language: enough to tell an English page from the languages GOV.UK and its
# neighbours publish in when a page does not declare its language.
STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "that",
            "for",
            "with",
            "on",
            "as",
            "by",
            "this",
            "are",
            "be",
            "it",
            "from",
            "at",
            "will",
            "have",
            "which",
        ]
    ),
    "cy": frozenset(
        [
            "y",
            "yr",
            "a",
            "ac",
            "i",
            "yn",
            "o",
            "ar",
            "gyda",
            "mae",
            "ei",
            "bod",
            "am",
            "fel",
            "hyn",
            "wedi",
            "bydd",
            "ein",
            "sy",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "et",
            "des",
            "du",
            "un",
            "une",
            "est",
            "pour",
            "dans",
            "que",
            "qui",
            "sur",
            "par",
            "avec",
            "au",
            "aux",
            "pas",
        ]
    ),
    "de": frozenset(
        [
            "der",
            "die",
            "das",
            "und",
            "ist",
            "nicht",
            "mit",
            "von",
            "den",
            "zu",
            "dem",
            "ein",
            "eine",
            "auf",
            "für",
            "im",
            "sich",
            "auch",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "y",
            "de",
            "que",
            "en",
            "un",
            "una",
            "por",
            "con",
            "para",
            "es",
            "del",
            "se",
            "al",
            "como",
        ]
    ),
    "it": frozenset(
        [
            "il",
            "la",
            "le",
            "e",
            "di",
            "che",
            "un",
            "una",
            "per",
            "con",
            "del",
            "della",
            "sono",
            "è",
            "non",
            "gli",
            "dei",
            "nel",
        ]
    ),
    "nl": frozenset(
        [
            "de",
            "het",
            "een",
            "en",
            "van",
            "is",
            "dat",
            "op",
            "te",
            "in",
            "met",
            "voor",
            "niet",
            "zijn",
            "aan",
            "ook",
            "bij",
        ]
    ),
    "pt": frozenset(
        [
            "o",
            "a",
            "os",
            "as",
            "e",
            "de",
            "que",
            "em",
            "um",
            "uma",
            "para",
            "com",
            "não",
            "do",
            "da",
            "dos",
            "das",
            "no",
            "na",
        ]
    ),
}
