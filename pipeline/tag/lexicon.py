"""Load the tagging lexicons (TOML data files) and compile them into fast patterns.

The word lists that drive tagging (organisations, places, roles, programmes, agreement words, topics)
live in `pipeline/tag/lexicons/*.toml` so that users can extend them without touching code: put more
TOML files with the same tables in a folder and name it in `[tagging] lexicon_dirs` (or
`GOVWATCH_LEXICON_DIR`); the config loader reads that once, and callers pass the folders to
`load_lexicon`. Extra files are merged after the bundled ones: lists are appended, tables are merged key
by key, and a topic's `min_score` is replaced.
"""

from __future__ import annotations

import functools
import logging
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govwatch.config import LEXICON_DIR_ENV
from govwatch.errors import ConfigError
from govwatch.pipeline.tag.wordlists import WordList, word_list
from govwatch.pipeline.tag.wordlists import trie_regex as trie_regex
from govwatch.pipeline.tag.wordlists import word_pattern as _word_pattern
from govwatch.pipeline.tag.wordlists import words_in as words_in

log = logging.getLogger(__name__)

LEXICON_DIR = Path(__file__).parent / "lexicons"
DEFAULT_TOPIC_MIN_SCORE = 3
WORD_JOINERS = "_.@/-"  # a lexicon word right after one of these is part of a longer token


@dataclass(frozen=True, slots=True, kw_only=True)
class Name:
    """A canonical name found through one of its aliases; `party` is the name it takes in agreements."""

    name: str
    party: str | None = None
    country: bool = False
    government: str | None = None
    region: bool = False  # a province or state inside a country, with a government of its own


@dataclass(frozen=True, slots=True, kw_only=True)
class Lexicon:
    """Compiled lexicons: alias tables, patterns built from them, and the raw lists rules need."""

    organisations: Mapping[str, Name]
    places: Mapping[str, Name]
    programmes: frozenset[str]
    demonyms: Mapping[str, str]
    # National news agencies and the country each reports from: "the minister" in Yonhap copy is Korea's.
    news_agency_countries: Mapping[str, str]
    # Country name -> the name its national government takes as a party ("Germany" -> "German Government").
    governments: Mapping[str, str]
    # A government's own bodies that sign in their own name -> that government ("Building Digital UK" ->
    # "UK Government"): a contract or stake between the two is the government's own business.
    body_governments: Mapping[str, str]
    # Every word naming a country (name, alias, adjective) -> the country's name, and the same words sorted.
    country_words: Mapping[str, str]
    country_word_list: tuple[str, ...]
    programme_suffixes: tuple[str, ...]
    organisation_suffixes: tuple[str, ...]
    organisation_heads: tuple[str, ...]
    tool_nouns: tuple[str, ...]
    roles: tuple[str, ...]
    government_roles: tuple[str, ...]
    name_titles: tuple[str, ...]
    agreement_nouns: Mapping[str, str]
    agreement_verbs: Mapping[str, str]
    agreement_pattern: re.Pattern[str]
    agreement_pattern_folded: re.Pattern[str]
    kind_priority: tuple[str, ...]
    generic_nouns: frozenset[str]
    # The same words in the order of `generic_nouns`: among general words, earlier ones give the kind.
    generic_order: tuple[str, ...]
    statuses: Mapping[str, str]
    status_pattern: re.Pattern[str]
    legal_nature: Mapping[str, str]
    legal_nature_pattern: re.Pattern[str]
    topic_terms: Mapping[str, tuple[tuple[str, int], ...]]
    topic_min_scores: Mapping[str, int]
    topic_pattern_exact: re.Pattern[str]
    topic_pattern_folded: re.Pattern[str]
    topic_index: Mapping[str, tuple[tuple[str, int], ...]]
    # The case-sensitive lists again, for `WordList.pattern_for` (same matches, found faster).
    organisation_words: WordList
    place_words: WordList
    programme_words: WordList
    topic_words_exact: WordList


def load_lexicon(*extra_dirs: str | Path) -> Lexicon:
    """Return the bundled lexicon merged with the files of `extra_dirs`, in order; none: the bundled one.

    The folders are the caller's to give (`settings.tagging.lexicon_dirs`); nothing here reads the
    environment. Results are cached per list of folders, so calling this for every document is cheap.

    Raises:
        ConfigError: a lexicon file cannot be read or parsed, or an extra folder does not exist.
    """
    return _load_cached(tuple(str(d) for d in extra_dirs))


