"""Governments named through their office holders: "Germany's Federal Minister of Education and Research",
"his Japanese counterpart", "the UK Science Secretary", "the Technology Secretary".

Announcements of agreements between countries often name the signatories only by their offices; the
parties are then the offices' governments. A country word (a country's name, possessive or not, or its
adjective) followed by at most four capitalised words and an office noun names that country's
government; a government role with "the" and no country ("the Technology Secretary", "the First
Minister") names the publisher's government.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from govwatch.pipeline.tag.lexicon import Lexicon, find_words, trie_regex
from govwatch.pipeline.tag.mentions import Mention

_OFFICES = (
    "Prime Minister",
    "Deputy Prime Minister",
    "Minister",
    "Ministers",
    "Secretary",
    "Secretary of State",
    "Chancellor",
    "President",
    "Vice President",
    "Vice-President",
    "Premier",
    "counterpart",
    "counterparts",
    "Ambassador",
    "High Commissioner",
    "Commissioner",
    "ministry",
    "Ministry",
    "Cabinet",
    "administration",
)
_SPACE = r"[ \t]+"
# "of Education and Research", "for Digital Transformation and Governmental Modernisation"
_OF_PART = rf"(?:{_SPACE}(?:of|for){_SPACE}(?:the{_SPACE})?[A-Z][\w-]*(?:(?:,{_SPACE}|{_SPACE}and{_SPACE}|{_SPACE}&{_SPACE}|{_SPACE})[A-Z][\w-]*){{0,6}})?"


@functools.lru_cache(maxsize=8)
def _pattern(countries: tuple[str, ...]) -> re.Pattern[str]:
    words = rf"(?:{_SPACE}(?:[A-Z][\w-]*|and|of|for)){{0,4}}?"
    return re.compile(
        rf"(?P<country>{trie_regex(countries)})(?:’s|'s)?{words}{_SPACE}(?P<office>{trie_regex(_OFFICES)})"
        rf"(?![\w-]){_OF_PART}"
    )


@functools.lru_cache(maxsize=8)
def _home_pattern(roles: tuple[str, ...]) -> re.Pattern[str]:
    # A role with "the" and no name after it: "the Technology Secretary signed ...".
    return re.compile(rf"[Tt]he{_SPACE}(?P<role>{trie_regex(roles)})(?![\w-]){_OF_PART}(?![ \t]+[A-Z])")


@functools.lru_cache(maxsize=8)
def _before_pattern(countries: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(
        rf"(?<![\w-])(?P<country>{trie_regex(countries)})(?:’s|'s)?(?:{_SPACE}[A-Z][\w-]*){{0,3}}?{_SPACE}$"
    )


def government_before(text: str, position: int, lexicon: Lexicon) -> str | None:
    """The government a country word just before a role names ("Japan's Digital Minister Taro Kono").

    >>> from govwatch.pipeline.tag.lexicon import load_lexicon
    >>> text = "Germany's Federal Minister of Education"
    >>> government_before(text, text.index("Minister"), load_lexicon())
    'German Government'
    """
    words = lexicon.country_words
    match = _before_pattern(lexicon.country_word_list).search(text, max(0, position - 60), position)
    return lexicon.governments.get(words[match["country"]]) if match is not None else None


@functools.lru_cache(maxsize=8)
def _office_of_pattern(countries: tuple[str, ...]) -> re.Pattern[str]:
    # "the Prime Minister of Japan", "the Minister of Science and ICT of the Republic of Korea"
    office = r"(?:Prime[ \t]+Minister|President|Premier|Chancellor|Minister|Secretary|Ambassador|High[ \t]+Commissioner)"
    return re.compile(
        rf"{office}(?:[ \t]+(?:of|for)[ \t]+[A-Z][\w&-]*(?:(?:,?[ \t]+|[ \t]+and[ \t]+)[A-Z][\w&-]*){{0,5}})?"
        rf"[ \t]+(?:of|to)[ \t]+(?:the[ \t]+)?(?P<country>{trie_regex(countries)})(?![\w-])"
    )


def find_office_holders(text: str, lexicon: Lexicon, home: str | None) -> Iterable[Mention]:
    """Yield a government mention for each office that names a government.

    A role with no country ("the Technology Secretary") names `home`, the page's own government; with no
    home government it names nobody.
    """
    words = lexicon.country_words
    # "Germany's Federal Minister of ...", then "the Prime Minister of Japan"
    for match in (
        *find_words(_pattern(lexicon.country_word_list), text),
        *_office_of_pattern(lexicon.country_word_list).finditer(text),
    ):
        government = lexicon.governments.get(words[match["country"]])
        if government is not None:
            yield Mention(
                kind="government", name=government, start=match.start(), end=match.end(), party=government
            )
    if home is None:
        return
    for match in _home_pattern(_government_roles(lexicon.roles, lexicon.government_roles)).finditer(text):
        yield Mention(kind="government", name=home, start=match.start(), end=match.end(), party=home)


@functools.lru_cache(maxsize=8)
def _government_roles(roles: tuple[str, ...], government_roles: tuple[str, ...]) -> tuple[str, ...]:
    """The roles that hold a government word ("Technology Secretary", "Minister for AI"), once per lexicon."""
    return tuple(r for r in roles if any(g in r for g in government_roles))


@functools.lru_cache(maxsize=8)
def _pair_pattern(countries: tuple[str, ...]) -> re.Pattern[str]:
    country = trie_regex(countries)
    return re.compile(rf"(?<![\w-])(?:{country})(?:[-–/](?:{country}))+(?![\w-]|[-–/]based)")


def country_pairs(text: str, lexicon: Lexicon) -> Iterable[Mention]:
    """Yield each country of a joined pair ("the Japan-UK Digital Partnership", "UK–US MoU") as its government."""
    words = lexicon.country_words
    for match in _pair_pattern(lexicon.country_word_list).finditer(text):
        position = match.start()
        for part in re.split(r"([-–/])", match.group()):
            if part in words:
                government = lexicon.governments.get(words[part])
                if government is not None:
                    yield Mention(
                        kind="government",
                        name=government,
                        start=position,
                        end=position + len(part),
                        party=government,
                        role="country pair",
                    )
            position += len(part)


@functools.lru_cache(maxsize=8)
def _coordinated_pattern(countries: tuple[str, ...]) -> re.Pattern[str]:
    country = trie_regex(countries)
    listed = rf"(?:the[ \t]+)?(?:{country})(?:(?:,[ \t]+|[ \t]+and[ \t]+|,[ \t]+and[ \t]+)(?:the[ \t]+)?(?:{country}))+"
    return re.compile(
        rf"(?<![\w-])(?P<list>{listed})"
        rf"[ \t]+(?:[Gg]overnments|[Aa]dministrations|[Mm]inistries|ministers|leaders|prime[ \t]+ministers|Prime[ \t]+Ministers)\b"
        rf"|\b(?:governments|Governments)[ \t]+of[ \t]+(?P<of_list>{listed})"
    )


_PLURAL_GOVERNMENT_WORD = re.compile(
    r"\b(?:governments|Governments|administrations|ministries|ministers|leaders|Ministers)\b"
)
# The devolved governments are joined with the UK's the same way: "the UK and Scottish governments".
DEVOLVED_GOVERNMENTS = {"Scottish": "Scottish Government", "Welsh": "Welsh Government"}


def coordinated_governments(text: str, lexicon: Lexicon) -> Iterable[Mention]:
    """Yield each government of "the British and Japanese governments" / "UK and Indian ministers" /
    "the Scottish and UK governments"."""
    words = lexicon.country_words
    if _PLURAL_GOVERNMENT_WORD.search(text) is None:
        return  # every coordinated list ends with, or follows, one of these words: nothing to read
    for match in _coordinated_pattern((*lexicon.country_word_list, *DEVOLVED_GOVERNMENTS)).finditer(text):
        group = "list" if match["list"] is not None else "of_list"
        for part in re.finditer(r"[^,]+?(?=,|[ \t]+and[ \t]+|$)", match[group]):
            word = part.group().strip()
            word = word[4:] if word.startswith("and ") else word
            word = word[4:] if word.startswith("the ") else word
            if word in words or word in DEVOLVED_GOVERNMENTS:
                government = DEVOLVED_GOVERNMENTS.get(word) or lexicon.governments.get(words[word])
                if government is not None:
                    start = match.start(group) + part.start() + part.group().index(word)
                    yield Mention(
                        kind="government",
                        name=government,
                        start=start,
                        end=start + len(word),
                        party=government,
                    )
