"""Turn an article's HTML element into plain text lines, and find "Notes to editors" in them.

The text format is the one every extraction path produces: one line per block (paragraph, heading,
list item, table row, caption), lines joined with a single "\\n"; list items start with "- " (or "1. "
in ordered lists) and table cells are joined with " | ". Runs of whitespace inside a line collapse to
one space. The walk is iterative (`lxml.etree.iterwalk`), so no depth of nesting can exhaust Python's
recursion limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree, html

from govwatch.pipeline.extract.xpaths import (
    ATTACHMENT_CLASSES,
    BODY_SKIP_CLASSES,
    BODY_SKIP_ROLES,
    CHROME_LINES,
    NOTES_HEADING,
)

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
    ]
)
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "img",
        "picture",
        "video",
        "audio",
        "iframe",
        "button",
        "input",
    ]
)
CELL_TAGS = frozenset(("td", "th"))


@dataclass(slots=True)
class _Lines:
    """Accumulates text into lines while walking an element tree."""

    lines: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    prefix: str = ""
    cell_depth: int = 0
    cells_in_row: int = 0

    def add(self, text: str | None) -> None:
        if text:
            self.parts.append(text)

    def flush(self) -> None:
        line = " ".join("".join(self.parts).split())
        if line:
            self.lines.append(self.prefix + line)
            self.prefix = ""
        self.parts.clear()


def element_lines(root: html.HtmlElement) -> list[str]:
    """Return the text of `root` as lines, one per block.

    >>> element_lines(html.fragment_fromstring(
    ...     "<div><h2>Facts</h2><p>One  <b>two</b></p><ul><li>a</li><li>b</li></ul>"
    ...     "<table><tr><th>k</th><th>v</th></tr><tr><td>x</td><td>1</td></tr></table></div>"))
    ['Facts', 'One two', '- a', '- b', 'k | v', 'x | 1']

    Footnote back-links and an embedded attachment's file details are left out (`_skipped`):

    >>> element_lines(html.fragment_fromstring(
    ...     '<div><ol><li><p>A note. <a class="reversefootnote" href="#fnref:1">&#8617;</a></p></li></ol>'
    ...     '<section class="gem-c-attachment"><div class="gem-c-attachment__details"><h3>Roadmap</h3>'
    ...     '<p class="gem-c-attachment__metadata">PDF, 1 MB</p>'
    ...     '<details><summary>Request an accessible format.</summary></details></div></section></div>'))
    ['1. A note.', 'Roadmap']
    """
    acc = _Lines()
    counters: list[int | None] = []  # one per open list: None for <ul>, the next number for <ol>
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event in ("comment", "pi"):
            acc.add(element.tail)
        elif event == "start":
            if not tag or tag in SKIP_TAGS or _skipped(element, tag):
                walker.skip_subtree()  # its "end" event still comes, and adds the tail
                continue
            _open(acc, element, tag, counters)
            acc.add(element.text)
        else:
            if tag and tag not in SKIP_TAGS and not _skipped(element, tag):
                _close(acc, tag, counters)
            acc.add(element.tail)
    acc.flush()
    return acc.lines


def _skipped(element: html.HtmlElement, tag: str) -> bool:
    """True for a part of an article body that is navigation or file details rather than text.

    That is a footnote's back-link, and in an embedded attachment its thumbnail, its file details and
    accessibility warning, and the "Request an accessible format" form (a `<details>` in the attachment).
    """
    classes = element.get("class")
    if classes and not BODY_SKIP_CLASSES.isdisjoint(classes.split()):
        return True
    if element.get("role") in BODY_SKIP_ROLES:
        return True
    if tag == "details":
        parent = element.getparent()
        return parent is not None and not ATTACHMENT_CLASSES.isdisjoint((parent.get("class") or "").split())
    return False


def _open(acc: _Lines, element: html.HtmlElement, tag: str, counters: list[int | None]) -> None:
    """Handle the start of an element: break lines, number list items, separate table cells."""
    if acc.cell_depth and tag not in CELL_TAGS:
        if tag in BLOCK_TAGS or tag == "br":
            acc.add(" ")
        return
    if tag == "tr":
        acc.flush()
        acc.cells_in_row = 0
    elif tag in CELL_TAGS:
        if acc.cells_in_row:
            acc.add(" | ")
        acc.cells_in_row += 1
        acc.cell_depth += 1
    elif tag == "br":
        acc.flush()
    elif tag in ("ul", "ol"):
        acc.flush()
        counters.append(_ordered_start(element) if tag == "ol" else None)
    elif tag == "li":
        acc.flush()
        number = counters[-1] if counters else None
        if number is None:
            acc.prefix = "- "
        else:
            acc.prefix = f"{number}. "
            counters[-1] = number + 1
    elif tag in BLOCK_TAGS:
        acc.flush()


def _close(acc: _Lines, tag: str, counters: list[int | None]) -> None:
    """Handle the end of an element."""
    if tag in CELL_TAGS:
        acc.cell_depth = max(0, acc.cell_depth - 1)
        return
    if acc.cell_depth:
        return
    if tag in ("ul", "ol") and counters:
        counters.pop()
    if tag in BLOCK_TAGS:
        acc.flush()


def _ordered_start(element: html.HtmlElement) -> int:
    """First number of an ordered list (`<ol start="3">`), 1 when absent or not a number."""
    start = str(element.get("start") or "1").strip()
    return int(start) if start.isdigit() else 1


# trafilatura's tree elements as the HTML elements `element_lines` formats ("list" is "ol" or "ul").
TRAFILATURA_TAGS = {
    "head": "h2",
    "p": "p",
    "item": "li",
    "table": "table",
    "row": "tr",
    "quote": "blockquote",
    "lb": "br",
    "code": "pre",
    "hi": "span",
    "ref": "span",
}


def trafilatura_lines(body: etree._Element) -> list[str]:
    """Lines of trafilatura's extracted tree (`bare_extraction(...).body`), in the `element_lines` format.

    trafilatura's plain-text output writes every list item as "- "; its tree keeps ordered lists
    (`<list rend="ol">`) and table cells apart, so both come out as the other extraction paths write
    them. The tree's elements are renamed in place to the HTML elements `element_lines` formats.

    >>> trafilatura_lines(etree.fromstring(
    ...     '<body><head rend="h2">Notes</head><list rend="ol"><item>One</item><item>Two</item></list>'
    ...     '<table><row><cell role="head">k</cell><cell>v</cell></row></table></body>'))
    ['Notes', '1. One', '2. Two', 'k | v']
    """
    for element in body.iterdescendants():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "list":
            element.tag = "ol" if element.get("rend") == "ol" else "ul"
        elif element.tag == "cell":
            element.tag = "th" if element.get("role") == "head" else "td"
        elif element.tag == "graphic":
            element.tag = "img"
        else:
            element.tag = TRAFILATURA_TAGS.get(element.tag, "span")
    body.tag = "div"
    return element_lines(body)


def clean_lines(lines: Iterable[str]) -> list[str]:
    """Drop chrome lines ("Is this page useful?", "Share this page", ...) and collapse whitespace.

    >>> clean_lines(["Body  text", "", "Share this page", "Is this page useful?"])
    ['Body text']
    """
    kept = []
    for line in lines:
        text = " ".join(line.split())
        if text and text.casefold() not in CHROME_LINES:
            kept.append(text)
    return kept


def notes_offset(lines: list[str]) -> int | None:
    """Character offset, in `"\\n".join(lines)`, of the first "Notes to editors" heading line.

    >>> notes_offset(["Body.", "Notes to editors", "About us."])
    6
    >>> notes_offset(["Body only."]) is None
    True
    """
    offset = 0
    for line in lines:
        if NOTES_HEADING.match(line):
            return offset
        offset += len(line) + 1
    return None