def bundled_lexicon() -> Lexicon:
    """The lexicon govwatch ships, without any folder of the user's."""
    return _load_cached(())


@functools.lru_cache(maxsize=8)
def _load_cached(extra_dirs: tuple[str, ...]) -> Lexicon:
    data: dict[str, Any] = {}
    for directory in (LEXICON_DIR, *(Path(d) for d in extra_dirs)):
        if not directory.is_dir():
            raise ConfigError(
                f"lexicon folder {directory} does not exist; create it, or fix [tagging] lexicon_dirs "
                f"or {LEXICON_DIR_ENV}"
            )
        for path in sorted(directory.glob("*.toml")):
            try:
                with path.open("rb") as handle:
                    merge_lexicon_data(data, tomllib.load(handle))
            except (OSError, tomllib.TOMLDecodeError) as error:
                raise ConfigError(f"cannot read lexicon {path}: {error}; fix or remove the file") from error
            log.debug("lexicon file %s loaded", path)
    return build_lexicon(data)


def merge_lexicon_data(into: dict[str, Any], more: Mapping[str, Any]) -> None:
    """Merge one parsed TOML file into `into`: lists are appended, tables merged key by key.

    >>> data = {"roles": ["CEO"], "topics": {"ai": {"terms": ["AI"]}}}
    >>> merge_lexicon_data(data, {"roles": ["Chair"], "topics": {"ai": {"terms": ["LLM"], "min_score": 3}}})
    >>> data["roles"], data["topics"]["ai"]
    (['CEO', 'Chair'], {'terms': ['AI', 'LLM'], 'min_score': 3})
    """
    for key, value in more.items():
        current = into.get(key)
        if isinstance(current, list) and isinstance(value, list):
            current.extend(value)
        elif isinstance(current, dict) and isinstance(value, dict):
            merge_lexicon_data(current, value)
        elif isinstance(value, dict):
            into[key] = {}
            merge_lexicon_data(into[key], value)
        elif isinstance(value, list):
            into[key] = list(value)
        else:
            into[key] = value


