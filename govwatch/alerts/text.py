"""Small text helpers for matching: slugs, word sets, keyword search and the sentence around an offset."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from govwatch.alerts.data import ORGANISATION_ACRONYMS
from govwatch.alerts.records import Excerpt

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"\w+")
_SENTENCE_MARKS = ".!?\n"
_SENTENCE_END = re.compile(r"[.!?\n]")
_SLUG_TO_ACRONYM = {slug: acronym for acronym, slug in ORGANISATION_ACRONYMS.items()}
_MAX_SENTENCE_CHARS = 400
#: Searching a 5 KB text for one word costs about 1/60 of splitting it into words, so after this many
#: distinct words a `WordLookup` splits the text once and answers from the set.
SEARCHES_BEFORE_TOKENISING = 24


def slugify(text: str) -> str:
    """Turn an organisation name or slug into a GOV.UK-style slug, so names and slugs compare equal.

    >>> slugify("Department for Science, Innovation and Technology")
    'department-for-science-innovation-and-technology'
    >>> slugify("OpenAI")
    'openai'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_SLUG.sub("-", ascii_text.lower().replace("&", " and ")).strip("-")


def organisation_keys(names: Iterable[str]) -> frozenset[str]:
    """Every key an organisation can be found by: its slug, plus the slug an acronym stands for (or back).

    >>> sorted(organisation_keys(["DSIT"]))
    ['department-for-science-innovation-and-technology', 'dsit']
    """
    keys: set[str] = set()
    for name in names:
        slug = slugify(name)
        if not slug:
            continue
        keys.add(slug)
        if slug in ORGANISATION_ACRONYMS:
            keys.add(ORGANISATION_ACRONYMS[slug])
        if slug in _SLUG_TO_ACRONYM:
            keys.add(_SLUG_TO_ACRONYM[slug])
    return frozenset(keys)


def words(text: str) -> frozenset[str]:
    """The set of lower-case words of a text (letters, digits and underscore, any script).

    >>> sorted(words("AI-powered public services"))
    ['ai', 'powered', 'public', 'services']
    """
    return frozenset(_WORD.findall(text.lower()))


def contains_word(low: str, word: str) -> bool:
    """Whether `word` (lower-case word characters) is one of `words(low)`, found without splitting `low`.

    An occurrence counts when no word character touches it on either side: exactly the runs `\\w+` finds.

    >>> contains_word("new data centres", "data"), contains_word("new data centres", "centre")
    (True, False)
    """
    if not _WORD.fullmatch(word):
        return False  # "i̇" (İ lower-cased) holds a combining mark: no run of word characters is it
    size = len(word)
    position = low.find(word)
    while position >= 0:
        end = position + size
        before = low[position - 1] if position else " "
        after = low[end] if end < len(low) else " "
        if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
            return True
        position = low.find(word, position + 1)
    return False


class WordLookup:
    """Answers `word in words(text)` for any of some texts (title, body), given lower-cased with `str.lower`.

    Matching asks about a few words per announcement (the keywords of the candidate subscriptions), so
    searching for each is cheaper than splitting a long body into words; once many distinct words were
    asked (`SEARCHES_BEFORE_TOKENISING`), or `tokens` is read, the texts are split once and the set answers.

    >>> found = WordLookup(["ai-powered public services"])
    >>> "powered" in found, "power" in found
    (True, False)
    """

    __slots__ = ("_known", "_lows", "_tokens")

    def __init__(self, lows: Iterable[str]) -> None:
        self._lows = tuple(lows)
        self._known: dict[str, bool] = {}
        self._tokens: frozenset[str] | None = None

    @property
    def tokens(self) -> frozenset[str]:
        """Every lower-case word of the texts (split on first use, then kept)."""
        if self._tokens is None:
            self._tokens = frozenset().union(*(_WORD.findall(low) for low in self._lows))
        return self._tokens

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if self._tokens is not None:
            return word in self._tokens
        known = self._known.get(word)
        if known is None:
            if len(self._known) >= SEARCHES_BEFORE_TOKENISING:
                return word in self.tokens
            known = self._known[word] = any(contains_word(low, word) for low in self._lows)
        return known

    def __repr__(self) -> str:
        return f"WordLookup({len(self._lows)} texts)"


def keyword_words(keyword: str) -> tuple[str, ...]:
    """The lower-case words of a keyword, used to rule a text out before any regular expression runs."""
    return tuple(_WORD.findall(keyword.lower()))


def keyword_pattern(keyword: str) -> re.Pattern[str]:
    """A case-insensitive, word-bounded pattern for a keyword; inner spaces match any run of whitespace.

    >>> bool(keyword_pattern("data centre").search("new Data  Centres"))
    False
    >>> bool(keyword_pattern("data centre").search("a new data\\ncentre in Wales"))
    True
    """
    parts = [re.escape(part) for part in keyword.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.IGNORECASE)


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence (or line) of `text` that holds `text[start:end]`, trimmed to a readable length.

    >>> sentence_around("One. The MoU was signed today. Three.", 9, 12)
    'The MoU was signed today.'
    """
    left = max(text.rfind(mark, 0, start) for mark in _SENTENCE_MARKS) + 1
    found = _SENTENCE_END.search(text, end)
    right = found.end() if found else len(text)
    sentence = text[left:right].strip()
    if len(sentence) > _MAX_SENTENCE_CHARS:
        sentence = sentence[:_MAX_SENTENCE_CHARS].rstrip() + "…"
    return sentence


def lowered(text: str, low: str | None = None) -> str | None:
    """The lower-case text when it keeps every offset (it does not for a few letters such as 'İ').

    Pass `low` when `text.lower()` is already at hand.
    """
    low = text.lower() if low is None else low
    return low if len(low) == len(text) else None


def _search(pattern: re.Pattern[str], first: str, text: str, low: str | None) -> re.Match[str] | None:
    # A case-insensitive pattern that starts with a look-behind gets no fast literal scan in `re`, so
    # find the keyword's first word with str.find in the lower-cased text and try the pattern there.
    if low is None or not first:
        return pattern.search(text)
    position = low.find(first)
    while position >= 0:
        found = pattern.match(text, position)
        if found:
            return found
        position = low.find(first, position + 1)
    return None


def find_keyword(
    pattern: re.Pattern[str], keyword: str, texts: Sequence[tuple[str, str, str | None]]
) -> Excerpt | None:
    """The first place a keyword occurs in `(field, text, lowered text)`s, in order, with its sentence.

    >>> text = "The AI lab. OpenAI said so."
    >>> find_keyword(keyword_pattern("said"), "said", [("body_text", text, lowered(text))])
    Excerpt(sentence='OpenAI said so.', start=19, end=23, field='body_text')
    """
    first = keyword.split()[0].lower() if keyword.split() else ""
    for field_name, text, low in texts:
        found = _search(pattern, first, text, low)
        if found:
            return Excerpt(
                sentence=sentence_around(text, found.start(), found.end()),
                start=found.start(),
                end=found.end(),
                field=field_name,
            )
    return None
