"""The body of an announcement with its tagged evidence marked up at the stored character offsets.

Everything in a body came from a feed and is untrusted, so each piece of text is escaped first and only
then wrapped in `<mark>`; the offsets index the repaired `body_text` (Python string positions), exactly as
the tagger wrote them. Spans that fall outside the body, are empty, or overlap a span already marked are
left out of the mark-up (they are still listed beside the body).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """One piece of evidence: where it is in the body and what it says."""

    start: int
    end: int
    category: str  # agreement | party | figure
    label: str  # what hovering shows: kind, status, value...
    note: int  # the number of the note that explains it in full


def usable_spans(body: str, spans: Iterable[Span]) -> list[Span]:
    """The spans that can be marked: inside the body, non-empty, not overlapping one taken before.

    Longer spans win over shorter ones starting at the same place; otherwise the earlier one wins.

    >>> spans = [Span(start=0, end=4, category="party", label="", note=1),
    ...          Span(start=2, end=6, category="figure", label="", note=2),
    ...          Span(start=7, end=99, category="party", label="", note=3)]
    >>> [s.note for s in usable_spans("abcdefghij", spans)]
    [1]
    """
    taken: list[Span] = []
    end_of_last = 0
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start), s.note)):
        if span.start < 0 or span.end > len(body) or span.end <= span.start:
            continue
        if span.start < end_of_last:
            continue
        taken.append(span)
        end_of_last = span.end
    return taken


def mark_up(body: str, spans: Iterable[Span]) -> Markup:
    """The body as HTML: escaped text, with each usable span wrapped in a link to its note.

    >>> str(mark_up("A <b> & B", [Span(start=0, end=1, category="party", label="x\\"y", note=1)]))
    '<a class="ev ev-party" href="#note-1" title="x&#34;y"><mark>A</mark></a> &lt;b&gt; &amp; B'
    """
    out: list[str] = []
    position = 0
    for span in usable_spans(body, spans):
        out.append(str(escape(body[position : span.start])))
        out.append(
            f'<a class="ev ev-{escape(span.category)}" href="#note-{span.note}" title="{escape(span.label)}">'
            f"<mark>{escape(body[span.start : span.end])}</mark></a>"
        )
        position = span.end
    out.append(str(escape(body[position:])))
    return Markup("".join(out))