def build_lexicon(data: Mapping[str, Any]) -> Lexicon:
    """Compile merged lexicon data into a `Lexicon` (pure: no file access)."""
    organisations = _names(data.get("organisation", []))
    places = _names(data.get("place", []))
    demonyms = {str(k): str(v) for k, v in data.get("demonyms", {}).items()}
    country_words = {alias: place.name for alias, place in places.items() if place.country} | demonyms
    programmes = frozenset(_strings(data.get("programme_names", [])))
    # "alliances" is as general as "alliance", right after it in the order
    generic = dict.fromkeys(
        form
        for word in _strings(data.get("generic_nouns", []))
        for form in (word.lower(), *plural_forms(word.lower()))
    )
    singular_only = frozenset(_strings(data.get("singular_only", [])))
    nouns = with_plurals({str(k): str(v) for k, v in data.get("nouns", {}).items()}, singular_only)
    verbs = {str(k): str(v) for k, v in data.get("verbs", {}).items()}
    status_data = data.get("status", {})
    statuses: dict[str, str] = {}
    for status, words in status_data.items():  # earlier statuses win when a phrase is listed twice
        for word in _strings(words):
            statuses.setdefault(word.lower(), str(status))
    for status, verbs_of_status in data.get("status_verbs", {}).items():  # listed phrases win over derived
        for verb in _strings(verbs_of_status):
            for phrase, derived_status in status_phrases(verb, str(status)):
                statuses.setdefault(phrase, derived_status)
    legal = {str(k).lower(): str(v) for k, v in data.get("legal_nature", {}).items()}
    topic_terms: dict[str, list[tuple[str, int]]] = {}
    min_scores: dict[str, int] = {}
    for topic, rule in data.get("topics", {}).items():
        terms = [(t, 1) for t in _strings(rule.get("terms", []))]
        terms += [(t, 2) for t in _strings(rule.get("strong", []))]
        topic_terms[topic] = terms
        min_scores[topic] = int(rule.get("min_score", DEFAULT_TOPIC_MIN_SCORE))
    all_terms = {term for terms in topic_terms.values() for term, _ in terms}
    organisation_words, place_words = word_list(organisations), word_list(places)
    programme_words = word_list(programmes)
    topic_words_exact = word_list([t for t in all_terms if not t.islower()])
    return Lexicon(
        organisations=organisations,
        places=places,
        programmes=programmes,
        demonyms=demonyms,
        news_agency_countries={str(k): str(v) for k, v in data.get("news_agencies", {}).items()},
        governments=government_names(places, demonyms),
        body_governments={n.name: n.government for n in organisations.values() if n.government},
        country_words=country_words,
        country_word_list=tuple(sorted(country_words)),
        programme_suffixes=tuple(_strings(data.get("programme_suffixes", []))),
        organisation_suffixes=tuple(_strings(data.get("organisation_suffixes", []))),
        organisation_heads=tuple(_strings(data.get("organisation_heads", []))),
        tool_nouns=tuple(_strings(data.get("tool_nouns", []))),
        roles=tuple(_strings(data.get("roles", []))),
        government_roles=tuple(_strings(data.get("government_roles", []))),
        name_titles=tuple(_strings(data.get("name_titles", []))),
        agreement_nouns=nouns,
        agreement_verbs=verbs,
        agreement_pattern=_word_pattern([w for w in [*nouns, *verbs] if not w.islower()]),
        agreement_pattern_folded=_word_pattern([w.lower() for w in [*nouns, *verbs] if w.islower()]),
        kind_priority=tuple(_strings(data.get("kind_priority", []))),
        generic_nouns=frozenset(generic),
        generic_order=tuple(generic),
        statuses=statuses,
        status_pattern=_word_pattern(statuses),
        legal_nature=legal,
        legal_nature_pattern=_word_pattern([w.lower() for w in legal]),
        topic_terms={topic: tuple(terms) for topic, terms in topic_terms.items()},
        topic_min_scores=min_scores,
        topic_pattern_exact=topic_words_exact.pattern,
        # Lower-case terms start at almost every letter, so a look-behind that rejects mid-word starts
        # first is cheaper here than letting the trie try each position.
        topic_pattern_folded=re.compile(
            r"(?<![\w-])" + _word_pattern([t for t in all_terms if t.islower()]).pattern
        ),
        topic_index=_topic_index(topic_terms),
        organisation_words=organisation_words,
        place_words=place_words,
        programme_words=programme_words,
        topic_words_exact=topic_words_exact,
    )


# Irregular plurals of agreement nouns; "memorandums" is as common in releases as "memoranda".
_IRREGULAR_PLURALS: dict[str, tuple[str, ...]] = {"memorandum": ("memoranda", "memorandums")}
_PLURAL_WORDS = frozenset(p for plurals in _IRREGULAR_PLURALS.values() for p in plurals)
_UNCOUNTABLE = frozenset({"funding"})


def plural_forms(noun: str) -> tuple[str, ...]:
    """The plural forms of an agreement noun: its head word in the plural ("letters of intent").

    >>> plural_forms("memorandum of cooperation")
    ('memoranda of cooperation', 'memorandums of cooperation')
    >>> plural_forms("joint declaration of intent"), plural_forms("treaty"), plural_forms("MoU")
    (('joint declarations of intent',), ('treaties',), ('MoUs',))
    >>> plural_forms("agreements"), plural_forms("memoranda of understanding"), plural_forms("won the tender")
    ((), (), ())
    """
    if " the " in f" {noun} " or " a " in f" {noun} ":
        return ()  # a phrase with a verb ("won the tender"), not a noun
    phrase, of, after = noun.partition(" of ")
    before, _, head = phrase.rpartition(" ")
    before, after = f"{before} " if before else "", f"{of}{after}"
    if (head.endswith("s") and not head.isupper()) or head in _PLURAL_WORDS or head in _UNCOUNTABLE:
        return ()  # already plural ("accords", "heads of terms"), or no plural at all
    if head in _IRREGULAR_PLURALS:
        heads = _IRREGULAR_PLURALS[head]
    elif head.endswith(("ch", "sh", "x")):
        heads = (f"{head}es",)
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        heads = (f"{head[:-1]}ies",)
    else:
        heads = (f"{head}s",)
    return tuple(f"{before}{plural}{after}" for plural in heads)


