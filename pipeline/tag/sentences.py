"""Split repaired body text into sentences that keep their character offsets.

Every annotation carries `Evidence(sentence, start, end)` with offsets into the original text, so the
splitter never rewrites text: it only finds boundaries. Paragraph breaks (newlines) always end a
sentence; inside a paragraph a full stop, question or exclamation mark followed by white space and an
upper-case letter, digit or quote ends one, unless the word before the stop is a known abbreviation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end with a full stop without ending the sentence ("Dr. Smith", "e.g. the NHS").
ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "inc",
        "corp",  # "A-FLOW Properties I Corp. (A-FLOW) and the Land Bank ..."
        "ltd",
        "pvt",  # "Mitsuba Sical India Pvt. Ltd. will spend ...": an Indian company's legal name
        "co",
        "jr",
        "sr",
        "approx",
        "govt",
        "rs",  # "Rs. 20,761 crore": the rupee's sign
        "ksh",  # "Kshs. 10 billion": the Kenyan shilling's sign
        "kshs",
        "dept",
        "fig",
        "p",
        "pp",
        "sgt",
        "col",
        "gen",
        "rt",
        "hon",
        "u.k",
        "u.s",
        "eng",  # "Eng. Amr Talaat": an engineer's title in Egyptian and Gulf releases
        "lt",
        "capt",
        "maj",
        "adm",
        "sen",
        "rep",
        "amb",
        "h.e",  # "H.E. Dr Sultan Al Jaber"
        "phys",  # "Dr. Phys. Marius-Ioan Piso", "Dipl.-Ing.", "Mag.": academic titles before names
        "ing",
        "mag",
        "habil",
        # months in wire datelines: "MCLEAN, Va., Oct. 21, 2013 -- Iridium Communications Inc. today ..."
        "jan",
        "feb",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)
# Longer sentences are cut for the clause-level patterns so that no single pattern scans a huge run.
MAX_SENTENCE_CHARS = 4000

_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]?(?=\s+[\"'“‘(\[]?[A-Z0-9£$€])")
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True, slots=True, kw_only=True)
class Sentence:
    """One sentence: its text and where it starts and ends in the document."""

    text: str
    start: int
    end: int


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Return the sentences of `text` with offsets, skipping blank lines.

    >>> [s.text for s in split_sentences("Dr. Ada Lovelace spoke. The MoU was signed.\\nNotes")]
    ['Dr. Ada Lovelace spoke.', 'The MoU was signed.', 'Notes']
    >>> split_sentences("It costs £2.5m. Next")[1].start
    16
    >>> [s.text for s in split_sentences("BAKU, Azerbaijan, 14 May (Trend) – The EBRD has lent €15m.")]
    ['The EBRD has lent €15m.']
    >>> [s.text for s in split_sentences("DENVER, Colo.--(BUSINESS WIRE)--Acme won a deal.")]
    ['Acme won a deal.']
    >>> [s.text for s in split_sentences("BOULDER, CO / ACCESSWIRE / May 4, 2025 / Acme won a deal.")]
    ['Acme won a deal.']
    """
    sentences: list[Sentence] = []
    for line in _LINE.finditer(text):
        dateline = _DATELINE.match(text, line.start(), line.end())
        begin = dateline.end() if dateline is not None else line.start()
        for stop in _BOUNDARY.finditer(text, begin, line.end()):
            if _is_abbreviation(text, begin, stop.start()):
                continue
            _add(sentences, text, begin, stop.end())
            begin = stop.end()
        _add(sentences, text, begin, line.end())
    return tuple(sentences)


# A wire's dateline opens its first paragraph and is no part of the sentence: "BAKU, Azerbaijan, 14 May – ",
# "CHANTILLY, Va., Feb. 10, 2026 (GLOBE NEWSWIRE) -- ", "KUCHING (Oct 15): ".
# Capital letters of a city's name in a dateline: ASCII and Latin-1 ("RIVIÈRE-DU-LOUP", "MÜNCHEN").
_CITY_CAPITALS = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0xDF)) if c.isupper())
_DATELINE = re.compile(
    rf"[ \t]*[A-Z][{_CITY_CAPITALS}'’.-]{{2,}}(?:[ ][A-Z][{_CITY_CAPITALS}'’.-]+){{0,3}}"  # the city, in capitals
    r"(?:[ ]\([A-Z][\w .]{1,30}\))?"  # "SKOPJE (North Macedonia)"
    r"(?:,[ ][A-Z][\w.]*(?:[ ][A-Z][\w.]*){0,2}){0,2}"  # its state or country
    r"(?:,?[ ](?:\d{1,2}[ ])?[A-Z][a-z]{2,8}\.?(?:[ ]\d{1,2})?(?:,[ ]\d{4})?)?"  # its date
    r"(?:(?:[ ]\([^()\n]{1,40}\)|[ ]/[^/\n]{2,30}/)?[ ]?(?:–|—|--|-|:)[ ]+"  # "(Reuters)", "/CNW Telbec/"
    r"|--\([A-Z][A-Za-z ]{2,30}\)--[ ]*"  # "SANTA ANA, Calif.--(BUSINESS WIRE)--"
    r"|[ ]/[ ][A-Z][A-Za-z ]{2,30}[ ]/[ ][A-Z][a-z]{2,8}\.?[ ]\d{1,2},[ ]\d{4}[ ]/[ ]+)"  # "MD / ACCESSWIRE / May 5, 2024 / "
    r"(?=[A-Z“\"‘'])"  # and a sentence opens after it ("NASA – the agency – said" has none)
)


def _is_abbreviation(text: str, begin: int, stop: int) -> bool:
    """Tell whether the word just before the full stop at `stop` is an abbreviation."""
    if text[stop] != ".":
        return False
    word_start = stop
    while word_start > begin and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
        if stop - word_start > 8:
            return False
    word = text[word_start:stop].lower()
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha() and text[stop - 1].isupper())


def _add(sentences: list[Sentence], text: str, begin: int, end: int) -> None:
    """Append the stripped span as one or more sentences, cutting overlong spans into chunks."""
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    while begin < end:
        stop = min(end, begin + MAX_SENTENCE_CHARS)
        sentences.append(Sentence(text=text[begin:stop], start=begin, end=stop))
        begin = stop


# A list item line as extraction writes it: "- item" or "1. item".
_ITEM = re.compile(r"[ \t]*(?:[-•*▲]|\d{1,2}[.)])[ \t]+")
MAX_LIST_ITEMS = 40


def list_items_after(text: str, position: int) -> list[tuple[int, int]]:
    r"""The list item lines right after the line holding `position` ("...awarded grants to:" then "- HIE").

    Each span starts after the item mark. Reading stops at the first line that is not an item.

    >>> text = "Grants went to:\n- Orbex, Forres\n- HIE\nMore text."
    >>> [text[a:b] for a, b in list_items_after(text, 3)]
    ['Orbex, Forres', 'HIE']
    """
    items: list[tuple[int, int]] = []
    line_end = text.find("\n", position)
    while line_end != -1 and len(items) < MAX_LIST_ITEMS:
        start = line_end + 1
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        mark = _ITEM.match(text, start, end)
        if mark is None:
            break
        items.append((mark.end(), end))
        line_end = end if end < len(text) else -1
    return items