def verb_forms(verb: str) -> tuple[str, str, str, str]:
    """The base, third-person, past and -ing forms of a verb, its first word inflected ("enter into").

    Irregular verbs are written with their forms: "strike|strikes|struck|striking".

    >>> verb_forms("sign"), verb_forms("forge"), verb_forms("enter into")
    (('sign', 'signs', 'signed', 'signing'), ('forge', 'forges', 'forged', 'forging'), \
('enter into', 'enters into', 'entered into', 'entering into'))
    >>> verb_forms("agree")[3], verb_forms("guarantee")[3]
    ('agreeing', 'guaranteeing')
    >>> verb_forms("establish"), verb_forms("ally"), verb_forms("strike|strikes|struck|striking")[2]
    (('establish', 'establishes', 'established', 'establishing'), ('ally', 'allies', 'allied', 'allying'), 'struck')
    """
    if "|" in verb:
        base, third, past, ing = (form.strip() for form in verb.lower().split("|"))
        return base, third, past, ing
    head, space, rest = verb.lower().partition(" ")
    tail = f"{space}{rest}"
    if head.endswith("ee"):
        forms = (f"{head}s", f"{head}d", f"{head}ing")
    elif head.endswith("e"):
        forms = (f"{head}s", f"{head}d", f"{head[:-1]}ing")
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        forms = (f"{head[:-1]}ies", f"{head[:-1]}ied", f"{head}ing")
    elif head.endswith(("ch", "sh", "ss", "x")):
        forms = (f"{head}es", f"{head}ed", f"{head}ing")
    else:
        forms = (f"{head}s", f"{head}ed", f"{head}ing")
    return (f"{head}{tail}", *(f"{form}{tail}" for form in forms))  # type: ignore[return-value]


# Words before a verb's base form (or "be" and its past) that put what it does in the future.
_FUTURE_WORDS = ("will", "to", "would", "shall")


def status_phrases(verb: str, status: str) -> list[tuple[str, str]]:
    """Every phrase a status verb gives: its third-person and past forms with `status`; its -ing form
    ("finalising a deal") and its future ("will form", "to be signed") as planned.

    The base form alone is left out: it is as often a noun ("a form of state aid", "a seal").

    >>> status_phrases("form", "signed")[:4]
    [('forms', 'signed'), ('formed', 'signed'), ('forming', 'planned'), ('will form', 'planned')]
    >>> ("will be formed", "planned") in status_phrases("form", "signed")
    True
    """
    base, third, past, ing = verb_forms(verb)
    phrases = [(third, status), (past, status), (ing, "planned")]
    for word in _FUTURE_WORDS:
        phrases += [(f"{word} {base}", "planned"), (f"{word} be {past}", "planned")]
    return phrases


def with_plurals(nouns: Mapping[str, str], singular_only: Iterable[str] = ()) -> dict[str, str]:
    """The agreement nouns with the plural of each that the lexicon does not list itself."""
    table = dict(nouns)
    for noun, kind in nouns.items():
        for plural in () if noun in singular_only else plural_forms(noun):
            table.setdefault(plural, kind)
    return table


def government_names(places: Mapping[str, Name], demonyms: Mapping[str, str]) -> dict[str, str]:
    """Name each country's national government as a party: the place's own `government` key, else the
    country's adjective ("German Government"), else "Government of X".

    >>> places = {"Germany": Name(name="Germany", country=True), "Tuvalu": Name(name="Tuvalu", country=True)}
    >>> government_names(places, {"German": "Germany"})
    {'Germany': 'German Government', 'Tuvalu': 'Government of Tuvalu'}
    """
    adjectives: dict[str, str] = {}
    for adjective, country in demonyms.items():
        adjectives.setdefault(country, adjective)
    names: dict[str, str] = {}
    for place in places.values():
        if not place.country or place.name in names:
            continue
        if place.government:
            names[place.name] = place.government
        elif place.name in adjectives:
            names[place.name] = f"{adjectives[place.name]} Government"
        else:
            names[place.name] = f"Government of {place.name}"
    return names


def _topic_index(topic_terms: Mapping[str, list[tuple[str, int]]]) -> dict[str, tuple[tuple[str, int], ...]]:
    """Map each term to the (topic, weight) pairs it scores for."""
    index: dict[str, list[tuple[str, int]]] = {}
    for topic, terms in topic_terms.items():
        for term, weight in terms:
            index.setdefault(term, []).append((topic, weight))
    return {term: tuple(pairs) for term, pairs in index.items()}


def _names(entries: Iterable[Mapping[str, Any]]) -> dict[str, Name]:
    """Map every alias (and the name itself) to its canonical `Name`; later entries win."""
    table: dict[str, Name] = {}
    for entry in entries:
        name = Name(
            name=str(entry["name"]),
            party=entry.get("party"),
            country=bool(entry.get("country", False)),
            government=entry.get("government"),
            region=bool(entry.get("region", False)),
        )
        for alias in (name.name, *_strings(entry.get("aliases", []))):
            table[alias] = name
            # "Digital Health & Care Wales" is the body the lexicon spells with "and", and the other way round
            for spelling in (alias.replace(" and ", " & "), alias.replace(" & ", " and ")):
                table.setdefault(spelling, name)
    return table


def _strings(values: Iterable[object]) -> list[str]:
    return [str(v) for v in values if str(v).strip()]


def fold_case(text: str) -> str:
    """Lower-case `text` without moving any offset, for matching the lower-case word lists.

    Matching lower-case patterns against lower-cased text is several times faster than IGNORECASE.
    A few characters grow when lower-cased ("İ"); those are left as they are.

    >>> fold_case("MoU İstanbul")
    'mou İstanbul'
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def find_words(
    pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None
) -> Iterator[re.Match[str]]:
    """Yield the matches of a lexicon pattern that start a word ("UK" in "GOV.UK" or "UKRI" does not).

    >>> [m.group() for m in find_words(_word_pattern(["UK"]), "GOV.UK, UKRI and the UK")]
    ['UK']
    """
    end = len(text) if end is None else end
    position: int | None = start
    while position is not None and position < end:
        restart = None
        for match in pattern.finditer(text, position, end):
            first = match.start()
            if first > 0 and (text[first - 1].isalnum() or text[first - 1] in WORD_JOINERS):
                restart = first + 1  # rare: search again just after the false start
                break
            yield match
        position = restart


# Every character that may stand before a word other than a space: ASCII punctuation and controls that
# are not word joiners, and all non-ASCII characters (letters among them are filtered out afterwards).
_OTHER_BOUNDARY = r"[\x00-\x1f!-,:-?\[-^`{-\U0010ffff]"


@functools.lru_cache(maxsize=64)
def _start_scans(pattern: re.Pattern[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Compile `pattern` behind a space, and behind any other character that may open a word."""
    body = "(?:" + pattern.pattern + ")"
    return re.compile(" " + body, pattern.flags), re.compile(_OTHER_BOUNDARY + body, pattern.flags)


def scan_words(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Return what `find_words(pattern, text)` yields, found faster for lower-case word lists.

    A lower-case list starts at almost every letter, so a plain scan tries the whole trie at each of
    them. Here the regex engine jumps from space to space (a literal first character is searched for
    quickly) and tries the trie only where a word starts; a second scan covers words after any other
    character ("(", a quote, a line break), and the text's first word is tried on its own.

    >>> [m.group() for m in scan_words(_word_pattern(["mou", "signed"]), "signed (mou) gov.mou mou")]
    ['signed', 'mou', 'mou']
    """
    spaced, other = _start_scans(pattern)
    found: list[re.Match[str]] = []
    position = 0
    first = pattern.match(text)
    if first is not None and first.end() > 0:
        found.append(first)
        position = first.end() - 1  # the character before the next word may be the match's last one
    after_space = spaced.search(text, position)
    after_other = other.search(text, position)
    while after_space is not None or after_other is not None:
        if after_other is None or (after_space is not None and after_space.start() < after_other.start()):
            hit, from_space = after_space, True
        else:
            hit, from_space = after_other, False
        if hit is None:  # cannot happen: the loop runs while one of the two is set
            break
        before = text[hit.start()]
        match = None
        if from_space or not (before.isalnum() or before in WORD_JOINERS):
            match = pattern.match(text, hit.start() + 1)
        if match is None or match.end() <= match.start():
            position = hit.start() + 1  # a letter before the word: look again just after it
        else:
            found.append(match)
            position = match.end() - 1
        if after_space is not None and (after_space.start() < position or after_space is hit):
            after_space = spaced.search(text, position)
        if after_other is not None and (after_other.start() < position or after_other is hit):
            after_other = other.search(text, position)
    return found
